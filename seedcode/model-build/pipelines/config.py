"""The environment contract: every setting the build reads, parsed and checked in one place.

The project's CodeBuild project sets these variables. ``load_settings`` turns them into a
typed, immutable ``Settings``; a missing or malformed variable raises ``ConfigError`` whose
message is one line that starts with the variable's name.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# SageMaker naming rules (CreatePipeline, CreateModelPackageGroup).
PIPELINE_NAME_MAX = 256
_ENTITY_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9])*$")
_GROUP_NAME_MAX = 63
_MODEL_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$")
_KMS_KEY = re.compile(
    r"^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/[\w/+=,.@-]+|alias/[\w/+=,.@-]+|[0-9a-f-]{36})$"
)
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")
_SUBNET = re.compile(r"^subnet-[0-9a-f]+$")
_SECURITY_GROUP = re.compile(r"^sg-[0-9a-f]+$")

APPROVAL_STATUSES = ("Approved", "Rejected", "PendingManualApproval")
CLASSIFICATION_METRICS = ("auc", "accuracy", "f1")
REGRESSION_METRICS = ("rmse", "mae", "r2")
SINGLE_MODEL_NAME = "model"
SINGLE_MODEL_LABEL = "target"
DEFAULT_SINGLE_METRIC = "rmse"
DEFAULT_SINGLE_THRESHOLD = 0.5
DEFAULT_MAIN_BRANCH = "main"


class ConfigError(ValueError):
    """A required environment variable is missing or malformed."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


class BranchKind(StrEnum):
    """How the branch being built maps to a pipeline."""

    MAIN = "main"
    EXPERIMENT = "experiment"
    OTHER = "other"


@dataclass(frozen=True)
class ModelSpec:
    """One model the pipeline trains, checks and registers."""

    name: str
    metric: str
    threshold: float
    higher_is_better: bool
    package_group: str
    label: str

    @property
    def objective(self) -> str:
        """The XGBoost objective that fits the metric."""
        return "binary:logistic" if self.metric in CLASSIFICATION_METRICS else "reg:squarederror"

    @property
    def is_classifier(self) -> bool:
        return self.metric in CLASSIFICATION_METRICS


@dataclass(frozen=True)
class Settings:
    """Everything the pipeline needs from the environment."""

    project_name: str
    project_id: str
    artifact_bucket: str
    role_arn: str
    region: str
    models: tuple[ModelSpec, ...]
    multi_model: bool = False
    approval_status: str = "PendingManualApproval"
    experiment_branch_prefix: str | None = None
    source_branch: str | None = None
    main_branch: str = DEFAULT_MAIN_BRANCH
    subnet_ids: tuple[str, ...] = ()
    security_group_ids: tuple[str, ...] = ()
    kms_key_arn: str | None = None
    environment: str | None = None

    @property
    def base_pipeline_name(self) -> str:
        return f"{self.project_name}-{self.project_id}-build"

    @property
    def branch_kind(self) -> BranchKind:
        branch = self.source_branch
        if not branch or branch == self.main_branch:
            return BranchKind.MAIN
        prefix = self.experiment_branch_prefix
        if prefix and branch.startswith(prefix) and len(branch) > len(prefix):
            return BranchKind.EXPERIMENT
        return BranchKind.OTHER

    @property
    def is_experiment(self) -> bool:
        return self.branch_kind is BranchKind.EXPERIMENT

    @property
    def pipeline_name(self) -> str:
        """The base name on the main branch, ``<base>-<slug>`` on an experiment branch."""
        kind = self.branch_kind
        if kind is BranchKind.MAIN:
            return self.base_pipeline_name
        if kind is BranchKind.OTHER:
            raise ConfigError("SOURCE_BRANCH", self.branch_refusal())
        assert self.source_branch is not None and self.experiment_branch_prefix is not None
        suffix = self.source_branch[len(self.experiment_branch_prefix) :]
        return experiment_pipeline_name(self.base_pipeline_name, suffix)

    def branch_refusal(self) -> str:
        prefix = self.experiment_branch_prefix
        allowed = f"'{self.main_branch}'" + (f" or a branch under '{prefix}'" if prefix else "")
        return f"branch '{self.source_branch}' has no pipeline; build {allowed}"

    @property
    def vpc_only(self) -> bool:
        return bool(self.subnet_ids)

    @property
    def tags(self) -> dict[str, str]:
        """Tags of the pipeline (the project tags; plus ``branch`` on an experiment branch)."""
        tags = {"sagemaker:project-name": self.project_name, "sagemaker:project-id": self.project_id}
        if self.is_experiment and self.source_branch:
            tags["branch"] = self.source_branch
        return tags

    @property
    def output_prefix(self) -> str:
        return f"s3://{self.artifact_bucket}/{self.pipeline_name}"

    @property
    def default_input_data_url(self) -> str:
        """Shared by every branch: the data lives under the base name."""
        return f"s3://{self.artifact_bucket}/{self.base_pipeline_name}/input/data.csv"


def slugify(text: str) -> str:
    """Lowercase; every run of characters outside [a-z0-9] becomes one '-'; no '-' at the ends."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def experiment_pipeline_name(base: str, branch_suffix: str) -> str:
    """``<base>-<slug>``, shortened with a hash of the branch when over the name limit."""
    slug = slugify(branch_suffix)
    if not slug:
        raise ConfigError("SOURCE_BRANCH", f"branch suffix '{branch_suffix}' has no letters or digits")
    name = f"{base}-{slug}"
    if len(name) <= PIPELINE_NAME_MAX:
        return name
    digest = hashlib.sha256(branch_suffix.encode("utf-8")).hexdigest()[:8]
    room = PIPELINE_NAME_MAX - len(base) - len(digest) - 2
    return f"{base}-{slug[:room].rstrip('-')}-{digest}"


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(name, "is not set")
    return value


def _optional(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _matching(name: str, value: str, pattern: re.Pattern[str], what: str) -> str:
    if not pattern.match(value):
        raise ConfigError(name, f"'{value}' is not {what}")
    return value


def _comma_list(env: Mapping[str, str], name: str, pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
    raw = env.get(name, "")
    items = tuple(item.strip() for item in raw.split(",") if item.strip())
    for item in items:
        _matching(name, item, pattern, what)
    return items


def _float(name: str, raw: Any) -> float:
    if isinstance(raw, bool):
        raise ConfigError(name, f"threshold {raw!r} is not a number")
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise ConfigError(name, f"threshold {raw!r} is not a number") from None


def _parse_models(env: Mapping[str, str], groups: tuple[str, ...]) -> tuple[tuple[ModelSpec, ...], bool]:
    raw = _optional(env, "MODELS")
    if raw is None:
        if len(groups) != 1:
            raise ConfigError("MODEL_PACKAGE_GROUPS", f"needs exactly 1 group without MODELS, got {len(groups)}")
        threshold_raw = _optional(env, "MODEL_THRESHOLD")
        threshold = DEFAULT_SINGLE_THRESHOLD if threshold_raw is None else _float("MODEL_THRESHOLD", threshold_raw)
        metric = _optional(env, "MODEL_METRIC") or DEFAULT_SINGLE_METRIC
        if metric not in CLASSIFICATION_METRICS + REGRESSION_METRICS:
            raise ConfigError(
                "MODEL_METRIC", f"'{metric}' is not one of {', '.join(CLASSIFICATION_METRICS + REGRESSION_METRICS)}"
            )
        spec = ModelSpec(
            name=SINGLE_MODEL_NAME,
            metric=metric,
            threshold=threshold,
            higher_is_better=metric not in ("rmse", "mae"),
            package_group=groups[0],
            label=SINGLE_MODEL_LABEL,
        )
        return (spec,), False
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ConfigError("MODELS", f"is not valid JSON ({error.msg} at position {error.pos})") from None
    if not isinstance(entries, list) or not entries:
        raise ConfigError("MODELS", "must be a non-empty JSON list of objects")
    if len(entries) != len(groups):
        raise ConfigError("MODEL_PACKAGE_GROUPS", f"has {len(groups)} group(s) but MODELS has {len(entries)} model(s)")
    specs = []
    for index, (entry, group) in enumerate(zip(entries, groups, strict=True)):
        specs.append(_parse_model_entry(index, entry, group))
    names = [spec.name for spec in specs]
    if len(set(names)) != len(names):
        raise ConfigError("MODELS", f"model names must be unique, got {names}")
    return tuple(specs), True


def _parse_model_entry(index: int, entry: Any, group: str) -> ModelSpec:
    where = f"MODELS[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError("MODELS", f"{where} is not an object")
    unknown = set(entry) - {"name", "metric", "threshold", "higher_is_better"}
    if unknown:
        raise ConfigError("MODELS", f"{where} has unknown key(s) {sorted(unknown)}")
    name = entry.get("name")
    if not isinstance(name, str) or not _MODEL_NAME.match(name):
        raise ConfigError("MODELS", f"{where}.name {name!r} must match {_MODEL_NAME.pattern}")
    metric = entry.get("metric")
    if metric not in CLASSIFICATION_METRICS + REGRESSION_METRICS:
        allowed = ", ".join(CLASSIFICATION_METRICS + REGRESSION_METRICS)
        raise ConfigError("MODELS", f"{where}.metric {metric!r} is not one of {allowed}")
    if "threshold" not in entry:
        raise ConfigError("MODELS", f"{where}.threshold is missing")
    threshold = _float("MODELS", entry["threshold"])
    higher = entry.get("higher_is_better", metric not in ("rmse", "mae"))
    if not isinstance(higher, bool):
        raise ConfigError("MODELS", f"{where}.higher_is_better must be true or false")
    return ModelSpec(name, str(metric), threshold, higher, group, label=name)


def load_settings(env: Mapping[str, str]) -> Settings:
    """Read and check the environment contract (pass ``os.environ``)."""
    project_name = _matching(
        "SAGEMAKER_PROJECT_NAME", _required(env, "SAGEMAKER_PROJECT_NAME"), _ENTITY_NAME, "a SageMaker project name"
    )
    project_id = _matching(
        "SAGEMAKER_PROJECT_ID", _required(env, "SAGEMAKER_PROJECT_ID"), _ENTITY_NAME, "a SageMaker project id"
    )
    bucket = _matching("ARTIFACT_BUCKET", _required(env, "ARTIFACT_BUCKET"), _BUCKET_NAME, "an S3 bucket name")
    role = _matching(
        "SAGEMAKER_PIPELINE_ROLE_ARN", _required(env, "SAGEMAKER_PIPELINE_ROLE_ARN"), _ROLE_ARN, "an IAM role ARN"
    )
    region_var = "AWS_REGION" if _optional(env, "AWS_REGION") else "AWS_DEFAULT_REGION"
    region = _optional(env, region_var)
    if region is None:
        raise ConfigError("AWS_REGION", "is not set (nor AWS_DEFAULT_REGION)")
    _matching(region_var, region, _REGION, "an AWS Region")
    groups = _comma_list(env, "MODEL_PACKAGE_GROUPS", _ENTITY_NAME, "a model package group name")
    if not groups:
        raise ConfigError("MODEL_PACKAGE_GROUPS", "is not set")
    for group in groups:
        if len(group) > _GROUP_NAME_MAX:
            raise ConfigError("MODEL_PACKAGE_GROUPS", f"'{group}' is longer than {_GROUP_NAME_MAX} characters")
    models, multi_model = _parse_models(env, groups)
    approval = _optional(env, "MODEL_APPROVAL_STATUS") or "PendingManualApproval"
    if approval not in APPROVAL_STATUSES:
        raise ConfigError("MODEL_APPROVAL_STATUS", f"'{approval}' is not one of {', '.join(APPROVAL_STATUSES)}")
    subnets = _comma_list(env, "SUBNET_IDS", _SUBNET, "a subnet id")
    security_groups = _comma_list(env, "SECURITY_GROUP_IDS", _SECURITY_GROUP, "a security group id")
    if bool(subnets) != bool(security_groups):
        missing = "SECURITY_GROUP_IDS" if subnets else "SUBNET_IDS"
        raise ConfigError(missing, "is not set, but VPC-only projects need both SUBNET_IDS and SECURITY_GROUP_IDS")
    kms = _optional(env, "KMS_KEY_ARN")
    if kms is not None:
        _matching("KMS_KEY_ARN", kms, _KMS_KEY, "a KMS key ARN, key id or alias")
    settings = Settings(
        project_name=project_name,
        project_id=project_id,
        artifact_bucket=bucket,
        role_arn=role,
        region=region,
        models=models,
        multi_model=multi_model,
        approval_status=approval,
        experiment_branch_prefix=_optional(env, "EXPERIMENT_BRANCH_PREFIX"),
        source_branch=_optional(env, "SOURCE_BRANCH"),
        main_branch=_optional(env, "MAIN_BRANCH") or DEFAULT_MAIN_BRANCH,
        subnet_ids=subnets,
        security_group_ids=security_groups,
        kms_key_arn=kms,
        environment=_optional(env, "ENVIRONMENT"),
    )
    if len(settings.base_pipeline_name) > PIPELINE_NAME_MAX:
        raise ConfigError("SAGEMAKER_PROJECT_NAME", "makes the pipeline name longer than 256 characters")
    return settings
