# Offline tests with a mocked AWS provider: the emulator cannot apply products, versions,
# portfolio associations, constraints or TagOption associations, so their shapes and the
# versioning rules are proven here (plans and mocked applies that share one state, in order).

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  mock_data "aws_region" {
    defaults = {
      id   = "eu-west-1"
      name = "eu-west-1"
    }
  }

  mock_data "aws_servicecatalog_provisioning_artifacts" {
    defaults = {
      provisioning_artifact_details = [{ id = "pa-initial00000", name = "1.0.0", active = true, guidance = "DEFAULT", description = "", created_time = "", type = "CLOUD_FORMATION_TEMPLATE" }]
    }
  }

  mock_resource "aws_servicecatalog_product" {
    defaults = {
      id  = "prod-abcdefghijklm"
      arn = "arn:aws:catalog:eu-west-1:111122223333:product/prod-abcdefghijklm"
    }
  }
}

variables {
  product_name          = "Model Build"
  description           = "Model building with a SageMaker pipeline."
  owner                 = "ML Platform Team"
  portfolio_id          = "port-abcdefghijklm"
  launch_role_arn       = "arn:aws:iam::111122223333:role/service-role/AmazonSageMakerServiceCatalogProductsLaunchRole"
  templates_bucket_name = "templates-unit-test"
  templates_key_prefix  = "templates/"
  templates_kms_key_arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  initial_version       = "1.0.0"
  versions = {
    "1.0.0" = { template_file = "examples/basic/template.yaml" }
  }
  team = "fraud"
  tag_option_ids = {
    "cost-center=cc-1234" = "tag-abcdefghijklm"
  }
}

run "publishes_the_first_version" {
  command = apply

  assert {
    condition     = aws_servicecatalog_product.this.tags["sagemaker:studio-visibility"] == "true"
    error_message = "SageMaker Studio lists only products tagged sagemaker:studio-visibility=true."
  }

  assert {
    condition     = aws_servicecatalog_product.this.tags["team"] == "fraud"
    error_message = "The team input must become the product tag team=<team>."
  }

  assert {
    condition     = aws_servicecatalog_product.this.type == "CLOUD_FORMATION_TEMPLATE"
    error_message = "The product must be a CloudFormation product."
  }

  assert {
    condition     = aws_servicecatalog_product.this.provisioning_artifact_parameters[0].name == "1.0.0" && aws_servicecatalog_product.this.provisioning_artifact_parameters[0].template_url == "https://templates-unit-test.s3.eu-west-1.amazonaws.com/templates/model-build/1.0.0/${filemd5("examples/basic/template.yaml")}.yaml"
    error_message = "The product's first version must be initial_version, read from its content-addressed template object."
  }

  assert {
    condition     = aws_s3_object.this["1.0.0"].key == "templates/model-build/1.0.0/${filemd5("examples/basic/template.yaml")}.yaml" && aws_s3_object.this["1.0.0"].source_hash == filemd5("examples/basic/template.yaml")
    error_message = "The template object must be keyed by product, version and content hash, and re-uploaded when the file changes."
  }

  assert {
    condition     = aws_s3_object.this["1.0.0"].server_side_encryption == "aws:kms" && aws_s3_object.this["1.0.0"].kms_key_id == var.templates_kms_key_arn
    error_message = "The template object must be encrypted with the given KMS key."
  }

  assert {
    condition     = length(aws_servicecatalog_provisioning_artifact.this) == 0
    error_message = "The first version belongs to the product; no separate artifact may be created for it."
  }

  assert {
    condition     = aws_servicecatalog_constraint.this.type == "LAUNCH" && jsondecode(aws_servicecatalog_constraint.this.parameters) == { RoleArn = var.launch_role_arn }
    error_message = "The launch constraint must make Service Catalog use launch_role_arn."
  }

  assert {
    condition     = aws_servicecatalog_constraint.this.portfolio_id == "port-abcdefghijklm" && aws_servicecatalog_constraint.this.product_id == "prod-abcdefghijklm"
    error_message = "The launch constraint must bind the product in the portfolio."
  }

  assert {
    condition     = aws_servicecatalog_product_portfolio_association.this.portfolio_id == "port-abcdefghijklm" && aws_servicecatalog_product_portfolio_association.this.product_id == "prod-abcdefghijklm"
    error_message = "The product must be associated with the portfolio."
  }

  assert {
    condition     = aws_servicecatalog_tag_option_resource_association.this["cost-center=cc-1234"].resource_id == "prod-abcdefghijklm" && aws_servicecatalog_tag_option_resource_association.this["cost-center=cc-1234"].tag_option_id == "tag-abcdefghijklm"
    error_message = "Each given TagOption must be associated with the product."
  }

  assert {
    condition     = output.provisioning_artifact_ids == { "1.0.0" = "pa-initial00000" }
    error_message = "provisioning_artifact_ids must include the product's first version."
  }
}

run "a_new_template_is_a_new_version" {
  command = apply

  variables {
    versions = {
      "1.0.0" = { template_file = "examples/basic/template.yaml" }
      "1.1.0" = { template_file = "tests/templates/model_build_v2.yaml", description = "Smaller model package group." }
    }
  }

  assert {
    condition     = aws_servicecatalog_provisioning_artifact.this["1.1.0"].template_url == "https://templates-unit-test.s3.eu-west-1.amazonaws.com/templates/model-build/1.1.0/${filemd5("tests/templates/model_build_v2.yaml")}.yaml"
    error_message = "The new template must become a new provisioning artifact reading its own object."
  }

  assert {
    condition     = aws_servicecatalog_provisioning_artifact.this["1.1.0"].name == "1.1.0" && aws_servicecatalog_provisioning_artifact.this["1.1.0"].description == "Smaller model package group." && aws_servicecatalog_provisioning_artifact.this["1.1.0"].product_id == "prod-abcdefghijklm"
    error_message = "The new version must carry its name and description and belong to the product."
  }

  assert {
    condition     = aws_servicecatalog_provisioning_artifact.this["1.1.0"].active && aws_servicecatalog_provisioning_artifact.this["1.1.0"].guidance == "DEFAULT"
    error_message = "A new version must be active with DEFAULT guidance."
  }

  assert {
    condition     = endswith(aws_servicecatalog_product.this.provisioning_artifact_parameters[0].template_url, "/1.0.0/${filemd5("examples/basic/template.yaml")}.yaml")
    error_message = "Adding a version must leave the product's first version untouched."
  }
}

run "an_old_version_is_deprecated_not_deleted" {
  command = apply

  variables {
    versions = {
      "1.0.0" = { template_file = "examples/basic/template.yaml" }
      "1.1.0" = { template_file = "tests/templates/model_build_v2.yaml", description = "Smaller model package group.", active = false, guidance = "DEPRECATED" }
      "1.2.0" = { template_file = "examples/basic/template.yaml", description = "Back to the full template." }
    }
  }

  assert {
    condition     = !aws_servicecatalog_provisioning_artifact.this["1.1.0"].active && aws_servicecatalog_provisioning_artifact.this["1.1.0"].guidance == "DEPRECATED"
    error_message = "A deprecated version must be inactive with DEPRECATED guidance."
  }

  assert {
    condition     = toset(keys(aws_servicecatalog_provisioning_artifact.this)) == toset(["1.1.0", "1.2.0"])
    error_message = "Every version after the first must be its own provisioning artifact."
  }

  assert {
    condition     = aws_s3_object.this["1.2.0"].key != aws_s3_object.this["1.0.0"].key
    error_message = "Each version must have its own template object, even with the same content."
  }
}

run "editing_a_published_version_is_refused" {
  command = plan

  variables {
    versions = {
      "1.0.0" = { template_file = "examples/basic/template.yaml" }
      "1.1.0" = { template_file = "examples/basic/template.yaml", active = false, guidance = "DEPRECATED" }
      "1.2.0" = { template_file = "examples/basic/template.yaml" }
    }
  }

  expect_failures = [aws_servicecatalog_provisioning_artifact.this]
}

run "editing_the_first_version_is_refused" {
  command = plan

  variables {
    versions = {
      "1.0.0" = { template_file = "tests/templates/model_build_v2.yaml" }
      "1.1.0" = { template_file = "tests/templates/model_build_v2.yaml", active = false, guidance = "DEPRECATED" }
      "1.2.0" = { template_file = "examples/basic/template.yaml" }
    }
  }

  expect_failures = [aws_servicecatalog_product.this]
}

run "without_team_there_is_no_team_tag" {
  command = plan

  variables {
    team           = null
    tag_option_ids = {}
  }

  assert {
    condition     = !contains(keys(aws_servicecatalog_product.this.tags), "team") && aws_servicecatalog_product.this.tags["sagemaker:studio-visibility"] == "true"
    error_message = "Without a team the product has no team tag but stays visible in Studio."
  }

  assert {
    condition     = length(aws_servicecatalog_tag_option_resource_association.this) == 0
    error_message = "Without tag_option_ids no TagOption may be associated."
  }
}

run "rejects_an_initial_version_that_is_not_a_version" {
  command = plan

  variables {
    initial_version = "0.9.0"
  }

  expect_failures = [var.initial_version]
}

run "rejects_a_missing_template_file" {
  command = plan

  variables {
    versions = { "1.0.0" = { template_file = "examples/basic/missing.yaml" } }
  }

  expect_failures = [var.versions]
}

run "rejects_an_unknown_guidance" {
  command = plan

  variables {
    versions = { "1.0.0" = { template_file = "examples/basic/template.yaml", guidance = "OBSOLETE" } }
  }

  expect_failures = [var.versions]
}

run "rejects_a_launch_role_that_is_not_a_role" {
  command = plan

  variables {
    launch_role_arn = "arn:aws:iam::111122223333:user/admin"
  }

  expect_failures = [var.launch_role_arn]
}

run "rejects_a_portfolio_arn_for_the_id" {
  command = plan

  variables {
    portfolio_id = "arn:aws:catalog:eu-west-1:111122223333:portfolio/port-abcdefghijklm"
  }

  expect_failures = [var.portfolio_id]
}

run "rejects_overriding_the_studio_visibility_tag" {
  command = plan

  variables {
    tags = { "sagemaker:studio-visibility" = "false" }
  }

  expect_failures = [var.tags]
}

run "rejects_a_non_kms_key" {
  command = plan

  variables {
    templates_kms_key_arn = "alias/aws/s3"
  }

  expect_failures = [var.templates_kms_key_arn]
}
