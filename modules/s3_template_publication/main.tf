data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # SageMaker Studio lists only template objects that carry this tag.
  visibility_tag = { "sagemaker:studio-visibility" = "true" }

  template_keys = { for name, template in var.templates : name => "${var.key_prefix}${name}.yaml" }

  # The domain tag that makes Studio look for templates here (see README: "The S3 path").
  templates_location = "s3://${var.bucket_name}/${var.key_prefix}"
}

# The private bucket and its key come from seed_code_bucket: customer-managed key with rotation
# and alias, versioning and lifecycle, SSE-KMS with the bucket key, public access block,
# BucketOwnerEnforced, and a bucket policy with the TLS-only deny and the readers' grant
# (AllowRead), the key policy letting the readers decrypt through S3 (ReadersDecryptThroughS3).
# Studio reaches the templates from the browser, not through a VPC endpoint: no endpoint deny.
module "bucket" {
  source = "../seed_code_bucket"

  bucket_name                        = var.bucket_name
  restrict_to_vpc_endpoints          = false
  include_conditional_denies         = var.include_conditional_denies
  reader_principal_arns              = var.reader_principal_arns
  kms_key_alias                      = var.kms_key_alias
  kms_key_description                = "Encrypts the SageMaker project templates in s3://${var.bucket_name}"
  kms_deletion_window_in_days        = var.kms_deletion_window_in_days
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  force_destroy                      = var.force_destroy
  tags                               = var.tags
}

# Studio runs in the browser and reads the templates across origins.
resource "aws_s3_bucket_cors_configuration" "this" {
  bucket = module.bucket.bucket_name

  cors_rule {
    id              = "sagemaker-studio-read"
    allowed_methods = ["GET", "HEAD"]
    allowed_origins = var.cors_allowed_origins
    allowed_headers = ["*"]
    expose_headers  = ["ETag", "x-amz-server-side-encryption", "x-amz-version-id", "x-amz-request-id", "x-amz-id-2"]
    max_age_seconds = 3000
  }
}

resource "aws_s3_object" "template" {
  for_each = var.templates

  bucket             = module.bucket.secured_bucket_name
  key                = local.template_keys[each.key]
  source             = each.value.source_path
  source_hash        = filemd5(each.value.source_path)
  content_type       = "application/yaml"
  kms_key_id         = module.bucket.kms_key_arn
  bucket_key_enabled = true
  metadata           = { description = each.value.description }
  tags               = merge(var.tags, local.visibility_tag)

  # secured_bucket_name is known only once the bucket's protections are in force (encryption,
  # ownership, public access block, bucket policy), so no template is ever stored or read
  # otherwise. The lifecycle rule, which the provider holds for about a minute, is not waited for.
}
