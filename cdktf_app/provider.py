"""AWS provider settings for the emulator, shared by the environment stacks and the module test roots."""

from __future__ import annotations

from typing import Any

# Every service the modules call; on the emulator each must point at it, so no call can leave the machine.
EMULATED_SERVICES = (
    "cloudformation",
    "cloudwatch",
    "codebuild",
    "codeconnections",
    "codepipeline",
    "ec2",
    "ecr",
    "events",
    "iam",
    "kms",
    "lambda",
    "logs",
    "organizations",
    "s3",
    "sagemaker",
    "secretsmanager",
    "servicecatalog",
    "sns",
    "sqs",
    "ssm",
    "sts",
)
LOOPBACK_URL = r"^http://(127\\.[0-9]+\\.[0-9]+\\.[0-9]+|localhost|\\[::1\\]):[0-9]{2,5}$"
EMULATOR_ENDPOINT_VARIABLE = "emulator_endpoint"


def emulator_provider_settings(endpoint: str) -> dict[str, Any]:
    """Provider arguments that send every call to `endpoint` (a URL or a ${var...} reference)."""
    return {
        "endpoints": [{service: endpoint for service in EMULATED_SERVICES}],
        "s3_use_path_style": True,
        "skip_credentials_validation": True,
        "skip_metadata_api_check": "true",
        "skip_region_validation": True,
        # The emulator answers sts:GetCallerIdentity, so allowed_account_ids is enforced there too.
        "skip_requesting_account_id": False,
        # Few retries: unimplemented emulator calls answer 500 and would be retried for minutes;
        # a retry of a call that succeeded gets its first answer back (docs/adr/0010-emulator-server.md).
        "max_retries": 3,
    }


def emulator_endpoint_variable() -> dict[str, Any]:
    """The Terraform variable that carries the emulator URL, validated to be on loopback."""
    return {
        "type": "string",
        "description": "URL of the local AWS emulator; set by the glue runner from the running emulator.",
        "validation": [
            {
                "condition": f'${{can(regex("{LOOPBACK_URL}", var.{EMULATOR_ENDPOINT_VARIABLE}))}}',
                "error_message": "emulator_endpoint must be an http:// URL on the loopback interface.",
            }
        ],
    }


def emulator_test_root(region: str = "us-east-1") -> dict[str, Any]:
    """Terraform JSON for a test root on the emulator: the variable and a provider with dummy credentials."""
    provider = {
        "region": region,
        "access_key": "emulator",
        "secret_key": "emulator",
        **emulator_provider_settings(f"${{var.{EMULATOR_ENDPOINT_VARIABLE}}}"),
    }
    return {"variable": {EMULATOR_ENDPOINT_VARIABLE: emulator_endpoint_variable()}, "provider": {"aws": [provider]}}
