data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  # Content-addressed keys: a changed template gets a new key and so a new template URL, which
  # the immutability postconditions below notice.
  key_name = trim(replace(lower(var.product_name), "/[^a-z0-9._-]+/", "-"), "-")
  templates = {
    for name, version in var.versions : name => {
      md5         = filemd5(version.template_file)
      key         = "${var.templates_key_prefix}${local.key_name}/${name}/${filemd5(version.template_file)}.yaml"
      description = coalesce(version.description, "${var.product_name} ${name} (template md5 ${substr(filemd5(version.template_file), 0, 12)})")
    }
  }
  template_urls = {
    for name, template in local.templates : name => "https://${var.templates_bucket_name}.s3.${data.aws_region.current.id}.${data.aws_partition.current.dns_suffix}/${template.key}"
  }

  added_versions = { for name, version in var.versions : name => version if name != var.initial_version }

  product_tags = merge(
    var.tags,
    var.team == null ? {} : { team = var.team },
    # SageMaker Studio lists only products that carry this tag.
    { "sagemaker:studio-visibility" = "true" },
  )
}

resource "aws_s3_object" "this" {
  for_each = var.versions

  bucket                 = var.templates_bucket_name
  key                    = local.templates[each.key].key
  source                 = each.value.template_file
  source_hash            = local.templates[each.key].md5
  content_type           = "application/x-yaml"
  server_side_encryption = "aws:kms"
  kms_key_id             = var.templates_kms_key_arn
  bucket_key_enabled     = true
  tags                   = var.tags
}

resource "aws_servicecatalog_product" "this" {
  name                = var.product_name
  description         = var.description
  owner               = var.owner
  distributor         = var.distributor
  support_email       = var.support_email
  support_url         = var.support_url
  support_description = var.support_email == null && var.support_url == null ? null : "Questions about this template: ${join(", ", compact([var.support_email, var.support_url]))}"
  type                = "CLOUD_FORMATION_TEMPLATE"
  tags                = local.product_tags

  # The product's first version; later versions are aws_servicecatalog_provisioning_artifact.this.
  provisioning_artifact_parameters {
    name                        = var.initial_version
    description                 = local.templates[var.initial_version].description
    template_url                = local.template_urls[var.initial_version]
    type                        = "CLOUD_FORMATION_TEMPLATE"
    disable_template_validation = false
  }

  lifecycle {
    # A published version never changes (changing it would replace the whole product).
    ignore_changes = [provisioning_artifact_parameters]

    postcondition {
      condition     = self.provisioning_artifact_parameters[0].template_url == local.template_urls[var.initial_version]
      error_message = "The template of version ${var.initial_version} (the product's first version) changed after it was published. Published versions are immutable: restore the file, and add the new template as a new version in versions (for example 1.1.0)."
    }
  }

  depends_on = [aws_s3_object.this]
}

resource "aws_servicecatalog_provisioning_artifact" "this" {
  for_each = local.added_versions

  product_id                  = aws_servicecatalog_product.this.id
  name                        = each.key
  description                 = local.templates[each.key].description
  template_url                = local.template_urls[each.key]
  type                        = "CLOUD_FORMATION_TEMPLATE"
  active                      = each.value.active
  guidance                    = each.value.guidance
  disable_template_validation = false

  lifecycle {
    # Only active and guidance may change on a published version.
    ignore_changes = [template_url]

    postcondition {
      condition     = self.template_url == local.template_urls[each.key]
      error_message = "The template of version ${each.key} changed after it was published. Published versions are immutable: restore the file, add the new template as a new version, and deprecate this one with active = false and guidance = \"DEPRECATED\"."
    }
  }

  depends_on = [aws_s3_object.this]
}

resource "aws_servicecatalog_product_portfolio_association" "this" {
  portfolio_id = var.portfolio_id
  product_id   = aws_servicecatalog_product.this.id
}

resource "aws_servicecatalog_constraint" "this" {
  description  = "Launch ${var.product_name} with ${var.launch_role_arn}"
  portfolio_id = var.portfolio_id
  product_id   = aws_servicecatalog_product.this.id
  type         = "LAUNCH"
  parameters   = jsonencode({ RoleArn = var.launch_role_arn })

  # A launch constraint needs the product in the portfolio first.
  depends_on = [aws_servicecatalog_product_portfolio_association.this]
}

resource "aws_servicecatalog_tag_option_resource_association" "this" {
  for_each = var.tag_option_ids

  resource_id   = aws_servicecatalog_product.this.id
  tag_option_id = each.value
}

# Every version's id, the product's first one included (the product resource does not export it).
data "aws_servicecatalog_provisioning_artifacts" "this" {
  product_id = aws_servicecatalog_product.this.id

  depends_on = [aws_servicecatalog_provisioning_artifact.this]
}
