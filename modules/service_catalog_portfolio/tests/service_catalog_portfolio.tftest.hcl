# Offline tests with a mocked AWS provider: the emulator cannot apply principal associations,
# TagOptions or shares, so their shapes are proven here (plan and mocked apply).

mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_resource "aws_servicecatalog_portfolio" {
    defaults = {
      id  = "port-abcdefghijklm"
      arn = "arn:aws:catalog:eu-west-1:111122223333:portfolio/port-abcdefghijklm"
    }
  }
}

variables {
  name          = "sagemaker-templates-unit-test"
  provider_name = "ML Platform Team"
  teams = {
    fraud = { principal_arns = ["arn:aws:iam::111122223333:role/fraud-ds", "arn:aws:iam::111122223333:role/fraud-lead"] }
    churn = { principal_arns = ["arn:aws:iam:::role/churn-ds"] }
  }
  tag_options = {
    cost-center = ["cc-1234", "cc-5678"]
    data-class  = ["internal"]
  }
  share_account_ids             = ["210987654321"]
  share_organizational_unit_ids = ["ou-ab12-cdef3456"]
  organization                  = { id = "o-a1b2c3d4e5", management_account_id = "999988887777" }
  share_with_organization       = true
  share_principals              = true
}

run "portfolio_alone_by_default" {
  command = plan

  variables {
    teams                         = {}
    tag_options                   = {}
    share_account_ids             = []
    share_organizational_unit_ids = []
    share_with_organization       = false
  }

  assert {
    condition     = aws_servicecatalog_portfolio.this.name == "sagemaker-templates-unit-test" && aws_servicecatalog_portfolio.this.provider_name == "ML Platform Team"
    error_message = "The portfolio must carry the given name and provider name."
  }

  assert {
    condition     = length(aws_servicecatalog_principal_portfolio_association.this) + length(aws_servicecatalog_tag_option.this) + length(aws_servicecatalog_portfolio_share.this) == 0
    error_message = "Without teams, tag options and shares only the portfolio may be planned."
  }
}

run "one_association_per_team_principal" {
  command = apply

  assert {
    condition     = toset(keys(aws_servicecatalog_principal_portfolio_association.this)) == toset(["fraud/arn:aws:iam::111122223333:role/fraud-ds", "fraud/arn:aws:iam::111122223333:role/fraud-lead", "churn/arn:aws:iam:::role/churn-ds"])
    error_message = "Each team principal must get its own association, keyed team/ARN."
  }

  assert {
    condition     = aws_servicecatalog_principal_portfolio_association.this["fraud/arn:aws:iam::111122223333:role/fraud-ds"].principal_type == "IAM"
    error_message = "An ARN with an account id is associated as IAM."
  }

  assert {
    condition     = aws_servicecatalog_principal_portfolio_association.this["churn/arn:aws:iam:::role/churn-ds"].principal_type == "IAM_PATTERN"
    error_message = "An ARN without an account id is associated as IAM_PATTERN."
  }

  assert {
    condition     = alltrue([for a in aws_servicecatalog_principal_portfolio_association.this : a.portfolio_id == "port-abcdefghijklm"])
    error_message = "Every association must target the portfolio."
  }
}

run "one_tag_option_per_key_and_value" {
  command = apply

  assert {
    condition     = toset(keys(aws_servicecatalog_tag_option.this)) == toset(["cost-center=cc-1234", "cost-center=cc-5678", "data-class=internal"])
    error_message = "Each (key, value) must become one TagOption, keyed key=value."
  }

  assert {
    condition     = aws_servicecatalog_tag_option.this["cost-center=cc-5678"].key == "cost-center" && aws_servicecatalog_tag_option.this["cost-center=cc-5678"].value == "cc-5678" && aws_servicecatalog_tag_option.this["cost-center=cc-5678"].active
    error_message = "A TagOption must carry its key and value and be active."
  }

  assert {
    condition     = alltrue([for k, a in aws_servicecatalog_tag_option_resource_association.this : a.resource_id == "port-abcdefghijklm" && a.tag_option_id == aws_servicecatalog_tag_option.this[k].id])
    error_message = "Each TagOption must be associated with the portfolio."
  }

  assert {
    condition     = toset(keys(output.tag_option_ids)) == toset(keys(aws_servicecatalog_tag_option.this))
    error_message = "tag_option_ids must list every TagOption."
  }
}

run "one_share_per_account_ou_and_organization" {
  command = apply

  assert {
    condition     = toset(keys(output.share_ids)) == toset(["ACCOUNT/210987654321", "ORGANIZATIONAL_UNIT/ou-ab12-cdef3456", "ORGANIZATION/o-a1b2c3d4e5"])
    error_message = "Each account, OU and organization must get its own share."
  }

  assert {
    condition     = aws_servicecatalog_portfolio_share.this["ORGANIZATIONAL_UNIT/ou-ab12-cdef3456"].type == "ORGANIZATIONAL_UNIT" && aws_servicecatalog_portfolio_share.this["ORGANIZATIONAL_UNIT/ou-ab12-cdef3456"].share_principals
    error_message = "An OU share must have type ORGANIZATIONAL_UNIT and share principals when asked to."
  }

  assert {
    condition     = aws_servicecatalog_portfolio_share.this["ORGANIZATIONAL_UNIT/ou-ab12-cdef3456"].principal_id == "arn:aws:organizations::999988887777:ou/o-a1b2c3d4e5/ou-ab12-cdef3456"
    error_message = "An OU share must name the OU by its ARN in the organization."
  }

  assert {
    condition     = aws_servicecatalog_portfolio_share.this["ORGANIZATION/o-a1b2c3d4e5"].principal_id == "arn:aws:organizations::999988887777:organization/o-a1b2c3d4e5"
    error_message = "An organization share must name the organization by its ARN."
  }

  assert {
    condition     = aws_servicecatalog_portfolio_share.this["ACCOUNT/210987654321"].share_principals != true
    error_message = "An account share cannot share principals."
  }

  assert {
    condition     = alltrue([for s in aws_servicecatalog_portfolio_share.this : s.share_tag_options && !s.wait_for_acceptance])
    error_message = "Shares must carry the TagOptions and must not wait for acceptance."
  }
}

run "rejects_a_non_iam_principal" {
  command = plan

  variables {
    teams = { fraud = { principal_arns = ["arn:aws:s3:::bucket"] } }
  }

  expect_failures = [var.teams]
}

run "rejects_a_short_account_id" {
  command = plan

  variables {
    share_account_ids = ["12345"]
  }

  expect_failures = [var.share_account_ids]
}

run "rejects_a_malformed_ou_id" {
  command = plan

  variables {
    share_organizational_unit_ids = ["r-ab12"]
  }

  expect_failures = [var.share_organizational_unit_ids]
}

run "rejects_a_malformed_organization_id" {
  command = plan

  variables {
    organization = { id = "org-1", management_account_id = "999988887777" }
  }

  expect_failures = [var.organization]
}

run "ou_shares_need_the_organization" {
  command = plan

  variables {
    organization            = null
    share_with_organization = false
  }

  expect_failures = [var.share_organizational_unit_ids]
}

run "rejects_a_reserved_tag_key" {
  command = plan

  variables {
    tag_options = { "aws:owner" = ["me"] }
  }

  expect_failures = [var.tag_options]
}

run "rejects_a_tag_value_over_256_characters" {
  command = plan

  variables {
    tag_options = { team = [join("", [for i in range(257) : "x"])] }
  }

  expect_failures = [var.tag_options]
}

run "rejects_a_provider_name_over_50_characters" {
  command = plan

  variables {
    provider_name = "A provider name that is far too long for Service Catalog"
  }

  expect_failures = [var.provider_name]
}

run "rejects_a_portfolio_name_over_100_characters" {
  command = plan

  variables {
    name = join("", [for i in range(101) : "p"])
  }

  expect_failures = [var.name]
}
