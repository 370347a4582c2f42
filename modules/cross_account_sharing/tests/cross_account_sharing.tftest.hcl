# Offline plan tests: a real AWS provider with dummy credentials that never calls AWS
# (the one data source that would, aws_caller_identity, is overridden: this is the tooling
# account 111122223333; the stages are 555566667777 and 777788889999). The policies are
# aws_iam_policy_document data sources, computed locally, so the assertions decode the JSON.

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
  name_prefix = "acme-ml-prod"
  stages = {
    staging = {
      account_id     = "555566667777"
      principal_arns = ["arn:aws:iam::555566667777:role/acme-ml-staging-deploy", "arn:aws:iam::555566667777:role/acme-ml-staging-sagemaker"]
    }
    prod-eu = {
      account_id     = "777788889999"
      principal_arns = ["arn:aws:iam::777788889999:role/acme-ml-prod-eu-sagemaker"]
    }
  }
}

run "key_policy_grants_each_stage_through_principal_arn" {
  command = plan

  assert {
    condition = [for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s.Sid] == [
      "AccountAdministersKeyThroughIam", "ProdEuDescribeKey", "StagingDescribeKey", "ProdEuDecryptThroughServices", "StagingDecryptThroughServices",
    ]
    error_message = "The key policy must hold the administration statement and a DescribeKey and a Decrypt statement per stage."
  }

  assert {
    condition = one([for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s if s.Sid == "StagingDecryptThroughServices"]) == {
      Sid       = "StagingDecryptThroughServices"
      Effect    = "Allow"
      Action    = "kms:Decrypt"
      Resource  = "*"
      Principal = { AWS = "arn:aws:iam::555566667777:root" }
      Condition = {
        ArnEquals    = { "aws:PrincipalArn" = ["arn:aws:iam::555566667777:role/acme-ml-staging-deploy", "arn:aws:iam::555566667777:role/acme-ml-staging-sagemaker"] }
        StringEquals = { "kms:ViaService" = ["s3.eu-west-1.amazonaws.com", "sagemaker.eu-west-1.amazonaws.com"] }
      }
    }
    error_message = "The staging roles may decrypt only through S3 or SageMaker, named by aws:PrincipalArn under the staging root."
  }

  assert {
    condition = one([for s in jsondecode(data.aws_iam_policy_document.key.json).Statement : s if s.Sid == "ProdEuDescribeKey"]) == {
      Sid       = "ProdEuDescribeKey"
      Effect    = "Allow"
      Action    = "kms:DescribeKey"
      Resource  = "*"
      Principal = { AWS = "arn:aws:iam::777788889999:root" }
      Condition = { ArnEquals = { "aws:PrincipalArn" = "arn:aws:iam::777788889999:role/acme-ml-prod-eu-sagemaker" } }
    }
    error_message = "Each stage's roles may describe the key, named by aws:PrincipalArn under that stage's root."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement :
      s.Principal.AWS == "arn:aws:iam::111122223333:root" if contains(flatten([s.Action]), "kms:*")
    ])
    error_message = "kms:* may go to the tooling account root only."
  }

  assert {
    condition = alltrue(flatten([
      for document in [data.aws_iam_policy_document.key.json, data.aws_iam_policy_document.model_package_group.json] : [
        for s in jsondecode(document).Statement : [
          for principal in flatten([s.Principal.AWS]) : can(regex("^arn:aws:iam::[0-9]{12}:root$", principal))
        ]
      ]
    ]))
    error_message = "Every principal must be an account root (never \"*\", never a role ARN, which AWS rejects before the role exists)."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(data.aws_iam_policy_document.key.json).Statement :
      can(s.Condition.ArnEquals["aws:PrincipalArn"]) if s.Sid != "AccountAdministersKeyThroughIam"
    ])
    error_message = "Every stage grant must name its roles in an ArnEquals aws:PrincipalArn condition."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation && aws_kms_key.this.deletion_window_in_days == 30
    error_message = "The key must rotate and wait the default 30 days before deletion."
  }

  assert {
    condition     = aws_kms_alias.this.name == "alias/acme-ml-prod-cross-account-artifacts"
    error_message = "The alias must be alias/<name_prefix>-cross-account-artifacts."
  }
}

run "model_package_group_policy_lets_the_stages_read_only" {
  command = plan

  variables {
    resource_name_prefix = "acme-ml-"
  }

  assert {
    condition = one([for s in jsondecode(output.model_package_group_policy_json).Statement : s if s.Sid == "StagingDescribeModelPackageGroup"]) == {
      Sid       = "StagingDescribeModelPackageGroup"
      Effect    = "Allow"
      Action    = "sagemaker:DescribeModelPackageGroup"
      Resource  = "arn:aws:sagemaker:eu-west-1:111122223333:model-package-group/acme-ml-*"
      Principal = { AWS = "arn:aws:iam::555566667777:root" }
      Condition = { ArnEquals = { "aws:PrincipalArn" = ["arn:aws:iam::555566667777:role/acme-ml-staging-deploy", "arn:aws:iam::555566667777:role/acme-ml-staging-sagemaker"] } }
    }
    error_message = "The staging roles may describe the prefix-named groups of this account."
  }

  # The provider orders a statement's actions itself: compare them as a set, the rest exactly.
  assert {
    condition = {
      for key, value in one([for s in jsondecode(output.model_package_group_policy_json).Statement : s if s.Sid == "ProdEuReadModelPackages"]) : key => value if key != "Action"
      } == {
      Sid       = "ProdEuReadModelPackages"
      Effect    = "Allow"
      Resource  = "arn:aws:sagemaker:eu-west-1:111122223333:model-package/acme-ml-*/*"
      Principal = { AWS = "arn:aws:iam::777788889999:root" }
      Condition = { ArnEquals = { "aws:PrincipalArn" = "arn:aws:iam::777788889999:role/acme-ml-prod-eu-sagemaker" } }
    }
    error_message = "The prod-eu roles may read the packages of this account's prefix-named groups, named by aws:PrincipalArn under the prod-eu root."
  }

  assert {
    condition     = toset(one([for s in jsondecode(output.model_package_group_policy_json).Statement : s if s.Sid == "ProdEuReadModelPackages"]).Action) == toset(["sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages"])
    error_message = "The prod-eu roles may describe and list the model packages, nothing else."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.model_package_group_policy_json).Statement :
      alltrue([for action in flatten([s.Action]) : startswith(action, "sagemaker:Describe") || startswith(action, "sagemaker:List")])
    ])
    error_message = "The stages may only read the registry: no approval (UpdateModelPackage), no writes."
  }

  assert {
    condition     = aws_ssm_parameter.this["model-package-group-policy"].insecure_value == output.model_package_group_policy_json
    error_message = "The SSM parameter must hold exactly the policy the output shows."
  }

  assert {
    condition     = !strcontains(output.model_package_group_policy_json, "\n")
    error_message = "The policy is stored minified, to stay within the standard parameter tier as long as possible."
  }
}

run "parameters_publish_the_settings_as_plain_strings" {
  command = plan

  variables {
    ssm_parameter_prefix = "/acme/ml/prod/"
  }

  assert {
    condition = output.ssm_parameter_names == {
      "kms-key-arn"                = "/acme/ml/prod/kms-key-arn"
      "model-package-group-policy" = "/acme/ml/prod/model-package-group-policy"
      "stage-accounts"             = "/acme/ml/prod/stage-accounts"
    }
    error_message = "The parameters must be <ssm_parameter_prefix><setting>."
  }

  assert {
    condition     = alltrue([for parameter in aws_ssm_parameter.this : parameter.type == "String" && parameter.tier == "Standard"])
    error_message = "The parameters hold no secret: plain String (resolvable with {{resolve:ssm:...}}), standard tier for two stages."
  }

  assert {
    condition     = jsondecode(aws_ssm_parameter.this["stage-accounts"].insecure_value) == { staging = "555566667777", prod-eu = "777788889999" }
    error_message = "stage-accounts must map each stage to its account id."
  }

  assert {
    condition     = output.stage_account_ids == { staging = "555566667777", prod-eu = "777788889999" }
    error_message = "The output must map each stage to its account id."
  }
}

run "many_stages_move_the_policy_to_the_advanced_tier" {
  command = plan

  variables {
    stages = {
      for index in range(6) : "stage${index}" => {
        account_id     = format("5555666677%02d", index)
        principal_arns = [for role in ["deploy", "sagemaker"] : format("arn:aws:iam::5555666677%02d:role/sagemaker-projects/acme-ml-stage${index}-%s", index, role)]
      }
    }
  }

  assert {
    condition     = length(output.model_package_group_policy_json) > 4096 && aws_ssm_parameter.this["model-package-group-policy"].tier == "Advanced"
    error_message = "A policy over 4 KB must go to the advanced tier (standard parameters hold 4 KB)."
  }

  assert {
    condition     = length(jsondecode(data.aws_iam_policy_document.key.json).Statement) == 13
    error_message = "Six stages need twelve grants besides the administration statement."
  }
}

run "refuses_a_policy_over_the_advanced_tier" {
  command = plan

  variables {
    stages = {
      for index in range(10) : "stage${index}" => {
        account_id     = format("5555666677%02d", index)
        principal_arns = [for role in ["deploy", "sagemaker"] : format("arn:aws:iam::5555666677%02d:role/sagemaker-projects/acme-ml-stage${index}-%s", index, role)]
      }
    }
  }

  expect_failures = [aws_ssm_parameter.this]
}

run "rejects_a_stage_role_of_another_account" {
  command = plan

  variables {
    stages = {
      staging = { account_id = "555566667777", principal_arns = ["arn:aws:iam::777788889999:role/acme-ml-staging-deploy"] }
    }
  }

  expect_failures = [var.stages]
}

run "rejects_a_wildcard_stage_principal" {
  command = plan

  variables {
    stages = {
      staging = { account_id = "555566667777", principal_arns = ["arn:aws:iam::555566667777:role/*"] }
    }
  }

  expect_failures = [var.stages]
}

run "rejects_a_stage_without_principals" {
  command = plan

  variables {
    stages = {
      staging = { account_id = "555566667777", principal_arns = [] }
    }
  }

  expect_failures = [var.stages]
}

run "rejects_no_stage" {
  command = plan

  variables {
    stages = {}
  }

  expect_failures = [var.stages]
}

run "rejects_stage_names_that_collide_as_statement_ids" {
  command = plan

  variables {
    stages = {
      prod-1 = { account_id = "555566667777", principal_arns = ["arn:aws:iam::555566667777:role/a"] }
      prod1  = { account_id = "777788889999", principal_arns = ["arn:aws:iam::777788889999:role/a"] }
    }
  }

  expect_failures = [var.stages]
}

run "rejects_an_uppercase_stage_name" {
  command = plan

  variables {
    stages = {
      Staging = { account_id = "555566667777", principal_arns = ["arn:aws:iam::555566667777:role/a"] }
    }
  }

  expect_failures = [var.stages]
}

run "rejects_a_malformed_account_id" {
  command = plan

  variables {
    stages = {
      staging = { account_id = "5555-6666-7777", principal_arns = ["arn:aws:iam::555566667777:role/a"] }
    }
  }

  expect_failures = [var.stages]
}

run "rejects_a_short_deletion_window" {
  command = plan

  variables {
    kms_deletion_window_in_days = 5
  }

  expect_failures = [var.kms_deletion_window_in_days]
}

run "rejects_a_parameter_prefix_without_trailing_slash" {
  command = plan

  variables {
    ssm_parameter_prefix = "/sagemaker-projects/cross-account"
  }

  expect_failures = [var.ssm_parameter_prefix]
}

run "rejects_a_reserved_parameter_prefix" {
  command = plan

  variables {
    ssm_parameter_prefix = "/aws/sagemaker/"
  }

  expect_failures = [var.ssm_parameter_prefix]
}

run "rejects_a_reserved_alias_prefix" {
  command = plan

  variables {
    name_prefix = "aws-ml"
  }

  expect_failures = [var.name_prefix]
}
