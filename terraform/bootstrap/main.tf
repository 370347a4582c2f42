locals {
  on_emulator = var.emulator_endpoint != null
}

provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = var.tags
  }

  # Only on the local emulator: every call goes to loopback with dummy credentials.
  s3_use_path_style           = local.on_emulator
  skip_credentials_validation = local.on_emulator
  skip_metadata_api_check     = local.on_emulator
  max_retries                 = local.on_emulator ? 3 : null
  endpoints {
    iam = var.emulator_endpoint
    kms = var.emulator_endpoint
    s3  = var.emulator_endpoint
    sts = var.emulator_endpoint
  }
}

# The state bucket needs what the seed-code bucket has (customer-managed key with rotation,
# versioning, SSE-KMS, public access block, TLS-only), but Terraform reaches it from outside
# any VPC, so the endpoint restriction is off.
module "state_bucket" {
  source = "../../modules/seed_code_bucket"

  bucket_name                = var.state_bucket_name
  kms_key_alias              = var.kms_key_alias
  kms_key_description        = "Encrypts Terraform state in s3://${var.state_bucket_name}"
  restrict_to_vpc_endpoints  = false
  include_conditional_denies = !local.on_emulator
  reader_principal_arns      = var.reader_principal_arns
  force_destroy              = var.force_destroy
}
