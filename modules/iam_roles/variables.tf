variable "name_prefix" {
  description = "Prefix of every role and policy name (<name_prefix>-launch, <name_prefix>-codebuild, <name_prefix>-data-scientist, ...). At most 49 characters, so that the longest role name, <name_prefix>-cloudformation, stays within IAM's 64."
  type        = string

  validation {
    condition     = length(var.name_prefix) >= 1 && length(var.name_prefix) <= 49
    error_message = "name_prefix must be 1 to 49 characters long: IAM role names stop at 64 and the longest suffix the module adds is \"-cloudformation\" (15). Shorten the prefix, for example by abbreviating the environment name."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]+$", var.name_prefix))
    error_message = "name_prefix may hold only letters, digits and + = , . @ _ - (the characters IAM accepts in role names)."
  }
}

variable "iam_path" {
  description = "IAM path of every role and policy the module creates, for example /sagemaker-projects/. Must start and end with a slash."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = length(var.iam_path) <= 512 && can(regex("^/([A-Za-z0-9+=,.@_-]+/)*$", var.iam_path))
    error_message = "iam_path must start and end with / and hold only letters, digits and + = , . @ _ - between the slashes, for example /sagemaker-projects/."
  }
}

variable "resource_name_prefix" {
  description = "Name prefix that the product templates give every resource they create (buckets, CodeBuild projects, pipelines, functions, parameters, model package groups, ...). The launch and use roles may act only on resources whose names start with it."
  type        = string
  default     = "sagemaker-"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.resource_name_prefix))
    error_message = "resource_name_prefix must be 3 to 32 lowercase letters, digits and hyphens starting with a letter (lowercase because S3 bucket and SageMaker pipeline ARNs are lowercase), for example sagemaker- or acme-ml-."
  }
}

variable "template_resource_types" {
  description = "CloudFormation resource types that the Service Catalog products launched with the launch role create. The launch role gets exactly the permissions these types need; the default is the set of an MLOps build/train/deploy template."
  type        = set(string)
  default = [
    "AWS::CodeBuild::Project",
    "AWS::CodePipeline::Pipeline",
    "AWS::Events::Rule",
    "AWS::KMS::Alias",
    "AWS::KMS::Key",
    "AWS::Lambda::Function",
    "AWS::Lambda::Permission",
    "AWS::Logs::LogGroup",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
    "AWS::SSM::Parameter",
    "AWS::SageMaker::CodeRepository",
    "AWS::SageMaker::ModelPackageGroup",
    "AWS::SageMaker::Pipeline",
  ]
  nullable = false

  validation {
    condition     = length(setsubtract(var.template_resource_types, keys(local.launch_permissions))) == 0
    error_message = "template_resource_types holds types the module has no permissions for: ${join(", ", sort(setsubtract(var.template_resource_types, keys(local.launch_permissions))))}. Supported: ${join(", ", sort(keys(local.launch_permissions)))}. Add the type to local.launch_permissions in modules/iam_roles/policies.tf, or remove it."
  }

  validation {
    condition     = length(var.template_resource_types) > 0
    error_message = "template_resource_types must name at least one resource type: a launch role that may create nothing cannot launch a product."
  }
}

variable "use_role_services" {
  description = "Services that get a use role of their own (<name_prefix>-<service>), each trusted by that one service only. Allowed: codebuild, codepipeline, sagemaker, events, lambda, cloudformation."
  type        = set(string)
  default     = ["codebuild", "codepipeline", "sagemaker", "events", "lambda", "cloudformation"]
  nullable    = false

  validation {
    condition     = length(setsubtract(var.use_role_services, ["codebuild", "codepipeline", "sagemaker", "events", "lambda", "cloudformation"])) == 0
    error_message = "use_role_services may hold only codebuild, codepipeline, sagemaker, events, lambda and cloudformation; remove: ${join(", ", sort(setsubtract(var.use_role_services, ["codebuild", "codepipeline", "sagemaker", "events", "lambda", "cloudformation"])))}."
  }
}

variable "personas" {
  description = "Persona policies to create: data_scientist (creates projects from allowed products, only with the required tags; may not approve models), mlops_engineer (approves models in the registry), admin (administers the portfolio and products)."
  type        = set(string)
  default     = ["data_scientist", "mlops_engineer", "admin"]
  nullable    = false

  validation {
    condition     = length(setsubtract(var.personas, ["data_scientist", "mlops_engineer", "admin"])) == 0
    error_message = "personas may hold only data_scientist, mlops_engineer and admin; remove: ${join(", ", sort(setsubtract(var.personas, ["data_scientist", "mlops_engineer", "admin"])))}."
  }
}

variable "required_tags" {
  description = "Tags every new SageMaker project and provisioned product must carry: key -> allowed values. The data_scientist policy allows project creation only with each key set to one of its values (aws:RequestTag) and denies it otherwise."
  type        = map(list(string))
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for key in keys(var.required_tags) : can(regex("^[A-Za-z0-9 _.:/=+@-]{1,128}$", key)) && !startswith(lower(key), "aws:")])
    error_message = "Each required_tags key must be 1 to 128 letters, digits, spaces or _ . : / = + @ - and must not start with aws: (reserved by AWS)."
  }

  validation {
    condition     = alltrue([for values in values(var.required_tags) : length(values) > 0 && alltrue([for value in values : length(value) <= 256])])
    error_message = "Each required_tags key needs at least one allowed value, each at most 256 characters: list the values, for example cost-center = [\"1234\", \"5678\"]."
  }

  validation {
    condition     = length(distinct([for key in keys(var.required_tags) : lower(replace(key, "/[^A-Za-z0-9]/", ""))])) == length(var.required_tags)
    error_message = "required_tags keys must differ in more than case and punctuation (cost-center and CostCenter are the same statement id): merge them."
  }
}

variable "optional_tag_keys" {
  description = "Tag keys (patterns with * allowed) that may appear on a new project besides the required ones. Keep sagemaker:* : SageMaker adds its own project tags when it provisions the product."
  type        = list(string)
  default     = ["sagemaker:*"]
  nullable    = false

  validation {
    condition     = alltrue([for key in var.optional_tag_keys : can(regex("^[A-Za-z0-9 _.:/=+@*-]{1,128}$", key))])
    error_message = "Each optional_tag_keys entry must be 1 to 128 letters, digits, spaces or _ . : / = + @ - * characters."
  }
}

variable "team" {
  description = "Team whose personas these policies are for. Required with the data_scientist persona: it may provision only products whose team tag (team_tag_key) equals this value."
  type        = string
  default     = null

  validation {
    condition     = var.team == null || can(regex("^[A-Za-z0-9 _.:/=+@-]{1,256}$", coalesce(var.team, "-")))
    error_message = "team must be 1 to 256 letters, digits, spaces or _ . : / = + @ - characters (it is compared with a tag value)."
  }
}

variable "team_tag_key" {
  description = "Tag key on the Service Catalog products that names the team allowed to provision them."
  type        = string
  default     = "team"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9 _.:/=+@-]{1,128}$", var.team_tag_key)) && !startswith(lower(var.team_tag_key), "aws:")
    error_message = "team_tag_key must be 1 to 128 letters, digits, spaces or _ . : / = + @ - and must not start with aws:."
  }
}

variable "allowed_products" {
  description = "Service Catalog products (ids such as prod-abcdefghijklm, or product ARNs) that the data_scientist persona may provision. Empty: any product of this account and region whose team tag matches `team`."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for product in var.allowed_products : can(regex("^prod-[a-z0-9]{4,32}$|^arn:aws[a-z-]*:catalog:[a-z0-9-]+:[0-9]{12}:product/prod-[a-z0-9]{4,32}$", product))])
    error_message = "Each allowed_products entry must be a product id such as prod-abcdefghijklm or a product ARN such as arn:aws:catalog:eu-west-1:111122223333:product/prod-abcdefghijklm."
  }
}

variable "seed_code_bucket_arns" {
  description = "ARNs of the buckets holding seed code and product templates (the seed_code_bucket module's bucket_arn). The launch role and the lambda use role may read their objects."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.seed_code_bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", arn))])
    error_message = "Each seed_code_bucket_arns entry must be a bucket ARN such as arn:aws:s3:::acme-seed-code (no object path, no wildcard)."
  }
}

variable "code_connection_arns" {
  description = "ARNs of the CodeConnections (or CodeStar Connections) connections the pipelines use for external Git. The launch role may pass them to CodePipeline and the codepipeline use role may use them. Empty: no connection access."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.code_connection_arns : can(regex("^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:[0-9]{12}:connection/[0-9a-f-]{36}$", arn))])
    error_message = "Each code_connection_arns entry must be a connection ARN such as arn:aws:codeconnections:eu-west-1:111122223333:connection/0123abcd-0123-abcd-0123-0123456789ab."
  }
}

variable "permissions_boundary_arn" {
  description = "ARN of a managed policy set as permissions boundary on every role the module creates. Required when template_resource_types includes AWS::IAM::Role: the launch role may then create roles only with this boundary."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", coalesce(var.permissions_boundary_arn, "-")))
    error_message = "permissions_boundary_arn must be a managed policy ARN such as arn:aws:iam::111122223333:policy/platform-boundary."
  }
}

variable "tags" {
  description = "Tags for the roles and policies, merged over the provider's default_tags."
  type        = map(string)
  default     = {}
  nullable    = false
}
