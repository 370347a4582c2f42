variable "bucket_name" {
  description = "Name of the bucket that holds the project templates. Globally unique; 3-63 characters of lowercase letters, digits, dots and hyphens."
  type        = string

  validation {
    condition     = length(var.bucket_name) >= 3 && length(var.bucket_name) <= 63
    error_message = "bucket_name must be 3 to 63 characters long: shorten the prefix or the environment name."
  }

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", var.bucket_name)) && !strcontains(var.bucket_name, "..")
    error_message = "bucket_name may hold only lowercase letters, digits, dots and hyphens, and must start and end with a letter or digit."
  }
}

variable "templates" {
  description = "Project templates to publish, by template name (1-32 letters, digits and hyphens; it becomes <key_prefix><name>.yaml): source_path is the rendered CloudFormation template (YAML) on disk, description a one-line summary stored as object metadata."
  type = map(object({
    source_path = string
    description = string
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for name in keys(var.templates) : can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$", name))])
    error_message = "Each template name must be 1-32 letters, digits and single or repeated hyphens, starting and ending with a letter or digit (SageMaker's TemplateName rule), for example model-build-train."
  }

  validation {
    condition     = alltrue([for template in values(var.templates) : can(regex("\\.ya?ml$", template.source_path))])
    error_message = "Each source_path must name a YAML CloudFormation template (.yaml or .yml): SageMaker projects read only YAML templates from S3."
  }

  validation {
    condition     = alltrue([for template in values(var.templates) : fileexists(template.source_path)])
    error_message = "Each source_path must be an existing file; render the template first, and give the path relative to the root module (for example \"$${path.root}/templates/model-build.yaml\")."
  }

  validation {
    condition     = alltrue([for template in values(var.templates) : can(regex("^[ -~]{1,512}$", template.description))])
    error_message = "Each description must be 1-512 printable ASCII characters (it is stored as S3 object metadata, which allows ASCII only)."
  }
}

variable "key_prefix" {
  description = "Folder in the bucket that holds the templates, ending in a slash (\"\" for the bucket root). The domain tag points here."
  type        = string
  default     = "templates/"

  validation {
    condition     = var.key_prefix == "" || can(regex("^[a-zA-Z0-9!_.*'()-]+(/[a-zA-Z0-9!_.*'()-]+)*/$", var.key_prefix))
    error_message = "key_prefix must be empty or folder names of safe S3 key characters separated and ended by a slash, for example templates/ (no leading slash)."
  }
}

variable "kms_key_alias" {
  description = "Alias for the bucket's customer-managed KMS key, without the alias/ prefix. Defaults to <bucket_name>."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_alias == null || can(regex("^[a-zA-Z0-9/_-]{1,250}$", var.kms_key_alias))
    error_message = "kms_key_alias may hold letters, digits, slashes, underscores and hyphens (at most 250), without the alias/ prefix."
  }

  validation {
    condition     = var.kms_key_alias == null || !startswith(coalesce(var.kms_key_alias, "-"), "aws/")
    error_message = "kms_key_alias must not start with aws/: that prefix is reserved for AWS managed keys."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Days KMS waits before deleting the bucket's key after the module is destroyed (7-30)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "cors_allowed_origins" {
  description = "Browser origins allowed to read the templates (CORS). The default matches SageMaker Studio's origins in every region (https://<domain-id>.studio.<region>.sagemaker.aws)."
  type        = list(string)
  default     = ["https://*.sagemaker.aws"]

  validation {
    condition     = length(var.cors_allowed_origins) > 0
    error_message = "cors_allowed_origins must list at least one origin, or Studio cannot show the templates; the usual value is https://*.sagemaker.aws."
  }

  validation {
    condition     = alltrue([for origin in var.cors_allowed_origins : can(regex("^https://[a-zA-Z0-9*.-]+(:[0-9]{1,5})?$", origin)) && origin != "https://*"])
    error_message = "Each origin must be an https:// origin without a path, for example https://*.sagemaker.aws; a bare * or https://* would let any site read the templates."
  }
}

variable "reader_principal_arns" {
  description = "IAM principal ARNs (the SageMaker domain's execution roles, the projects' launch role) granted read access to the templates and their tags, and decrypt through S3 with the bucket's key. Defaults to the account root, delegating to IAM policies."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.reader_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$|^arn:aws[a-z-]*:iam::[0-9]{12}:root$", arn))])
    error_message = "Each entry must be an IAM role, user or account-root ARN, for example arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole."
  }
}

variable "include_conditional_denies" {
  description = "Include the bucket-policy statement that denies non-TLS requests. Set false ONLY for the local emulator, which cannot evaluate policy conditions and would treat the deny as unconditional."
  type        = bool
  default     = true
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which superseded template versions are deleted (1-3650). Current versions are never expired."
  type        = number
  default     = 365

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && var.noncurrent_version_expiration_days <= 3650
    error_message = "noncurrent_version_expiration_days must be between 1 and 3650."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket while it still holds objects and versions. Keep false where published templates must survive a mistaken destroy."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the bucket, the key and the template objects, merged over the provider's default_tags. S3 objects take at most 10 tags in all, one of them sagemaker:studio-visibility."
  type        = map(string)
  default     = {}
}
