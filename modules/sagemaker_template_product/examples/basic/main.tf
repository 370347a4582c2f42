# The smallest real use: the model-build template next to this file published as a SageMaker
# project template in an existing portfolio, launched with the SageMaker launch role and
# restricted to the fraud team. Version 1.0.0 is the product's first version; later
# templates are added as new keys of `versions`.
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

module "sagemaker_template_product" {
  source = "../.."

  product_name = "model-build"
  description  = "Model building with a SageMaker pipeline: artifact bucket, model package group, CodeBuild project."
  owner        = "ML Platform Team"
  team         = "fraud"

  portfolio_id    = "port-abcdefghijklm"
  launch_role_arn = "arn:aws:iam::111122223333:role/service-role/AmazonSageMakerServiceCatalogProductsLaunchRole"

  templates_bucket_name = "acme-sm-templates-dev-templates-111122223333"
  templates_kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

  initial_version = "1.0.0"
  versions = {
    "1.0.0" = { template_file = "${path.module}/template.yaml", description = "First release." }
  }
}

output "product_id" {
  description = "Id of the product, what SageMaker CreateProject takes."
  value       = module.sagemaker_template_product.product_id
}
