# Offline plan tests: a real AWS provider with dummy credentials that never calls AWS
# (the one data source that would, aws_caller_identity, is overridden: this is the staging
# account 555566667777, the tooling account is 111122223333). Every policy is an
# aws_iam_policy_document, computed locally, so the assertions decode the JSON.

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
    account_id = "555566667777"
  }
}

variables {
  name_prefix        = "acme-ml"
  stage_name         = "staging"
  tooling_account_id = "111122223333"
  trusted_principal_arns = [
    "arn:aws:iam::111122223333:role/acme-ml-prod-codepipeline",
    "arn:aws:iam::111122223333:role/acme-ml-prod-cloudformation",
  ]
  artifact_bucket_arns  = ["arn:aws:s3:::sagemaker-*"]
  artifact_kms_key_arns = ["arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
}

run "deploy_role_trusts_the_tooling_root_only_through_principal_arn" {
  command = plan

  assert {
    condition     = length(jsondecode(data.aws_iam_policy_document.deploy_trust.json).Statement) == 1
    error_message = "The deploy role must have exactly one trust statement."
  }

  assert {
    condition = jsondecode(data.aws_iam_policy_document.deploy_trust.json).Statement[0].Principal == {
      AWS = "arn:aws:iam::111122223333:root"
    }
    error_message = "The principal must be the tooling account root, never a role ARN (AWS rejects a role that does not exist yet)."
  }

  assert {
    condition     = keys(jsondecode(data.aws_iam_policy_document.deploy_trust.json).Statement[0].Condition) == ["ArnEquals"]
    error_message = "The tooling roles must be named in an ArnEquals condition, nothing else."
  }

  assert {
    condition     = toset(flatten([jsondecode(data.aws_iam_policy_document.deploy_trust.json).Statement[0].Condition.ArnEquals["aws:PrincipalArn"]])) == toset(var.trusted_principal_arns)
    error_message = "aws:PrincipalArn must list exactly the trusted tooling roles."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.deploy_trust.json).Statement[0].Action == "sts:AssumeRole"
    error_message = "The tooling roles may only assume the deploy role (no session tags, no other STS action)."
  }

  assert {
    condition     = output.deploy_role_trust_policy_json == data.aws_iam_policy_document.deploy_trust.json
    error_message = "The output must be the deploy role's trust policy."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this["deploy"].assume_role_policy) == jsondecode(data.aws_iam_policy_document.deploy_trust.json)
    error_message = "The deploy role must carry that trust policy."
  }
}

run "service_roles_are_trusted_by_their_service_in_this_account" {
  command = plan

  assert {
    condition = jsondecode(data.aws_iam_policy_document.cloudformation_trust.json).Statement[0].Principal == {
      Service = "cloudformation.amazonaws.com"
    }
    error_message = "The CloudFormation role must be trusted by CloudFormation only."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.cloudformation_trust.json).Statement[0].Condition.StringEqualsIfExists["aws:SourceAccount"] == "555566667777"
    error_message = "Where CloudFormation sets aws:SourceAccount it must be this (stage) account."
  }

  assert {
    condition = jsondecode(data.aws_iam_policy_document.sagemaker_trust.json).Statement[0].Principal == {
      Service = "sagemaker.amazonaws.com"
    }
    error_message = "The execution role must be trusted by SageMaker only."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.sagemaker_trust.json).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "555566667777"
    error_message = "Only this account's SageMaker resources may run as the execution role (confused deputy)."
  }
}

run "pass_role_is_scoped_by_arn_and_service" {
  command = plan

  variables {
    iam_path = "/sagemaker-projects/"
  }

  assert {
    condition = one([for s in jsondecode(data.aws_iam_policy_document.deploy.json).Statement : s if s.Sid == "PassCloudFormationRole"]) == {
      Sid       = "PassCloudFormationRole"
      Effect    = "Allow"
      Action    = "iam:PassRole"
      Resource  = "arn:aws:iam::555566667777:role/sagemaker-projects/acme-ml-staging-cloudformation"
      Condition = { StringEquals = { "iam:PassedToService" = "cloudformation.amazonaws.com" } }
    }
    error_message = "The deploy role may pass the CloudFormation role, and only it, to CloudFormation only."
  }

  assert {
    condition = one([for s in jsondecode(data.aws_iam_policy_document.cloudformation.json).Statement : s if s.Sid == "PassSageMakerExecutionRole"]) == {
      Sid       = "PassSageMakerExecutionRole"
      Effect    = "Allow"
      Action    = "iam:PassRole"
      Resource  = "arn:aws:iam::555566667777:role/sagemaker-projects/acme-ml-staging-sagemaker"
      Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }
    }
    error_message = "The CloudFormation role may pass the execution role, and only it, to SageMaker only."
  }

  assert {
    condition     = length([for s in jsondecode(data.aws_iam_policy_document.sagemaker.json).Statement : s if contains(flatten([s.Action]), "iam:PassRole")]) == 0
    error_message = "The execution role passes no role."
  }

  assert {
    condition = alltrue(flatten([
      for document in [data.aws_iam_policy_document.deploy.json, data.aws_iam_policy_document.cloudformation.json, data.aws_iam_policy_document.sagemaker.json] : [
        for s in jsondecode(document).Statement : !anytrue([for action in flatten([s.Action]) : endswith(action, ":*") || action == "*"])
      ]
    ]))
    error_message = "No statement may grant a whole service (service:*) or every action."
  }
}

run "roles_are_named_for_the_tooling_side_to_compute" {
  command = plan

  variables {
    iam_path                 = "/sagemaker-projects/"
    permissions_boundary_arn = "arn:aws:iam::555566667777:policy/platform-boundary"
    tags                     = { owner = "ml-platform" }
  }

  assert {
    condition = output.role_names == {
      deploy         = "acme-ml-staging-deploy"
      cloudformation = "acme-ml-staging-cloudformation"
      sagemaker      = "acme-ml-staging-sagemaker"
    }
    error_message = "Role names must be <name_prefix>-<stage_name>-<purpose>."
  }

  assert {
    condition = alltrue([
      for role in aws_iam_role.this :
      role.path == "/sagemaker-projects/" && role.permissions_boundary == "arn:aws:iam::555566667777:policy/platform-boundary" && role.tags["owner"] == "ml-platform"
    ])
    error_message = "Every role carries the path, the permissions boundary and the tags."
  }

  assert {
    condition     = toset(keys(aws_iam_role_policy.this)) == toset(["deploy", "cloudformation", "sagemaker"])
    error_message = "Every role gets its inline policy."
  }
}

run "artifacts_are_read_and_decrypted_through_s3_only" {
  command = plan

  assert {
    condition     = one([for s in jsondecode(data.aws_iam_policy_document.deploy.json).Statement : s if s.Sid == "ReadPipelineArtifacts"]).Resource == "arn:aws:s3:::sagemaker-*/*"
    error_message = "The deploy role reads the objects of the artifact buckets."
  }

  assert {
    condition = alltrue([
      for pair in [[data.aws_iam_policy_document.deploy.json, "DecryptArtifactsThroughS3"], [data.aws_iam_policy_document.sagemaker.json, "DecryptModelArtifactsThroughS3"]] :
      one([for s in jsondecode(pair[0]).Statement : s if s.Sid == pair[1]]) == {
        Sid       = pair[1]
        Effect    = "Allow"
        Action    = "kms:Decrypt"
        Resource  = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        Condition = { StringEquals = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" } }
      }
    ])
    error_message = "Both roles may decrypt with the tooling keys only through S3."
  }

  assert {
    condition = alltrue(flatten([
      for document in [data.aws_iam_policy_document.deploy.json, data.aws_iam_policy_document.cloudformation.json, data.aws_iam_policy_document.sagemaker.json] : [
        for s in jsondecode(document).Statement : can(s.Condition.StringEquals["kms:ViaService"]) if anytrue([for action in flatten([s.Action]) : startswith(action, "kms:")])
      ]
    ]))
    error_message = "Every KMS grant must be limited with kms:ViaService."
  }

  assert {
    condition = toset(flatten([one([for s in jsondecode(data.aws_iam_policy_document.sagemaker.json).Statement : s if s.Sid == "ReadToolingModelRegistry"]).Resource])) == toset([
      "arn:aws:sagemaker:eu-west-1:111122223333:model-package-group/sagemaker-*",
      "arn:aws:sagemaker:eu-west-1:111122223333:model-package/sagemaker-*",
    ])
    error_message = "The execution role reads the tooling account's registry, prefix-named groups only."
  }
}

run "stage_resources_are_scoped_to_the_prefix" {
  command = plan

  variables {
    resource_name_prefix = "acme-ml-"
  }

  assert {
    condition     = one([for s in jsondecode(data.aws_iam_policy_document.deploy.json).Statement : s if s.Sid == "DeployStacks"]).Resource == "arn:aws:cloudformation:eu-west-1:555566667777:stack/acme-ml-*"
    error_message = "The deploy role may act only on this account's prefix-named stacks."
  }

  assert {
    condition = toset(one([for s in jsondecode(data.aws_iam_policy_document.cloudformation.json).Statement : s if s.Sid == "ModelsAndEndpoints"]).Resource) == toset([
      "arn:aws:sagemaker:eu-west-1:555566667777:model/acme-ml-*",
      "arn:aws:sagemaker:eu-west-1:555566667777:endpoint-config/acme-ml-*",
      "arn:aws:sagemaker:eu-west-1:555566667777:endpoint/acme-ml-*",
    ])
    error_message = "The CloudFormation role may manage only prefix-named models, endpoint configs and endpoints."
  }

  assert {
    condition     = one([for s in jsondecode(data.aws_iam_policy_document.sagemaker.json).Statement : s if s.Sid == "EndpointLogs"]).Resource == "arn:aws:logs:eu-west-1:555566667777:log-group:/aws/sagemaker/Endpoints/acme-ml-*"
    error_message = "The execution role writes only its endpoints' log groups."
  }

  assert {
    condition     = one([for s in jsondecode(data.aws_iam_policy_document.cloudformation.json).Statement : s if s.Sid == "EndpointScalingServiceLinkedRole"]).Condition.StringEquals["iam:AWSServiceName"] == "sagemaker.application-autoscaling.amazonaws.com"
    error_message = "The CloudFormation role may create only Application Auto Scaling's SageMaker service-linked role."
  }
}

run "no_customer_key_means_no_kms_grant" {
  command = plan

  variables {
    artifact_kms_key_arns = []
  }

  assert {
    condition = length(flatten([
      for document in [data.aws_iam_policy_document.deploy.json, data.aws_iam_policy_document.sagemaker.json] : [
        for s in jsondecode(document).Statement : s if anytrue([for action in flatten([s.Action]) : startswith(action, "kms:")])
      ]
    ])) == 0
    error_message = "Without artifact keys no role gets a KMS permission."
  }
}

run "rejects_a_trusted_role_of_another_account" {
  command = plan

  variables {
    trusted_principal_arns = ["arn:aws:iam::999999999999:role/acme-ml-prod-codepipeline"]
  }

  expect_failures = [var.trusted_principal_arns]
}

run "rejects_a_wildcard_trusted_principal" {
  command = plan

  variables {
    trusted_principal_arns = ["arn:aws:iam::111122223333:role/*"]
  }

  expect_failures = [var.trusted_principal_arns]
}

run "rejects_no_trusted_principal" {
  command = plan

  variables {
    trusted_principal_arns = []
  }

  expect_failures = [var.trusted_principal_arns]
}

run "rejects_names_that_overflow_iam" {
  command = plan

  variables {
    name_prefix = "acme-machine-learning-platform-eu-west"
    stage_name  = "production-blue"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_an_uppercase_stage_name" {
  command = plan

  variables {
    stage_name = "Staging"
  }

  expect_failures = [var.stage_name]
}

run "rejects_a_malformed_tooling_account_id" {
  command = plan

  variables {
    tooling_account_id = "1111-2222-3333"
  }

  expect_failures = [var.tooling_account_id]
}

run "rejects_a_key_alias_or_a_key_of_another_account" {
  command = plan

  variables {
    artifact_kms_key_arns = [
      "arn:aws:kms:eu-west-1:111122223333:alias/artifacts",
      "arn:aws:kms:eu-west-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ]
  }

  expect_failures = [var.artifact_kms_key_arns]
}

run "rejects_an_object_path_as_artifact_bucket" {
  command = plan

  variables {
    artifact_bucket_arns = ["arn:aws:s3:::sagemaker-artifacts/models/*"]
  }

  expect_failures = [var.artifact_bucket_arns]
}
