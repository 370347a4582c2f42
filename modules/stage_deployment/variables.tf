variable "name_prefix" {
  description = "Prefix of the role names: <name_prefix>-<stage_name>-deploy, <name_prefix>-<stage_name>-cloudformation and <name_prefix>-<stage_name>-sagemaker. The tooling account computes the same names, so keep it equal to what the tooling side (cross_account_sharing's stages, the project templates) expects. name_prefix and stage_name together may have at most 48 characters, so that the longest name stays within IAM's 64."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,47}$", var.name_prefix))
    error_message = "name_prefix must be 1 to 47 letters, digits or + = , . @ _ - (the characters IAM accepts in role names)."
  }

  validation {
    condition     = length(var.name_prefix) + length(var.stage_name) <= 48
    error_message = "name_prefix and stage_name together have ${length(var.name_prefix) + length(var.stage_name)} characters, over 48: the longest role name, <name_prefix>-<stage_name>-cloudformation, would exceed IAM's 64. Shorten either."
  }
}

variable "stage_name" {
  description = "Name of the stage this account hosts, for example staging or prod (lowercase letters, digits, single hyphens). Part of every role name."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", var.stage_name)) && length(var.stage_name) <= 32
    error_message = "stage_name must be 1 to 32 lowercase letters, digits and single hyphens, starting with a letter, for example staging or prod-eu."
  }
}

variable "tooling_account_id" {
  description = "Id of the tooling account (12 digits): where the Service Catalog portfolio, the SageMaker projects, their pipelines, the model registry and the artifact buckets live."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.tooling_account_id))
    error_message = "tooling_account_id must be the 12-digit id of the tooling account, for example 111122223333."
  }
}

variable "trusted_principal_arns" {
  description = "Role ARNs in the tooling account that may assume the deploy role, for example the project pipelines' codepipeline use role and the cloudformation use role. The trust policy names the tooling account root as principal and these ARNs in an ArnEquals aws:PrincipalArn condition, so the roles need not exist yet."
  type        = list(string)

  validation {
    condition     = length(var.trusted_principal_arns) > 0
    error_message = "trusted_principal_arns must name at least one tooling-account role: a deploy role nobody may assume deploys nothing."
  }

  validation {
    condition     = alltrue([for arn in var.trusted_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "Each trusted_principal_arns entry must be a role ARN without wildcards, for example arn:aws:iam::111122223333:role/acme-ml-codepipeline."
  }

  validation {
    condition     = alltrue([for arn in var.trusted_principal_arns : try(split(":", arn)[4], "") == var.tooling_account_id])
    error_message = "Every trusted_principal_arns entry must be a role of the tooling account ${var.tooling_account_id}; found: ${join(", ", [for arn in var.trusted_principal_arns : arn if try(split(":", arn)[4], "") != var.tooling_account_id])}."
  }
}

variable "resource_name_prefix" {
  description = "Name prefix of what the deploy templates create and read: CloudFormation stacks, SageMaker models, endpoint configs and endpoints in this account, and the model package groups in the tooling account's registry. The roles may act only on resources whose names start with it."
  type        = string
  default     = "sagemaker-"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.resource_name_prefix))
    error_message = "resource_name_prefix must be 3 to 32 lowercase letters, digits and hyphens starting with a letter, for example sagemaker- or acme-ml-."
  }
}

variable "artifact_bucket_arns" {
  description = "ARNs of the tooling-account S3 buckets (wildcards allowed, for example arn:aws:s3:::sagemaker-*) holding the pipeline artifacts and model artifacts: the deploy role reads their objects (templates), the SageMaker execution role reads the model data. Their bucket policies must grant these roles too."
  type        = list(string)

  validation {
    condition     = length(var.artifact_bucket_arns) > 0
    error_message = "artifact_bucket_arns must name at least one bucket: without artifacts there is nothing to deploy."
  }

  validation {
    condition     = alltrue([for arn in var.artifact_bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9*?][a-z0-9.*?-]{0,62}$", arn))])
    error_message = "Each artifact_bucket_arns entry must be a bucket ARN (wildcards * and ? allowed, no object path), for example arn:aws:s3:::sagemaker-* or arn:aws:s3:::acme-ml-artifacts-111122223333."
  }
}

variable "artifact_kms_key_arns" {
  description = "ARNs of the tooling-account KMS keys that encrypt the artifacts (for example cross_account_sharing's kms_key_arn). The deploy and SageMaker execution roles may decrypt with them only through S3 (kms:ViaService). Empty: the artifacts are not KMS-encrypted with a customer key."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.artifact_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9*-]+$", arn))])
    error_message = "Each artifact_kms_key_arns entry must be a KMS key ARN (not an alias: aliases do not authorize key use), for example arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab."
  }

  validation {
    condition     = alltrue([for arn in var.artifact_kms_key_arns : try(split(":", arn)[4], "") == var.tooling_account_id])
    error_message = "Every artifact_kms_key_arns entry must be a key of the tooling account ${var.tooling_account_id}."
  }
}

variable "permissions_boundary_arn" {
  description = "ARN of a managed policy set as permissions boundary on every role the module creates; null for none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", coalesce(var.permissions_boundary_arn, "-")))
    error_message = "permissions_boundary_arn must be a managed policy ARN such as arn:aws:iam::555566667777:policy/platform-boundary."
  }
}

variable "iam_path" {
  description = "IAM path of the roles, for example /sagemaker-projects/. Must start and end with a slash; the tooling side must use the same path in the ARNs it computes."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = length(var.iam_path) <= 512 && can(regex("^/([A-Za-z0-9+=,.@_-]+/)*$", var.iam_path))
    error_message = "iam_path must start and end with / and hold only letters, digits and + = , . @ _ - between the slashes, for example /sagemaker-projects/."
  }
}

variable "tags" {
  description = "Tags for the roles, merged over the provider's default_tags."
  type        = map(string)
  default     = {}
  nullable    = false
}
