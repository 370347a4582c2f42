locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.id
  prefix     = var.resource_name_prefix

  # ARN patterns of what the product templates create: everything is named <resource_name_prefix>...
  arns = {
    buckets               = "arn:${local.partition}:s3:::${local.prefix}*"
    objects               = "arn:${local.partition}:s3:::${local.prefix}*/*"
    kms_keys              = "arn:${local.partition}:kms:${local.region}:${local.account_id}:key/*"
    kms_aliases           = "arn:${local.partition}:kms:${local.region}:${local.account_id}:alias/${local.prefix}*"
    codebuild_projects    = "arn:${local.partition}:codebuild:${local.region}:${local.account_id}:project/${local.prefix}*"
    codebuild_reports     = "arn:${local.partition}:codebuild:${local.region}:${local.account_id}:report-group/${local.prefix}*"
    pipelines             = "arn:${local.partition}:codepipeline:${local.region}:${local.account_id}:${local.prefix}*"
    event_rules           = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.prefix}*"
    functions             = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${local.prefix}*"
    parameters            = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter/${local.prefix}*"
    log_groups            = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.prefix}*"
    service_log_groups    = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/*/${local.prefix}*"
    all_log_groups        = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"
    template_roles        = "arn:${local.partition}:iam::${local.account_id}:role/${local.prefix}*"
    secrets               = "arn:${local.partition}:secretsmanager:${local.region}:${local.account_id}:secret:${local.prefix}*"
    catalog_stacks        = "arn:${local.partition}:cloudformation:${local.region}:${local.account_id}:stack/SC-*"
    deploy_stacks         = "arn:${local.partition}:cloudformation:${local.region}:${local.account_id}:stack/${local.prefix}*"
    model_package_groups  = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:model-package-group/${local.prefix}*"
    model_packages        = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:model-package/${local.prefix}*"
    sagemaker_pipelines   = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:pipeline/${local.prefix}*"
    code_repositories     = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:code-repository/${local.prefix}*"
    projects              = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:project/*"
    sagemaker_models      = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:model/${local.prefix}*"
    sagemaker_endpoints   = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:endpoint/${local.prefix}*"
    sagemaker_endpoint_cf = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:endpoint-config/${local.prefix}*"
    catalog_products      = "arn:${local.partition}:catalog:${local.region}:${local.account_id}:product/*"
    catalog_portfolios    = "arn:${local.partition}:catalog:${local.region}:${local.account_id}:portfolio/*"
    ecr_repositories      = "arn:${local.partition}:ecr:${local.region}:*:repository/*"
    # SageMaker Pipelines names the jobs and models of its steps pipelines-<execution id>-...
    pipeline_jobs = [
      for kind in ["processing-job", "training-job", "transform-job", "model"] :
      "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:${kind}/pipelines-*"
    ]
  }

  seed_code_objects = [for arn in var.seed_code_bucket_arns : "${arn}/*"]

  passed_to = { for service in keys(local.use_role_catalog) : service => {
    test     = "StringEquals"
    variable = "iam:PassedToService"
    values   = ["${service}.amazonaws.com"]
  } }

  kms_via_s3 = {
    test     = "StringEquals"
    variable = "kms:ViaService"
    values   = ["s3.${local.region}.amazonaws.com"]
  }

  # CloudFormation resource type -> permission groups (Sid suffix -> actions, resources, conditions) that its
  # create, read, update, delete and tag handlers need. Every type a product template uses must be here.
  launch_permissions = {
    "AWS::S3::Bucket" = {
      Manage = {
        actions = [
          "s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:GetBucketLocation",
          "s3:GetBucketTagging", "s3:PutBucketTagging", "s3:TagResource", "s3:UntagResource",
          "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration",
          "s3:GetBucketVersioning", "s3:PutBucketVersioning",
          "s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock",
          "s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls",
          "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration",
          "s3:GetBucketLogging", "s3:PutBucketLogging",
          "s3:GetBucketNotification", "s3:PutBucketNotification",
          "s3:GetBucketCORS", "s3:PutBucketCORS",
          "s3:GetBucketAcl", "s3:GetBucketObjectLockConfiguration",
        ]
        resources = [local.arns.buckets]
      }
    }
    "AWS::S3::BucketPolicy" = {
      Manage = {
        actions   = ["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"]
        resources = [local.arns.buckets]
      }
    }
    "AWS::KMS::Key" = {
      # CreateKey has no resource to scope: the key does not exist yet.
      Create = {
        actions   = ["kms:CreateKey"]
        resources = ["*"]
      }
      Manage = {
        actions = [
          "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy",
          "kms:GetKeyRotationStatus", "kms:EnableKeyRotation", "kms:DisableKeyRotation",
          "kms:EnableKey", "kms:DisableKey", "kms:UpdateKeyDescription", "kms:ScheduleKeyDeletion",
          "kms:ListResourceTags", "kms:TagResource", "kms:UntagResource",
        ]
        resources = [local.arns.kms_keys]
      }
    }
    "AWS::KMS::Alias" = {
      # Alias calls are authorized on both the alias and the key it points to.
      Manage = {
        actions   = ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"]
        resources = [local.arns.kms_aliases, local.arns.kms_keys]
      }
      List = {
        actions   = ["kms:ListAliases"]
        resources = ["*"]
      }
    }
    "AWS::CodeBuild::Project" = {
      # CodeBuild tags through CreateProject/UpdateProject; it has no separate tagging action.
      Manage = {
        actions   = ["codebuild:CreateProject", "codebuild:UpdateProject", "codebuild:DeleteProject", "codebuild:BatchGetProjects"]
        resources = [local.arns.codebuild_projects]
      }
      PassRole = {
        actions    = ["iam:PassRole"]
        resources  = [local.use_role_arns.codebuild]
        conditions = [local.passed_to.codebuild]
      }
    }
    "AWS::CodePipeline::Pipeline" = {
      # StartPipelineExecution: the update handler starts the pipeline again (RestartExecutionOnUpdate).
      Manage = {
        actions = [
          "codepipeline:CreatePipeline", "codepipeline:UpdatePipeline", "codepipeline:DeletePipeline",
          "codepipeline:GetPipeline", "codepipeline:GetPipelineState", "codepipeline:StartPipelineExecution",
          "codepipeline:TagResource", "codepipeline:UntagResource", "codepipeline:ListTagsForResource",
        ]
        resources = [local.arns.pipelines]
      }
      PassRole = {
        actions    = ["iam:PassRole"]
        resources  = [local.use_role_arns.codepipeline]
        conditions = [local.passed_to.codepipeline]
      }
      # The handlers read the pipeline's role (RoleArn) back before passing it.
      ReadRole = {
        actions   = ["iam:GetRole"]
        resources = [local.use_role_arns.codepipeline]
      }
    }
    "AWS::Events::Rule" = {
      Manage = {
        actions = [
          "events:PutRule", "events:DeleteRule", "events:DescribeRule", "events:EnableRule", "events:DisableRule",
          "events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule",
          "events:TagResource", "events:UntagResource", "events:ListTagsForResource",
        ]
        resources = [local.arns.event_rules]
      }
      PassRole = {
        actions    = ["iam:PassRole"]
        resources  = [local.use_role_arns.events]
        conditions = [local.passed_to.events]
      }
    }
    "AWS::Lambda::Function" = {
      Manage = {
        actions = [
          "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration",
          "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:GetRuntimeManagementConfig",
          "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency",
          "lambda:TagResource", "lambda:UntagResource", "lambda:ListTags",
        ]
        resources = [local.arns.functions]
      }
      # The function's code package, from the project's buckets or the seed-code buckets.
      ReadCode = {
        actions   = ["s3:GetObject", "s3:GetObjectVersion"]
        resources = concat([local.arns.objects], local.seed_code_objects)
      }
      PassRole = {
        actions    = ["iam:PassRole"]
        resources  = [local.use_role_arns.lambda]
        conditions = [local.passed_to.lambda]
      }
      # KmsKeyArn: Lambda encrypts the function's environment with the project key on the caller's behalf.
      UseKey = {
        actions   = ["kms:CreateGrant", "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
        resources = [local.arns.kms_keys]
      }
      # VpcConfig: the handlers look up the subnets, security groups and network interfaces (no resource scoping).
      DescribeNetwork = {
        actions   = ["ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"]
        resources = ["*"]
      }
    }
    "AWS::Lambda::Permission" = {
      Manage = {
        actions   = ["lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"]
        resources = [local.arns.functions]
      }
    }
    "AWS::Logs::LogGroup" = {
      Manage = {
        actions = [
          "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
          "logs:AssociateKmsKey", "logs:DisassociateKmsKey",
          "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource", "logs:TagLogGroup", "logs:UntagLogGroup",
        ]
        resources = [local.arns.log_groups, local.arns.service_log_groups]
      }
      Describe = {
        actions   = ["logs:DescribeLogGroups"]
        resources = [local.arns.all_log_groups]
      }
    }
    "AWS::SSM::Parameter" = {
      Manage = {
        actions = [
          "ssm:PutParameter", "ssm:GetParameter", "ssm:GetParameters", "ssm:DeleteParameter",
          "ssm:AddTagsToResource", "ssm:RemoveTagsFromResource", "ssm:ListTagsForResource",
        ]
        resources = [local.arns.parameters]
      }
      Describe = {
        actions   = ["ssm:DescribeParameters"]
        resources = ["*"]
      }
    }
    "AWS::SageMaker::CodeRepository" = {
      Manage = {
        actions = [
          "sagemaker:CreateCodeRepository", "sagemaker:DescribeCodeRepository", "sagemaker:UpdateCodeRepository",
          "sagemaker:DeleteCodeRepository", "sagemaker:AddTags", "sagemaker:DeleteTags", "sagemaker:ListTags",
        ]
        resources = [local.arns.code_repositories]
      }
    }
    "AWS::SageMaker::ModelPackageGroup" = {
      Manage = {
        actions = [
          "sagemaker:CreateModelPackageGroup", "sagemaker:DescribeModelPackageGroup", "sagemaker:DeleteModelPackageGroup",
          "sagemaker:PutModelPackageGroupPolicy", "sagemaker:GetModelPackageGroupPolicy", "sagemaker:DeleteModelPackageGroupPolicy",
          "sagemaker:AddTags", "sagemaker:DeleteTags", "sagemaker:ListTags",
        ]
        resources = [local.arns.model_package_groups]
      }
    }
    "AWS::SageMaker::Pipeline" = {
      Manage = {
        actions = [
          "sagemaker:CreatePipeline", "sagemaker:UpdatePipeline", "sagemaker:DeletePipeline", "sagemaker:DescribePipeline",
          "sagemaker:AddTags", "sagemaker:DeleteTags", "sagemaker:ListTags",
        ]
        resources = [local.arns.sagemaker_pipelines]
      }
      # A pipeline definition may be given as an S3 location.
      ReadDefinition = {
        actions   = ["s3:GetObject"]
        resources = concat([local.arns.objects], local.seed_code_objects)
      }
      PassRole = {
        actions    = ["iam:PassRole"]
        resources  = [local.use_role_arns.sagemaker]
        conditions = [local.passed_to.sagemaker]
      }
    }
    # Not in the default set: a template that creates roles is a privilege-escalation path, so the launch
    # role may create them only under var.permissions_boundary_arn.
    "AWS::IAM::Role" = {
      CreateBounded = {
        actions    = ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy"]
        resources  = [local.arns.template_roles]
        conditions = [{ test = "StringEquals", variable = "iam:PermissionsBoundary", values = [coalesce(var.permissions_boundary_arn, "none")] }]
      }
      Manage = {
        actions = [
          "iam:GetRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole",
          "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
          "iam:TagRole", "iam:UntagRole", "iam:ListRoleTags",
        ]
        resources = [local.arns.template_roles]
      }
    }
  }

  # Sids may hold only letters and digits: AWS::SageMaker::Pipeline + Manage -> SageMakerPipelineManage.
  launch_statements = flatten([
    for type in sort(var.template_resource_types) : [
      for group_name, group in local.launch_permissions[type] : {
        sid        = "${replace(trimprefix(type, "AWS::"), "::", "")}${group_name}"
        actions    = group.actions
        resources  = group.resources
        conditions = try(group.conditions, [])
      }
    ]
  ])

  launch_role_actions = {
    for type in var.template_resource_types :
    type => sort(distinct(flatten([for group in local.launch_permissions[type] : group.actions])))
  }
}

# ---------------------------------------------------------------------------------------------------------------
# Launch role
# ---------------------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "launch_role_trust" {
  statement {
    sid     = "ServiceCatalogLaunches"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["servicecatalog.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "launch_role" {
  #checkov:skip=CKV_AWS_356:Service Catalog copies product templates into buckets it owns, whose names are not ours; the s3:ExistingObjectTag/servicecatalog:provisioning condition limits the read to those copies. The other "*" statements (CreateKey, ListAliases, DescribeParameters, GetTemplateSummary) have no resource type.
  # Service Catalog runs the product's stack (named SC-<account>-pp-...) with this role's credentials.
  statement {
    sid = "CatalogStacks"
    actions = [
      "cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:DeleteStack",
      "cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents", "cloudformation:SetStackPolicy",
      "cloudformation:TagResource", "cloudformation:UntagResource",
    ]
    resources = [local.arns.catalog_stacks]
  }

  statement {
    sid       = "CatalogTemplates"
    actions   = ["cloudformation:GetTemplateSummary", "cloudformation:ValidateTemplate"]
    resources = ["*"]
  }

  # The product templates Service Catalog copied to its own buckets carry this tag.
  statement {
    sid       = "ReadProvisioningTemplates"
    actions   = ["s3:GetObject"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "s3:ExistingObjectTag/servicecatalog:provisioning"
      values   = ["true"]
    }
  }

  dynamic "statement" {
    for_each = length(var.seed_code_bucket_arns) > 0 ? { seed_code = local.seed_code_objects } : {}
    content {
      sid       = "ReadSeedCode"
      actions   = ["s3:GetObject", "s3:GetObjectVersion"]
      resources = statement.value
    }
  }

  dynamic "statement" {
    for_each = local.launch_statements
    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.conditions
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }

  # Pipelines with an external Git source reference a connection; creating them passes it to CodePipeline.
  dynamic "statement" {
    for_each = contains(var.template_resource_types, "AWS::CodePipeline::Pipeline") && length(var.code_connection_arns) > 0 ? { connections = var.code_connection_arns } : {}
    content {
      sid       = "PassCodeConnections"
      actions   = ["codeconnections:PassConnection", "codestar-connections:PassConnection"]
      resources = statement.value

      condition {
        test     = "StringEquals"
        variable = "codeconnections:PassedToService"
        values   = ["codepipeline.amazonaws.com"]
      }
    }
  }
}

# ---------------------------------------------------------------------------------------------------------------
# Use roles: one per service, each trusted by that service alone
# ---------------------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "use_role_trust" {
  for_each = local.use_roles

  statement {
    sid     = "${title(each.key)}AssumesRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["${each.key}.amazonaws.com"]
    }

    # Confused-deputy protection where the service sets aws:SourceAccount when it assumes the role.
    dynamic "condition" {
      for_each = each.value.source_account_condition ? { source_account = local.account_id } : {}
      content {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [condition.value]
      }
    }
  }
}

data "aws_iam_policy_document" "use_role" {
  for_each = local.use_roles

  dynamic "statement" {
    for_each = local.use_role_statements[each.key]
    content {
      sid       = statement.value.sid
      effect    = try(statement.value.effect, "Allow")
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = try(statement.value.conditions, [])
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

locals {
  artifact_statements = [
    {
      sid       = "ArtifactObjects"
      actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
      resources = [local.arns.objects]
    },
    {
      sid       = "ArtifactBuckets"
      actions   = ["s3:GetBucketLocation", "s3:GetBucketVersioning", "s3:ListBucket"]
      resources = [local.arns.buckets]
    },
    {
      sid        = "ArtifactKeysThroughS3"
      actions    = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
      resources  = [local.arns.kms_keys]
      conditions = [local.kms_via_s3]
    },
  ]

  model_registry_read = {
    sid       = "ModelRegistryRead"
    actions   = ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"]
    resources = [local.arns.model_package_groups, local.arns.model_packages]
  }

  start_deploy_pipelines = {
    sid       = "StartProjectPipelines"
    actions   = ["codepipeline:StartPipelineExecution"]
    resources = [local.arns.pipelines]
  }

  pass_execution_role = contains(var.use_role_services, "sagemaker") ? [{
    sid        = "PassSageMakerExecutionRole"
    actions    = ["iam:PassRole"]
    resources  = [local.use_role_arns.sagemaker]
    conditions = [local.passed_to.sagemaker]
  }] : []

  use_role_statements = {
    codebuild = concat(local.artifact_statements, [
      {
        sid       = "BuildLogs"
        actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
        resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/codebuild/${local.prefix}*"]
      },
      {
        sid       = "TestReports"
        actions   = ["codebuild:CreateReportGroup", "codebuild:CreateReport", "codebuild:UpdateReport", "codebuild:BatchPutTestCases", "codebuild:BatchPutCodeCoverages"]
        resources = [local.arns.codebuild_reports]
      },
      {
        sid = "SageMakerPipelines"
        actions = [
          "sagemaker:CreatePipeline", "sagemaker:UpdatePipeline", "sagemaker:DescribePipeline", "sagemaker:StartPipelineExecution",
          "sagemaker:DescribePipelineExecution", "sagemaker:ListPipelineExecutionSteps", "sagemaker:AddTags", "sagemaker:ListTags",
        ]
        resources = [local.arns.sagemaker_pipelines]
      },
      local.model_registry_read,
      {
        sid       = "ProjectParameters"
        actions   = ["ssm:GetParameter", "ssm:GetParameters"]
        resources = [local.arns.parameters]
      },
    ], local.pass_execution_role)

    codepipeline = concat(local.artifact_statements, [
      {
        sid       = "RunBuilds"
        actions   = ["codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"]
        resources = [local.arns.codebuild_projects]
      },
      {
        sid = "DeployStacks"
        actions = [
          "cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:DeleteStack", "cloudformation:DescribeStacks",
          "cloudformation:DescribeStackEvents", "cloudformation:CreateChangeSet", "cloudformation:DescribeChangeSet",
          "cloudformation:ExecuteChangeSet", "cloudformation:DeleteChangeSet", "cloudformation:SetStackPolicy",
        ]
        resources = [local.arns.deploy_stacks]
      },
      ], contains(var.use_role_services, "cloudformation") ? [{
        sid        = "PassDeployRole"
        actions    = ["iam:PassRole"]
        resources  = [local.use_role_arns.cloudformation]
        conditions = [local.passed_to.cloudformation]
        }] : [], length(var.code_connection_arns) > 0 ? [{
        sid       = "UseCodeConnections"
        actions   = ["codeconnections:UseConnection", "codestar-connections:UseConnection"]
        resources = var.code_connection_arns
    }] : [])

    sagemaker = concat(local.artifact_statements, [
      {
        sid       = "JobLogs"
        actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
        resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/sagemaker/*"]
      },
      {
        sid       = "JobMetrics"
        actions   = ["cloudwatch:PutMetricData"]
        resources = ["*"]
        conditions = [{
          test     = "StringLike"
          variable = "cloudwatch:namespace"
          values   = ["/aws/sagemaker/*"]
        }]
      },
      {
        sid       = "ContainerRegistryLogin"
        actions   = ["ecr:GetAuthorizationToken"]
        resources = ["*"]
      },
      {
        sid       = "PullContainerImages"
        actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
        resources = [local.arns.ecr_repositories]
      },
      {
        sid = "PipelineSteps"
        actions = [
          "sagemaker:CreateProcessingJob", "sagemaker:DescribeProcessingJob", "sagemaker:StopProcessingJob",
          "sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob",
          "sagemaker:CreateTransformJob", "sagemaker:DescribeTransformJob", "sagemaker:StopTransformJob",
          "sagemaker:CreateModel", "sagemaker:DescribeModel", "sagemaker:AddTags",
        ]
        resources = concat(local.arns.pipeline_jobs, [local.arns.sagemaker_models])
      },
      {
        sid       = "RegisterModels"
        actions   = ["sagemaker:CreateModelPackage", "sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages", "sagemaker:AddTags"]
        resources = [local.arns.model_package_groups, local.arns.model_packages]
      },
      # A pipeline registers models as PendingManualApproval; approval is a person's decision.
      {
        sid       = "DenySelfApproval"
        effect    = "Deny"
        actions   = ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"]
        resources = ["*"]
        conditions = [{
          test     = "StringEquals"
          variable = "sagemaker:ModelApprovalStatus"
          values   = ["Approved"]
        }]
      },
    ], local.pass_execution_role)

    events = [local.start_deploy_pipelines]

    lambda = [
      {
        sid       = "FunctionLogs"
        actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
        resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/${local.prefix}*"]
      },
      {
        sid       = "GitCredentials"
        actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
        resources = [local.arns.secrets]
      },
      {
        sid       = "ReadSeedCode"
        actions   = ["s3:GetObject", "s3:GetObjectVersion"]
        resources = concat([local.arns.objects], local.seed_code_objects)
      },
      {
        sid       = "DecryptThroughS3AndSecretsManager"
        actions   = ["kms:Decrypt", "kms:DescribeKey"]
        resources = [local.arns.kms_keys]
        conditions = [{
          test     = "StringEquals"
          variable = "kms:ViaService"
          values   = ["s3.${local.region}.amazonaws.com", "secretsmanager.${local.region}.amazonaws.com"]
        }]
      },
      local.model_registry_read,
      local.start_deploy_pipelines,
    ]

    cloudformation = concat([
      {
        sid = "ModelEndpoints"
        actions = [
          "sagemaker:CreateModel", "sagemaker:DescribeModel", "sagemaker:DeleteModel",
          "sagemaker:CreateEndpointConfig", "sagemaker:DescribeEndpointConfig", "sagemaker:DeleteEndpointConfig",
          "sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:DescribeEndpoint", "sagemaker:DeleteEndpoint",
          "sagemaker:AddTags", "sagemaker:DeleteTags", "sagemaker:ListTags",
        ]
        resources = [local.arns.sagemaker_models, local.arns.sagemaker_endpoint_cf, local.arns.sagemaker_endpoints]
      },
      local.model_registry_read,
      {
        sid       = "ReadModelArtifacts"
        actions   = ["s3:GetObject", "s3:GetObjectVersion"]
        resources = [local.arns.objects]
      },
      {
        sid        = "DecryptModelArtifactsThroughS3"
        actions    = ["kms:Decrypt", "kms:DescribeKey"]
        resources  = [local.arns.kms_keys]
        conditions = [local.kms_via_s3]
      },
      # Endpoints with an encrypted volume need a grant that SageMaker itself uses.
      {
        sid       = "EndpointKeyGrants"
        actions   = ["kms:CreateGrant"]
        resources = [local.arns.kms_keys]
        conditions = [{
          test     = "Bool"
          variable = "kms:GrantIsForAWSResource"
          values   = ["true"]
        }]
      },
    ], local.pass_execution_role)
  }
}

# ---------------------------------------------------------------------------------------------------------------
# Persona policies
# ---------------------------------------------------------------------------------------------------------------

locals {
  allowed_product_arns = length(var.allowed_products) == 0 ? [local.arns.catalog_products] : [
    for product in var.allowed_products :
    startswith(product, "arn:") ? product : "arn:${local.partition}:catalog:${local.region}:${local.account_id}:product/${product}"
  ]

  allowed_tag_keys = concat(sort(keys(var.required_tags)), var.optional_tag_keys)

  # Conditions on the request that creates a project: every required tag with an allowed value (aws:RequestTag),
  # and no tag keys beyond the allowed ones (aws:TagKeys). Never aws:ResourceTag: the project does not exist yet.
  required_tag_conditions = concat(
    [for key in sort(keys(var.required_tags)) : { test = "StringEquals", variable = "aws:RequestTag/${key}", values = var.required_tags[key] }],
    [{ test = "ForAllValues:StringLike", variable = "aws:TagKeys", values = local.allowed_tag_keys }],
  )

  # Statement ids from tag keys: letters and digits only (cost-center -> CostCenter).
  tag_sids = { for key in keys(var.required_tags) : key => replace(title(lower(key)), "/[^A-Za-z0-9]/", "") }

  project_discovery_actions = [
    "servicecatalog:SearchProducts", "servicecatalog:ListLaunchPaths", "servicecatalog:DescribeProduct",
    "servicecatalog:DescribeProductView", "servicecatalog:DescribeProvisioningParameters",
    "servicecatalog:DescribeProvisionedProduct", "servicecatalog:DescribeRecord", "sagemaker:ListProjects",
  ]
}

data "aws_iam_policy_document" "data_scientist" {
  for_each = contains(var.personas, "data_scientist") ? toset(["data_scientist"]) : toset([])

  #checkov:skip=CKV_AWS_356:Search/List/Describe calls of Service Catalog and sagemaker:ListProjects have no resource to scope; the Deny statements name "*" on purpose.
  statement {
    sid       = "DiscoverProjectTemplates"
    actions   = local.project_discovery_actions
    resources = ["*"]
  }

  statement {
    sid       = "ReadProjects"
    actions   = ["sagemaker:DescribeProject", "sagemaker:ListTags"]
    resources = [local.arns.projects]
  }

  statement {
    sid       = "ProvisionAllowedProductsWithRequiredTags"
    actions   = ["servicecatalog:ProvisionProduct"]
    resources = local.allowed_product_arns

    dynamic "condition" {
      for_each = local.required_tag_conditions
      content {
        test     = condition.value.test
        variable = condition.value.variable
        values   = condition.value.values
      }
    }
  }

  # SageMaker needs AddTags to create a project with tags; both see the same request tags.
  statement {
    sid       = "CreateProjectsWithRequiredTags"
    actions   = ["sagemaker:CreateProject", "sagemaker:AddTags"]
    resources = [local.arns.projects]

    dynamic "condition" {
      for_each = local.required_tag_conditions
      content {
        test     = condition.value.test
        variable = condition.value.variable
        values   = condition.value.values
      }
    }
  }

  # The allows above do not stop a broader policy (AmazonSageMakerFullAccess allows ProvisionProduct on "*"):
  # one Deny per required tag does. StringNotEquals is also true when the tag is missing.
  dynamic "statement" {
    for_each = var.required_tags
    content {
      sid       = "DenyProjectsWithout${local.tag_sids[statement.key]}Tag"
      effect    = "Deny"
      actions   = ["sagemaker:CreateProject", "servicecatalog:ProvisionProduct"]
      resources = ["*"]

      condition {
        test     = "StringNotEquals"
        variable = "aws:RequestTag/${statement.key}"
        values   = statement.value
      }
    }
  }

  # The product exists: its team tag is a resource tag, the one aws:ResourceTag a provision call can test.
  statement {
    sid       = "DenyProvisioningOtherTeamsProducts"
    effect    = "Deny"
    actions   = ["servicecatalog:ProvisionProduct"]
    resources = ["*"]

    condition {
      test     = "StringNotEquals"
      variable = "aws:ResourceTag/${var.team_tag_key}"
      values   = [coalesce(var.team, "none")]
    }
  }

  statement {
    sid       = "DenyModelApproval"
    effect    = "Deny"
    actions   = ["sagemaker:UpdateModelPackage"]
    resources = ["*"]
  }

  statement {
    sid       = "DenyRegisteringApprovedModels"
    effect    = "Deny"
    actions   = ["sagemaker:CreateModelPackage"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "sagemaker:ModelApprovalStatus"
      values   = ["Approved"]
    }
  }
}

data "aws_iam_policy_document" "mlops_engineer" {
  for_each = contains(var.personas, "mlops_engineer") ? toset(["mlops_engineer"]) : toset([])

  statement {
    sid       = "ReviewModelRegistry"
    actions   = ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages", "sagemaker:ListTags"]
    resources = [local.arns.model_package_groups, local.arns.model_packages]
  }

  statement {
    sid       = "ListModelPackageGroups"
    actions   = ["sagemaker:ListModelPackageGroups"]
    resources = ["*"]
  }

  statement {
    sid       = "ApproveModels"
    actions   = ["sagemaker:UpdateModelPackage"]
    resources = [local.arns.model_packages]
  }

  # The manual approval stage of the deploy pipelines.
  statement {
    sid       = "ApproveDeployments"
    actions   = ["codepipeline:GetPipelineState", "codepipeline:PutApprovalResult"]
    resources = [local.arns.pipelines]
  }
}

data "aws_iam_policy_document" "admin" {
  for_each = contains(var.personas, "admin") ? toset(["admin"]) : toset([])

  statement {
    sid       = "AdministerPortfoliosAndProducts"
    actions   = ["servicecatalog:*"]
    resources = [local.arns.catalog_portfolios, local.arns.catalog_products]
  }

  #checkov:skip=CKV_AWS_356:Creating portfolios, products, constraints and TagOptions is authorized on "*": those calls have no resource type.
  #checkov:skip=CKV_AWS_111:Same calls: IAM cannot constrain them by resource, and making them is the admin persona's job.
  statement {
    sid = "CreateCatalogObjects"
    actions = [
      "servicecatalog:CreatePortfolio", "servicecatalog:CreateProduct", "servicecatalog:CreateConstraint",
      "servicecatalog:DescribeConstraint", "servicecatalog:UpdateConstraint", "servicecatalog:DeleteConstraint",
      "servicecatalog:CreateTagOption", "servicecatalog:DescribeTagOption", "servicecatalog:UpdateTagOption",
      "servicecatalog:DeleteTagOption", "servicecatalog:ListTagOptions", "servicecatalog:ListPortfolios",
      "servicecatalog:SearchProductsAsAdmin", "servicecatalog:ListRecordHistory",
    ]
    resources = ["*"]
  }

  # A launch constraint hands the launch role to Service Catalog.
  statement {
    sid       = "PassLaunchRole"
    actions   = ["iam:PassRole"]
    resources = [local.launch_role_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["servicecatalog.amazonaws.com"]
    }
  }

  statement {
    sid       = "ReadProjectRoles"
    actions   = ["iam:GetRole", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies"]
    resources = concat([local.launch_role_arn], values(local.use_role_arns))
  }

  statement {
    sid       = "ManageProjects"
    actions   = ["sagemaker:DescribeProject", "sagemaker:UpdateProject", "sagemaker:DeleteProject", "sagemaker:ListTags"]
    resources = [local.arns.projects]
  }

  statement {
    sid       = "ListProjects"
    actions   = ["sagemaker:ListProjects"]
    resources = ["*"]
  }
}
