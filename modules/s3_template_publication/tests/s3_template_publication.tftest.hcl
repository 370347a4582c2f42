# Offline plan tests: a real AWS provider with dummy credentials that never calls AWS
# (the one data source that would, aws_caller_identity in module.bucket, is overridden).
#
# The bucket, its key and their policies are module.bucket (modules/seed_code_bucket), whose
# resources a `terraform test` assertion here cannot reach. Their inner shape (rotation and
# alias, versioning, lifecycle, SSE-KMS, public access block, ownership, the policy statements
# and the key policy's ReadersDecryptThroughS3) is covered by seed_code_bucket's own tests and,
# for this module's settings, by the inventories in tests/modules/s3_template_publication/.
# Here: what this module passes to module.bucket, seen through its outputs, and this module's
# own resources (template objects, CORS), outputs and validations.

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

override_data {
  target = module.bucket.data.aws_caller_identity.current
  values = {
    account_id = "111122223333"
  }
}

variables {
  bucket_name = "templates-unit-test"
  templates = {
    model-build = {
      source_path = "./examples/basic/templates/model-build.yaml"
      description = "Model building pipeline"
    }
  }
  reader_principal_arns = ["arn:aws:iam::111122223333:role/sm-execution"]
}

run "templates_are_tagged_for_studio_and_encrypted" {
  command = plan

  assert {
    condition     = aws_s3_object.template["model-build"].tags["sagemaker:studio-visibility"] == "true"
    error_message = "Every template object must carry sagemaker:studio-visibility = true, or Studio does not list it."
  }

  assert {
    condition     = aws_s3_object.template["model-build"].key == "templates/model-build.yaml"
    error_message = "Templates must be stored as <key_prefix><name>.yaml."
  }

  assert {
    condition     = aws_s3_object.template["model-build"].source_hash == filemd5("./examples/basic/templates/model-build.yaml")
    error_message = "source_hash must follow the file's content, so that an edited template shows in the plan."
  }

  assert {
    condition     = aws_s3_object.template["model-build"].metadata["description"] == "Model building pipeline"
    error_message = "The description must be stored as object metadata."
  }

  assert {
    condition     = aws_s3_object.template["model-build"].bucket_key_enabled && aws_s3_object.template["model-build"].content_type == "application/yaml"
    error_message = "Templates must be stored as YAML with the bucket key."
  }

  assert {
    condition     = output.sagemaker_domain_tags == { "sagemaker:projectS3TemplatesLocation" = "s3://templates-unit-test/templates/" }
    error_message = "The domain tag must point Studio at s3://<bucket>/<key_prefix>."
  }

  assert {
    condition     = output.template_urls["model-build"] == "https://templates-unit-test.s3.eu-west-1.amazonaws.com/templates/model-build.yaml"
    error_message = "template_urls must be the regional virtual-hosted HTTPS URL that CreateProject accepts."
  }
}

run "cors_lets_studio_read_only" {
  command = plan

  assert {
    condition     = toset(one(aws_s3_bucket_cors_configuration.this.cors_rule).allowed_methods) == toset(["GET", "HEAD"])
    error_message = "Studio only reads templates: CORS must allow GET and HEAD only."
  }

  assert {
    condition     = one(aws_s3_bucket_cors_configuration.this.cors_rule).allowed_origins == toset(["https://*.sagemaker.aws"])
    error_message = "The default CORS origin must be SageMaker Studio's."
  }
}

run "bucket_is_locked_down" {
  command = plan

  assert {
    condition     = module.bucket.bucket_policy_statement_ids == ["DenyInsecureTransport", "AllowRead"] && output.bucket_policy_statement_ids == module.bucket.bucket_policy_statement_ids
    error_message = "The bucket policy must deny non-TLS requests and grant reads to the readers, and no VPC-endpoint deny (Studio reads from the browser)."
  }

  assert {
    condition     = module.bucket.conditional_denies_included
    error_message = "The TLS-only deny must be in force by default."
  }
}

run "templates_use_the_bucket_key" {
  # Apply-time values (the key ARN) are unknown in a plan: override the bucket's key so the
  # wiring from module.bucket to the template objects can be compared.
  command = plan

  override_resource {
    target          = module.bucket.aws_kms_key.this
    override_during = plan
    values = {
      arn    = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
      key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  }

  assert {
    condition     = module.bucket.kms_key_arn == "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    error_message = "The override must reach module.bucket's key."
  }

  assert {
    condition     = aws_s3_object.template["model-build"].kms_key_id == module.bucket.kms_key_arn && output.kms_key_arn == module.bucket.kms_key_arn
    error_message = "Templates must be encrypted with the bucket's key."
  }
}

run "emulator_mode_leaves_only_the_tls_deny_out" {
  command = plan

  variables {
    include_conditional_denies = false
  }

  assert {
    condition     = module.bucket.bucket_policy_statement_ids == ["AllowRead"]
    error_message = "Without conditional denies only the read grant may remain."
  }

  assert {
    condition     = !module.bucket.conditional_denies_included
    error_message = "Emulator mode must be reported."
  }
}

run "an_empty_key_prefix_means_the_bucket_root" {
  command = plan

  variables {
    key_prefix = ""
  }

  assert {
    condition     = output.templates_location == "s3://templates-unit-test/" && aws_s3_object.template["model-build"].key == "model-build.yaml"
    error_message = "An empty key_prefix means the bucket root."
  }
}

run "rejects_a_bucket_name_over_63_characters" {
  command = plan

  variables {
    bucket_name = "a-template-bucket-name-that-is-far-too-long-for-amazon-s3-to-accept-it"
  }

  expect_failures = [var.bucket_name]
}

run "rejects_a_missing_template_file" {
  command = plan

  variables {
    templates = {
      model-build = { source_path = "./examples/basic/templates/missing.yaml", description = "Missing" }
    }
  }

  expect_failures = [var.templates]
}

run "rejects_a_template_that_is_not_yaml" {
  command = plan

  variables {
    templates = {
      model-build = { source_path = "./main.tf", description = "Not a template" }
    }
  }

  expect_failures = [var.templates]
}

run "rejects_a_template_name_sagemaker_would_refuse" {
  command = plan

  variables {
    templates = {
      "model_build" = { source_path = "./examples/basic/templates/model-build.yaml", description = "Underscore" }
    }
  }

  expect_failures = [var.templates]
}

run "rejects_an_any_origin_cors_rule" {
  command = plan

  variables {
    cors_allowed_origins = ["*"]
  }

  expect_failures = [var.cors_allowed_origins]
}

run "rejects_a_reserved_aws_key_alias" {
  command = plan

  variables {
    kms_key_alias = "aws/templates"
  }

  expect_failures = [var.kms_key_alias]
}

run "rejects_a_key_prefix_with_a_leading_slash" {
  command = plan

  variables {
    key_prefix = "/templates/"
  }

  expect_failures = [var.key_prefix]
}
