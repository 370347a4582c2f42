"""Typed environment configuration: one YAML file per environment under environments/.

Nothing here imports cdktf, so the CLI can validate configuration quickly and before any
synthesis, plan or apply.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from cdktf_app.config_sections import (
    ACCOUNT_ID,
    PRODUCT_KEY,
    ROLE_ARN,
    SECTION_PATTERN_MEANING,
    STAGE_NAME,
    TEAM_NAME,
    AccountId,
    NetworkConfig,
    PortfolioConfig,
    ProductConfig,
    StageConfig,
    StrictModel,
    TeamConfig,
)

ENVIRONMENT_NAME = r"^[a-z][a-z0-9-]{1,19}$"
REGION = r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$"
PRINCIPAL_ARN = r"^arn:aws[a-z-]*:iam::[0-9]{12}:((role|user)/[A-Za-z0-9+=,.@_/-]{1,512}|root)$"
VPCE_ID = r"^vpce-[0-9a-f]{8,17}$"
TAG_KEY = r"^[\w.:/=+\-@ ]{1,128}$"
BUCKET_PREFIX = r"^[a-z0-9][a-z0-9-]{0,20}$"
# moto's fixed account: the emulator answers sts:GetCallerIdentity with it.
EMULATOR_ACCOUNT_ID = "123456789012"
BUCKET_NAME_MAX = 63


# What each pattern means, for error messages a person can act on.
PATTERN_MEANING = {
    ENVIRONMENT_NAME: "2-20 lowercase letters, digits and hyphens, starting with a letter",
    ACCOUNT_ID: 'a 12-digit AWS account id in quotes, e.g. "111122223333"',
    REGION: "an AWS region name such as eu-west-1",
    ROLE_ARN: "an IAM role ARN such as arn:aws:iam::111122223333:role/deploy",
    PRINCIPAL_ARN: "an IAM role, user or account-root ARN such as arn:aws:iam::111122223333:role/reader",
    VPCE_ID: "a VPC endpoint id such as vpce-0123456789abcdef0",
    TAG_KEY: "1-128 letters, digits, spaces and _.:/=+-@",
    BUCKET_PREFIX: "1-21 lowercase letters, digits and hyphens, starting with a letter or digit",
    **SECTION_PATTERN_MEANING,
}


PublishMode = Literal["service_catalog", "s3", "both"]


class ConfigError(Exception):
    """A configuration file is missing or invalid; the message is ready for the user."""


PrincipalArn = Annotated[str, Field(pattern=PRINCIPAL_ARN)]


class TagRequirement(StrictModel):
    """A tag every resource of the environment must carry."""

    value: str = Field(min_length=1, max_length=256, description="Value applied through the provider's default_tags")
    allowed: list[str] | None = Field(
        default=None, description="Values the compliance checks accept for this key; defaults to [value]"
    )

    @model_validator(mode="after")
    def _value_is_allowed(self) -> TagRequirement:
        if self.allowed is not None and self.value not in self.allowed:
            raise ValueError(f"value {self.value!r} is not one of allowed {self.allowed}")
        return self

    @property
    def allowed_values(self) -> list[str]:
        return self.allowed if self.allowed is not None else [self.value]


class LocalBackend(StrictModel):
    """State in a local file (only for the emulator environment)."""

    type: Literal["local"]


class S3Backend(StrictModel):
    """State in S3 with native S3 locking (use_lockfile), encrypted with KMS."""

    type: Literal["s3"]
    bucket: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    key: str = Field(pattern=r"^[A-Za-z0-9!_.*'()/-]+\.tfstate$", description="Object key, ending in .tfstate")
    region: str = Field(pattern=REGION)
    kms_key_id: str = Field(
        pattern=r"^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+|alias/.+)$",
        description="KMS key ARN or alias that encrypts the state object",
    )
    role_arn: str | None = Field(
        default=None, pattern=ROLE_ARN, description="Role to assume for state access; defaults to deploy_role_arn"
    )


Backend = Annotated[LocalBackend | S3Backend, Field(discriminator="type")]


class SeedCodeBucketConfig(StrictModel):
    """Inputs of modules/seed_code_bucket for this environment."""

    bucket_name: str | None = Field(
        default=None, description="Defaults to <name_prefix>-<environment>-seed-<account_id>-<region>"
    )
    name_prefix: str = Field(default="sm-templates", pattern=BUCKET_PREFIX)
    allowed_vpc_endpoint_ids: list[Annotated[str, Field(pattern=VPCE_ID)]] = Field(default_factory=list)
    exempt_principal_arns: list[PrincipalArn] = Field(default_factory=list)
    reader_principal_arns: list[PrincipalArn] = Field(default_factory=list)
    force_destroy: bool = False
    kms_deletion_window_in_days: int = Field(default=30, ge=7, le=30)


class EnvironmentConfig(StrictModel):
    """One deployment environment: where it lives, how its state is kept, what it provisions."""

    name: str = Field(pattern=ENVIRONMENT_NAME, description="Must equal the file name without .yaml")
    account_id: AccountId
    region: str = Field(pattern=REGION, description="AWS region, e.g. eu-west-1")
    emulator: bool = Field(default=False, description="Target the embedded local AWS emulator (moto server)")
    deploy_role_arn: str | None = Field(
        default=None, pattern=ROLE_ARN, description="Role Terraform assumes; required unless emulator is true"
    )
    allowed_account_ids: list[AccountId] = Field(
        default_factory=list, description="Accounts Terraform may act in; defaults to [account_id]"
    )
    backend: Backend
    required_tags: dict[Annotated[str, Field(pattern=TAG_KEY)], TagRequirement] = Field(min_length=1)
    seed_code_bucket: SeedCodeBucketConfig = Field(default_factory=SeedCodeBucketConfig)
    name_prefix: str = Field(
        default="smt", pattern=r"^[a-z][a-z0-9-]{1,15}$", description="Prefix of role, policy and portfolio names"
    )
    network: NetworkConfig | None = Field(
        default=None, description="VPC (existing or created) and its endpoints; left out: no VPC resources"
    )
    stages: dict[Annotated[str, Field(pattern=STAGE_NAME)], StageConfig] = Field(
        default_factory=dict, description="Deployment stages in order, each with its target account"
    )
    teams: dict[Annotated[str, Field(pattern=TEAM_NAME)], TeamConfig] = Field(default_factory=dict)
    products: dict[Annotated[str, Field(pattern=PRODUCT_KEY)], ProductConfig] = Field(default_factory=dict)
    publish_mode: PublishMode = Field(
        default="both", description="service_catalog (portfolio products), s3 (template objects in S3), or both"
    )
    portfolio: PortfolioConfig = Field(default_factory=PortfolioConfig)

    @field_validator("required_tags")
    @classmethod
    def _no_reserved_tag_keys(cls, value: dict[str, TagRequirement]) -> dict[str, TagRequirement]:
        reserved = [key for key in value if key.lower().startswith("aws:")]
        if reserved:
            raise ValueError(f"tag keys starting with 'aws:' are reserved by AWS: {reserved}")
        return value

    @field_validator("account_id", mode="before")
    @classmethod
    def _account_id_is_quoted(cls, value: Any) -> Any:
        if isinstance(value, int):
            raise ValueError("must be a quoted string of 12 digits (YAML reads unquoted numbers as integers)")
        return value

    @property
    def seed_code_bucket_name(self) -> str:
        if self.seed_code_bucket.bucket_name:
            return self.seed_code_bucket.bucket_name
        return f"{self.seed_code_bucket.name_prefix}-{self.name}-seed-{self.account_id}-{self.region}"

    @property
    def effective_allowed_account_ids(self) -> list[str]:
        return self.allowed_account_ids or [self.account_id]

    @property
    def default_tags(self) -> dict[str, str]:
        return {key: requirement.value for key, requirement in sorted(self.required_tags.items())}

    @property
    def publishes_to_service_catalog(self) -> bool:
        return self.publish_mode in ("service_catalog", "both")

    @property
    def publishes_to_s3(self) -> bool:
        return self.publish_mode in ("s3", "both")

    @property
    def resource_prefix(self) -> str:
        """Prefix of the names of the environment's IAM roles, policies and endpoints (smt-dev)."""
        return f"{self.name_prefix}-{self.name}"

    def stage_account(self, stage: str) -> str:
        return self.stages[stage].account_id or self.account_id


SCHEMA_FILE_NAME = "environment.schema.json"


def json_schema() -> dict[str, Any]:
    """JSON Schema of an environment file, for editor completion (yaml-language-server)."""
    schema = EnvironmentConfig.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "SageMaker project templates: environment file"
    return schema


def _arn_account(arn: str) -> str:
    return arn.split(":")[4]


def consistency_problems(config: EnvironmentConfig) -> list[tuple[str, str]]:
    """Rules that span several fields, as (field path, message) pairs."""
    return [
        *_target_problems(config),
        *_stage_problems(config),
        *_reference_problems(config),
        *_name_length_problems(config),
        *_network_problems(config),
        *_vpc_only_problems(config),
        *_bucket_name_problems(config),
    ]


def _target_problems(config: EnvironmentConfig) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if config.emulator:
        if config.account_id != EMULATOR_ACCOUNT_ID:
            problems.append(
                ("account_id", f"must be {EMULATOR_ACCOUNT_ID} when emulator is true (the emulator's account)")
            )
        if config.backend.type != "local":
            problems.append(("backend.type", "must be 'local' when emulator is true"))
        if config.deploy_role_arn is not None:
            problems.append(
                ("deploy_role_arn", "must be left out when emulator is true (the emulator takes dummy credentials)")
            )
    else:
        if config.deploy_role_arn is None:
            problems.append(("deploy_role_arn", "required for a real AWS environment (emulator is false)"))
        elif _arn_account(config.deploy_role_arn) != config.account_id:
            problems.append(("deploy_role_arn", f"must be a role in account_id {config.account_id}"))
        if config.backend.type != "s3":
            problems.append(
                ("backend.type", "must be 's3' for a real AWS environment (state must be shared and locked)")
            )
        if not config.seed_code_bucket.allowed_vpc_endpoint_ids and config.network is None:
            problems.append(
                (
                    "seed_code_bucket.allowed_vpc_endpoint_ids",
                    "must list at least one S3 VPC endpoint id for a real AWS environment, "
                    "unless `network` creates the endpoints",
                )
            )
    if config.allowed_account_ids and config.account_id not in config.allowed_account_ids:
        problems.append(("allowed_account_ids", f"must include account_id {config.account_id}"))
    return problems


def _stage_problems(config: EnvironmentConfig) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for name, stage in config.stages.items():
        field = f"stages.{name}.deploy_role_arn"
        account = stage.account_id or config.account_id
        if account == config.account_id:
            if stage.deploy_role_arn is not None:
                problems.append((field, "must be left out: the stage deploys into the environment's own account"))
        elif stage.deploy_role_arn is None:
            if not config.emulator:
                problems.append((field, f"required: the stage deploys into another account ({account})"))
        elif _arn_account(stage.deploy_role_arn) != account:
            problems.append((field, f"must be a role in the stage's account {account}"))
    return problems


# IAM limits role names to 64 characters; modules/iam_roles appends up to 15 (-cloudformation).
TEAM_PREFIX_MAX = 49


def _name_length_problems(config: EnvironmentConfig) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for team in config.teams:
        prefix = f"{config.resource_prefix}-{team}"
        if len(prefix) > TEAM_PREFIX_MAX:
            problems.append(
                (
                    f"teams.{team}",
                    f"role names would start with {prefix!r} ({len(prefix)} characters, at most {TEAM_PREFIX_MAX} "
                    "fit IAM's 64): shorten the team name, name_prefix or environment name",
                )
            )
    for stage in config.stages:
        role = f"{config.resource_prefix}-{stage}-cloudformation"
        if config.stage_account(stage) != config.account_id and len(role) > 64:
            problems.append(
                (f"stages.{stage}", f"role name {role!r} would exceed IAM's 64 characters: shorten the stage name")
            )
    return problems


def _reference_problems(config: EnvironmentConfig) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    stages = list(config.stages)
    for key, product in config.products.items():
        for index, stage in enumerate(product.stages):
            if stage not in config.stages:
                problems.append(
                    (f"products.{key}.stages.{index}", f"{stage!r} is not a stage of this environment: {stages}")
                )
        for stage in product.approvals.manual:
            if stage not in product.stages:
                problems.append(
                    (f"products.{key}.approvals.manual.{stage}", f"{stage!r} is not one of the product's stages")
                )
    launchable = {key for settings in config.teams.values() for key in settings.products}
    for key in config.products:
        if key not in launchable:
            problems.append((f"products.{key}", "no team lists it under `products`, so nobody could launch it"))
    for team, settings in config.teams.items():
        for index, product_key in enumerate(settings.products):
            if product_key not in config.products:
                problems.append(
                    (
                        f"teams.{team}.products.{index}",
                        f"{product_key!r} is not a product of this environment: {sorted(config.products)}",
                    )
                )
    return problems


def _vpc_only_problems(config: EnvironmentConfig) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for key, product in config.products.items():
        if not product.vpc_only:
            continue
        if config.network is None:
            problems.append((f"products.{key}.vpc_only", "needs the environment's `network` (subnets and endpoints)"))
        for stage in product.stages:
            settings = config.stages.get(stage)
            if settings is not None and not (settings.subnet_ids and settings.security_group_ids):
                problems.append(
                    (
                        f"stages.{stage}",
                        f"needs subnet_ids and security_group_ids: VPC-only product {key!r} deploys endpoints there",
                    )
                )
    return problems


def _network_problems(config: EnvironmentConfig) -> list[tuple[str, str]]:
    network = config.network
    if network is None or network.vpc.mode != "create":
        return []
    return [
        (f"network.vpc.availability_zones.{index}", f"{zone!r} is not in the environment's region {config.region}")
        for index, zone in enumerate(network.vpc.availability_zones)
        if zone[:-1] != config.region
    ]


def _bucket_name_problems(config: EnvironmentConfig) -> list[tuple[str, str]]:
    bucket = config.seed_code_bucket_name
    field = "seed_code_bucket.bucket_name" if config.seed_code_bucket.bucket_name else "seed_code_bucket.name_prefix"
    if len(bucket) > BUCKET_NAME_MAX:
        return [
            (
                field,
                f"gives bucket name {bucket!r} of {len(bucket)} characters, over S3's {BUCKET_NAME_MAX}: shorten it",
            )
        ]
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", bucket) or ".." in bucket:
        return [
            (
                field,
                f"gives {bucket!r}, not a valid S3 bucket name (lowercase letters, digits, dots, hyphens; "
                "starts and ends with a letter or digit)",
            )
        ]
    return []


def environments_dir(repo_root: Path) -> Path:
    return repo_root / "environments"


def available_environments(directory: Path) -> list[str]:
    return sorted(path.stem for path in directory.glob("*.yaml"))


def load_environment(name: str, directory: Path) -> EnvironmentConfig:
    """Read and validate environments/<name>.yaml; raise ConfigError naming file and field."""
    path = directory / f"{name}.yaml"
    shown = _display_path(path)
    if not path.is_file():
        available = ", ".join(available_environments(directory)) or "none"
        raise ConfigError(f"{shown}: no such environment file (available environments: {available})")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise ConfigError(f"{shown}:{where}: {problem}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{shown}: expected a mapping of settings at the top level, got {type(raw).__name__}")
    try:
        config = EnvironmentConfig.model_validate(raw)
    except ValidationError as error:
        raise ConfigError("\n".join(_describe(shown, item) for item in error.errors())) from None
    problems = consistency_problems(config)
    if config.name != name:
        problems.insert(0, ("name", f"{config.name!r} must equal the file name {name!r}"))
    if problems:
        raise ConfigError("\n".join(f"{shown}: field '{field}': {message}" for field, message in problems))
    return config


def _describe(shown: str, item: Any) -> str:
    raw = [str(part) for part in item["loc"]]
    location, _ = _walk(raw)
    field = ".".join(location) or "(top level)"
    kind = item["type"]
    if kind == "extra_forbidden":
        _, model = _walk(raw[:-1])
        allowed = ", ".join(sorted(model.model_fields)) if model is not None else "none"
        return f"{shown}: field '{field}': unknown key (allowed keys here: {allowed})"
    if kind == "missing":
        return f"{shown}: field '{field}': required but missing"
    message = str(item["msg"]).removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        pattern = item["ctx"]["pattern"]
        message = f"{item['input']!r} is not allowed: expected {PATTERN_MEANING.get(pattern, 'the form ' + pattern)}"
    elif kind == "literal_error":
        message = f"{item['input']!r} is not allowed: expected {item['ctx']['expected']}"
    elif kind not in {"value_error", "union_tag_invalid", "union_tag_not_found"}:
        message = f"{message} (got {item.get('input')!r})"
    return f"{shown}: field '{field}': {message}"


def _walk(location: list[str]) -> tuple[list[str], type[BaseModel] | None]:
    """Follow a pydantic error location through the models: the path to show and the model reached.

    A discriminated union puts its tag in the location (backend.s3.bucket): the shown path leaves it out.
    """
    shown: list[str] = []
    annotation: Any = EnvironmentConfig
    parts = list(location)
    while parts:
        part = parts.pop(0)
        if part == "[key]":  # a dict key failed its pattern: the message names the key
            continue
        model = _model_in(annotation)
        if model is not None and part in model.model_fields:
            annotation = model.model_fields[part].annotation
            shown.append(part)
            continue
        variants = {_tag_of(candidate): candidate for candidate in _models_in_union(annotation)}
        if part in variants:
            annotation = variants[part]
            continue
        container = _container_value(annotation)
        if container is not None:
            annotation = container
            shown.append(part)
            continue
        return [*shown, part, *parts], None
    return shown, _model_in(annotation)


def _unwrap(annotation: Any) -> list[Any]:
    """The alternatives of an annotation, Annotated[...] and Optional stripped."""
    if get_origin(annotation) is Annotated:
        return _unwrap(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return [inner for arg in get_args(annotation) for inner in _unwrap(arg)]
    return [annotation]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    models = _models_in_union(annotation)
    return models[0] if len(models) == 1 else None


def _models_in_union(annotation: Any) -> list[type[BaseModel]]:
    return [a for a in _unwrap(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]


def _tag_of(model: type[BaseModel]) -> str | None:
    for name in ("type", "mode"):
        field = model.model_fields.get(name)
        if field is not None and get_origin(field.annotation) is Literal:
            return str(get_args(field.annotation)[0])
    return None


def _container_value(annotation: Any) -> Any:
    for alternative in _unwrap(annotation):
        origin = get_origin(alternative)
        if origin is dict:
            return get_args(alternative)[1]
        if origin is list:
            return get_args(alternative)[0]
    return None


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
