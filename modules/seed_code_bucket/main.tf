data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

resource "aws_kms_key" "this" {
  description             = coalesce(var.kms_key_description, "Encrypts the objects in s3://${var.bucket_name}")
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${coalesce(var.kms_key_alias, var.bucket_name)}"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Server access logging is opt-in through var.access_log_bucket (aws_s3_bucket_logging below); otherwise CloudTrail data events audit reads.
  #checkov:skip=CKV_AWS_144:Seed code is rebuilt from its Git source by `make apply`; a replica in a second region adds nothing.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to seed-code uploads; Terraform is the only writer.
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
  }
}

resource "aws_s3_bucket_logging" "this" {
  for_each = var.access_log_bucket == null ? {} : { (var.access_log_bucket) = coalesce(var.access_log_prefix, "${var.bucket_name}/") }

  bucket        = aws_s3_bucket.this.id
  target_bucket = each.key
  target_prefix = each.value
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-superseded-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # Lifecycle rules act on versions; versioning must be on first.
  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.bucket.json

  # A policy written before the public access block could be judged public and rejected.
  depends_on = [aws_s3_bucket_public_access_block.this]

  # Checked here, where the endpoint ids are used, not on the bucket: the bucket then does not wait
  # for the VPC endpoints to exist (the length is known at plan time, so a plan still fails).
  lifecycle {
    precondition {
      condition     = !(var.include_conditional_denies && var.restrict_to_vpc_endpoints) || length(var.allowed_vpc_endpoint_ids) > 0
      error_message = "allowed_vpc_endpoint_ids is empty while the bucket is restricted to VPC endpoints: list the S3 endpoint ids, set restrict_to_vpc_endpoints = false, or (local emulator only) include_conditional_denies = false."
    }
  }
}
