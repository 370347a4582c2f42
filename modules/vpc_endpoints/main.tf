data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  region = data.aws_region.current.id

  # The Studio endpoint is the one service outside the com.amazonaws.<region>.<name> scheme.
  interface_service_names = {
    for name in var.interface_services :
    name => name == "sagemaker.studio" ? "aws.sagemaker.${local.region}.studio" : "com.amazonaws.${local.region}.${name}"
  }

  vpc_cidr_blocks = { for cidr in var.vpc_cidr_blocks : cidr => cidr }
}

resource "aws_security_group" "this" {
  name_prefix = "${var.name_prefix}-vpc-endpoints-"
  description = "HTTPS from inside the VPC to its interface endpoints"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name_prefix}-vpc-endpoints" })

  # No egress rule: endpoints only answer, and security groups are stateful.
  # Terraform removes the allow-all egress rule that AWS adds to a new group.

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "https_from_vpc" {
  for_each = local.vpc_cidr_blocks

  security_group_id = aws_security_group.this.id
  description       = "HTTPS from ${each.key} to the interface endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
  tags              = var.tags
}

resource "aws_vpc_endpoint" "this" {
  vpc_id            = var.vpc_id
  service_name      = "com.amazonaws.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = var.route_table_ids
  policy            = coalesce(var.s3_gateway_policy, data.aws_iam_policy_document.s3_gateway.json)
  tags              = merge(var.tags, { Name = "${var.name_prefix}-s3" })

  lifecycle {
    precondition {
      condition     = var.s3_gateway_policy != null || length(var.allowed_bucket_arns) > 0
      error_message = "The S3 gateway endpoint needs a policy: list the buckets the VPC may reach in allowed_bucket_arns, or pass a complete s3_gateway_policy."
    }
  }
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_service_names

  vpc_id              = var.vpc_id
  service_name        = each.value
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnet_ids
  security_group_ids  = [aws_security_group.this.id]
  private_dns_enabled = true
  tags                = merge(var.tags, { Name = "${var.name_prefix}-${replace(each.key, ".", "-")}" })
}
