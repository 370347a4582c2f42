# The smallest real use: a seed-code bucket reachable only through one S3 VPC endpoint,
# with the deploy role exempt so that Terraform keeps access from outside the VPC.
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

module "seed_code_bucket" {
  source = "../.."

  bucket_name              = "acme-sm-templates-dev-seed-111122223333"
  allowed_vpc_endpoint_ids = ["vpce-0123456789abcdef0"]
  exempt_principal_arns    = ["arn:aws:iam::111122223333:role/platform-deploy"]
  reader_principal_arns    = ["arn:aws:iam::111122223333:role/service-role/AmazonSageMakerServiceCatalogProductsLaunchRole"]
}

output "bucket_name" {
  description = "Name of the seed-code bucket."
  value       = module.seed_code_bucket.bucket_name
}
