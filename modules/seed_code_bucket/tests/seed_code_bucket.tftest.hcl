# Offline plan tests: a real AWS provider with dummy credentials that never calls AWS
# (the one data source that would, aws_caller_identity, is overridden).

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "111122223333"
  }
}

variables {
  bucket_name              = "seed-code-unit-test"
  allowed_vpc_endpoint_ids = ["vpce-0123456789abcdef0"]
  exempt_principal_arns    = ["arn:aws:iam::111122223333:role/platform-deploy"]
}

run "denies_are_included_by_default" {
  command = plan

  assert {
    condition     = contains([for s in jsondecode(data.aws_iam_policy_document.bucket.json).Statement : s.Sid], "DenyInsecureTransport")
    error_message = "The bucket policy must deny non-TLS requests."
  }

  assert {
    condition     = contains([for s in jsondecode(data.aws_iam_policy_document.bucket.json).Statement : s.Sid], "DenyOutsideAllowedVpcEndpoints")
    error_message = "The bucket policy must deny requests from outside the allowed VPC endpoints."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "The key must rotate."
  }
}

run "emulator_mode_leaves_only_the_conditional_denies_out" {
  command = plan

  variables {
    include_conditional_denies = false
    allowed_vpc_endpoint_ids   = []
  }

  assert {
    condition     = [for s in jsondecode(data.aws_iam_policy_document.bucket.json).Statement : s.Sid] == ["AllowRead"]
    error_message = "Without conditional denies only the read grant may remain."
  }
}

run "enforced_mode_needs_an_endpoint" {
  command = plan

  variables {
    allowed_vpc_endpoint_ids = []
  }

  expect_failures = [aws_s3_bucket_policy.this]
}

run "rejects_a_bucket_name_over_63_characters" {
  command = plan

  variables {
    bucket_name = "a-seed-code-bucket-name-that-is-far-too-long-for-s3-to-accept-it"
  }

  expect_failures = [var.bucket_name]
}

run "rejects_a_malformed_endpoint_id" {
  command = plan

  variables {
    allowed_vpc_endpoint_ids = ["vpc-123"]
  }

  expect_failures = [var.allowed_vpc_endpoint_ids]
}

run "rejects_a_non_iam_exempt_principal" {
  command = plan

  variables {
    exempt_principal_arns = ["*"]
  }

  expect_failures = [var.exempt_principal_arns]
}

run "state_bucket_shape_keeps_tls_deny_without_endpoints" {
  command = plan

  variables {
    restrict_to_vpc_endpoints = false
    allowed_vpc_endpoint_ids  = []
  }

  assert {
    condition     = [for s in jsondecode(data.aws_iam_policy_document.bucket.json).Statement : s.Sid] == ["DenyInsecureTransport", "AllowRead"]
    error_message = "Without the endpoint restriction the TLS deny must stay and the endpoint deny must go."
  }
}

run "access_logging_is_opt_in" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket_logging.this) == 0
    error_message = "No access logging unless a log bucket is given."
  }
}

run "access_logging_goes_to_the_given_bucket" {
  command = plan

  variables {
    access_log_bucket = "central-access-logs-111122223333"
  }

  assert {
    condition     = aws_s3_bucket_logging.this["central-access-logs-111122223333"].target_prefix == "seed-code-unit-test/"
    error_message = "Logs go to the given bucket under <bucket_name>/."
  }
}
