# Upload the packaged seed code (`make package` writes the zips and manifest.json) to the
# seed-code bucket, encrypted with its key.
terraform {
  required_version = ">= 1.11"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7"
    }
  }
}

locals {
  manifest = jsondecode(file("${path.root}/assets/manifest.json"))
}

module "seed_code_bucket" {
  source = "../../../seed_code_bucket"

  bucket_name              = "acme-sm-templates-dev-seed-111122223333"
  allowed_vpc_endpoint_ids = ["vpce-0123456789abcdef0"]
  exempt_principal_arns    = ["arn:aws:iam::111122223333:role/deploy"]
}

module "seed_code_objects" {
  source = "../.."

  bucket_name = module.seed_code_bucket.bucket_name
  kms_key_arn = module.seed_code_bucket.kms_key_arn
  objects = {
    for name, entry in local.manifest : "${name == "lambdas" ? "lambda" : "seedcode"}/${entry.file}" => {
      source = "${path.root}/assets/${entry.file}"
      sha256 = entry.sha256
    }
  }
}
