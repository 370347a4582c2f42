output "bucket_name" {
  description = "Name of the template bucket."
  value       = module.bucket.bucket_name
}

output "bucket_arn" {
  description = "ARN of the template bucket."
  value       = module.bucket.bucket_arn
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the bucket and the templates."
  value       = module.bucket.kms_key_arn
}

output "template_object_keys" {
  description = "S3 key of each published template, by template name."
  value       = { for name, object in aws_s3_object.template : name => object.key }
}

output "template_urls" {
  description = "HTTPS URL of each published template, by template name: the TemplateURL for SageMaker CreateProject/UpdateProject."
  value       = { for name, object in aws_s3_object.template : name => "https://${var.bucket_name}.s3.${data.aws_region.current.id}.${data.aws_partition.current.dns_suffix}/${object.key}" }
}

output "template_version_ids" {
  description = "S3 version id of each published template, by template name; changes whenever a template's content does."
  value       = { for name, object in aws_s3_object.template : name => object.version_id }
}

output "templates_location" {
  description = "s3://<bucket>/<key_prefix>: where SageMaker Studio looks for templates once the domain carries the tag in sagemaker_domain_tags."
  value       = local.templates_location
}

output "sagemaker_domain_tags" {
  description = "Tag to add to the SageMaker domain so that Studio lists these templates under Organization templates > S3 Templates: merge it into the domain's tags."
  value       = { "sagemaker:projectS3TemplatesLocation" = local.templates_location }
}

output "bucket_policy_statement_ids" {
  description = "Sids of the statements in the bucket policy, to show which restrictions are in force."
  value       = module.bucket.bucket_policy_statement_ids
}
