"""Per-stage settings: the defaults, the team's config/<stage>.json over them, and the template parameters.

Each key of config/<stage>.json applies to some hosting options only (OVERRIDES); a key that does
not apply to the project's hosting is ignored with a warning, an unknown key stops the build.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import BuildError
from .settings import ROLE_ARN, BuildEnvironment, Settings, Stage

INSTANCES = ("realtime", "async", "multi_model", "batch")
AUTOSCALING = ("realtime", "multi_model")
ALL = ("realtime", "serverless", "async", "multi_model", "batch")
SERVERLESS_MEMORY = (1024, 2048, 3072, 4096, 5120, 6144)
INSTANCE_TYPE = re.compile(r"^ml\.[a-z0-9]+\.[a-z0-9]+$")
SUBNET_ID = re.compile(r"^subnet-[0-9a-f]{8,17}$")
SECURITY_GROUP_ID = re.compile(r"^sg-[0-9a-f]{8,17}$")
# Template parameters that change only the scaling: left out of ResourceSuffix, so that changing
# them updates the scaling policy without creating a new model and endpoint configuration.
SCALING_PARAMETERS = ("AutoScalingMaxInstanceCount", "AutoScalingTargetInvocations")
# Models the template can create for batch transform (Model, SecondModel, ThirdModel).
BATCH_MODEL_SLOTS = ("ModelPackageArn", "ModelPackageArn2", "ModelPackageArn3")


def _integer(low: int, high: int | None = None) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        if not isinstance(value, int) or isinstance(value, bool) or value < low or (high is not None and value > high):
            return f"an integer from {low}" + (f" to {high}" if high is not None else "")
        return None

    return check


def _one_of(values: tuple[int, ...]) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        return None if value in values and not isinstance(value, bool) else f"one of {list(values)}"

    return check


def _matching(pattern: re.Pattern[str], meaning: str) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        return None if isinstance(value, str) and pattern.match(value) else meaning

    return check


def _ids(pattern: re.Pattern[str], meaning: str) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        if isinstance(value, list) and all(isinstance(item, str) and pattern.match(item) for item in value):
            return None
        return f"a list of {meaning}"

    return check


def _tags(value: object) -> str | None:
    if isinstance(value, dict) and all(
        isinstance(key, str) and isinstance(item, str) and 0 < len(key) <= 128 and len(item) <= 256
        for key, item in value.items()
    ):
        return None
    return "an object of tag names to string values"


# key: (hosting options it applies to, check returning what the value should be, or None when valid)
OVERRIDES: dict[str, tuple[tuple[str, ...], Callable[[object], str | None]]] = {
    "instance_type": (INSTANCES, _matching(INSTANCE_TYPE, "an instance type such as ml.m5.large")),
    "initial_instance_count": (INSTANCES, _integer(1)),
    "autoscaling_max_instance_count": (AUTOSCALING, _integer(0)),
    "autoscaling_target_invocations": (AUTOSCALING, _integer(1)),
    "serverless_memory_mb": (("serverless",), _one_of(SERVERLESS_MEMORY)),
    "serverless_max_concurrency": (("serverless",), _integer(1, 200)),
    "async_output_s3_uri": (("async",), _matching(re.compile(r"^s3://[a-z0-9.-]{3,63}(/.*)?$"), "an s3:// URI")),
    "async_failure_s3_uri": (("async",), _matching(re.compile(r"^s3://[a-z0-9.-]{3,63}(/.*)?$"), "an s3:// URI")),
    "async_kms_key_id": (("async",), _matching(re.compile(r"^\S+$"), "a KMS key id, ARN or alias")),
    "async_max_concurrent_invocations": (("async",), _integer(1, 1000)),
    "execution_role_arn": (ALL, _matching(ROLE_ARN, "an IAM role ARN")),
    "subnet_ids": (ALL, _ids(SUBNET_ID, "subnet ids")),
    "security_group_ids": (ALL, _ids(SECURITY_GROUP_ID, "security group ids")),
    "tags": (ALL, _tags),
}


def defaults(stage: Stage, env: BuildEnvironment) -> dict[str, Any]:
    """What a stage gets when config/<stage>.json says nothing (production: two instances, more concurrency)."""
    async_root = f"s3://{env.artifact_bucket}/async-inference/{stage.name}"
    return {
        "instance_type": "ml.m5.large",
        # Two instances let SageMaker spread a production endpoint over two Availability Zones.
        "initial_instance_count": 2 if stage.production else 1,
        "autoscaling_max_instance_count": 0,
        "autoscaling_target_invocations": 100,
        "serverless_memory_mb": 2048,
        "serverless_max_concurrency": 20 if stage.production else 5,
        "async_output_s3_uri": f"{async_root}/output",
        "async_failure_s3_uri": f"{async_root}/failure",
        "async_kms_key_id": "",
        "async_max_concurrent_invocations": 4,
    }


def read_overrides(config_dir: Path, stage: str, hosting: str) -> dict[str, Any]:
    """config/<stage>.json checked: unknown keys and invalid values stop the build."""
    path = config_dir / f"{stage}.json"
    if not path.is_file():
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BuildError(f"{path}: not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise BuildError(f"{path}: expected a JSON object of settings")
    problems = []
    applied = {}
    for key in sorted(document):
        if key not in OVERRIDES:
            problems.append(f"unknown key {key!r} (known: {', '.join(sorted(OVERRIDES))})")
            continue
        applies_to, check = OVERRIDES[key]
        expected = check(document[key])
        if expected is not None:
            problems.append(f"{key} must be {expected}, not {document[key]!r}")
        elif hosting not in applies_to:
            print(f"warning: {path}: {key} does not apply to hosting {hosting}; ignored", file=sys.stderr)
        else:
            applied[key] = document[key]
    if problems:
        raise BuildError(f"{path}: " + "; ".join(problems))
    return applied


def unused_config_files(config_dir: Path, stages: tuple[Stage, ...]) -> list[Path]:
    """config/*.json that name no stage of this environment (a typo, or another environment's stage)."""
    if not config_dir.is_dir():
        return []
    names = {stage.name for stage in stages}
    return sorted(path for path in config_dir.glob("*.json") if path.stem not in names)


def stage_role_prefix(env: BuildEnvironment, settings: Settings) -> str:
    """Prefix of the stage accounts' role names (<prefix>-<stage>-sagemaker): STAGE_ROLE_PREFIX, or
    derived from the pipeline role <name_prefix>-<environment>-<team>-sagemaker as <name_prefix>-<environment>.
    """
    if env.stage_role_prefix:
        return env.stage_role_prefix
    environment = env.environment or settings.environment
    name = env.pipeline_role_arn.split(":role/", 1)[1].rsplit("/", 1)[-1]
    marker = f"-{environment}-"
    if environment and marker in name and name.endswith("-sagemaker"):
        return name[: name.index(marker) + len(marker) - 1]
    raise BuildError(
        f"cannot tell the stage roles' name prefix from the pipeline role {name!r} and environment "
        f"{environment!r}: set STAGE_ROLE_PREFIX (the stage roles are <prefix>-<stage>-sagemaker)"
    )


def execution_role_arn(stage: Stage, env: BuildEnvironment, settings: Settings) -> str:
    """The role the stage's models run as: the project's SageMaker role in the project's own account,
    the stage account's <prefix>-<stage>-sagemaker role elsewhere (modules/stage_deployment)."""
    if stage.account_id == env.tooling_account_id:
        return env.pipeline_role_arn
    prefix = stage_role_prefix(env, settings)
    return f"arn:{env.partition}:iam::{stage.account_id}:role/{prefix}-{stage.name}-sagemaker"


def network(
    stage: Stage, env: BuildEnvironment, settings: Settings, overrides: Mapping[str, Any], hosting: str
) -> tuple[list[str], list[str]]:
    """Subnets and security groups of the stage's models: config/<stage>.json, else (VPC-only projects) the
    stage's from the settings, else in the project's own account the build's (SUBNET_IDS, SECURITY_GROUP_IDS)."""
    if "subnet_ids" in overrides or "security_group_ids" in overrides:
        subnets = list(overrides.get("subnet_ids", stage.subnet_ids))
        groups = list(overrides.get("security_group_ids", stage.security_group_ids))
    elif not settings.vpc_only:
        subnets, groups = [], []
    elif stage.subnet_ids:
        subnets, groups = list(stage.subnet_ids), list(stage.security_group_ids)
    elif stage.account_id == env.tooling_account_id and env.subnet_ids:
        subnets, groups = list(env.subnet_ids), list(env.security_group_ids)
    else:
        raise BuildError(
            f"stage {stage.name}: the project is VPC-only but the stage names no subnets in account "
            f"{stage.account_id}: add subnet_ids and security_group_ids to the stage in the environment, or to "
            f"config/{stage.name}.json"
        )
    if bool(subnets) != bool(groups):
        raise BuildError(f"stage {stage.name}: a VPC configuration needs both subnets and security groups")
    if subnets and hosting == "serverless":
        raise BuildError(
            f"stage {stage.name}: serverless endpoints cannot run in a VPC; use hosting realtime for a VPC-only "
            "project, or leave out the stage's subnets"
        )
    return subnets, groups


@dataclass(frozen=True)
class StageDeployment:
    """What the build writes for one stage: the template configuration and its manifest entry."""

    parameters: dict[str, str]
    tags: dict[str, str]
    manifest: dict[str, Any]


def resource_suffix(parameters: Mapping[str, str]) -> str:
    """8 hex characters of the parameters that make up the model and endpoint configuration."""
    relevant = {key: value for key, value in parameters.items() if key not in SCALING_PARAMETERS}
    digest = hashlib.sha256(json.dumps(relevant, sort_keys=True, separators=(",", ":")).encode())
    return digest.hexdigest()[:8]


def stage_deployment(
    stage: Stage,
    env: BuildEnvironment,
    settings: Settings,
    hosting: str,
    packages: list[str],
    overrides: Mapping[str, Any],
    multi_model: Mapping[str, Any] | None = None,
) -> StageDeployment:
    """Parameters of endpoint.yml for `stage` (only those that apply to `hosting`; the others keep the
    template's defaults), the stack tags, and what the smoke test and run steps need to know."""
    values = {**defaults(stage, env), **overrides}
    subnets, groups = network(stage, env, settings, overrides, hosting)
    role = overrides.get("execution_role_arn") or execution_role_arn(stage, env, settings)
    parameters = {
        "SageMakerProjectId": env.project_id,
        "StageName": stage.name,
        "HostingMode": hosting,
        "ModelPackageArn": packages[0],
        "ExecutionRoleArn": role,
        "SubnetIds": ",".join(subnets),
        "SecurityGroupIds": ",".join(groups),
    }
    if hosting in ("realtime", "async", "multi_model"):
        parameters["InstanceType"] = values["instance_type"]
        parameters["InitialInstanceCount"] = str(values["initial_instance_count"])
    if hosting in AUTOSCALING:
        maximum = values["autoscaling_max_instance_count"]
        if maximum and maximum < values["initial_instance_count"]:
            raise BuildError(
                f"stage {stage.name}: autoscaling_max_instance_count {maximum} is below initial_instance_count "
                f"{values['initial_instance_count']} (0 turns autoscaling off)"
            )
        parameters["AutoScalingMaxInstanceCount"] = str(maximum)
        parameters["AutoScalingTargetInvocations"] = str(values["autoscaling_target_invocations"])
    if hosting == "serverless":
        parameters["ServerlessMemorySizeMB"] = str(values["serverless_memory_mb"])
        parameters["ServerlessMaxConcurrency"] = str(values["serverless_max_concurrency"])
    if hosting == "async":
        parameters["AsyncOutputS3Uri"] = values["async_output_s3_uri"]
        parameters["AsyncFailureS3Uri"] = values["async_failure_s3_uri"]
        parameters["AsyncKmsKeyId"] = values["async_kms_key_id"]
        parameters["AsyncMaxConcurrentInvocationsPerInstance"] = str(values["async_max_concurrent_invocations"])
    if hosting == "multi_model":
        if multi_model is None:
            raise BuildError("multi-model hosting needs the image and model data prefix")
        parameters["MultiModelImage"] = multi_model["image"]
        parameters["MultiModelDataPrefix"] = multi_model["prefix"]
    if hosting == "batch":
        for slot, package in zip(BATCH_MODEL_SLOTS[1:], packages[1:], strict=False):
            parameters[slot] = package
    suffix = resource_suffix(parameters)
    parameters["ResourceSuffix"] = suffix

    prefix = f"sagemaker-{env.project_id}-{stage.name}"
    model_names = [f"{prefix}-model-{suffix}"]
    if hosting == "batch":
        model_names += [f"{prefix}-model{index}-{suffix}" for index in range(2, len(packages) + 1)]
    manifest: dict[str, Any] = {
        "name": stage.name,
        "account_id": stage.account_id,
        "production": stage.production,
        "test_after_deploy": stage.test_after_deploy,
        "stack_name": f"sagemaker-{env.project_id}-deploy-{stage.name}",
        "execution_role_arn": role,
        "model_package_arns": list(packages),
        "model_names": model_names,
        "endpoint_name": None if hosting == "batch" else prefix,
    }
    if hosting == "async":
        manifest["async_input_s3_uri"] = f"s3://{env.artifact_bucket}/async-inference/{stage.name}/input"
        manifest["async_output_s3_uri"] = values["async_output_s3_uri"]
    if hosting == "multi_model" and multi_model is not None:
        manifest["target_models"] = list(multi_model["target_models"])
    if hosting == "batch":
        # For the team's run step: the transform job's resources (SageMaker CreateTransformJob).
        manifest["transform"] = {
            "instance_type": values["instance_type"],
            "instance_count": values["initial_instance_count"],
        }
    tags = {
        "sagemaker:project-name": env.project_name,
        "sagemaker:project-id": env.project_id,
        "sagemaker:deployment-stage": stage.name,
        **overrides.get("tags", {}),
    }
    return StageDeployment(parameters=parameters, tags=tags, manifest=manifest)
