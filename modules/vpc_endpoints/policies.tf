locals {
  allowed_buckets_and_objects = flatten([for arn in var.allowed_bucket_arns : [arn, "${arn}/*"]])
}

data "aws_iam_policy_document" "s3_gateway" {
  statement {
    sid       = "AllowListedBuckets"
    effect    = "Allow"
    actions   = ["s3:*"]
    resources = local.allowed_buckets_and_objects

    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }

  # Image layers pulled through the ECR endpoints come from this AWS-owned bucket over S3.
  dynamic "statement" {
    for_each = contains(var.interface_services, "ecr.dkr") ? { ecr_layers = true } : {}
    content {
      sid       = "AllowEcrImageLayers"
      effect    = "Allow"
      actions   = ["s3:GetObject"]
      resources = ["arn:${data.aws_partition.current.partition}:s3:::prod-${local.region}-starport-layer-bucket/*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }
    }
  }
}
