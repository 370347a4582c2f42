# Offline plan tests: a real AWS provider with dummy credentials that never calls AWS.

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  bucket_name = "seed-code-unit-test"
  kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
  objects = {
    "seedcode/model-build.zip" = {
      source = "tests/fixtures/model-build.zip"
      sha256 = "0000000000000000000000000000000000000000000000000000000000000001"
    }
  }
}

run "objects_are_kms_encrypted_and_hash_tracked" {
  command = plan

  assert {
    condition     = aws_s3_object.this["seedcode/model-build.zip"].kms_key_id == var.kms_key_arn
    error_message = "Every object must be encrypted with the customer-managed key."
  }

  assert {
    condition     = aws_s3_object.this["seedcode/model-build.zip"].source_hash == "0000000000000000000000000000000000000000000000000000000000000001"
    error_message = "The manifest's sha256 must drive updates, so a changed seed shows in the plan."
  }

  assert {
    condition     = aws_s3_object.this["seedcode/model-build.zip"].content_type == "application/zip"
    error_message = "Zips must be stored as application/zip."
  }
}

run "rejects_a_short_hash" {
  command = plan

  variables {
    objects = { "seedcode/x.zip" = { source = "tests/fixtures/model-build.zip", sha256 = "abc" } }
  }

  expect_failures = [var.objects]
}

run "rejects_a_leading_slash" {
  command = plan

  variables {
    objects = { "/seedcode/x.zip" = { source = "tests/fixtures/model-build.zip", sha256 = "0000000000000000000000000000000000000000000000000000000000000001" } }
  }

  expect_failures = [var.objects]
}

run "rejects_an_alias_as_key" {
  command = plan

  variables {
    kms_key_arn = "alias/seed"
  }

  expect_failures = [var.kms_key_arn]
}
