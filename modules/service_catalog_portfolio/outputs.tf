output "portfolio_id" {
  description = "Id of the Service Catalog portfolio (port-...), for product associations and launch constraints."
  value       = aws_servicecatalog_portfolio.this.id
}

output "portfolio_arn" {
  description = "ARN of the Service Catalog portfolio."
  value       = aws_servicecatalog_portfolio.this.arn
}

output "portfolio_name" {
  description = "Display name of the portfolio."
  value       = aws_servicecatalog_portfolio.this.name
}

output "tag_option_ids" {
  description = "Ids of the portfolio's TagOptions, keyed \"key=value\", for associating them with products too."
  value       = { for key, option in aws_servicecatalog_tag_option.this : key => option.id }
}

output "principal_association_ids" {
  description = "Ids of the principal associations, keyed \"team/principal ARN\"."
  value       = { for key, association in aws_servicecatalog_principal_portfolio_association.this : key => association.id }
}

output "share_ids" {
  description = "Ids of the portfolio shares, keyed \"TYPE/principal id\" (ACCOUNT/..., ORGANIZATIONAL_UNIT/..., ORGANIZATION/...)."
  value       = { for key, share in aws_servicecatalog_portfolio_share.this : key => share.id }
}
