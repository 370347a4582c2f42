data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  kms_key_arn = var.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn

  # SageMaker Studio lists only template objects that carry this tag.
  visibility_tag = { "sagemaker:studio-visibility" = "true" }

  template_keys = { for name, template in var.templates : name => "${var.key_prefix}${name}.yaml" }

  # The domain tag that makes Studio look for templates here (see README: "The S3 path").
  templates_location = "s3://${var.bucket_name}/${var.key_prefix}"
}

resource "aws_kms_key" "this" {
  count = var.create_kms_key ? 1 : 0

  description             = "Encrypts the SageMaker project templates in s3://${var.bucket_name}"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  count = var.create_kms_key ? 1 : 0

  name          = "alias/${coalesce(var.kms_key_alias, var.bucket_name)}"
  target_key_id = aws_kms_key.this[0].key_id
}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:Templates are read by Studio and CloudFormation; reads are audited through CloudTrail data events, not server access logs.
  #checkov:skip=CKV_AWS_144:Templates are rendered from Git and re-published by `make apply`; a replica in a second region adds nothing.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to template uploads; Terraform is the only writer.
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags

  lifecycle {
    precondition {
      condition     = var.create_kms_key == (var.kms_key_arn == null)
      error_message = "Choose one key: leave create_kms_key = true and kms_key_arn unset, or set create_kms_key = false and give kms_key_arn."
    }
  }
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
      kms_master_key_id = local.kms_key_arn
    }
  }
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

# Studio runs in the browser and reads the templates across origins.
resource "aws_s3_bucket_cors_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  cors_rule {
    id              = "sagemaker-studio-read"
    allowed_methods = ["GET", "HEAD"]
    allowed_origins = var.cors_allowed_origins
    allowed_headers = ["*"]
    expose_headers  = ["ETag", "x-amz-server-side-encryption", "x-amz-version-id", "x-amz-request-id", "x-amz-id-2"]
    max_age_seconds = 3000
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.bucket.json

  # A policy written before the public access block could be judged public and rejected.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_object" "template" {
  for_each = var.templates

  bucket             = aws_s3_bucket.this.id
  key                = local.template_keys[each.key]
  source             = each.value.source_path
  source_hash        = filemd5(each.value.source_path)
  content_type       = "application/yaml"
  kms_key_id         = local.kms_key_arn
  bucket_key_enabled = true
  metadata           = { description = each.value.description }
  tags               = merge(var.tags, local.visibility_tag)

  # Encryption and the bucket policy first, so no template is ever stored or read otherwise.
  depends_on = [
    aws_s3_bucket_server_side_encryption_configuration.this,
    aws_s3_bucket_policy.this,
    aws_s3_bucket_ownership_controls.this,
  ]
}
