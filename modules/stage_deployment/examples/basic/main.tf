# The smallest real use, applied in the staging account (555566667777): the three roles the tooling
# account's (111122223333) project pipelines deploy the staging endpoints with.
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
  allowed_account_ids = ["555566667777"]
}

module "stage_deployment" {
  source = "../.."

  name_prefix        = "acme-ml"
  stage_name         = "staging"
  tooling_account_id = "111122223333"
  trusted_principal_arns = [
    "arn:aws:iam::111122223333:role/sagemaker-projects/acme-ml-prod-codepipeline",
    "arn:aws:iam::111122223333:role/sagemaker-projects/acme-ml-prod-cloudformation",
  ]
  artifact_bucket_arns     = ["arn:aws:s3:::sagemaker-*"]
  artifact_kms_key_arns    = ["arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
  iam_path                 = "/sagemaker-projects/"
  permissions_boundary_arn = "arn:aws:iam::555566667777:policy/platform-boundary"
}

output "deploy_role_arn" {
  description = "RoleArn of the tooling pipeline's staging deploy action."
  value       = module.stage_deployment.deploy_role_arn
}

output "cloudformation_role_arn" {
  description = "RoleArn in the staging deploy action's configuration."
  value       = module.stage_deployment.cloudformation_role_arn
}

output "sagemaker_execution_role_arn" {
  description = "Execution role of the staging endpoints."
  value       = module.stage_deployment.sagemaker_execution_role_arn
}
