output "s3_gateway_endpoint_id" {
  description = "Id of the S3 gateway endpoint (vpce-...); list it in the seed-code bucket's allowed_vpc_endpoint_ids."
  value       = aws_vpc_endpoint.this.id
}

output "interface_endpoint_ids" {
  description = "Id of each interface endpoint, by short service name (for example sagemaker.api => vpce-...)."
  value       = { for name, endpoint in aws_vpc_endpoint.interface : name => endpoint.id }
}

output "interface_endpoint_service_names" {
  description = "Full service name of each interface endpoint, by short service name (sagemaker.studio => aws.sagemaker.<region>.studio)."
  value       = { for name, endpoint in aws_vpc_endpoint.interface : name => endpoint.service_name }
}

output "security_group_id" {
  description = "Id of the security group on the interface endpoints (HTTPS from the VPC CIDR blocks only)."
  value       = aws_security_group.this.id
}
