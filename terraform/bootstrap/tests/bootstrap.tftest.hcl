# Offline: the mock provider stands in for AWS; these runs check inputs and wiring, not AWS.
mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111122223333"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyInsecureTransport\"}]}"
    }
  }
}

variables {
  account_id        = "111122223333"
  region            = "eu-west-1"
  state_bucket_name = "acme-tfstate-111122223333-eu-west-1"
}

run "real_account_keeps_the_tls_deny" {
  command = plan

  assert {
    condition     = module.state_bucket.conditional_denies_included
    error_message = "Outside the emulator the TLS-only deny must be in force."
  }

  assert {
    condition     = output.backend_settings.region == "eu-west-1" && output.backend_settings.type == "s3"
    error_message = "The backend settings must name the region and the s3 type."
  }
}

run "emulator_leaves_conditional_denies_out" {
  command = plan

  variables {
    emulator_endpoint = "http://127.0.0.1:4566"
  }

  assert {
    condition     = !module.state_bucket.conditional_denies_included
    error_message = "On the emulator the conditional denies must be left out."
  }
}

run "rejects_a_short_account_id" {
  command = plan

  variables {
    account_id = "1111"
  }

  expect_failures = [var.account_id]
}

run "rejects_a_non_loopback_emulator" {
  command = plan

  variables {
    emulator_endpoint = "http://10.0.0.5:4566"
  }

  expect_failures = [var.emulator_endpoint]
}
