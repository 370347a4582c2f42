data "aws_partition" "current" {}

locals {
  # One association per (team, principal); the key names both, so adding a principal renames nothing.
  principal_associations = merge([
    for team, config in var.teams : {
      for arn in config.principal_arns : "${team}/${arn}" => {
        team           = team
        principal_arn  = arn
        principal_type = can(regex("^arn:aws[a-z-]*:iam:::", arn)) ? "IAM_PATTERN" : "IAM"
      }
    }
  ]...)

  # One TagOption per (key, value), keyed "key=value".
  tag_options = merge([
    for key, values in var.tag_options : {
      for value in values : "${key}=${value}" => { key = key, value = value }
    }
  ]...)

  # Service Catalog names organizations and OUs by ARN; the keys use the plain ids.
  organization_arn_prefix = var.organization == null ? "" : "arn:${data.aws_partition.current.partition}:organizations::${var.organization.management_account_id}"
  shares = merge(
    { for id in var.share_account_ids : "ACCOUNT/${id}" => { type = "ACCOUNT", principal_id = id } },
    {
      for id in var.share_organizational_unit_ids : "ORGANIZATIONAL_UNIT/${id}" => {
        type         = "ORGANIZATIONAL_UNIT"
        principal_id = "${local.organization_arn_prefix}:ou/${var.organization.id}/${id}"
      }
    },
    var.share_with_organization ? {
      "ORGANIZATION/${var.organization.id}" = {
        type         = "ORGANIZATION"
        principal_id = "${local.organization_arn_prefix}:organization/${var.organization.id}"
      }
    } : {},
  )
}

resource "aws_servicecatalog_portfolio" "this" {
  name          = var.name
  description   = var.description
  provider_name = var.provider_name
  tags          = var.tags
}

resource "aws_servicecatalog_principal_portfolio_association" "this" {
  for_each = local.principal_associations

  portfolio_id   = aws_servicecatalog_portfolio.this.id
  principal_arn  = each.value.principal_arn
  principal_type = each.value.principal_type
}

resource "aws_servicecatalog_tag_option" "this" {
  for_each = local.tag_options

  key    = each.value.key
  value  = each.value.value
  active = true
}

resource "aws_servicecatalog_tag_option_resource_association" "this" {
  for_each = local.tag_options

  resource_id   = aws_servicecatalog_portfolio.this.id
  tag_option_id = aws_servicecatalog_tag_option.this[each.key].id
}

resource "aws_servicecatalog_portfolio_share" "this" {
  for_each = local.shares

  portfolio_id      = aws_servicecatalog_portfolio.this.id
  type              = each.value.type
  principal_id      = each.value.principal_id
  share_tag_options = length(local.tag_options) > 0
  # Principal sharing exists only for organization and OU shares.
  share_principals = each.value.type == "ACCOUNT" ? null : var.share_principals

  # Recipients accept in their own time; Terraform does not wait for it.
  wait_for_acceptance = false
}
