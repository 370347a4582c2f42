"""SageMaker sessions for the pipeline: a real one for ``upsert``, an offline one for ``definition``.

Import this module only after ``prepare_sdk_environment`` has run: the SDK creates a boto3
client when it is imported, which needs a Region.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from pipelines.config import Settings

# The SDK reads these when it is imported or when it builds requests.
_SDK_CONFIG: dict[str, Any] = {
    "SchemaVersion": "1.0",
    "SageMaker": {"PythonSDK": {"Modules": {"TelemetryOptOut": True}}},
}


def prepare_sdk_environment(settings: Settings, env: MutableMapping[str, str] | None = None) -> None:
    """Set what the SDK needs before it is imported: the Region, and no IAM role validation."""
    target = os.environ if env is None else env
    target.setdefault("AWS_DEFAULT_REGION", settings.region)
    target.setdefault("AWS_REGION", settings.region)
    # Otherwise the SDK calls iam:SimulatePrincipalPolicy for every role it is given.
    target["SAGEMAKER_VALIDATE_ROLE"] = "false"


def _validate_sdk_config_once() -> None:
    """Validate ``_SDK_CONFIG`` once instead of at every SDK config lookup.

    The SDK re-validates its config, schema included, at each of the dozens of lookups a
    pipeline makes (about half a second each). Our config is a constant: after one successful
    validation, later validations of an equal config are skipped; any other config is still
    validated by the SDK's own function.
    """
    from sagemaker.core.config.config_manager import SageMakerConfig

    original = SageMakerConfig.validate_sagemaker_config
    if getattr(original, "_validated_once", False):
        return
    original(_SDK_CONFIG)

    def validate(sagemaker_config: dict[str, Any] | None = None) -> None:
        if sagemaker_config != _SDK_CONFIG:
            original(sagemaker_config)

    validate._validated_once = True  # type: ignore[attr-defined]
    SageMakerConfig.validate_sagemaker_config = staticmethod(validate)


def _boto_session(settings: Settings) -> Any:
    import boto3

    return boto3.Session(region_name=settings.region)


def pipeline_session(settings: Settings) -> Any:
    """A PipelineSession bound to the artifact bucket; it uploads the processing scripts."""
    from sagemaker.core.workflow.pipeline_context import PipelineSession

    _validate_sdk_config_once()
    return PipelineSession(
        boto_session=_boto_session(settings),
        default_bucket=settings.artifact_bucket,
        sagemaker_config=_SDK_CONFIG,
    )


def offline_session(settings: Settings) -> Any:
    """A PipelineSession that makes no AWS call: uploads only return the S3 URI they would write."""
    from sagemaker.core.workflow.pipeline_context import PipelineSession

    class OfflinePipelineSession(PipelineSession):  # type: ignore[misc]
        def default_bucket(self) -> str:
            return settings.artifact_bucket

        def upload_data(self, path: str, bucket: str | None = None, key_prefix: str = "data", **_: Any) -> str:
            name = Path(path).name
            return f"s3://{bucket or settings.artifact_bucket}/{key_prefix}/{name}"

        def upload_string_as_file_body(self, body: str, bucket: str, key: str, kms_key: str | None = None) -> str:
            return f"s3://{bucket}/{key}"

    _validate_sdk_config_once()
    return OfflinePipelineSession(
        boto_session=_boto_session(settings),
        default_bucket=settings.artifact_bucket,
        sagemaker_config=_SDK_CONFIG,
    )
