# Upload seed code to the seed-code bucket, encrypted with its key. The example uploads one file
# of its own so that it validates and plans on a clean checkout; in real use the objects come
# from `make package` (zips and cdktf.out/assets/manifest.json), as in the commented lines below.
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
  example_file = "${path.module}/files/example-seed.txt"
  # manifest = jsondecode(file("${path.root}/assets/manifest.json"))  # written by `make package`
}

module "seed_code_bucket" {
  source = "../../../seed_code_bucket"

  bucket_name              = "acme-sm-templates-dev-seed-111122223333"
  allowed_vpc_endpoint_ids = ["vpce-0123456789abcdef0"]
  exempt_principal_arns    = ["arn:aws:iam::111122223333:role/deploy"]
}

module "seed_code_objects" {
  source = "../.."

  bucket_name = module.seed_code_bucket.secured_bucket_name
  kms_key_arn = module.seed_code_bucket.kms_key_arn
  objects = {
    "seedcode/example-seed.txt" = {
      source = local.example_file
      sha256 = filesha256(local.example_file)
    }
  }
  # With `make package`:
  # objects = {
  #   for name, entry in local.manifest : "${name == "lambdas" ? "lambda" : "seedcode"}/${entry.file}" => {
  #     source = "${path.root}/assets/${entry.file}"
  #     sha256 = entry.sha256
  #   }
  # }
}
