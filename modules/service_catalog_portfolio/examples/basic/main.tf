# The smallest real use: a portfolio for two ML teams, a TagOption library that every
# launched project must pick from, and a share with one workload account.
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

module "service_catalog_portfolio" {
  source = "../.."

  name          = "acme-sagemaker-templates-dev"
  provider_name = "ML Platform Team"

  teams = {
    fraud = { principal_arns = ["arn:aws:iam::111122223333:role/fraud-data-scientist"] }
    churn = { principal_arns = ["arn:aws:iam:::role/churn-data-scientist"] }
  }

  tag_options = {
    cost-center = ["cc-1234", "cc-5678"]
    data-class  = ["internal", "confidential"]
  }

  share_account_ids = ["210987654321"]
}

output "portfolio_id" {
  description = "Id of the portfolio, for product associations."
  value       = module.service_catalog_portfolio.portfolio_id
}
