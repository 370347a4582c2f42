data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # Deterministic names, so the tooling account can compute the ARNs before the roles exist.
  role_names = {
    deploy         = "${var.name_prefix}-${var.stage_name}-deploy"
    cloudformation = "${var.name_prefix}-${var.stage_name}-cloudformation"
    sagemaker      = "${var.name_prefix}-${var.stage_name}-sagemaker"
  }

  # Computed rather than read from the resources, so the policies are known at plan time and cannot form cycles.
  role_arns = {
    for role, name in local.role_names : role => "arn:${local.partition}:iam::${local.account_id}:role${var.iam_path}${name}"
  }

  roles = {
    deploy = {
      description = "Assumed by the tooling account's project pipelines (${var.tooling_account_id}) to deploy the ${var.stage_name} stage's ${var.resource_name_prefix}* stacks."
      trust       = data.aws_iam_policy_document.deploy_trust.json
      policy      = data.aws_iam_policy_document.deploy.json
    }
    cloudformation = {
      description = "CloudFormation execution role of the ${var.stage_name} stage's ${var.resource_name_prefix}* stacks: SageMaker models, endpoint configs, endpoints and their auto scaling."
      trust       = data.aws_iam_policy_document.cloudformation_trust.json
      policy      = data.aws_iam_policy_document.cloudformation.json
    }
    sagemaker = {
      description = "Execution role of the ${var.stage_name} stage's ${var.resource_name_prefix}* SageMaker endpoints: reads model artifacts and the registry in the tooling account, pulls images, writes logs."
      trust       = data.aws_iam_policy_document.sagemaker_trust.json
      policy      = data.aws_iam_policy_document.sagemaker.json
    }
  }
}

resource "aws_iam_role" "this" {
  for_each = local.roles

  name                 = local.role_names[each.key]
  path                 = var.iam_path
  description          = each.value.description
  assume_role_policy   = each.value.trust
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  for_each = local.roles

  name   = "${each.key}-permissions"
  role   = aws_iam_role.this[each.key].id
  policy = each.value.policy
}
