locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.id
  prefix     = var.resource_name_prefix

  account_root_arn = "arn:${local.partition}:iam::${local.account_id}:root"

  # Statement ids from stage names: letters and digits only (prod-eu -> ProdEu).
  stage_grants = {
    for stage, settings in var.stages : stage => {
      sid            = replace(title(replace(stage, "-", " ")), " ", "")
      root_arn       = "arn:${local.partition}:iam::${settings.account_id}:root"
      principal_arns = settings.principal_arns
    }
  }

  model_package_groups = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:model-package-group/${local.prefix}*"
  # Model package ARNs are model-package/<group name>/<version>.
  model_packages = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:model-package/${local.prefix}*/*"
}

# ---------------------------------------------------------------------------------------------------------------
# Key policy: this account administers the key; each stage's roles may decrypt through S3 or SageMaker
# ---------------------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:A key policy's Resource "*" means this key only; the statement delegates the key to this (tooling) account's IAM policies, the AWS default, so the account cannot lock itself out.
  #checkov:skip=CKV_AWS_111:Same delegation to the tooling account's IAM policies, which then grant least privilege; the stage accounts get only DescribeKey and Decrypt.
  #checkov:skip=CKV_AWS_356:In a key policy "*" is the key itself; no other resource can be named.
  statement {
    sid       = "AccountAdministersKeyThroughIam"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root_arn]
    }
  }

  # The stage account root as principal and its roles in a condition: a role ARN as principal would be
  # rejected while the role does not exist yet (the stage account may be applied later).
  dynamic "statement" {
    for_each = local.stage_grants
    content {
      sid       = "${statement.value.sid}DescribeKey"
      effect    = "Allow"
      actions   = ["kms:DescribeKey"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = [statement.value.root_arn]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:PrincipalArn"
        values   = statement.value.principal_arns
      }
    }
  }

  dynamic "statement" {
    for_each = local.stage_grants
    content {
      sid       = "${statement.value.sid}DecryptThroughServices"
      effect    = "Allow"
      actions   = ["kms:Decrypt"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = [statement.value.root_arn]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:PrincipalArn"
        values   = statement.value.principal_arns
      }

      # Only when S3 (reading an SSE-KMS artifact) or SageMaker asks on the role's behalf, never directly.
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${local.region}.amazonaws.com", "sagemaker.${local.region}.amazonaws.com"]
      }
    }
  }
}

# ---------------------------------------------------------------------------------------------------------------
# Model package group policy: the stage roles may read the registry (never approve or change it)
# ---------------------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "model_package_group" {
  dynamic "statement" {
    for_each = local.stage_grants
    content {
      sid       = "${statement.value.sid}DescribeModelPackageGroup"
      effect    = "Allow"
      actions   = ["sagemaker:DescribeModelPackageGroup"]
      resources = [local.model_package_groups]

      principals {
        type        = "AWS"
        identifiers = [statement.value.root_arn]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:PrincipalArn"
        values   = statement.value.principal_arns
      }
    }
  }

  dynamic "statement" {
    for_each = local.stage_grants
    content {
      sid       = "${statement.value.sid}ReadModelPackages"
      effect    = "Allow"
      actions   = ["sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages"]
      resources = [local.model_packages]

      principals {
        type        = "AWS"
        identifiers = [statement.value.root_arn]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:PrincipalArn"
        values   = statement.value.principal_arns
      }
    }
  }
}
