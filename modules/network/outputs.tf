output "vpc_id" {
  description = "Id of the VPC (vpc-...), for the SageMaker domain and modules/vpc_endpoints' vpc_id."
  value       = aws_vpc.this.id
}

output "cidr_blocks" {
  description = "IPv4 CIDR blocks of the VPC (the one cidr_block), for modules/vpc_endpoints' vpc_cidr_blocks."
  value       = [aws_vpc.this.cidr_block]
}

output "subnet_ids" {
  description = "Ids of the private subnets, in the order of availability_zones, for the SageMaker domain and modules/vpc_endpoints' subnet_ids."
  value       = [for az in var.availability_zones : aws_subnet.this[az].id]
}

output "subnet_ids_by_az" {
  description = "Id of each private subnet, by Availability Zone name (for example eu-west-1a => subnet-...)."
  value       = { for az, subnet in aws_subnet.this : az => subnet.id }
}

output "route_table_ids" {
  description = "Ids of the private subnets' route tables (one, shared), for modules/vpc_endpoints' route_table_ids."
  value       = [aws_route_table.this.id]
}

output "availability_zones" {
  description = "The Availability Zones that have a private subnet, in the order of subnet_ids."
  value       = var.availability_zones
}

output "flow_log_group_name" {
  description = "Name of the CloudWatch log group that receives the VPC's flow logs (all traffic)."
  value       = aws_cloudwatch_log_group.this.name
}
