output "deploy_role_arn" {
  description = "ARN of the deploy role: the RoleArn of the tooling pipeline's CloudFormation deploy action for this stage."
  value       = aws_iam_role.this["deploy"].arn
}

output "cloudformation_role_arn" {
  description = "ARN of the CloudFormation execution role: the action configuration's RoleArn for this stage's stacks."
  value       = aws_iam_role.this["cloudformation"].arn
}

output "sagemaker_execution_role_arn" {
  description = "ARN of the SageMaker execution role of this stage's endpoints (the models' ExecutionRoleArn)."
  value       = aws_iam_role.this["sagemaker"].arn
}

output "role_names" {
  description = "Name of each role by purpose (deploy, cloudformation, sagemaker)."
  value       = { for role, resource in aws_iam_role.this : role => resource.name }
}

output "deploy_role_trust_policy_json" {
  description = "The deploy role's trust policy (JSON): the tooling account root with an ArnEquals aws:PrincipalArn condition on trusted_principal_arns."
  value       = data.aws_iam_policy_document.deploy_trust.json
}
