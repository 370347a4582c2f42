variable "bucket_name" {
  description = "Name of the seed-code bucket. Globally unique; 3-63 characters of lowercase letters, digits, dots and hyphens."
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
  description = "Days KMS waits before deleting the key after the module is destroyed (7-30)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "allowed_vpc_endpoint_ids" {
  description = "VPC endpoint ids through which the bucket may be reached. Requests arriving any other way are denied, except from exempt_principal_arns. Required when restrict_to_vpc_endpoints and include_conditional_denies are true."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.allowed_vpc_endpoint_ids : can(regex("^vpce-[0-9a-f]{8,17}$", id))])
    error_message = "Each entry must look like vpce-0123456789abcdef0 (the id of an S3 endpoint in the bucket's region)."
  }
}

variable "exempt_principal_arns" {
  description = "IAM principal ARNs (deploy and admin roles) that may reach the bucket from outside the allowed VPC endpoints, so that Terraform and break-glass admins are not locked out."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.exempt_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$|^arn:aws[a-z-]*:iam::[0-9]{12}:root$", arn))])
    error_message = "Each entry must be an IAM role, user or account-root ARN, for example arn:aws:iam::123456789012:role/platform-deploy."
  }
}

variable "reader_principal_arns" {
  description = "IAM principal ARNs (for example Service Catalog launch roles, also of other accounts) granted read access to the seed code and decrypt through S3 with the bucket's key."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.reader_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$|^arn:aws[a-z-]*:iam::[0-9]{12}:root$", arn))])
    error_message = "Each entry must be an IAM role, user or account-root ARN, for example arn:aws:iam::210987654321:role/sc-launch."
  }
}

variable "restrict_to_vpc_endpoints" {
  description = "Deny requests that do not come through allowed_vpc_endpoint_ids (exempt principals excepted). False only for buckets reached from outside any VPC, such as the Terraform state bucket."
  type        = bool
  default     = true
}

variable "kms_key_description" {
  description = "Description of the bucket's KMS key. Defaults to one naming the bucket."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_description == null || length(coalesce(var.kms_key_description, "-")) <= 8192
    error_message = "kms_key_description must be at most 8192 characters."
  }
}

variable "access_log_bucket" {
  description = "Name of an existing bucket that receives this bucket's S3 server access logs; null to leave access logging off (CloudTrail data events can audit instead)."
  type        = string
  default     = null

  validation {
    condition     = var.access_log_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", coalesce(var.access_log_bucket, "-")))
    error_message = "access_log_bucket must be an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)."
  }
}

variable "access_log_prefix" {
  description = "Key prefix for the access logs in access_log_bucket. Defaults to <bucket_name>/."
  type        = string
  default     = null
}

variable "include_conditional_denies" {
  description = "Include the conditional deny statements of the bucket policy (non-TLS requests; requests not through allowed_vpc_endpoint_ids when restrict_to_vpc_endpoints). Set false ONLY for the local emulator, which cannot evaluate policy conditions and would treat the denies as unconditional."
  type        = bool
  default     = true
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which superseded seed-code versions are deleted (1-3650). Current versions are never expired."
  type        = number
  default     = 365

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && var.noncurrent_version_expiration_days <= 3650
    error_message = "noncurrent_version_expiration_days must be between 1 and 3650."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket while it still holds objects and versions. Keep false for environments whose seed code must survive a mistaken destroy."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the bucket and the key, merged over the provider's default_tags."
  type        = map(string)
  default     = {}
}
