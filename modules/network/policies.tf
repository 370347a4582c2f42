# Only VPC Flow Logs may take the role, and only for flow logs of this account and region
# (aws:SourceAccount and aws:SourceArn keep another account's flow logs from borrowing it).
data "aws_iam_policy_document" "flow_logs_trust" {
  statement {
    sid     = "VpcFlowLogsOfThisAccount"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:ec2:${local.region}:${local.account_id}:vpc-flow-log/*"]
    }
  }
}

# Write to the module's log group only. No logs:CreateLogGroup: if the group is deleted
# behind Terraform's back, delivery stops instead of recreating it unencrypted and unexpiring.
data "aws_iam_policy_document" "flow_logs" {
  statement {
    sid    = "WriteFlowLogs"
    effect = "Allow"
    actions = [
      "logs:CreateLogStream",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
    ]
    resources = [local.flow_log_group_arn, "${local.flow_log_group_arn}:log-stream:*"]
  }

  # The service looks its destination up; DescribeLogGroups authorizes on the account's groups.
  statement {
    sid       = "FindLogGroup"
    effect    = "Allow"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${data.aws_partition.current.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
  }
}
