variable "name_prefix" {
  description = "Prefix for the Name tags of the VPC, its subnets and route table, and for the names of the flow-log group and role, for example smt-dev. Unique per account: the flow-log role's name is global."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,37}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 2-39 lowercase letters, digits and hyphens, starting and ending with a letter or digit, for example smt-dev."
  }
}

variable "cidr_block" {
  description = "IPv4 CIDR block of the VPC, /16 to /24, for example 10.20.0.0/16. Pick a private range that does not overlap networks the VPC may one day be peered or connected with."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.cidr_block)) && try(cidrsubnet(var.cidr_block, 0, 0) == var.cidr_block, false)
    error_message = "cidr_block must be an IPv4 network in CIDR notation with its network address, for example 10.20.0.0/16 (not 10.20.0.1/16, a bare address or an IPv6 block)."
  }

  validation {
    condition     = try(tonumber(split("/", var.cidr_block)[1]) >= 16 && tonumber(split("/", var.cidr_block)[1]) <= 24, false)
    error_message = "cidr_block must be between /16 and /24: AWS allows no larger VPC block, and a smaller one leaves no room for a subnet per Availability Zone."
  }
}

variable "availability_zones" {
  description = "Names of the Availability Zones (of the provider's region) that get one private subnet each, for example [\"eu-west-1a\", \"eu-west-1b\"]. The position in the list picks the subnet's CIDR block: append new zones at the end, never reorder or remove from the middle (that replaces subnets)."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 1 && length(var.availability_zones) <= 6
    error_message = "availability_zones must list 1 to 6 zones (a SageMaker domain wants at least two for resilience)."
  }

  validation {
    condition     = length(distinct(var.availability_zones)) == length(var.availability_zones)
    error_message = "availability_zones must not repeat a zone: each zone gets exactly one subnet."
  }

  validation {
    condition     = alltrue([for az in var.availability_zones : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+[a-z]$", az))])
    error_message = "Each entry must be an Availability Zone name such as eu-west-1a (not a zone id such as euw1-az1, nor a region)."
  }
}

variable "subnet_newbits" {
  description = "Bits added to the VPC prefix for each subnet: subnet i (the i-th zone of availability_zones) is cidrsubnet(cidr_block, subnet_newbits, i). The default 4 makes /20 subnets in a /16 and leaves room for 16 zones' subnets."
  type        = number
  default     = 4
  nullable    = false

  validation {
    condition     = var.subnet_newbits >= 1 && var.subnet_newbits <= 12 && floor(var.subnet_newbits) == var.subnet_newbits
    error_message = "subnet_newbits must be a whole number from 1 to 12."
  }

  validation {
    condition     = !can(cidrnetmask(var.cidr_block)) || try(tonumber(split("/", var.cidr_block)[1]) + var.subnet_newbits <= 28, true)
    error_message = "cidr_block's prefix length plus subnet_newbits must be at most 28: AWS subnets are /28 or larger."
  }

  validation {
    condition     = pow(2, var.subnet_newbits) >= length(var.availability_zones)
    error_message = "subnet_newbits is too small to carve one subnet per Availability Zone: 2^subnet_newbits must be at least the number of zones."
  }
}

variable "flow_log_retention_in_days" {
  description = "Days CloudWatch Logs keeps the VPC flow logs; one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653), or 0 to keep them forever."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_in_days)
    error_message = "flow_log_retention_in_days must be 0 (forever) or one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "flow_log_kms_key_arn" {
  description = "ARN of a customer-managed KMS key that encrypts the flow-log group; its key policy must let logs.<region>.amazonaws.com use it. Null: CloudWatch Logs encrypts the group with keys it manages."
  type        = string
  default     = null

  validation {
    condition     = var.flow_log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", coalesce(var.flow_log_kms_key_arn, "-")))
    error_message = "flow_log_kms_key_arn must be a KMS key ARN such as arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (not a key id or an alias)."
  }
}

variable "tags" {
  description = "Tags for every resource of the module that takes tags, merged over the provider's default_tags."
  type        = map(string)
  default     = {}
}
