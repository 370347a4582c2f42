"""One Terraform stack per environment, composing the HCL modules in modules/."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cdktf_app.cdktf_compat import (
    Construct,
    LocalBackend,
    S3Backend,
    TerraformHclModule,
    TerraformOutput,
    TerraformStack,
)
from cdktf_app.config import EnvironmentConfig
from cdktf_app.paths import MODULES_DIR, stack_dir
from cdktf_app.provider import EMULATOR_ENDPOINT_VARIABLE, emulator_endpoint_variable, emulator_provider_settings

AWS_PROVIDER_SOURCE = "hashicorp/aws"
AWS_PROVIDER_VERSION = ">= 5.100, < 7"
TERRAFORM_VERSION = ">= 1.11"


class EnvironmentStack(TerraformStack):
    """Everything one environment provisions, in one state."""

    def __init__(self, scope: Construct, config: EnvironmentConfig, outdir: Path) -> None:
        super().__init__(scope, config.name)
        self.config = config
        self._module_base = Path(os.path.relpath(MODULES_DIR, stack_dir(outdir, config.name)))
        self._declare_terraform()
        self._declare_backend()
        seed = self._seed_code_bucket()
        self._outputs(seed)

    def _declare_terraform(self) -> None:
        self.add_override("terraform.required_version", TERRAFORM_VERSION)
        self.add_override(
            "terraform.required_providers.aws", {"source": AWS_PROVIDER_SOURCE, "version": AWS_PROVIDER_VERSION}
        )
        self.add_override("provider.aws", [self._provider_config()])

    def _provider_config(self) -> dict[str, Any]:
        config = self.config
        provider: dict[str, Any] = {
            "region": config.region,
            "allowed_account_ids": config.effective_allowed_account_ids,
            "default_tags": [{"tags": config.default_tags}],
        }
        if config.emulator:
            self.add_override(f"variable.{EMULATOR_ENDPOINT_VARIABLE}", emulator_endpoint_variable())
            provider.update(emulator_provider_settings(f"${{var.{EMULATOR_ENDPOINT_VARIABLE}}}"))
        else:
            provider["assume_role"] = [
                {"role_arn": config.deploy_role_arn, "session_name": f"sagemaker-templates-{config.name}"}
            ]
        return provider

    def _declare_backend(self) -> None:
        backend = self.config.backend
        if backend.type == "local":
            # The glue runner passes -backend-config=path=... so state stays outside cdktf.out/.
            LocalBackend(self, path="terraform.tfstate")
            return
        S3Backend(
            self,
            bucket=backend.bucket,
            key=backend.key,
            region=backend.region,
            encrypt=True,
            kms_key_id=backend.kms_key_id,
            assume_role={"role_arn": backend.role_arn or self.config.deploy_role_arn},
        )
        self.add_override("terraform.backend.s3.use_lockfile", True)

    def _module(self, name: str, variables: dict[str, Any]) -> TerraformHclModule:
        return TerraformHclModule(
            self,
            name,
            source=str(self._module_base / name),
            variables=variables,
            skip_asset_creation_from_local_modules=True,
        )

    def _seed_code_bucket(self) -> TerraformHclModule:
        config = self.config
        bucket = config.seed_code_bucket
        return self._module(
            "seed_code_bucket",
            {
                "bucket_name": config.seed_code_bucket_name,
                "allowed_vpc_endpoint_ids": bucket.allowed_vpc_endpoint_ids,
                "exempt_principal_arns": bucket.exempt_principal_arns,
                "reader_principal_arns": bucket.reader_principal_arns,
                # The emulator treats conditional denies as unconditional (docs/adr/0002-local-emulator.md).
                "include_conditional_denies": not config.emulator,
                "force_destroy": bucket.force_destroy,
                "kms_deletion_window_in_days": bucket.kms_deletion_window_in_days,
            },
        )

    def _outputs(self, seed: TerraformHclModule) -> None:
        for name, description in (
            ("bucket_name", "Seed-code bucket name"),
            ("bucket_arn", "Seed-code bucket ARN"),
            ("kms_key_arn", "KMS key that encrypts the seed-code bucket"),
            ("kms_key_alias", "Alias of the seed-code KMS key"),
            ("bucket_policy_statement_ids", "Statements in the seed-code bucket policy"),
            ("conditional_denies_included", "Whether TLS-only and VPC-endpoint-only denies are in force"),
        ):
            TerraformOutput(self, f"seed_code_{name}", value=seed.get(name), description=description)
