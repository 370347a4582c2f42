output "launch_role_arn" {
  description = "ARN of the Service Catalog launch role (for the launch constraint of every product). Known at plan time, and whatever uses it waits for the role to exist, so bucket and key policies naming it stay checkable in the plan."
  value       = local.launch_role_arn
  depends_on  = [aws_iam_role.launch]
}

output "launch_role_name" {
  description = "Name of the Service Catalog launch role."
  value       = aws_iam_role.launch.name
}

output "use_role_arns" {
  description = "ARN of each use role by service (codebuild, codepipeline, sagemaker, events, lambda, cloudformation), for the product templates' parameters."
  value       = { for service, role in aws_iam_role.use : service => role.arn }
}

output "persona_policy_arns" {
  description = "ARN of each persona policy by persona (data_scientist, mlops_engineer, admin), to attach to the people's roles."
  value       = { for persona, policy in aws_iam_policy.persona : persona => policy.arn }
}

output "covered_resource_types" {
  description = "CloudFormation resource types the launch role may create, update and delete (sorted)."
  value       = sort(var.template_resource_types)
}

output "launch_role_actions" {
  description = "IAM actions the launch role is granted per covered CloudFormation resource type, for coverage checks of the product templates."
  value       = local.launch_role_actions
}

output "launch_role_policy_json" {
  description = "The launch role's permissions policy document (JSON), for static checks."
  value       = data.aws_iam_policy_document.launch_role.json
}
