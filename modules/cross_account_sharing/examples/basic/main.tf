# The smallest real use, applied in the tooling account (111122223333) of the prod environment: the
# artifact key, the model package group policy and the SSM parameters for the project templates,
# shared with the staging (555566667777) and production (777788889999) accounts' stage_deployment roles.
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
  region              = "eu-west-1"
  allowed_account_ids = ["111122223333"]
}

module "cross_account_sharing" {
  source = "../.."

  name_prefix = "acme-ml-prod"
  stages = {
    staging = {
      account_id = "555566667777"
      principal_arns = [
        "arn:aws:iam::555566667777:role/sagemaker-projects/acme-ml-staging-deploy",
        "arn:aws:iam::555566667777:role/sagemaker-projects/acme-ml-staging-sagemaker",
      ]
    }
    production = {
      account_id = "777788889999"
      principal_arns = [
        "arn:aws:iam::777788889999:role/sagemaker-projects/acme-ml-production-deploy",
        "arn:aws:iam::777788889999:role/sagemaker-projects/acme-ml-production-sagemaker",
      ]
    }
  }
}

output "kms_key_arn" {
  description = "Key for the project artifact buckets; give it to each stage's stage_deployment artifact_kms_key_arns."
  value       = module.cross_account_sharing.kms_key_arn
}

output "ssm_parameter_names" {
  description = "Parameters the project templates resolve."
  value       = module.cross_account_sharing.ssm_parameter_names
}
