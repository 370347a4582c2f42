variable "product_name" {
  description = "Name of the Service Catalog product, as SageMaker Studio lists it among the organization templates (1-100 characters)."
  type        = string

  validation {
    condition     = length(trimspace(var.product_name)) >= 1 && length(var.product_name) <= 100
    error_message = "product_name must be 1 to 100 characters long and not blank."
  }
}

variable "description" {
  description = "What a project created from the template gets, shown in SageMaker Studio (at most 8191 characters)."
  type        = string

  validation {
    condition     = length(trimspace(var.description)) >= 1 && length(var.description) <= 8191
    error_message = "description must say in 1 to 8191 characters what a project created from the template gets."
  }
}

variable "owner" {
  description = "Owner of the product (team or person), shown in Service Catalog (1-8191 characters)."
  type        = string

  validation {
    condition     = length(trimspace(var.owner)) >= 1 && length(var.owner) <= 8191
    error_message = "owner must be 1 to 8191 characters long and not blank, for example \"ML Platform Team\"."
  }
}

variable "distributor" {
  description = "Distributor (vendor) of the product, or null."
  type        = string
  default     = null
}

variable "support_email" {
  description = "Contact email for questions about the template, or null."
  type        = string
  default     = null

  validation {
    condition     = var.support_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", coalesce(var.support_email, "-")))
    error_message = "support_email must be an email address such as ml-platform@example.com."
  }
}

variable "support_url" {
  description = "Contact URL (runbook, chat channel) for the template, or null."
  type        = string
  default     = null

  validation {
    condition     = var.support_url == null || can(regex("^https?://", coalesce(var.support_url, "-")))
    error_message = "support_url must start with https:// (or http://)."
  }
}

variable "portfolio_id" {
  description = "Id of the Service Catalog portfolio the product is added to (output portfolio_id of modules/service_catalog_portfolio)."
  type        = string

  validation {
    condition     = can(regex("^port-[a-z0-9]{8,32}$", var.portfolio_id))
    error_message = "portfolio_id must look like port-abcdefghijklm (the id, not the ARN or the name, of the portfolio)."
  }
}

variable "launch_role_arn" {
  description = "ARN of the IAM role Service Catalog assumes to create the template's resources (the LAUNCH constraint). It must allow every resource type the template creates: see the README."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.launch_role_arn))
    error_message = "launch_role_arn must be an IAM role ARN, for example arn:aws:iam::111122223333:role/service-role/AmazonSageMakerServiceCatalogProductsLaunchRole."
  }
}

variable "templates_bucket_name" {
  description = "Existing S3 bucket the rendered CloudFormation templates are uploaded to; Service Catalog reads each template from it when a version is created."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.templates_bucket_name))
    error_message = "templates_bucket_name must be an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens."
  }
}

variable "templates_key_prefix" {
  description = "Key prefix for the template objects in the bucket: empty, or path segments ending with a slash (no leading slash)."
  type        = string
  default     = "sagemaker-project-templates/"

  validation {
    condition     = var.templates_key_prefix == "" || can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$", var.templates_key_prefix))
    error_message = "templates_key_prefix must be empty or look like templates/ or a/b/ (end with a slash, no leading slash, no spaces)."
  }
}

variable "templates_kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the template objects. The principals that create product versions need kms:Decrypt on it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+$", var.templates_kms_key_arn))
    error_message = "templates_kms_key_arn must be a KMS key (or alias) ARN, for example arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab."
  }
}

variable "versions" {
  description = "Versions (provisioning artifacts) of the product: version name -> the rendered template file, an optional description, and whether the version is active and its guidance (DEFAULT or DEPRECATED). A published version is immutable: to change the template, add a new version; keep old ones and deprecate them. active and guidance of initial_version are ignored (see the README)."
  type = map(object({
    template_file = string
    description   = optional(string)
    active        = optional(bool, true)
    guidance      = optional(string, "DEFAULT")
  }))

  validation {
    condition     = length(var.versions) > 0
    error_message = "versions needs at least one version, for example { \"1.0.0\" = { template_file = \"templates/model-build.yaml\" } }."
  }

  validation {
    condition     = alltrue([for name in keys(var.versions) : can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", name))])
    error_message = "Each version name must be 1-64 letters, digits, dots, underscores or hyphens, starting with a letter or digit (for example 1.2.0)."
  }

  validation {
    condition     = alltrue([for version in values(var.versions) : fileexists(version.template_file)])
    error_message = "Each template_file must name an existing file; pass it relative to the root module as \"$${path.module}/...\" or as an absolute path."
  }

  validation {
    condition     = alltrue([for version in values(var.versions) : contains(["DEFAULT", "DEPRECATED"], version.guidance)])
    error_message = "guidance must be DEFAULT or DEPRECATED (DEPRECATED hides the version from new launches in SageMaker Studio while existing projects keep it)."
  }
}

variable "initial_version" {
  description = "The version (a key of versions) the product is created with. It stays the product's first provisioning artifact for good: never change or remove it."
  type        = string

  validation {
    condition     = contains(keys(var.versions), var.initial_version)
    error_message = "initial_version must be one of the keys of versions (the version the product was first created with)."
  }
}

variable "team" {
  description = "Team that may launch the product: set as the product tag team=<team>, which IAM policies test with aws:ResourceTag/team on servicecatalog:ProvisionProduct. Null for a product every portfolio user may launch."
  type        = string
  default     = null

  validation {
    condition     = var.team == null || can(regex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$", coalesce(var.team, "-")))
    error_message = "team must be 1-63 letters, digits, dots, underscores or hyphens, starting with a letter or digit (the same name as in the portfolio's teams)."
  }
}

variable "tag_option_ids" {
  description = "TagOptions to associate with the product (in addition to the portfolio's), keyed by a stable name such as \"key=value\": typically a subset of the tag_option_ids output of modules/service_catalog_portfolio."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for id in values(var.tag_option_ids) : can(regex("^tag-[a-z0-9]{8,32}$", id))])
    error_message = "Each TagOption id must look like tag-abcdefghijklm (the id, not the key or value)."
  }
}

variable "tags" {
  description = "Tags for the product and the template objects, merged over the provider's default_tags. The module sets sagemaker:studio-visibility and team itself."
  type        = map(string)
  default     = {}

  validation {
    condition     = !contains(keys(var.tags), "sagemaker:studio-visibility") && !contains(keys(var.tags), "team")
    error_message = "tags must not set sagemaker:studio-visibility (always \"true\") or team (use the team input)."
  }
}
