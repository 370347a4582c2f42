# Shared version pins. Every environment stack and every module uses the same constraints;
# terraform/lock.sh resolves them into terraform/.terraform.lock.hcl, which the glue runner
# installs into each synthesized stack before `terraform init`.
terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7"
    }
  }
}
