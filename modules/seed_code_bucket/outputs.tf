output "bucket_name" {
  description = "Name of the seed-code bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the seed-code bucket."
  value       = aws_s3_bucket.this.arn
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the bucket."
  value       = aws_kms_key.this.arn
}

output "kms_key_alias" {
  description = "Alias of the bucket's KMS key (alias/...)."
  value       = aws_kms_alias.this.name
}

output "bucket_policy_statement_ids" {
  description = "Sids of the statements in the bucket policy, to show which restrictions are in force."
  value       = [for statement in jsondecode(aws_s3_bucket_policy.this.policy).Statement : statement.Sid]
}

output "conditional_denies_included" {
  description = "Whether the TLS-only and VPC-endpoint-only deny statements are in the bucket policy (false only on the local emulator)."
  value       = var.include_conditional_denies
}

output "secured_bucket_name" {
  description = "Name of the bucket, known only once its protections are in force (key and alias, SSE-KMS, versioning, ownership, public access block, bucket policy, access logging); not its lifecycle rule, whose create the AWS provider holds for about a minute while it checks consistency. Write objects with this name."
  value       = aws_s3_bucket.this.id
  depends_on = [
    aws_s3_bucket_server_side_encryption_configuration.this,
    aws_s3_bucket_versioning.this,
    aws_s3_bucket_ownership_controls.this,
    aws_s3_bucket_public_access_block.this,
    aws_s3_bucket_policy.this,
    aws_s3_bucket_logging.this,
    aws_kms_alias.this,
  ]
}
