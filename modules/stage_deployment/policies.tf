locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.id
  prefix     = var.resource_name_prefix

  tooling_root_arn = "arn:${local.partition}:iam::${var.tooling_account_id}:root"

  arns = {
    stacks           = "arn:${local.partition}:cloudformation:${local.region}:${local.account_id}:stack/${local.prefix}*"
    models           = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:model/${local.prefix}*"
    endpoint_configs = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:endpoint-config/${local.prefix}*"
    endpoints        = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:endpoint/${local.prefix}*"
    # Scalable targets get an id, not a name; registering one also needs the target's own permissions
    # (sagemaker:DescribeEndpoint and UpdateEndpointWeightsAndCapacities, granted on prefix endpoints only).
    scalable_targets = "arn:${local.partition}:application-autoscaling:${local.region}:${local.account_id}:scalable-target/*"
    # Target tracking names its alarms TargetTracking-endpoint/<endpoint>/variant/<variant>-Alarm...
    scaling_alarms       = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:TargetTracking-endpoint/${local.prefix}*"
    scaling_linked_role  = "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"
    model_package_groups = "arn:${local.partition}:sagemaker:${local.region}:${var.tooling_account_id}:model-package-group/${local.prefix}*"
    model_packages       = "arn:${local.partition}:sagemaker:${local.region}:${var.tooling_account_id}:model-package/${local.prefix}*"
    endpoint_log_groups  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/sagemaker/Endpoints/${local.prefix}*"
    # Images come from AWS's own accounts (framework containers) or the tooling account's repositories.
    ecr_repositories = "arn:${local.partition}:ecr:${local.region}:*:repository/*"
  }

  artifact_objects = [for arn in var.artifact_bucket_arns : "${arn}/*"]

  # Decrypt only when S3 asks on the caller's behalf (reading an SSE-KMS object), never directly.
  kms_via_s3 = {
    test     = "StringEquals"
    variable = "kms:ViaService"
    values   = ["s3.${local.region}.amazonaws.com"]
  }

  # One statement per key list, left out when the artifacts use no customer key.
  artifact_key_statements = length(var.artifact_kms_key_arns) > 0 ? { keys = var.artifact_kms_key_arns } : {}
}

# ---------------------------------------------------------------------------------------------------------------
# Deploy role: assumed from the tooling account by the project pipelines
# ---------------------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "deploy_trust" {
  # The account root as principal, the roles in a condition: a role ARN as principal would be rejected
  # (or silently turned into an id) while the tooling roles do not exist yet.
  statement {
    sid     = "ToolingPipelinesAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = [local.tooling_root_arn]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:PrincipalArn"
      values   = var.trusted_principal_arns
    }
  }
}

data "aws_iam_policy_document" "deploy" {
  statement {
    sid = "DeployStacks"
    actions = [
      "cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:DeleteStack",
      "cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents", "cloudformation:DescribeStackResources",
      "cloudformation:GetTemplate", "cloudformation:CreateChangeSet", "cloudformation:DescribeChangeSet",
      "cloudformation:ExecuteChangeSet", "cloudformation:DeleteChangeSet",
      "cloudformation:TagResource", "cloudformation:UntagResource",
    ]
    resources = [local.arns.stacks]
  }

  statement {
    sid       = "PassCloudFormationRole"
    actions   = ["iam:PassRole"]
    resources = [local.role_arns.cloudformation]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["cloudformation.amazonaws.com"]
    }
  }

  # CodePipeline's action role downloads the input artifacts (the stack template and its configuration).
  statement {
    sid       = "ReadPipelineArtifacts"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = local.artifact_objects
  }

  dynamic "statement" {
    for_each = local.artifact_key_statements
    content {
      sid       = "DecryptArtifactsThroughS3"
      actions   = ["kms:Decrypt"]
      resources = statement.value

      condition {
        test     = local.kms_via_s3.test
        variable = local.kms_via_s3.variable
        values   = local.kms_via_s3.values
      }
    }
  }
}

# ---------------------------------------------------------------------------------------------------------------
# CloudFormation execution role: creates the stage's models, endpoint configs, endpoints and their scaling
# ---------------------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "cloudformation_trust" {
  statement {
    sid     = "CloudFormationAssumesRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["cloudformation.amazonaws.com"]
    }

    # IfExists: whether CloudFormation sets aws:SourceAccount when it assumes a stack's service role is not
    # documented (modules/iam_roles leaves the condition out for that reason). Where it is set, it must be
    # this account; where it is not, the role can still only be passed from this account (iam:PassRole).
    condition {
      test     = "StringEqualsIfExists"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "cloudformation" {
  statement {
    sid = "ModelsAndEndpoints"
    actions = [
      "sagemaker:CreateModel", "sagemaker:DescribeModel", "sagemaker:DeleteModel",
      "sagemaker:CreateEndpointConfig", "sagemaker:DescribeEndpointConfig", "sagemaker:DeleteEndpointConfig",
      "sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:DescribeEndpoint", "sagemaker:DeleteEndpoint",
      "sagemaker:UpdateEndpointWeightsAndCapacities",
      "sagemaker:AddTags", "sagemaker:DeleteTags", "sagemaker:ListTags",
    ]
    resources = [local.arns.models, local.arns.endpoint_configs, local.arns.endpoints]
  }

  statement {
    sid       = "PassSageMakerExecutionRole"
    actions   = ["iam:PassRole"]
    resources = [local.role_arns.sagemaker]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["sagemaker.amazonaws.com"]
    }
  }

  statement {
    sid = "EndpointVariantScaling"
    actions = [
      "application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget",
      "application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy",
      "application-autoscaling:PutScheduledAction", "application-autoscaling:DeleteScheduledAction",
      "application-autoscaling:TagResource", "application-autoscaling:UntagResource",
      "application-autoscaling:ListTagsForResource",
    ]
    resources = [local.arns.scalable_targets]
  }

  # The Describe calls of Application Auto Scaling have no resource type.
  statement {
    sid = "DescribeEndpointVariantScaling"
    actions = [
      "application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies",
      "application-autoscaling:DescribeScalingActivities", "application-autoscaling:DescribeScheduledActions",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "EndpointScalingAlarms"
    actions   = ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms"]
    resources = [local.arns.scaling_alarms]
  }

  # The first scalable target of the account creates Application Auto Scaling's role for SageMaker endpoints.
  statement {
    sid       = "EndpointScalingServiceLinkedRole"
    actions   = ["iam:CreateServiceLinkedRole"]
    resources = [local.arns.scaling_linked_role]

    condition {
      test     = "StringEquals"
      variable = "iam:AWSServiceName"
      values   = ["sagemaker.application-autoscaling.amazonaws.com"]
    }
  }
}

# ---------------------------------------------------------------------------------------------------------------
# SageMaker execution role: what the endpoints run as
# ---------------------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "sagemaker_trust" {
  statement {
    sid     = "SageMakerAssumesRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["sagemaker.amazonaws.com"]
    }

    # SageMaker inference sets aws:SourceAccount: only this account's models may run as the role.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "sagemaker" {
  statement {
    sid       = "ReadModelArtifacts"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = local.artifact_objects
  }

  # Uncompressed model data (an S3 prefix) is listed before it is downloaded.
  statement {
    sid       = "ListModelArtifacts"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation"]
    resources = var.artifact_bucket_arns
  }

  dynamic "statement" {
    for_each = local.artifact_key_statements
    content {
      sid       = "DecryptModelArtifactsThroughS3"
      actions   = ["kms:Decrypt"]
      resources = statement.value

      condition {
        test     = local.kms_via_s3.test
        variable = local.kms_via_s3.variable
        values   = local.kms_via_s3.values
      }
    }
  }

  statement {
    sid       = "ReadToolingModelRegistry"
    actions   = ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup"]
    resources = [local.arns.model_package_groups, local.arns.model_packages]
  }

  statement {
    sid       = "ContainerRegistryLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "PullContainerImages"
    actions   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
    resources = [local.arns.ecr_repositories]
  }

  statement {
    sid       = "EndpointLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = [local.arns.endpoint_log_groups]
  }

  # cloudwatch:PutMetricData has no resource type; the namespace condition limits it to SageMaker's.
  statement {
    sid       = "EndpointMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringLike"
      variable = "cloudwatch:namespace"
      values   = ["/aws/sagemaker/*"]
    }
  }
}
