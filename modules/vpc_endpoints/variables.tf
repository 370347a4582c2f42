variable "name_prefix" {
  description = "Prefix for the names of the security group and the endpoints' Name tags, for example smt-dev."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,37}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 2-39 lowercase letters, digits and hyphens, starting and ending with a letter or digit, for example smt-dev."
  }
}

variable "vpc_id" {
  description = "Id of the VPC that gets the endpoints (the VPC of the SageMaker domain)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0 (the id, not the name or ARN of the VPC)."
  }
}

variable "vpc_cidr_blocks" {
  description = "IPv4 CIDR blocks of the VPC. The endpoints' security group admits HTTPS (TCP 443) from these blocks only."
  type        = list(string)

  validation {
    condition     = length(var.vpc_cidr_blocks) > 0
    error_message = "vpc_cidr_blocks must list at least one CIDR block of the VPC, for example [\"10.0.0.0/16\"]."
  }

  validation {
    condition     = alltrue([for cidr in var.vpc_cidr_blocks : can(cidrnetmask(cidr)) && try(cidrsubnet(cidr, 0, 0) == cidr, false)])
    error_message = "Each entry must be an IPv4 network in CIDR notation with its network address, for example 10.0.0.0/16 (not 10.0.0.1/16 or a bare address)."
  }

  validation {
    condition     = !contains(var.vpc_cidr_blocks, "0.0.0.0/0")
    error_message = "0.0.0.0/0 would open the endpoints to any address: list the VPC's own CIDR blocks."
  }
}

variable "subnet_ids" {
  description = "Private subnets (one per Availability Zone the domain uses) that get a network interface of each interface endpoint."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "subnet_ids must list at least one subnet, ideally one per Availability Zone of the SageMaker domain."
  }

  validation {
    condition     = alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", id))])
    error_message = "Each entry must look like subnet-0123456789abcdef0 (subnet ids of the VPC, not names or CIDRs)."
  }
}

variable "route_table_ids" {
  description = "Route tables of the private subnets; the S3 gateway endpoint adds its prefix-list route to each."
  type        = list(string)

  validation {
    condition     = length(var.route_table_ids) > 0
    error_message = "route_table_ids must list at least one route table (those of the private subnets), or S3 traffic would not use the gateway endpoint."
  }

  validation {
    condition     = alltrue([for id in var.route_table_ids : can(regex("^rtb-[0-9a-f]{8,17}$", id))])
    error_message = "Each entry must look like rtb-0123456789abcdef0 (route table ids of the VPC)."
  }
}

variable "interface_services" {
  description = "Short names of the services that get an interface endpoint (com.amazonaws.<region>.<name>). Default: what a VPC-only SageMaker Studio domain with SageMaker projects needs. \"sagemaker.studio\" stands for the Studio endpoint aws.sagemaker.<region>.studio. S3 is always served by the gateway endpoint."
  type        = set(string)
  nullable    = false
  default = [
    "codebuild",
    "codeconnections.api",
    "codepipeline",
    "ecr.api",
    "ecr.dkr",
    "events",
    "kms",
    "logs",
    "monitoring",
    "sagemaker.api",
    "sagemaker.runtime",
    "sagemaker.studio",
    "secretsmanager",
    "servicecatalog",
    "ssm",
    "sts",
  ]

  validation {
    condition     = alltrue([for name in var.interface_services : can(regex("^[a-z0-9][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)*$", name))])
    error_message = "Each entry must be a short service name such as sagemaker.api or ecr.dkr: lowercase, without the com.amazonaws.<region>. prefix."
  }

  validation {
    condition     = alltrue([for name in var.interface_services : !startswith(name, "com.amazonaws.") && !startswith(name, "aws.")])
    error_message = "Give short service names (sagemaker.api, not com.amazonaws.<region>.sagemaker.api; sagemaker.studio for the Studio endpoint): the module adds the region."
  }

  validation {
    condition     = !contains(var.interface_services, "s3")
    error_message = "Remove s3 from interface_services: S3 is served by the module's gateway endpoint (free, no private DNS needed)."
  }
}

variable "allowed_bucket_arns" {
  description = "ARNs of the S3 buckets (wildcards allowed, for example arn:aws:s3:::sagemaker-*) that the default S3 gateway endpoint policy lets the VPC reach. Required unless s3_gateway_policy is given."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.allowed_bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9*][a-z0-9.*-]*$", arn))])
    error_message = "Each entry must be a bucket ARN without an object path, for example arn:aws:s3:::acme-seed-code or arn:aws:s3:::sagemaker-*."
  }
}

variable "s3_gateway_policy" {
  description = "Complete JSON endpoint policy for the S3 gateway endpoint, replacing the default built from allowed_bucket_arns. Leave null to use the default."
  type        = string
  default     = null

  validation {
    condition     = var.s3_gateway_policy == null || can(jsondecode(var.s3_gateway_policy).Statement)
    error_message = "s3_gateway_policy must be a JSON policy document with a Statement list (render it with jsonencode or aws_iam_policy_document)."
  }
}

variable "tags" {
  description = "Tags for the endpoints and the security group, merged over the provider's default_tags."
  type        = map(string)
  default     = {}
}
