resource "aws_s3_object" "this" {
  for_each = var.objects

  bucket             = var.bucket_name
  key                = each.key
  source             = each.value.source
  source_hash        = each.value.sha256
  content_type       = endswith(each.key, ".zip") ? "application/zip" : "application/octet-stream"
  kms_key_id         = var.kms_key_arn
  bucket_key_enabled = true
  metadata           = { sha256 = each.value.sha256 }
  tags               = var.tags
}
