# The smallest real use: a private VPC for a VPC-only SageMaker Studio domain in two zones,
# and the endpoints it needs (modules/vpc_endpoints) fed from the network's outputs.
terraform {
  required_version = ">= 1.11"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

module "network" {
  source = "../.."

  name_prefix        = "acme-sm-dev"
  cidr_block         = "10.20.0.0/16"
  availability_zones = ["eu-west-1a", "eu-west-1b"]
}

module "vpc_endpoints" {
  source = "../../../vpc_endpoints"

  name_prefix         = "acme-sm-dev"
  vpc_id              = module.network.vpc_id
  vpc_cidr_blocks     = module.network.cidr_blocks
  subnet_ids          = module.network.subnet_ids
  route_table_ids     = module.network.route_table_ids
  allowed_bucket_arns = ["arn:aws:s3:::sagemaker-eu-west-1-111122223333"]
}

output "vpc_id" {
  description = "Id of the VPC, for the SageMaker domain's vpc_id."
  value       = module.network.vpc_id
}

output "subnet_ids" {
  description = "Private subnets, for the SageMaker domain's subnet_ids."
  value       = module.network.subnet_ids
}
