# The smallest real use: the launch role for an MLOps build/train/deploy product, one use role
# per service and the three persona policies of one team, all under a permissions boundary.
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

module "iam_roles" {
  source = "../.."

  name_prefix              = "acme-ml-dev"
  iam_path                 = "/sagemaker-projects/"
  team                     = "ml-platform"
  required_tags            = { "cost-center" = ["1234", "5678"] }
  allowed_products         = ["prod-abcdefghijklm"]
  seed_code_bucket_arns    = ["arn:aws:s3:::acme-sm-templates-dev-seed-111122223333"]
  permissions_boundary_arn = "arn:aws:iam::111122223333:policy/platform-boundary"
}

output "launch_role_arn" {
  description = "ARN of the Service Catalog launch role."
  value       = module.iam_roles.launch_role_arn
}

output "persona_policy_arns" {
  description = "Persona policies to attach to the team's roles."
  value       = module.iam_roles.persona_policy_arns
}
