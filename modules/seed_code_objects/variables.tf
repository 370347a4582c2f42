variable "bucket_name" {
  description = "Existing seed-code bucket (the seed_code_bucket module's bucket_name) the objects are uploaded to."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name (3-63 lowercase letters, digits, dots and hyphens)."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the objects (the seed_code_bucket module's kms_key_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN such as arn:aws:kms:eu-west-1:111122223333:key/<id>."
  }
}

variable "objects" {
  description = "Objects to upload, by S3 key (for example seedcode/model-build.zip): the local file and its sha256 (from glue's packaging manifest). A changed sha256 uploads a new version; an unchanged one plans no change."
  type = map(object({
    source = string
    sha256 = string
  }))

  validation {
    condition     = alltrue([for key, object in var.objects : length(key) <= 1024 && can(regex("^[A-Za-z0-9!_.*'()/-]+$", key)) && !startswith(key, "/")])
    error_message = "Each object key must be 1-1024 characters of letters, digits and !_.*'()/- and must not start with a slash."
  }

  validation {
    condition     = alltrue([for object in values(var.objects) : can(regex("^[0-9a-f]{64}$", object.sha256))])
    error_message = "Each sha256 must be 64 lowercase hexadecimal characters (the manifest's value)."
  }
}

variable "tags" {
  description = "Tags for the objects, merged over the provider's default_tags (S3 objects take at most 10 tags)."
  type        = map(string)
  default     = {}

  validation {
    condition     = length(var.tags) <= 10
    error_message = "S3 objects take at most 10 tags."
  }
}
