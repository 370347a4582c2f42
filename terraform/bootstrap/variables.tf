variable "account_id" {
  description = "The AWS account that holds the state bucket; Terraform refuses credentials of any other account."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits, e.g. \"111122223333\"."
  }
}

variable "region" {
  description = "Region of the state bucket (the `backend.region` of the environments that use it)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "state_bucket_name" {
  description = "Name of the state bucket (the `backend.bucket` of the environments that use it)."
  type        = string
}

variable "kms_key_alias" {
  description = "Alias of the state bucket's KMS key without alias/ (the `backend.kms_key_id` is alias/<this>)."
  type        = string
  default     = "terraform-state"
}

variable "reader_principal_arns" {
  description = "Deploy roles (also of other accounts) that read and write state in this bucket."
  type        = list(string)
  default     = []
}

variable "force_destroy" {
  description = "Let destroy remove the bucket with all state versions in it. Keep false outside the emulator."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for everything the bootstrap creates (applied as the provider's default_tags)."
  type        = map(string)
  default     = {}
}

variable "emulator_endpoint" {
  description = "Loopback URL of the local AWS emulator; null (the default) for a real account."
  type        = string
  default     = null

  validation {
    condition     = var.emulator_endpoint == null || can(regex("^http://(127\\.[0-9]+\\.[0-9]+\\.[0-9]+|localhost):[0-9]{2,5}$", coalesce(var.emulator_endpoint, "-")))
    error_message = "emulator_endpoint must be an http:// URL on the loopback interface, or null."
  }
}
