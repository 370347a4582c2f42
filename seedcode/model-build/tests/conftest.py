"""Shared fixtures. The SDK is imported once per session, with every socket blocked while it runs."""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Before anything imports boto3 or the SDK: a Region, fake credentials, no config files, no IMDS.
os.environ.update(
    {
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_CONFIG_FILE": str(ROOT / "tests" / "no-such-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(ROOT / "tests" / "no-such-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "SAGEMAKER_VALIDATE_ROLE": "false",
    }
)
os.environ.pop("AWS_PROFILE", None)

BASE_ENV = {
    "SAGEMAKER_PROJECT_NAME": "churn",
    "SAGEMAKER_PROJECT_ID": "p-abc123def456",
    "ARTIFACT_BUCKET": "smt-dev-artifacts",
    "SAGEMAKER_PIPELINE_ROLE_ARN": "arn:aws:iam::123456789012:role/smt-dev-team-sagemaker",
    "MODEL_PACKAGE_GROUPS": "churn-p-abc123def456",
    "AWS_REGION": "eu-west-1",
}
MODELS_JSON = json.dumps(
    [
        {"name": "pd", "metric": "auc", "threshold": 0.75, "higher_is_better": True},
        {"name": "lgd", "metric": "rmse", "threshold": 0.2, "higher_is_better": False},
    ]
)
VARIANTS: dict[str, dict[str, str]] = {
    "single": {},
    "multi_model": {"MODELS": MODELS_JSON, "MODEL_PACKAGE_GROUPS": "churn-pd,churn-lgd"},
    "experiment": {"EXPERIMENT_BRANCH_PREFIX": "experiment/", "SOURCE_BRANCH": "experiment/Faster_Trees.v2"},
    "main_branch": {
        "EXPERIMENT_BRANCH_PREFIX": "experiment/",
        "SOURCE_BRANCH": "main",
        "MODEL_APPROVAL_STATUS": "Approved",
    },
    "vpc": {
        "SUBNET_IDS": "subnet-0a1b2c3d,subnet-0e4f5a6b",
        "SECURITY_GROUP_IDS": "sg-0123abcd",
        "KMS_KEY_ARN": "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    },
}


def variant_env(name: str, **extra: str) -> dict[str, str]:
    return {**BASE_ENV, **VARIANTS[name], **extra}


class NetworkBlocked(RuntimeError):
    pass


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise NetworkBlocked(f"network access attempted: {args[1:] if len(args) > 1 else args}")


@pytest.fixture(scope="session")
def no_network() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", _refuse)
        patch.setattr(socket.socket, "connect_ex", _refuse)
        patch.setattr(socket, "getaddrinfo", _refuse)
        patch.setattr(socket, "create_connection", _refuse)
        yield


@pytest.fixture(scope="session")
def render(no_network: None) -> Callable[[str], str]:
    """render(variant) -> definition text, built offline (SDK imported once, sockets blocked)."""
    from pipelines.config import load_settings
    from pipelines.run import render_definition
    from pipelines.sessions import offline_session

    def _render(name: str) -> str:
        settings = load_settings(variant_env(name))
        return render_definition(settings, offline_session(settings))

    return _render


@pytest.fixture(scope="session")
def definitions(render: Callable[[str], str]) -> dict[str, str]:
    return {name: render(name) for name in VARIANTS}
