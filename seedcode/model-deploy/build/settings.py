"""The deployment settings the project template stores in SSM, and the build's environment variables.

The settings parameter holds JSON written by the project template (one document per project):

    {"environment": "prod", "hosting": "realtime", "kind": "build_train_deploy",
     "model_registry_approval": true, "models": [], "product": "...", "scm": "...",
     "vpc_only": false,
     "stages": [{"name": "staging", "account_id": "555566667777", "production": false,
                 "test_after_deploy": true, "subnet_ids": [], "security_group_ids": [],
                 "manual_approvals": [{"name": "...", "approver_group": "..."}]}, ...]}

Stages are in deployment order. Unknown keys are ignored, so that the platform can add some.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import BuildError

HOSTING_OPTIONS = ("realtime", "serverless", "async", "multi_model", "batch")
DEPLOY_MODES = ("model", "pipeline-definition")
STAGE_NAME = re.compile(r"^[a-z][a-z0-9-]{1,15}$")
ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
ROLE_ARN = re.compile(r"^arn:(aws[a-z-]*):iam::([0-9]{12}):role/([A-Za-z0-9+=,.@_/-]+)$")
PROJECT_ID = re.compile(r"^[a-z0-9-]{1,16}$")
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


@dataclass(frozen=True)
class Stage:
    name: str
    account_id: str
    production: bool
    test_after_deploy: bool
    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]


@dataclass(frozen=True)
class Settings:
    environment: str
    hosting: str
    kind: str
    vpc_only: bool
    model_registry_approval: bool
    models: tuple[str, ...]
    stages: tuple[Stage, ...]


def _require(document: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in document:
        raise BuildError(f"deployment settings: {where} has no {key!r}")
    value = document[key]
    if not isinstance(value, kind):
        raise BuildError(f"deployment settings: {where}.{key} must be a {kind.__name__}, not {value!r}")
    return value


def _strings(document: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = document.get(key) or []
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise BuildError(f"deployment settings: {where}.{key} must be a list of strings")
    return tuple(values)


def parse_settings(document: object) -> Settings:
    """Check and read the settings document (the JSON object of the SSM parameter)."""
    if not isinstance(document, dict):
        raise BuildError("deployment settings: expected a JSON object")
    hosting = _require(document, "hosting", str, "the document")
    if hosting not in HOSTING_OPTIONS:
        raise BuildError(f"deployment settings: hosting {hosting!r} is not one of {', '.join(HOSTING_OPTIONS)}")
    raw_stages = _require(document, "stages", list, "the document")
    if not raw_stages:
        raise BuildError("deployment settings: stages is empty; the pipeline has nothing to deploy to")
    stages = []
    for index, raw in enumerate(raw_stages):
        where = f"stages[{index}]"
        if not isinstance(raw, dict):
            raise BuildError(f"deployment settings: {where} must be an object")
        name = _require(raw, "name", str, where)
        if not STAGE_NAME.match(name):
            raise BuildError(f"deployment settings: {where}.name {name!r} is not a stage name (a-z, 0-9, -)")
        account = _require(raw, "account_id", str, where)
        if not ACCOUNT_ID.match(account):
            raise BuildError(f"deployment settings: {where}.account_id {account!r} is not a 12-digit account id")
        stages.append(
            Stage(
                name=name,
                account_id=account,
                production=bool(raw.get("production", False)),
                test_after_deploy=bool(raw.get("test_after_deploy", False)),
                subnet_ids=_strings(raw, "subnet_ids", where),
                security_group_ids=_strings(raw, "security_group_ids", where),
            )
        )
    names = [stage.name for stage in stages]
    if len(set(names)) != len(names):
        raise BuildError(f"deployment settings: stage names repeat: {names}")
    models = document.get("models") or []
    if not isinstance(models, list) or not all(isinstance(model, dict) and "name" in model for model in models):
        raise BuildError("deployment settings: models must be a list of objects with a name")
    return Settings(
        environment=str(document.get("environment", "")),
        hosting=hosting,
        kind=str(document.get("kind", "build_train_deploy")),
        vpc_only=bool(document.get("vpc_only", False)),
        model_registry_approval=bool(document.get("model_registry_approval", True)),
        models=tuple(str(model["name"]) for model in models),
        stages=tuple(stages),
    )


def load_settings_file(path: Path) -> Settings:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BuildError(f"cannot read the deployment settings file {path}: {error}") from error
    return parse_settings(document)


def load_settings_parameter(ssm: Any, name: str) -> Settings:
    """The settings from the SSM parameter `name` (ssm: a boto3 SSM client)."""
    response = ssm.get_parameter(Name=name)
    try:
        document = json.loads(response["Parameter"]["Value"])
    except ValueError as error:
        raise BuildError(f"SSM parameter {name} does not hold JSON: {error}") from error
    return parse_settings(document)


@dataclass(frozen=True)
class BuildEnvironment:
    """The CodeBuild project's environment variables (see README.md for each)."""

    project_name: str
    project_id: str
    artifact_bucket: str
    pipeline_role_arn: str
    environment: str
    model_package_groups: tuple[str, ...]
    settings_parameter: str
    hosting: str
    deploy_mode: str
    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]
    stage_role_prefix: str

    @property
    def partition(self) -> str:
        return _role_parts(self.pipeline_role_arn)[0]

    @property
    def tooling_account_id(self) -> str:
        """The account of the project, its registry and its pipelines (that of the pipeline role)."""
        return _role_parts(self.pipeline_role_arn)[1]


def _role_parts(arn: str) -> tuple[str, str, str]:
    match = ROLE_ARN.match(arn)
    if match is None:
        raise BuildError(f"SAGEMAKER_PIPELINE_ROLE_ARN {arn!r} is not an IAM role ARN")
    return match.group(1), match.group(2), match.group(3)


def _list(value: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in value.split(",") if item.strip())


def read_environment(environ: Mapping[str, str]) -> BuildEnvironment:
    """Read and check the variables; every problem is reported at once."""
    problems = []
    for variable in (
        "SAGEMAKER_PROJECT_NAME",
        "SAGEMAKER_PROJECT_ID",
        "ARTIFACT_BUCKET",
        "SAGEMAKER_PIPELINE_ROLE_ARN",
    ):
        if not environ.get(variable, "").strip():
            problems.append(f"{variable} is not set")
    project_id = environ.get("SAGEMAKER_PROJECT_ID", "").strip()
    if project_id and not PROJECT_ID.match(project_id):
        problems.append(f"SAGEMAKER_PROJECT_ID {project_id!r} is not a project id (1-16 of a-z, 0-9, -)")
    bucket = environ.get("ARTIFACT_BUCKET", "").strip()
    if bucket and not BUCKET_NAME.match(bucket):
        problems.append(f"ARTIFACT_BUCKET {bucket!r} is not a bucket name")
    role = environ.get("SAGEMAKER_PIPELINE_ROLE_ARN", "").strip()
    if role and not ROLE_ARN.match(role):
        problems.append(f"SAGEMAKER_PIPELINE_ROLE_ARN {role!r} is not an IAM role ARN")
    groups = _list(environ.get("MODEL_PACKAGE_GROUPS", ""))
    if not groups:
        problems.append("MODEL_PACKAGE_GROUPS is not set (comma-separated model package group names)")
    hosting = environ.get("HOSTING", "").strip()
    if hosting and hosting not in HOSTING_OPTIONS:
        problems.append(f"HOSTING {hosting!r} is not one of {', '.join(HOSTING_OPTIONS)}")
    mode = environ.get("DEPLOY_MODE", "").strip() or "model"
    if mode not in DEPLOY_MODES:
        problems.append(f"DEPLOY_MODE {mode!r} is not one of {', '.join(DEPLOY_MODES)}")
    if problems:
        raise BuildError("environment: " + "; ".join(problems))
    return BuildEnvironment(
        project_name=environ["SAGEMAKER_PROJECT_NAME"].strip(),
        project_id=project_id,
        artifact_bucket=bucket,
        pipeline_role_arn=role,
        environment=environ.get("ENVIRONMENT", "").strip(),
        model_package_groups=groups,
        settings_parameter=environ.get("DEPLOYMENT_SETTINGS_PARAMETER", "").strip(),
        hosting=hosting,
        deploy_mode=mode,
        subnet_ids=_list(environ.get("SUBNET_IDS", "")),
        security_group_ids=_list(environ.get("SECURITY_GROUP_IDS", "")),
        stage_role_prefix=environ.get("STAGE_ROLE_PREFIX", "").strip().strip("/"),
    )
