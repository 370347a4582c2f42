# Offline plan tests: a real AWS provider with dummy credentials that never calls AWS
# (aws_region and aws_partition are answered from the provider configuration).

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "offline"
  secret_key                  = "offline"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

variables {
  name_prefix         = "smt-unit"
  vpc_id              = "vpc-0123456789abcdef0"
  vpc_cidr_blocks     = ["10.20.0.0/16", "100.64.0.0/20"]
  subnet_ids          = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  route_table_ids     = ["rtb-0123456789abcdef0"]
  allowed_bucket_arns = ["arn:aws:s3:::seed-code-unit-test"]
}

run "defaults_cover_a_vpc_only_studio_domain" {
  command = plan

  assert {
    condition     = length(aws_vpc_endpoint.interface) == 16
    error_message = "The default services must each get one interface endpoint."
  }

  assert {
    condition     = alltrue([for endpoint in aws_vpc_endpoint.interface : endpoint.private_dns_enabled && endpoint.vpc_endpoint_type == "Interface"])
    error_message = "Every interface endpoint must have private DNS on, or clients silently bypass it."
  }

  assert {
    condition     = aws_vpc_endpoint.interface["sagemaker.studio"].service_name == "aws.sagemaker.eu-west-1.studio"
    error_message = "The Studio endpoint must use its own naming scheme, aws.sagemaker.<region>.studio."
  }

  assert {
    condition     = aws_vpc_endpoint.interface["sagemaker.api"].service_name == "com.amazonaws.eu-west-1.sagemaker.api"
    error_message = "Other services must be com.amazonaws.<region>.<name>."
  }

  assert {
    condition     = alltrue([for endpoint in aws_vpc_endpoint.interface : toset(endpoint.subnet_ids) == toset(var.subnet_ids)])
    error_message = "Every interface endpoint must sit in all the given subnets."
  }

  assert {
    condition     = aws_vpc_endpoint.this.vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.this.service_name == "com.amazonaws.eu-west-1.s3"
    error_message = "S3 must be served by a gateway endpoint."
  }

  assert {
    condition     = toset(aws_vpc_endpoint.this.route_table_ids) == toset(var.route_table_ids)
    error_message = "The S3 gateway endpoint must be in every given route table."
  }
}

run "security_group_admits_only_https_from_the_vpc" {
  command = plan

  assert {
    condition     = toset(keys(aws_vpc_security_group_ingress_rule.https_from_vpc)) == toset(var.vpc_cidr_blocks)
    error_message = "There must be exactly one ingress rule per VPC CIDR block."
  }

  assert {
    condition = alltrue([
      for rule in aws_vpc_security_group_ingress_rule.https_from_vpc :
      rule.ip_protocol == "tcp" && rule.from_port == 443 && rule.to_port == 443 && contains(var.vpc_cidr_blocks, rule.cidr_ipv4)
    ])
    error_message = "Ingress must be TCP 443 from the VPC CIDR blocks only."
  }
}

run "default_s3_policy_allows_only_the_listed_buckets" {
  command = plan

  assert {
    condition     = [for s in jsondecode(aws_vpc_endpoint.this.policy).Statement : s.Sid] == ["AllowListedBuckets", "AllowEcrImageLayers"]
    error_message = "The default policy must allow the listed buckets and, with ecr.dkr, the ECR layer bucket."
  }

  assert {
    condition     = toset(jsondecode(aws_vpc_endpoint.this.policy).Statement[0].Resource) == toset(["arn:aws:s3:::seed-code-unit-test", "arn:aws:s3:::seed-code-unit-test/*"])
    error_message = "The default policy must name exactly the listed buckets and their objects."
  }

  assert {
    condition     = jsondecode(aws_vpc_endpoint.this.policy).Statement[1].Resource == "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"
    error_message = "ECR image layers must be readable through the gateway endpoint."
  }
}

run "a_custom_service_list_and_policy_replace_the_defaults" {
  command = plan

  variables {
    interface_services  = ["sagemaker.api", "sts"]
    allowed_bucket_arns = []
    s3_gateway_policy   = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Custom\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::x/*\"}]}"
  }

  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["sagemaker.api", "sts"])
    error_message = "Only the listed services may get endpoints."
  }

  assert {
    condition     = [for s in jsondecode(aws_vpc_endpoint.this.policy).Statement : s.Sid] == ["Custom"]
    error_message = "A given s3_gateway_policy must be used as it is."
  }
}

run "s3_endpoint_needs_buckets_or_a_policy" {
  command = plan

  variables {
    allowed_bucket_arns = []
  }

  expect_failures = [aws_vpc_endpoint.this]
}

run "rejects_a_malformed_vpc_id" {
  command = plan

  variables {
    vpc_id = "my-vpc"
  }

  expect_failures = [var.vpc_id]
}

run "rejects_a_malformed_subnet_id" {
  command = plan

  variables {
    subnet_ids = ["subnet-0123456789abcdef0", "10.20.1.0/24"]
  }

  expect_failures = [var.subnet_ids]
}

run "rejects_a_cidr_with_host_bits" {
  command = plan

  variables {
    vpc_cidr_blocks = ["10.20.0.1/16"]
  }

  expect_failures = [var.vpc_cidr_blocks]
}

run "rejects_the_whole_internet" {
  command = plan

  variables {
    vpc_cidr_blocks = ["0.0.0.0/0"]
  }

  expect_failures = [var.vpc_cidr_blocks]
}

run "rejects_a_full_service_name" {
  command = plan

  variables {
    interface_services = ["com.amazonaws.eu-west-1.sagemaker.api"]
  }

  expect_failures = [var.interface_services]
}

run "rejects_s3_as_an_interface_endpoint" {
  command = plan

  variables {
    interface_services = ["sagemaker.api", "s3"]
  }

  expect_failures = [var.interface_services]
}

run "rejects_a_route_table_name" {
  command = plan

  variables {
    route_table_ids = ["private"]
  }

  expect_failures = [var.route_table_ids]
}

run "rejects_an_object_arn_as_a_bucket" {
  command = plan

  variables {
    allowed_bucket_arns = ["arn:aws:s3:::seed-code-unit-test/*"]
  }

  expect_failures = [var.allowed_bucket_arns]
}

run "rejects_a_policy_that_is_not_json" {
  command = plan

  variables {
    s3_gateway_policy = "allow everything"
  }

  expect_failures = [var.s3_gateway_policy]
}
