output "state_bucket" {
  description = "Name of the state bucket: `backend.bucket` in environments/<env>.yaml."
  value       = module.state_bucket.bucket_name
}

output "kms_key_id" {
  description = "Alias of the state key: `backend.kms_key_id` in environments/<env>.yaml."
  value       = module.state_bucket.kms_key_alias
}

output "kms_key_arn" {
  description = "ARN of the state key (grant kms:Encrypt/Decrypt/GenerateDataKey on it to deploy roles)."
  value       = module.state_bucket.kms_key_arn
}

output "backend_settings" {
  description = "The `backend` block to paste into an environment file (add a key per environment)."
  value = {
    type       = "s3"
    bucket     = module.state_bucket.bucket_name
    region     = var.region
    kms_key_id = module.state_bucket.kms_key_alias
  }
}
