variable "name" {
  description = "Display name of the portfolio, as SageMaker Studio and the Service Catalog console show it (1-100 characters)."
  type        = string

  validation {
    condition     = length(trimspace(var.name)) >= 1 && length(var.name) <= 100
    error_message = "name must be 1 to 100 characters long and not blank: shorten the prefix or the environment name."
  }
}

variable "description" {
  description = "What the portfolio offers and to whom (at most 2000 characters)."
  type        = string
  default     = "Custom Amazon SageMaker project templates."

  validation {
    condition     = length(var.description) <= 2000
    error_message = "description may be at most 2000 characters long."
  }
}

variable "provider_name" {
  description = "Name of the team that publishes the portfolio, shown as its provider (1-50 characters)."
  type        = string

  validation {
    condition     = length(trimspace(var.provider_name)) >= 1 && length(var.provider_name) <= 50
    error_message = "provider_name must be 1 to 50 characters long and not blank, for example \"ML Platform Team\"."
  }
}

variable "teams" {
  description = "Teams given access to the portfolio: team name -> IAM principal ARNs (roles, users or groups) associated with it. ARNs without an account id (arn:aws:iam:::role/name, wildcards allowed) are associated as IAM_PATTERN, so they also match in accounts the portfolio is shared with."
  type = map(object({
    principal_arns = list(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for team in keys(var.teams) : can(regex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$", team))])
    error_message = "Each team name must be 1-63 letters, digits, dots, underscores or hyphens, starting with a letter or digit (it becomes part of resource keys and of the team tag)."
  }

  validation {
    condition = alltrue(flatten([
      for team in values(var.teams) : [
        for arn in team.principal_arns : can(regex("^arn:aws[a-z-]*:iam::([0-9]{12})?:(role|user|group)/.+$", arn))
      ]
    ]))
    error_message = "Each principal ARN must be an IAM role, user or group ARN, for example arn:aws:iam::123456789012:role/ml-team-a-data-scientist, or without the account id (arn:aws:iam:::role/ml-team-a-*) to match the same name in every account the portfolio is shared with."
  }
}

variable "tag_options" {
  description = "TagOption library of the portfolio: tag key -> allowed values. Every product launched from the portfolio must carry one of the allowed values for each key (keys 1-128, values 1-256 characters, no aws: prefix)."
  type        = map(list(string))
  default     = {}

  validation {
    condition     = alltrue([for key in keys(var.tag_options) : length(key) >= 1 && length(key) <= 128 && !startswith(lower(key), "aws:")])
    error_message = "Each TagOption key must be 1 to 128 characters long and must not start with aws: (reserved by AWS)."
  }

  validation {
    condition     = alltrue([for key in keys(var.tag_options) : can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]+$", key))])
    error_message = "TagOption keys may hold only letters, digits, spaces and _ . : / = + - @."
  }

  validation {
    condition     = alltrue(flatten([for values in values(var.tag_options) : [for value in values : length(value) >= 1 && length(value) <= 256]]))
    error_message = "Each TagOption value must be 1 to 256 characters long."
  }

  validation {
    condition     = alltrue([for values in values(var.tag_options) : length(values) > 0 && length(values) == length(distinct(values))])
    error_message = "Each TagOption key needs at least one allowed value, and no value may be listed twice."
  }
}

variable "share_account_ids" {
  description = "AWS account ids (12 digits) the portfolio is shared with. The recipient account must accept each share (or the portfolio must be shared through AWS Organizations)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.share_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "Each account id must be exactly 12 digits, for example \"210987654321\" (quote it so leading zeros stay)."
  }
}

variable "organization" {
  description = "The AWS Organization that organization and OU shares go to: its id (o-...) and its management account id. Required when share_organizational_unit_ids is not empty or share_with_organization is true."
  type = object({
    id                    = string
    management_account_id = string
  })
  default = null

  validation {
    condition     = var.organization == null || can(regex("^o-[a-z0-9]{10,32}$", try(var.organization.id, "")))
    error_message = "organization.id must look like o-a1b2c3d4e5 (o- followed by 10-32 lowercase letters or digits)."
  }

  validation {
    condition     = var.organization == null || can(regex("^[0-9]{12}$", try(var.organization.management_account_id, "")))
    error_message = "organization.management_account_id must be exactly 12 digits (the account that owns the organization)."
  }
}

variable "share_organizational_unit_ids" {
  description = "Organizational unit ids the portfolio is shared with (every account in the OU). Needs `organization` and Service Catalog's trusted access to Organizations (aws_servicecatalog_organizations_access) in the management account."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.share_organizational_unit_ids : can(regex("^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$", id))])
    error_message = "Each organizational unit id must look like ou-ab12-cdef3456 (ou-, the root's 4-32 characters, -, 8-32 characters)."
  }

  validation {
    condition     = length(var.share_organizational_unit_ids) == 0 || var.organization != null
    error_message = "OU shares need the organization they belong to: set organization = { id = \"o-...\", management_account_id = \"...\" }."
  }
}

variable "share_with_organization" {
  description = "Share the portfolio with every account of `organization`."
  type        = bool
  default     = false

  validation {
    condition     = !var.share_with_organization || var.organization != null
    error_message = "share_with_organization needs the organization: set organization = { id = \"o-...\", management_account_id = \"...\" }."
  }
}

variable "share_principals" {
  description = "Share the team principal associations with organization and OU shares too, so that IAM_PATTERN principals get access in the recipient accounts. Ignored for account shares, which cannot share principals."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the portfolio, merged over the provider's default_tags."
  type        = map(string)
  default     = {}
}
