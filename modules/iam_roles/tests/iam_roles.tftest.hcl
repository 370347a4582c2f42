# Offline plan tests: a real AWS provider with dummy credentials that never calls AWS
# (the one data source that would, aws_caller_identity, is overridden). Every policy is an
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
    account_id = "111122223333"
  }
}

variables {
  name_prefix              = "acme-ml-dev"
  team                     = "ml-platform"
  required_tags            = { "cost-center" = ["1234", "5678"], "data-classification" = ["internal"] }
  allowed_products         = ["prod-abcdefghijklm"]
  permissions_boundary_arn = "arn:aws:iam::111122223333:policy/platform-boundary"
  code_connection_arns     = ["arn:aws:codeconnections:eu-west-1:111122223333:connection/0123abcd-0123-abcd-0123-0123456789ab"]
}

run "every_trust_policy_names_exactly_one_service" {
  command = plan

  assert {
    condition = alltrue([
      for document in concat([data.aws_iam_policy_document.launch_role_trust.json], [for trust in data.aws_iam_policy_document.use_role_trust : trust.json]) :
      length(jsondecode(document).Statement) == 1 && length(flatten([jsondecode(document).Statement[0].Principal.Service])) == 1 && keys(jsondecode(document).Statement[0].Principal) == ["Service"]
    ])
    error_message = "Each role must be trusted by one statement naming one service principal."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.launch_role_trust.json).Statement[0].Principal.Service == "servicecatalog.amazonaws.com"
    error_message = "The launch role must be trusted by Service Catalog only."
  }

  assert {
    condition     = alltrue([for service, trust in data.aws_iam_policy_document.use_role_trust : jsondecode(trust.json).Statement[0].Principal.Service == "${service}.amazonaws.com"])
    error_message = "Each use role must be trusted by its own service only."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.use_role_trust["codebuild"].json).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "111122223333"
    error_message = "Use roles of services that set aws:SourceAccount must require this account (confused deputy)."
  }

  assert {
    condition     = toset(keys(aws_iam_role.use)) == toset(["codebuild", "codepipeline", "sagemaker", "events", "lambda", "cloudformation"])
    error_message = "By default every service gets its use role."
  }

  assert {
    condition     = alltrue([for role in concat([aws_iam_role.launch], values(aws_iam_role.use)) : role.permissions_boundary == "arn:aws:iam::111122223333:policy/platform-boundary" && length(role.name) <= 64])
    error_message = "Every role carries the permissions boundary and a name within 64 characters."
  }
}

run "data_scientist_creates_only_tagged_projects_of_its_team" {
  command = plan

  # Statements that create or provision: only aws:RequestTag/aws:TagKeys may judge their tags.
  assert {
    condition = alltrue(flatten([
      for statement in jsondecode(data.aws_iam_policy_document.data_scientist["data_scientist"].json).Statement : [
        for key in flatten([for operator, tests in try(statement.Condition, {}) : keys(tests)]) :
        !startswith(key, "aws:ResourceTag/")
      ] if statement.Sid != "DenyProvisioningOtherTeamsProducts" && anytrue([for action in flatten([statement.Action]) : startswith(action, "sagemaker:Create") || startswith(action, "servicecatalog:Provision")])
    ]))
    error_message = "No Create*/Provision* statement may test aws:ResourceTag (it never fires on a create); use aws:RequestTag."
  }

  assert {
    condition = alltrue([
      for sid in ["ProvisionAllowedProductsWithRequiredTags", "CreateProjectsWithRequiredTags"] :
      one([for s in jsondecode(data.aws_iam_policy_document.data_scientist["data_scientist"].json).Statement : s if s.Sid == sid]).Condition.StringEquals == {
        "aws:RequestTag/cost-center"         = ["1234", "5678"]
        "aws:RequestTag/data-classification" = "internal"
      }
    ])
    error_message = "Provisioning and project creation must require every tag with an allowed value through aws:RequestTag."
  }

  assert {
    condition = alltrue([
      for sid in ["ProvisionAllowedProductsWithRequiredTags", "CreateProjectsWithRequiredTags"] :
      toset(one([for s in jsondecode(data.aws_iam_policy_document.data_scientist["data_scientist"].json).Statement : s if s.Sid == sid]).Condition["ForAllValues:StringLike"]["aws:TagKeys"]) == toset(["cost-center", "data-classification", "sagemaker:*"])
    ])
    error_message = "Provisioning and project creation must limit tag keys with ForAllValues aws:TagKeys."
  }

  assert {
    condition     = one([for s in jsondecode(data.aws_iam_policy_document.data_scientist["data_scientist"].json).Statement : s if s.Sid == "ProvisionAllowedProductsWithRequiredTags"]).Resource == "arn:aws:catalog:eu-west-1:111122223333:product/prod-abcdefghijklm"
    error_message = "Only the allowed products may be provisioned."
  }

  assert {
    condition = [for s in jsondecode(data.aws_iam_policy_document.data_scientist["data_scientist"].json).Statement : s.Sid if s.Effect == "Deny" && can(s.Condition.StringNotEquals)] == [
      "DenyProjectsWithoutCostCenterTag", "DenyProjectsWithoutDataClassificationTag", "DenyProvisioningOtherTeamsProducts",
    ]
    error_message = "Each required tag and the team restriction must also be enforced by a Deny (broader policies may allow ProvisionProduct)."
  }

  assert {
    condition = one([for s in jsondecode(data.aws_iam_policy_document.data_scientist["data_scientist"].json).Statement : s if s.Sid == "DenyProvisioningOtherTeamsProducts"]) == {
      Sid       = "DenyProvisioningOtherTeamsProducts"
      Effect    = "Deny"
      Action    = "servicecatalog:ProvisionProduct"
      Resource  = "*"
      Condition = { StringNotEquals = { "aws:ResourceTag/team" = "ml-platform" } }
    }
    error_message = "Products whose team tag is not the persona's team must be denied (the product's tag: aws:ResourceTag on ProvisionProduct)."
  }

  assert {
    condition = length([
      for s in jsondecode(data.aws_iam_policy_document.data_scientist["data_scientist"].json).Statement : s
      if s.Effect == "Deny" && contains(flatten([s.Action]), "sagemaker:UpdateModelPackage") && !can(s.Condition)
    ]) == 1
    error_message = "Data scientists must be denied model approval (sagemaker:UpdateModelPackage) unconditionally."
  }

  assert {
    condition = contains(
      flatten([for s in jsondecode(data.aws_iam_policy_document.mlops_engineer["mlops_engineer"].json).Statement : s.Action if s.Effect == "Allow"]),
      "sagemaker:UpdateModelPackage"
    )
    error_message = "MLOps engineers must be able to approve model packages."
  }

  assert {
    condition     = toset(keys(aws_iam_policy.persona)) == toset(["data_scientist", "mlops_engineer", "admin"])
    error_message = "Every persona gets its policy."
  }
}

run "pass_role_is_scoped_by_arn_and_service" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for document in concat(
        [data.aws_iam_policy_document.launch_role.json, data.aws_iam_policy_document.admin["admin"].json],
        [for policy in data.aws_iam_policy_document.use_role : policy.json],
        ) : [
        for s in jsondecode(document).Statement :
        !contains(flatten([s.Resource]), "*") && length(flatten([s.Condition.StringEquals["iam:PassedToService"]])) == 1
        if contains(flatten([s.Action]), "iam:PassRole")
      ]
    ]))
    error_message = "Every iam:PassRole must name role ARNs and exactly one iam:PassedToService."
  }

  assert {
    condition     = one([for s in jsondecode(data.aws_iam_policy_document.launch_role.json).Statement : s if s.Sid == "CodeBuildProjectPassRole"]).Resource == "arn:aws:iam::111122223333:role/acme-ml-dev-codebuild"
    error_message = "The launch role may pass the codebuild use role, and only that one, to CodeBuild."
  }

  assert {
    condition     = length([for s in jsondecode(data.aws_iam_policy_document.use_role["events"].json).Statement : s if contains(flatten([s.Action]), "iam:PassRole")]) == 0
    error_message = "The events use role passes no role."
  }
}

run "launch_role_covers_the_default_template_types" {
  command = plan

  assert {
    condition     = output.covered_resource_types == sort(tolist(var.template_resource_types))
    error_message = "The covered types must be the requested ones."
  }

  assert {
    condition     = contains(output.launch_role_actions["AWS::SageMaker::CodeRepository"], "sagemaker:AddTags")
    error_message = "A tagged code repository needs sagemaker:AddTags."
  }

  assert {
    condition     = contains([for s in jsondecode(data.aws_iam_policy_document.launch_role.json).Statement : s.Sid], "PassCodeConnections")
    error_message = "Pipelines with a connection need codeconnections:PassConnection."
  }

  assert {
    condition     = one([for s in jsondecode(data.aws_iam_policy_document.launch_role.json).Statement : s if s.Sid == "S3BucketManage"]).Resource == "arn:aws:s3:::sagemaker-*"
    error_message = "Buckets must be scoped to the resource name prefix."
  }
}

run "every_supported_type_fits_one_inline_policy" {
  command = plan

  variables {
    template_resource_types = [
      "AWS::CodeBuild::Project", "AWS::CodePipeline::Pipeline", "AWS::Events::Rule", "AWS::IAM::Role",
      "AWS::KMS::Alias", "AWS::KMS::Key", "AWS::Lambda::Function", "AWS::Lambda::Permission", "AWS::Logs::LogGroup",
      "AWS::S3::Bucket", "AWS::S3::BucketPolicy", "AWS::SSM::Parameter", "AWS::SageMaker::CodeRepository",
      "AWS::SageMaker::ModelPackageGroup", "AWS::SageMaker::Pipeline",
    ]
  }

  assert {
    condition     = contains(output.launch_role_actions["AWS::IAM::Role"], "iam:TagRole") && contains(output.launch_role_actions["AWS::IAM::Role"], "iam:GetRole")
    error_message = "A tagged AWS::IAM::Role needs iam:TagRole, and CloudFormation reads it back with iam:GetRole."
  }

  assert {
    condition     = one([for s in jsondecode(data.aws_iam_policy_document.launch_role.json).Statement : s if s.Sid == "IAMRoleCreateBounded"]).Condition.StringEquals["iam:PermissionsBoundary"] == "arn:aws:iam::111122223333:policy/platform-boundary"
    error_message = "Roles created by templates must carry the permissions boundary."
  }
}

run "only_admin_persona_needs_no_team" {
  command = plan

  variables {
    personas      = ["admin"]
    team          = null
    required_tags = {}
  }

  assert {
    condition     = keys(aws_iam_policy.persona) == ["admin"]
    error_message = "Only the requested personas get a policy."
  }
}

run "data_scientist_needs_team_and_tags" {
  command = plan

  variables {
    team = null
  }

  expect_failures = [aws_iam_role.launch]
}

run "iam_role_type_needs_a_boundary" {
  command = plan

  variables {
    permissions_boundary_arn = null
    template_resource_types  = ["AWS::IAM::Role"]
  }

  expect_failures = [aws_iam_role.launch]
}

run "rejects_an_unknown_resource_type" {
  command = plan

  variables {
    template_resource_types = ["AWS::S3::Bucket", "AWS::EC2::Instance"]
  }

  expect_failures = [var.template_resource_types]
}

run "rejects_an_unknown_use_role_service" {
  command = plan

  variables {
    use_role_services = ["codebuild", "glue"]
  }

  expect_failures = [var.use_role_services]
}

run "rejects_a_name_prefix_that_overflows_role_names" {
  command = plan

  variables {
    name_prefix = "acme-machine-learning-platform-development-eu-west"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_a_malformed_boundary_arn" {
  command = plan

  variables {
    permissions_boundary_arn = "platform-boundary"
  }

  expect_failures = [var.permissions_boundary_arn]
}

run "rejects_a_reserved_tag_key" {
  command = plan

  variables {
    required_tags = { "aws:team" = ["x"] }
  }

  expect_failures = [var.required_tags]
}

run "rejects_a_tag_without_allowed_values" {
  command = plan

  variables {
    required_tags = { "cost-center" = [] }
  }

  expect_failures = [var.required_tags]
}

run "rejects_a_malformed_product" {
  command = plan

  variables {
    allowed_products = ["my-product"]
  }

  expect_failures = [var.allowed_products]
}

run "rejects_an_unknown_persona" {
  command = plan

  variables {
    personas = ["data_scientist", "auditor"]
  }

  expect_failures = [var.personas]
}
