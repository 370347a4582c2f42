# The smallest real use: one project template published for SageMaker Studio in an
# encrypted, versioned bucket; the output is the tag to put on the SageMaker domain.
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

module "s3_template_publication" {
  source = "../.."

  bucket_name = "acme-sm-templates-dev-published-111122223333"
  templates = {
    model-build = {
      source_path = "${path.module}/templates/model-build.yaml"
      description = "Model building pipeline with a model package group"
    }
  }
  reader_principal_arns = ["arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole"]
}

output "sagemaker_domain_tags" {
  description = "Tag for the SageMaker domain, so that Studio lists the published templates."
  value       = module.s3_template_publication.sagemaker_domain_tags
}
