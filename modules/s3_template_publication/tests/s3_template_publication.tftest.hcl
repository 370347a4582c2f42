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
    condition     = aws_kms_key.this[0].enable_key_rotation && length(aws_kms_alias.this) == 1
    error_message = "A created key must rotate and have an alias."
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
    condition     = [for s in jsondecode(data.aws_iam_policy_document.bucket.json).Statement : s.Sid] == ["DenyInsecureTransport", "AllowTemplateRead"]
    error_message = "The bucket policy must deny non-TLS requests and grant reads to the readers."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be off."
  }

  assert {
    condition = (aws_s3_bucket_public_access_block.this.block_public_acls && aws_s3_bucket_public_access_block.this.block_public_policy
    && aws_s3_bucket_public_access_block.this.ignore_public_acls && aws_s3_bucket_public_access_block.this.restrict_public_buckets)
    error_message = "All four public-access-block flags must be on."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    error_message = "The bucket must default to SSE-KMS."
  }

  assert {
    condition     = contains([for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s.Sid], "TemplateReadersDecryptThroughS3")
    error_message = "Readers must be able to decrypt through S3."
  }
}

run "emulator_mode_leaves_only_the_tls_deny_out" {
  command = plan

  variables {
    include_conditional_denies = false
  }

  assert {
    condition     = [for s in jsondecode(data.aws_iam_policy_document.bucket.json).Statement : s.Sid] == ["AllowTemplateRead"]
    error_message = "Without conditional denies only the read grant may remain."
  }
}

run "an_existing_key_replaces_the_created_one" {
  command = plan

  variables {
    create_kms_key = false
    kms_key_arn    = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    key_prefix     = ""
  }

  assert {
    condition     = length(aws_kms_key.this) == 0 && length(aws_kms_alias.this) == 0
    error_message = "No key may be created when an existing one is given."
  }

  assert {
    condition     = aws_s3_object.template["model-build"].kms_key_id == var.kms_key_arn && output.kms_key_arn == var.kms_key_arn
    error_message = "Templates must be encrypted with the given key."
  }

  assert {
    condition     = output.templates_location == "s3://templates-unit-test/" && aws_s3_object.template["model-build"].key == "model-build.yaml"
    error_message = "An empty key_prefix means the bucket root."
  }
}

run "needs_exactly_one_key" {
  command = plan

  variables {
    create_kms_key = false
  }

  expect_failures = [aws_s3_bucket.this]
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

run "rejects_a_key_alias_instead_of_a_key_arn" {
  command = plan

  variables {
    create_kms_key = false
    kms_key_arn    = "arn:aws:kms:eu-west-1:111122223333:alias/templates"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_a_key_prefix_with_a_leading_slash" {
  command = plan

  variables {
    key_prefix = "/templates/"
  }

  expect_failures = [var.key_prefix]
}
