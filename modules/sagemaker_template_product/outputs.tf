output "product_id" {
  description = "Id of the Service Catalog product (prod-...), what SageMaker CreateProject takes as ProductId."
  value       = aws_servicecatalog_product.this.id
}

output "product_arn" {
  description = "ARN of the Service Catalog product."
  value       = aws_servicecatalog_product.this.arn
}

output "provisioning_artifact_ids" {
  description = "Provisioning artifact (version) ids keyed by version name, the initial version included: what SageMaker CreateProject takes as ProvisioningArtifactId."
  value = merge(
    { for artifact in data.aws_servicecatalog_provisioning_artifacts.this.provisioning_artifact_details : artifact.name => artifact.id if artifact.name == var.initial_version },
    { for name, artifact in aws_servicecatalog_provisioning_artifact.this : name => artifact.provisioning_artifact_id },
  )
}

output "template_urls" {
  description = "HTTPS URL of each version's template object in the templates bucket, keyed by version name."
  value       = local.template_urls
}

output "template_object_keys" {
  description = "S3 key of each version's template object, keyed by version name (content-addressed: <prefix><product>/<version>/<md5>.yaml)."
  value       = { for name, object in aws_s3_object.this : name => object.key }
}

output "launch_constraint_id" {
  description = "Id of the LAUNCH constraint that makes Service Catalog use launch_role_arn."
  value       = aws_servicecatalog_constraint.this.id
}
