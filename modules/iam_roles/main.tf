data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # Every service that may get a use role, and whether it sets aws:SourceAccount when it assumes one
  # (Lambda does not for execution roles, CloudFormation does not for stack service roles).
  use_role_catalog = {
    codebuild      = { source_account_condition = true, purpose = "Builds and tests of the project repositories; starts SageMaker pipelines." }
    codepipeline   = { source_account_condition = true, purpose = "Runs the project pipelines: builds and CloudFormation deploys." }
    sagemaker      = { source_account_condition = true, purpose = "Execution role of the SageMaker pipelines, jobs and models." }
    events         = { source_account_condition = true, purpose = "EventBridge rules that start the deploy pipeline when a model is approved." }
    lambda         = { source_account_condition = false, purpose = "Lambda functions of the project (seed-code push to external Git, approval triggers)." }
    cloudformation = { source_account_condition = false, purpose = "Stacks that the deploy pipelines create (models and endpoints)." }
  }

  use_roles = {
    for service in var.use_role_services : service => merge(local.use_role_catalog[service], {
      name = "${var.name_prefix}-${service}"
    })
  }

  # Computed rather than read from the resources, so policies are known at plan time and cannot form cycles.
  launch_role_name = "${var.name_prefix}-launch"
  launch_role_arn  = "arn:${local.partition}:iam::${local.account_id}:role${var.iam_path}${local.launch_role_name}"
  use_role_arns = {
    for service in keys(local.use_role_catalog) :
    service => "arn:${local.partition}:iam::${local.account_id}:role${var.iam_path}${var.name_prefix}-${service}"
  }

  persona_documents = merge(
    { for persona, document in data.aws_iam_policy_document.data_scientist : persona => document.json },
    { for persona, document in data.aws_iam_policy_document.mlops_engineer : persona => document.json },
    { for persona, document in data.aws_iam_policy_document.admin : persona => document.json },
  )

  persona_purposes = {
    data_scientist = "Creates SageMaker projects from the allowed products, only with the required tags; may not approve models."
    mlops_engineer = "Approves model packages in the SageMaker model registry and deployments in the project pipelines."
    admin          = "Administers the Service Catalog portfolios, products and constraints of the SageMaker project templates."
  }

  # IAM counts an inline policy's characters without whitespace; 10,240 per role.
  launch_policy_size = length(jsonencode(jsondecode(data.aws_iam_policy_document.launch_role.json)))
}

resource "aws_iam_role" "launch" {
  name                 = local.launch_role_name
  path                 = var.iam_path
  description          = "Service Catalog launch role of the SageMaker project templates: creates what the products' templates declare."
  assume_role_policy   = data.aws_iam_policy_document.launch_role_trust.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags

  lifecycle {
    precondition {
      condition     = local.launch_policy_size <= 10240
      error_message = "The launch role policy has ${local.launch_policy_size} characters, over IAM's 10,240 for inline policies: split the products over two module instances with fewer template_resource_types each."
    }

    precondition {
      condition     = !contains(var.personas, "data_scientist") || (var.team != null && length(var.required_tags) > 0)
      error_message = "The data_scientist persona needs `team` (the products it may provision carry that team tag) and at least one entry in `required_tags` (the tags every new project must carry): set both, or remove data_scientist from personas."
    }

    precondition {
      condition     = !contains(var.template_resource_types, "AWS::IAM::Role") || var.permissions_boundary_arn != null
      error_message = "template_resource_types includes AWS::IAM::Role: set permissions_boundary_arn, so that the roles the templates create cannot exceed it, or remove AWS::IAM::Role."
    }
  }
}

resource "aws_iam_role_policy" "launch" {
  name   = "launch-permissions"
  role   = aws_iam_role.launch.id
  policy = data.aws_iam_policy_document.launch_role.json
}

resource "aws_iam_role" "use" {
  for_each = local.use_roles

  name                 = each.value.name
  path                 = var.iam_path
  description          = each.value.purpose
  assume_role_policy   = data.aws_iam_policy_document.use_role_trust[each.key].json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_policy" "use" {
  for_each = local.use_roles

  name        = each.value.name
  path        = var.iam_path
  description = "Least privilege of the ${each.key} use role on resources named ${var.resource_name_prefix}*."
  policy      = data.aws_iam_policy_document.use_role[each.key].json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "use" {
  for_each = local.use_roles

  role       = aws_iam_role.use[each.key].name
  policy_arn = aws_iam_policy.use[each.key].arn
}

resource "aws_iam_policy" "persona" {
  for_each = local.persona_documents

  name        = "${var.name_prefix}-${replace(each.key, "_", "-")}"
  path        = var.iam_path
  description = local.persona_purposes[each.key]
  policy      = each.value
  tags        = var.tags
}
