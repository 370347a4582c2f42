output "kms_key_arn" {
  description = "ARN of the KMS key for the artifacts the stage accounts read (give it to stage_deployment's artifact_kms_key_arns)."
  value       = aws_kms_key.this.arn
}

output "kms_key_alias" {
  description = "Alias of the key (alias/<name_prefix>-cross-account-artifacts)."
  value       = aws_kms_alias.this.name
}

output "model_package_group_policy_json" {
  description = "Resource policy (minified JSON) for every project's model package group: the stage roles may describe the prefix-named groups and read their packages."
  value       = local.model_package_group_policy
}

output "ssm_parameter_names" {
  description = "Name of each SSM parameter by setting (kms-key-arn, model-package-group-policy, stage-accounts), for {{resolve:ssm:...}} in the project templates."
  value       = { for setting, parameter in aws_ssm_parameter.this : setting => parameter.name }
}

output "stage_account_ids" {
  description = "Account id of each stage by stage name."
  value       = { for stage, settings in var.stages : stage => settings.account_id }
}
