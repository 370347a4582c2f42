data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # The same policy every project template gives its model package group; minified for the SSM parameter.
  model_package_group_policy = jsonencode(jsondecode(data.aws_iam_policy_document.model_package_group.json))

  # Settings the project templates read with {{resolve:ssm:<name>}}. None is secret (see aws_ssm_parameter.this).
  ssm_parameters = {
    "kms-key-arn" = {
      description = "ARN of the KMS key that encrypts the SageMaker project artifacts shared with the stage accounts."
      value       = aws_kms_key.this.arn
      tier        = "Standard"
    }
    "model-package-group-policy" = {
      description = "Resource policy for every project's model package group: the stage accounts' roles may read it."
      value       = local.model_package_group_policy
      # Standard parameters hold 4 KB (about four stages of two roles); advanced ones 8 KB (about nine).
      tier = length(local.model_package_group_policy) > 4096 ? "Advanced" : "Standard"
    }
    "stage-accounts" = {
      description = "Stage name -> account id of the accounts the project pipelines deploy to (JSON)."
      value       = jsonencode({ for stage, settings in var.stages : stage => settings.account_id })
      tier        = "Standard"
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "Encrypts the SageMaker project artifacts (pipeline and model artifacts) that the ${join(", ", sort(keys(var.stages)))} stage accounts deploy from."
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}-cross-account-artifacts"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_ssm_parameter" "this" {
  for_each = local.ssm_parameters

  #checkov:skip=CKV2_AWS_34:These parameters hold a key ARN, account ids and a resource policy, none of them secret; CloudFormation dynamic references to SecureString ({{resolve:ssm-secure:...}}) are allowed in only a few resource properties and not in the ones the project templates set (model package group policy, KMS key, parameters), so the templates could not read them as SecureString.
  name           = "${var.ssm_parameter_prefix}${each.key}"
  description    = each.value.description
  type           = "String"
  insecure_value = each.value.value
  tier           = each.value.tier
  tags           = var.tags

  lifecycle {
    precondition {
      condition     = each.key != "model-package-group-policy" || length(each.value.value) <= 8192
      error_message = "The model package group policy has ${length(local.model_package_group_policy)} characters, over the 8 KB an advanced SSM parameter holds: grant fewer roles per stage, or split the stages over two module instances with their own ssm_parameter_prefix."
    }
  }
}
