output "object_keys" {
  description = "S3 key of each uploaded object (sorted)."
  value       = sort(keys(aws_s3_object.this))
}

output "version_ids" {
  description = "S3 version id of each object, by key; changes whenever an object's sha256 does."
  value       = { for key, object in aws_s3_object.this : key => object.version_id }
}

output "sha256" {
  description = "sha256 of each object as uploaded (also stored as the object's sha256 metadata), by key."
  value       = { for key, object in var.objects : key => object.sha256 }
}
