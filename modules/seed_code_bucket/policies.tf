locals {
  bucket_arn         = "arn:${data.aws_partition.current.partition}:s3:::${var.bucket_name}"
  bucket_and_objects = [local.bucket_arn, "${local.bucket_arn}/*"]
  account_root_arn   = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
}

data "aws_iam_policy_document" "bucket" {
  dynamic "statement" {
    for_each = var.include_conditional_denies ? { deny_insecure_transport = true } : {}
    content {
      sid       = "DenyInsecureTransport"
      effect    = "Deny"
      actions   = ["s3:*"]
      resources = local.bucket_and_objects

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      condition {
        test     = "Bool"
        variable = "aws:SecureTransport"
        values   = ["false"]
      }
    }
  }

  dynamic "statement" {
    for_each = var.include_conditional_denies && var.restrict_to_vpc_endpoints ? { deny_outside_vpc_endpoints = true } : {}
    content {
      sid       = "DenyOutsideAllowedVpcEndpoints"
      effect    = "Deny"
      actions   = ["s3:*"]
      resources = local.bucket_and_objects

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      condition {
        test     = "StringNotEquals"
        variable = "aws:SourceVpce"
        values   = var.allowed_vpc_endpoint_ids
      }

      # Conditions in one statement are ANDed: exempt principals are never denied here.
      dynamic "condition" {
        for_each = length(var.exempt_principal_arns) > 0 ? { exempt = var.exempt_principal_arns } : {}
        content {
          test     = "ArnNotLike"
          variable = "aws:PrincipalArn"
          values   = condition.value
        }
      }
    }
  }

  # Readers get and list the objects and read their tags (SageMaker Studio decides from the
  # tags which project templates to show).
  statement {
    sid       = "AllowRead"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:ListBucket", "s3:GetBucketLocation"]
    resources = local.bucket_and_objects

    principals {
      type        = "AWS"
      identifiers = length(var.reader_principal_arns) > 0 ? var.reader_principal_arns : [local.account_root_arn]
    }
  }
}

data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:A key policy's Resource "*" means this key only; the statement delegates the key to the account's IAM policies, the AWS default.
  #checkov:skip=CKV_AWS_111:Same delegation to the account's IAM policies, which then grant least privilege.
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

  dynamic "statement" {
    for_each = length(var.reader_principal_arns) > 0 ? { readers = var.reader_principal_arns } : {}
    content {
      sid       = "ReadersDecryptThroughS3"
      effect    = "Allow"
      actions   = ["kms:Decrypt", "kms:DescribeKey"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = statement.value
      }

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${data.aws_region.current.id}.amazonaws.com"]
      }
    }
  }
}
