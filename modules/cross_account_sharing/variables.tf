variable "name_prefix" {
  description = "Prefix of the KMS key alias (alias/<name_prefix>-cross-account-artifacts), for example acme-ml-prod."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", var.name_prefix)) && !startswith(lower(var.name_prefix), "aws")
    error_message = "name_prefix must be 1 to 64 letters, digits, _ or -, starting with a letter or digit, and must not start with aws (reserved for AWS managed key aliases)."
  }
}

variable "stages" {
  description = "The stage accounts that deploy from this tooling account, keyed by stage name (lowercase letters, digits, single hyphens): each with its account_id and the principal_arns of the roles there to grant (the stage_deployment module's deploy and SageMaker execution roles, whose names are deterministic, so they need not exist yet). Every grant names the stage account root as principal and these ARNs in an ArnEquals aws:PrincipalArn condition."
  type = map(object({
    account_id     = string
    principal_arns = list(string)
  }))

  validation {
    condition     = length(var.stages) > 0
    error_message = "stages must name at least one stage account: without one there is nothing to share."
  }

  validation {
    condition     = alltrue([for stage in keys(var.stages) : can(regex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", stage)) && length(stage) <= 32])
    error_message = "Each stage name must be 1 to 32 lowercase letters, digits and single hyphens, starting with a letter, for example staging or prod-eu."
  }

  validation {
    condition     = length(distinct([for stage in keys(var.stages) : replace(stage, "-", "")])) == length(var.stages)
    error_message = "Stage names must differ in more than hyphens (prod-1 and prod1 give the same statement id): rename one."
  }

  validation {
    condition     = alltrue([for stage in values(var.stages) : can(regex("^[0-9]{12}$", stage.account_id))])
    error_message = "Each stage's account_id must be a 12-digit account id, for example 555566667777."
  }

  validation {
    condition     = alltrue([for stage in values(var.stages) : length(stage.principal_arns) > 0])
    error_message = "Each stage needs at least one entry in principal_arns: the roles there that deploy and run the endpoints."
  }

  validation {
    condition = alltrue(flatten([
      for stage in values(var.stages) : [
        for arn in stage.principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn)) && try(split(":", arn)[4], "") == stage.account_id
      ]
    ]))
    error_message = "Each principal_arns entry must be a role ARN without wildcards in its own stage's account; wrong: ${join(", ", flatten([for name, stage in var.stages : [for arn in stage.principal_arns : "${name}: ${arn}" if !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn)) || try(split(":", arn)[4], "") != stage.account_id]]))}."
  }
}

variable "resource_name_prefix" {
  description = "Name prefix of the model package groups the project templates create (<resource_name_prefix><project>); the model package group policy shares only groups and packages whose names start with it."
  type        = string
  default     = "sagemaker-"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.resource_name_prefix))
    error_message = "resource_name_prefix must be 3 to 32 lowercase letters, digits and hyphens starting with a letter, for example sagemaker- or acme-ml-."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Days KMS waits before deleting the key after the module is destroyed (7-30)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "ssm_parameter_prefix" {
  description = "SSM parameter path under which the settings are published for the project templates ({{resolve:ssm:<prefix>kms-key-arn}}): must start and end with a slash."
  type        = string
  default     = "/sagemaker-projects/cross-account/"
  nullable    = false

  validation {
    condition     = can(regex("^/([A-Za-z0-9_.-]+/)+$", var.ssm_parameter_prefix)) && length(var.ssm_parameter_prefix) <= 950
    error_message = "ssm_parameter_prefix must be a path such as /sagemaker-projects/cross-account/: start and end with /, letters, digits, _ . - between the slashes, at most 950 characters."
  }

  validation {
    condition     = !can(regex("^/(aws|ssm)", lower(var.ssm_parameter_prefix)))
    error_message = "ssm_parameter_prefix must not start with /aws or /ssm: SSM reserves those names."
  }

  validation {
    condition     = length(split("/", var.ssm_parameter_prefix)) - 2 <= 14
    error_message = "ssm_parameter_prefix may have at most 14 levels: SSM allows 15 in a parameter name, and the module adds one."
  }
}

variable "tags" {
  description = "Tags for the key and the parameters, merged over the provider's default_tags."
  type        = map(string)
  default     = {}
  nullable    = false
}
