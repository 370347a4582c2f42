# The smallest real use: the endpoints a VPC-only SageMaker Studio domain needs, in the
# domain's private subnets, with S3 limited to the platform's buckets and SageMaker's own.
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

module "vpc_endpoints" {
  source = "../.."

  name_prefix     = "acme-sm-dev"
  vpc_id          = "vpc-0123456789abcdef0"
  vpc_cidr_blocks = ["10.20.0.0/16"]
  subnet_ids      = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  route_table_ids = ["rtb-0123456789abcdef0"]
  allowed_bucket_arns = [
    "arn:aws:s3:::acme-sm-templates-dev-seed-111122223333",
    "arn:aws:s3:::sagemaker-eu-west-1-111122223333",
  ]
}

output "s3_gateway_endpoint_id" {
  description = "Id of the S3 gateway endpoint, for the seed-code bucket's allowed_vpc_endpoint_ids."
  value       = module.vpc_endpoints.s3_gateway_endpoint_id
}
