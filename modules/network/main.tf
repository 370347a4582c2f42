data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  region     = data.aws_region.current.id
  account_id = data.aws_caller_identity.current.account_id

  # Zone name => the subnet's CIDR block, carved by the zone's position in the list, so
  # appending a zone adds a subnet without renumbering the others.
  subnets = {
    for index, az in var.availability_zones :
    az => cidrsubnet(var.cidr_block, var.subnet_newbits, index)
  }

  flow_log_group_name = "/vpc-flow-logs/${var.name_prefix}"
  flow_log_group_arn  = "arn:${data.aws_partition.current.partition}:logs:${local.region}:${local.account_id}:log-group:${local.flow_log_group_name}"
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr_block

  # Private DNS of interface endpoints needs both.
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(var.tags, { Name = var.name_prefix })
}

resource "aws_subnet" "this" {
  for_each = local.subnets

  vpc_id                  = aws_vpc.this.id
  availability_zone       = each.key
  cidr_block              = each.value
  map_public_ip_on_launch = false
  tags                    = merge(var.tags, { Name = "${var.name_prefix}-private-${each.key}" })

  lifecycle {
    precondition {
      condition     = can(regex("^${local.region}[a-z]$", each.key))
      error_message = "Availability Zone ${each.key} is not in the provider's region ${local.region}: list zones of that region."
    }
  }
}

# One route table for every subnet, with only the VPC's local route: no internet gateway, no
# NAT. A VPC-only domain reaches AWS through VPC endpoints (modules/vpc_endpoints), whose S3
# gateway endpoint adds its route here.
resource "aws_route_table" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = "${var.name_prefix}-private" })
}

resource "aws_route_table_association" "this" {
  for_each = aws_subnet.this

  subnet_id      = each.value.id
  route_table_id = aws_route_table.this.id
}

# Takes over the VPC's default security group and removes all its rules, so that nothing put
# in it by mistake can talk to anything.
resource "aws_default_security_group" "this" {
  vpc_id  = aws_vpc.this.id
  ingress = []
  egress  = []
  tags    = merge(var.tags, { Name = "${var.name_prefix}-default-unused" })
}

# Encrypted with var.flow_log_kms_key_arn when given, else with keys CloudWatch Logs manages.
resource "aws_cloudwatch_log_group" "this" {
  name              = local.flow_log_group_name
  retention_in_days = var.flow_log_retention_in_days
  kms_key_id        = var.flow_log_kms_key_arn
  tags              = var.tags
}

resource "aws_iam_role" "this" {
  name                 = "${var.name_prefix}-vpc-flow-logs"
  description          = "Lets VPC Flow Logs write the flow logs of ${var.name_prefix}'s VPC to ${local.flow_log_group_name}."
  assume_role_policy   = data.aws_iam_policy_document.flow_logs_trust.json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "write-flow-logs"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.flow_logs.json
}

resource "aws_flow_log" "this" {
  vpc_id                   = aws_vpc.this.id
  traffic_type             = "ALL"
  log_destination_type     = "cloud-watch-logs"
  log_destination          = aws_cloudwatch_log_group.this.arn
  iam_role_arn             = aws_iam_role.this.arn
  max_aggregation_interval = 600
  tags                     = merge(var.tags, { Name = "${var.name_prefix}-flow-logs" })

  # The first delivery fails when the role's permissions are not there yet.
  depends_on = [aws_iam_role_policy.this]
}
