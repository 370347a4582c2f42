# Offline plan tests: a real AWS provider with dummy credentials that never calls AWS
# (aws_region and aws_partition are answered from the provider configuration; the one data
# source that would call AWS, aws_caller_identity, is overridden).

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
  name_prefix        = "smt-unit"
  cidr_block         = "10.20.0.0/16"
  availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

run "subnets_are_carved_by_zone_position" {
  command = plan

  assert {
    condition     = toset(keys(aws_subnet.this)) == toset(var.availability_zones)
    error_message = "Every listed zone must get exactly one subnet, keyed by its name."
  }

  assert {
    condition = (
      aws_subnet.this["eu-west-1a"].cidr_block == "10.20.0.0/20" &&
      aws_subnet.this["eu-west-1b"].cidr_block == "10.20.16.0/20" &&
      aws_subnet.this["eu-west-1c"].cidr_block == "10.20.32.0/20"
    )
    error_message = "Subnet i must be cidrsubnet(cidr_block, 4, i): /20s of the /16 in list order."
  }

  assert {
    condition     = alltrue([for az, subnet in aws_subnet.this : subnet.availability_zone == az])
    error_message = "Each subnet must be in the zone it is keyed by."
  }

  assert {
    condition     = output.availability_zones == var.availability_zones
    error_message = "The availability_zones output must keep the input's order (that of subnet_ids)."
  }
}

run "subnets_never_get_public_addresses" {
  command = plan

  assert {
    condition     = alltrue([for subnet in aws_subnet.this : subnet.map_public_ip_on_launch == false])
    error_message = "No subnet may give instances a public IPv4 address."
  }

  assert {
    condition     = alltrue([for subnet in aws_subnet.this : !subnet.assign_ipv6_address_on_creation])
    error_message = "No subnet may hand out IPv6 addresses (which are public)."
  }
}

run "vpc_resolves_private_dns_of_interface_endpoints" {
  command = plan

  assert {
    condition     = aws_vpc.this.enable_dns_support && aws_vpc.this.enable_dns_hostnames
    error_message = "Interface endpoints' private DNS needs both DNS support and DNS hostnames."
  }

  assert {
    condition     = aws_vpc.this.cidr_block == "10.20.0.0/16" && output.cidr_blocks == ["10.20.0.0/16"]
    error_message = "The VPC must use cidr_block, and cidr_blocks must list it."
  }

  assert {
    condition     = aws_vpc.this.tags["Name"] == "smt-unit" && aws_subnet.this["eu-west-1b"].tags["Name"] == "smt-unit-private-eu-west-1b"
    error_message = "Name tags must be built from name_prefix (and the zone, for subnets)."
  }
}

run "one_route_table_serves_every_subnet" {
  command = plan

  assert {
    condition     = toset(keys(aws_route_table_association.this)) == toset(var.availability_zones)
    error_message = "Every subnet must be associated with the module's route table."
  }

  assert {
    condition     = aws_route_table.this.tags["Name"] == "smt-unit-private"
    error_message = "The route table must be tagged as the private one."
  }
}

run "default_security_group_is_emptied" {
  command = plan

  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The VPC's default security group must keep no rule at all."
  }
}

run "all_traffic_is_flow_logged_to_the_module_log_group" {
  command = plan

  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL" && aws_flow_log.this.log_destination_type == "cloud-watch-logs"
    error_message = "The flow log must record all traffic into CloudWatch Logs."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/vpc-flow-logs/smt-unit" && output.flow_log_group_name == "/vpc-flow-logs/smt-unit"
    error_message = "The log group must be named after name_prefix."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 365 && aws_cloudwatch_log_group.this.kms_key_id == null
    error_message = "By default the flow logs must be kept for a year, encrypted by CloudWatch Logs' own keys."
  }

  assert {
    condition     = aws_iam_role.this.name == "smt-unit-vpc-flow-logs"
    error_message = "The flow-log role must be named after name_prefix."
  }
}

run "only_vpc_flow_logs_of_this_account_may_take_the_role" {
  command = plan

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.flow_logs_trust.json).Statement[0].Principal == { Service = "vpc-flow-logs.amazonaws.com" }
    error_message = "Only the VPC Flow Logs service may assume the role."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.flow_logs_trust.json).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "111122223333"
    error_message = "The trust policy must admit flow logs of this account only."
  }

  assert {
    condition     = jsondecode(data.aws_iam_policy_document.flow_logs_trust.json).Statement[0].Condition.ArnLike["aws:SourceArn"] == "arn:aws:ec2:eu-west-1:111122223333:vpc-flow-log/*"
    error_message = "The trust policy must admit flow logs of this account and region only."
  }
}

run "role_writes_only_to_the_module_log_group" {
  command = plan

  assert {
    condition     = [for s in jsondecode(data.aws_iam_policy_document.flow_logs.json).Statement : s.Sid] == ["WriteFlowLogs", "FindLogGroup"]
    error_message = "The role policy must have exactly the write and the look-up statements."
  }

  assert {
    condition = toset(jsondecode(data.aws_iam_policy_document.flow_logs.json).Statement[0].Resource) == toset([
      "arn:aws:logs:eu-west-1:111122223333:log-group:/vpc-flow-logs/smt-unit",
      "arn:aws:logs:eu-west-1:111122223333:log-group:/vpc-flow-logs/smt-unit:log-stream:*",
    ])
    error_message = "Writes must be limited to the module's log group and its streams."
  }

  assert {
    condition     = !strcontains(data.aws_iam_policy_document.flow_logs.json, "logs:CreateLogGroup")
    error_message = "The role must not be able to recreate a deleted log group (unencrypted, never expiring)."
  }
}

run "a_key_and_retention_of_the_callers_are_used" {
  command = plan

  variables {
    flow_log_kms_key_arn       = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    flow_log_retention_in_days = 731
    tags                       = { owner = "platform" }
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.flow_log_kms_key_arn && aws_cloudwatch_log_group.this.retention_in_days == 731
    error_message = "The given key and retention must be used on the log group."
  }

  assert {
    condition     = aws_vpc.this.tags == tomap({ Name = "smt-unit", owner = "platform" }) && aws_flow_log.this.tags["owner"] == "platform"
    error_message = "tags must reach every resource, with the module's Name tag."
  }
}

run "a_small_vpc_gets_small_subnets" {
  command = plan

  variables {
    cidr_block         = "192.168.4.0/24"
    availability_zones = ["eu-west-1b", "eu-west-1a"]
    subnet_newbits     = 2
  }

  assert {
    condition     = aws_subnet.this["eu-west-1b"].cidr_block == "192.168.4.0/26" && aws_subnet.this["eu-west-1a"].cidr_block == "192.168.4.64/26"
    error_message = "The list order, not the zone name, must decide which /26 a zone gets."
  }
}

run "rejects_a_cidr_with_host_bits" {
  command = plan

  variables {
    cidr_block = "10.20.0.1/16"
  }

  expect_failures = [var.cidr_block]
}

run "rejects_a_bare_address" {
  command = plan

  variables {
    cidr_block = "10.20.0.0"
  }

  expect_failures = [var.cidr_block]
}

run "rejects_an_ipv6_block" {
  command = plan

  variables {
    cidr_block = "fd00:ec2::/56"
  }

  expect_failures = [var.cidr_block]
}

run "rejects_a_block_larger_than_16" {
  command = plan

  variables {
    cidr_block = "10.0.0.0/8"
  }

  expect_failures = [var.cidr_block]
}

run "rejects_a_block_smaller_than_24" {
  command = plan

  variables {
    cidr_block         = "10.20.0.0/26"
    availability_zones = ["eu-west-1a"]
    subnet_newbits     = 1
  }

  expect_failures = [var.cidr_block]
}

run "rejects_an_empty_zone_list" {
  command = plan

  variables {
    availability_zones = []
  }

  expect_failures = [var.availability_zones]
}

run "rejects_more_than_six_zones" {
  command = plan

  variables {
    availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d", "eu-west-1e", "eu-west-1f", "eu-west-1g"]
  }

  expect_failures = [var.availability_zones]
}

run "rejects_duplicate_zones" {
  command = plan

  variables {
    availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1a"]
  }

  expect_failures = [var.availability_zones]
}

run "rejects_zone_ids" {
  command = plan

  variables {
    availability_zones = ["euw1-az1", "euw1-az2"]
  }

  expect_failures = [var.availability_zones]
}

run "rejects_zones_of_another_region" {
  command = plan

  variables {
    availability_zones = ["eu-west-1a", "us-east-1a"]
  }

  expect_failures = [aws_subnet.this]
}

run "rejects_subnets_smaller_than_28" {
  command = plan

  variables {
    cidr_block     = "10.20.0.0/24"
    subnet_newbits = 5
  }

  expect_failures = [var.subnet_newbits]
}

run "rejects_too_few_bits_for_the_zones" {
  command = plan

  variables {
    subnet_newbits = 1
  }

  expect_failures = [var.subnet_newbits]
}

run "rejects_a_fractional_newbits" {
  command = plan

  variables {
    subnet_newbits = 2.5
  }

  expect_failures = [var.subnet_newbits]
}

run "rejects_a_retention_cloudwatch_does_not_offer" {
  command = plan

  variables {
    flow_log_retention_in_days = 100
  }

  expect_failures = [var.flow_log_retention_in_days]
}

run "rejects_a_key_alias" {
  command = plan

  variables {
    flow_log_kms_key_arn = "alias/flow-logs"
  }

  expect_failures = [var.flow_log_kms_key_arn]
}

run "rejects_a_malformed_name_prefix" {
  command = plan

  variables {
    name_prefix = "SMT_Dev"
  }

  expect_failures = [var.name_prefix]
}
