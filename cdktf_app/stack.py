"""Terraform stacks of an environment: the tooling stack composing modules/, and one stack per stage account.

Every AWS resource lives in an HCL module; these classes only choose modules and wire outputs to
inputs (endpoint ids -> bucket policy, bucket -> roles, launch roles -> launch constraints,
rendered templates -> products and S3 publication, stage roles <-> cross-account grants).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from cdktf_app import templates
from cdktf_app.cdktf_compat import (
    Construct,
    LocalBackend,
    S3Backend,
    TerraformHclModule,
    TerraformOutput,
    TerraformStack,
)
from cdktf_app.config import EnvironmentConfig
from cdktf_app.config import S3Backend as S3BackendConfig
from cdktf_app.paths import MODULES_DIR, stack_dir
from cdktf_app.provider import EMULATOR_ENDPOINT_VARIABLE, emulator_endpoint_variable, emulator_provider_settings
from cdktf_app.targets import (
    StackTarget,
    cross_account_stages,
    partition_of,
    stage_role_arns,
    team_prefix,
    tooling_role_arn,
)
from glue import packaging

AWS_PROVIDER_SOURCE = "hashicorp/aws"
AWS_PROVIDER_VERSION = ">= 5.100, < 7"
TERRAFORM_VERSION = ">= 1.11"
TEMPLATES_DIR = "templates"
ASSETS_DIR = "assets"
SEED_PREFIX = "seedcode/"
LAMBDA_PREFIX = "lambda/"
# Personas each team gets; platform administrators work through the deploy role instead.
TEAM_PERSONAS = ["data_scientist", "mlops_engineer"]
# Tooling-account roles that act in the stage accounts: the pipeline and its CloudFormation deploys.
CROSS_ACCOUNT_CALLERS = ("codepipeline", "cloudformation")


def module_id(*parts: str) -> str:
    return "_".join(part.replace("-", "_") for part in parts)


class _EnvironmentTerraform(TerraformStack):
    """Terraform settings, provider and backend shared by every stack of an environment."""

    def __init__(self, scope: Construct, config: EnvironmentConfig, target: StackTarget, outdir: Path, emulate: bool):
        super().__init__(scope, target.name)
        self.config = config
        self.target = target
        self.emulate = emulate
        self.directory = stack_dir(outdir, target.name)
        self._module_base = Path(os.path.relpath(MODULES_DIR, self.directory))
        self.add_override("terraform.required_version", TERRAFORM_VERSION)
        self.add_override(
            "terraform.required_providers.aws", {"source": AWS_PROVIDER_SOURCE, "version": AWS_PROVIDER_VERSION}
        )
        self.add_override("provider.aws", [self._provider_config()])
        self._declare_backend()

    @property
    def on_emulator(self) -> bool:
        return self.config.emulator or self.emulate

    def _provider_config(self) -> dict[str, Any]:
        config, target = self.config, self.target
        allowed = config.effective_allowed_account_ids if target.is_tooling else [target.account_id]
        provider: dict[str, Any] = {
            "region": config.region,
            "allowed_account_ids": allowed,
            "default_tags": [{"tags": config.default_tags}],
        }
        if self.on_emulator:
            self.add_override(f"variable.{EMULATOR_ENDPOINT_VARIABLE}", emulator_endpoint_variable())
            provider.update(emulator_provider_settings(f"${{var.{EMULATOR_ENDPOINT_VARIABLE}}}"))
        if target.role_arn is not None:
            # Kept on the emulator too: it honours AssumeRole, so calls land in the target's account.
            provider["assume_role"] = [
                {"role_arn": target.role_arn, "session_name": f"sagemaker-templates-{target.name}"}
            ]
        return provider

    def _declare_backend(self) -> None:
        backend = self.config.backend
        if self.on_emulator or not isinstance(backend, S3BackendConfig):
            # The glue runner passes -backend-config=path=... so state stays outside cdktf.out/.
            LocalBackend(self, path="terraform.tfstate")
            return
        key = backend.key
        if not self.target.is_tooling:
            key = f"{key.removesuffix('.tfstate')}.{self.target.account_id}.tfstate"
        S3Backend(
            self,
            bucket=backend.bucket,
            key=key,
            region=backend.region,
            encrypt=True,
            kms_key_id=backend.kms_key_id,
            assume_role={"role_arn": backend.role_arn or self.config.deploy_role_arn},
        )
        self.add_override("terraform.backend.s3.use_lockfile", True)

    def module(self, name: str, source: str, variables: dict[str, Any]) -> TerraformHclModule:
        return TerraformHclModule(
            self,
            name,
            source=str(self._module_base / source),
            variables=variables,
            skip_asset_creation_from_local_modules=True,
        )

    def output(self, name: str, value: Any, description: str) -> None:
        TerraformOutput(self, name, value=value, description=description)


class EnvironmentStack(_EnvironmentTerraform):
    """The environment's own account: network, buckets, roles, portfolio, products, S3 templates.

    `packages`: the seed-code and Lambda zips, built once per synthesis (the same bytes for every stack).
    """

    def __init__(
        self,
        scope: Construct,
        config: EnvironmentConfig,
        target: StackTarget,
        outdir: Path,
        packages: list[packaging.Package],
        emulate: bool = False,
    ) -> None:
        super().__init__(scope, config, target, outdir, emulate)
        self.packages = packages
        self.template_files = self._render_templates()
        roles = {team: self._team_roles(team) for team in config.teams}
        self.launch_role_arns = [module.get("launch_role_arn") for module in roles.values()]
        endpoints = self._vpc_endpoints()
        seed = self._seed_code_bucket(endpoints)
        self._seed_code_objects(seed)
        if config.publishes_to_service_catalog:
            self._service_catalog(seed, roles)
        if config.publishes_to_s3:
            self._s3_publication()
        if cross_account_stages(config):
            self._cross_account_sharing()
        self._seed_outputs(seed)
        for team, module in roles.items():
            self.output(
                module_id("team", team, "launch_role_arn"), module.get("launch_role_arn"), f"Launch role of team {team}"
            )
            self.output(
                module_id("team", team, "persona_policy_arns"),
                module.get("persona_policy_arns"),
                f"Persona policies of team {team}, to attach to its people's roles",
            )

    # -- templates

    def _render_templates(self) -> dict[str, str]:
        """Write templates/<product>.yaml beside cdk.tf.json; return product -> path relative to the stack."""
        rendered: dict[str, str] = {}
        folder = self.directory / TEMPLATES_DIR
        shutil.rmtree(folder, ignore_errors=True)  # no template of a removed product lingers
        for key, product in sorted(self.config.products.items()):
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{key}.yaml").write_text(templates.render(key, product, self.config), encoding="utf-8")
            rendered[key] = f"{TEMPLATES_DIR}/{key}.yaml"
        return rendered

    def _seed_code_objects(self, seed: TerraformHclModule) -> None:
        """Copy the packaged seedcode/ folders and Lambda functions into assets/; upload them with their hashes."""
        assets = self.directory / ASSETS_DIR
        shutil.rmtree(assets, ignore_errors=True)
        packages = packaging.copy_packages(self.packages, assets)
        self.module(
            "seed_code_objects",
            "seed_code_objects",
            {
                "bucket_name": seed.get("secured_bucket_name"),
                "kms_key_arn": seed.get("kms_key_arn"),
                "objects": {
                    f"{LAMBDA_PREFIX if built.name == packaging.LAMBDAS_NAME else SEED_PREFIX}{built.path.name}": {
                        "source": f"{ASSETS_DIR}/{built.path.name}",
                        "sha256": built.sha256,
                    }
                    for built in packages
                },
            },
        )

    def _resource_types(self, products: list[str]) -> list[str]:
        found: set[str] = set()
        for key in products:
            found |= templates.resource_types(templates.build(key, self.config.products[key], self.config))
        return sorted(found)

    # -- network

    def _vpc_endpoints(self) -> TerraformHclModule | None:
        network = self.config.network
        if network is None:
            return None
        vpc = network.vpc
        if vpc.mode == "create":
            created = self.module(
                "network",
                "network",
                {
                    "name_prefix": self.config.resource_prefix,
                    "cidr_block": vpc.cidr_block,
                    "availability_zones": vpc.availability_zones,
                },
            )
            ids: dict[str, Any] = {
                "vpc_id": created.get("vpc_id"),
                "vpc_cidr_blocks": created.get("cidr_blocks"),
                "subnet_ids": created.get("subnet_ids"),
                "route_table_ids": created.get("route_table_ids"),
            }
        else:
            ids = {
                "vpc_id": vpc.vpc_id,
                "vpc_cidr_blocks": vpc.cidr_blocks,
                "subnet_ids": vpc.subnet_ids,
                "route_table_ids": vpc.route_table_ids,
            }
        partition = partition_of(self.config.region)
        endpoints = self.module(
            "vpc_endpoints",
            "vpc_endpoints",
            {
                "name_prefix": self.config.resource_prefix,
                **ids,
                **(
                    {"interface_services": network.interface_endpoints}
                    if network.interface_endpoints is not None
                    else {}
                ),
                # The seed-code bucket, the template bucket and the projects' buckets (sagemaker-*).
                "allowed_bucket_arns": [
                    f"arn:{partition}:s3:::{self.config.seed_code_bucket_name}",
                    f"arn:{partition}:s3:::{self.templates_bucket_name}",
                    f"arn:{partition}:s3:::sagemaker-*",
                ],
            },
        )
        self.output("vpc_id", ids["vpc_id"], "VPC of the SageMaker domain and the projects' jobs")
        for name, description in (
            ("s3_gateway_endpoint_id", "S3 gateway endpoint (the seed-code bucket admits requests through it)"),
            ("interface_endpoint_ids", "Interface endpoint ids by short service name"),
        ):
            self.output(name, endpoints.get(name), description)
        return endpoints

    # -- buckets

    @property
    def templates_bucket_name(self) -> str:
        config = self.config
        return f"{config.seed_code_bucket.name_prefix}-{config.name}-tmpl-{config.account_id}-{config.region}"

    def _seed_code_bucket(self, endpoints: TerraformHclModule | None) -> TerraformHclModule:
        config = self.config
        bucket = config.seed_code_bucket
        endpoint_ids: list[Any] = list(bucket.allowed_vpc_endpoint_ids)
        if endpoints is not None:
            endpoint_ids.append(endpoints.get("s3_gateway_endpoint_id"))
        seed = self.module(
            "seed_code_bucket",
            "seed_code_bucket",
            {
                "bucket_name": config.seed_code_bucket_name,
                "allowed_vpc_endpoint_ids": endpoint_ids,
                "exempt_principal_arns": bucket.exempt_principal_arns,
                # The teams' launch roles read the seed code (known at plan; the policy waits for the roles).
                "reader_principal_arns": [*bucket.reader_principal_arns, *self.launch_role_arns],
                # The emulator treats conditional denies as unconditional (docs/adr/0002-local-emulator.md).
                "include_conditional_denies": not config.emulator,
                "force_destroy": bucket.force_destroy,
                "kms_deletion_window_in_days": bucket.kms_deletion_window_in_days,
            },
        )
        return seed

    # -- roles

    def _team_roles(self, team: str) -> TerraformHclModule:
        config = self.config
        products = config.teams[team].products
        connections = sorted(
            {connection for key in products if (connection := config.products[key].scm.connection_arn) is not None}
        )
        return self.module(
            module_id("team", team, "roles"),
            "iam_roles",
            {
                "name_prefix": team_prefix(config, team),
                "team": team,
                "personas": TEAM_PERSONAS,
                "required_tags": {key: tag.allowed_values for key, tag in sorted(config.required_tags.items())},
                "seed_code_bucket_arns": [f"arn:{partition_of(config.region)}:s3:::{config.seed_code_bucket_name}"],
                "template_resource_types": self._resource_types(products),
                "code_connection_arns": connections,
            },
        )

    # -- publication

    def _service_catalog(self, seed: TerraformHclModule, roles: dict[str, TerraformHclModule]) -> None:
        config = self.config
        portfolio = self.module(
            "portfolio",
            "service_catalog_portfolio",
            {
                "name": config.portfolio.display_name or f"SageMaker project templates ({config.name})",
                "provider_name": config.portfolio.provider_name,
                "teams": {team: {"principal_arns": settings.principals} for team, settings in config.teams.items()},
                "tag_options": {key: tag.allowed_values for key, tag in sorted(config.required_tags.items())},
                "share_account_ids": config.portfolio.share_account_ids,
            },
        )
        self.output("portfolio_id", portfolio.get("portfolio_id"), "Service Catalog portfolio of the templates")
        for team, settings in config.teams.items():
            for key in settings.products:
                product = config.products[key]
                shared = sum(key in other.products for other in config.teams.values()) > 1
                name = f"{product.display_name} [{team}]" if shared else product.display_name
                module = self.module(
                    module_id("product", team, key),
                    "sagemaker_template_product",
                    {
                        "product_name": name[:100],
                        "description": product.description,
                        "owner": product.owner,
                        "team": team,
                        "portfolio_id": portfolio.get("portfolio_id"),
                        "launch_role_arn": roles[team].get("launch_role_arn"),
                        "templates_bucket_name": seed.get("secured_bucket_name"),
                        "templates_kms_key_arn": seed.get("kms_key_arn"),
                        "initial_version": product.version,
                        "versions": {product.version: {"template_file": self.template_files[key]}},
                        "tag_option_ids": portfolio.get("tag_option_ids"),
                    },
                )
                self.output(
                    module_id("product", team, key, "id"), module.get("product_id"), f"Product {key} of team {team}"
                )

    def _s3_publication(self) -> None:
        config = self.config
        publication = self.module(
            "s3_templates",
            "s3_template_publication",
            {
                "bucket_name": self.templates_bucket_name,
                "templates": {
                    key: {"source_path": self.template_files[key], "description": product.display_name}
                    for key, product in sorted(config.products.items())
                },
                "reader_principal_arns": self.launch_role_arns,
                "include_conditional_denies": not config.emulator,
                "force_destroy": config.seed_code_bucket.force_destroy,
                "kms_deletion_window_in_days": config.seed_code_bucket.kms_deletion_window_in_days,
            },
        )
        for name, description in (
            ("template_urls", "TemplateURL of each template published in S3"),
            ("templates_location", "Where SageMaker Studio finds the S3 templates"),
            ("sagemaker_domain_tags", "Tag to add to the SageMaker domain so that Studio lists the S3 templates"),
        ):
            self.output(f"s3_{name}", publication.get(name), description)

    def _cross_account_sharing(self) -> None:
        config = self.config
        sharing = self.module(
            "cross_account_sharing",
            "cross_account_sharing",
            {
                "name_prefix": config.resource_prefix,
                "stages": {
                    stage: {"account_id": config.stage_account(stage), "principal_arns": stage_role_arns(config, stage)}
                    for stage in cross_account_stages(config)
                },
            },
        )
        for name, description in (
            ("kms_key_arn", "KMS key the stage accounts may decrypt model artifacts with"),
            ("model_package_group_policy_json", "Resource policy every project's model package group gets"),
            ("ssm_parameter_names", "SSM parameters the project templates read the cross-account settings from"),
        ):
            self.output(f"cross_account_{name}", sharing.get(name), description)

    def _seed_outputs(self, seed: TerraformHclModule) -> None:
        for name, description in (
            ("bucket_name", "Seed-code bucket name"),
            ("bucket_arn", "Seed-code bucket ARN"),
            ("kms_key_arn", "KMS key that encrypts the seed-code bucket"),
            ("kms_key_alias", "Alias of the seed-code KMS key"),
            ("bucket_policy_statement_ids", "Statements in the seed-code bucket policy"),
            ("conditional_denies_included", "Whether TLS-only and VPC-endpoint-only denies are in force"),
        ):
            self.output(f"seed_code_{name}", seed.get(name), description)


class StageAccountStack(_EnvironmentTerraform):
    """A stage account: the roles the tooling account's pipelines assume to deploy there."""

    def __init__(
        self, scope: Construct, config: EnvironmentConfig, target: StackTarget, outdir: Path, emulate: bool = False
    ) -> None:
        super().__init__(scope, config, target, outdir, emulate)
        partition = partition_of(config.region)
        callers = [
            tooling_role_arn(config, team, service) for team in config.teams for service in CROSS_ACCOUNT_CALLERS
        ]
        for stage in target.stages:
            module = self.module(
                module_id("stage", stage),
                "stage_deployment",
                {
                    "name_prefix": config.resource_prefix,
                    "stage_name": stage,
                    "tooling_account_id": config.account_id,
                    "trusted_principal_arns": callers,
                    "artifact_bucket_arns": [f"arn:{partition}:s3:::sagemaker-*"],
                    "artifact_kms_key_arns": [f"arn:{partition}:kms:{config.region}:{config.account_id}:key/*"],
                },
            )
            for name in ("deploy_role_arn", "cloudformation_role_arn", "sagemaker_execution_role_arn"):
                self.output(module_id("stage", stage, name), module.get(name), f"{name} of stage {stage}")
