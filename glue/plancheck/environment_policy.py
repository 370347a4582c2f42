"""The plan-check policy of an environment: what `make plan ENV=x` checks every stack against.

- required tags and their values: the environment's `required_tags` (what default_tags applies);
- VPC-endpoint-only buckets (S3006) wherever the environment puts the conditional denies in
  force (not on the emulator, which cannot evaluate them: ADR 0002), with the seed-code bucket's
  existing endpoint ids allowed;
- the interface endpoints the environment's network creates (its list, or the vpc_endpoints
  module's default list);
- suppressions from `environments/plancheck/<env>.yaml` (`suppressions:` list; each with rule,
  address pattern, justification, owner and expiry, and the stacks it applies to).
"""

from __future__ import annotations

import fnmatch
from functools import cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from cdktf_app.config import EnvironmentConfig
from cdktf_app.paths import ENVIRONMENTS_DIR, MODULES_DIR
from glue import module_docs
from glue.plancheck.policy import CheckPolicy, PolicyError, Suppression

SUPPRESSIONS_DIR = ENVIRONMENTS_DIR / "plancheck"


@cache
def default_interface_endpoints() -> tuple[str, ...]:
    variables = {variable.name: variable for variable in module_docs.read_variables(MODULES_DIR / "vpc_endpoints")}
    return tuple(variables["interface_services"].default or ())


def suppressions_file(name: str, directory: Path = SUPPRESSIONS_DIR) -> Path:
    return directory / f"{name}.yaml"


def load_suppressions(path: Path) -> list[Suppression]:
    if not path.exists():
        return []
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(document, dict) or set(document) - {"suppressions"}:
        raise PolicyError(f"{path}: only `suppressions:` (a list) is allowed here")
    try:
        return CheckPolicy.model_validate({"suppressions": document.get("suppressions") or []}).suppressions
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise PolicyError(f"{path}: {where}: {first['msg']} (got {first.get('input')!r})") from error


def environment_policy(
    config: EnvironmentConfig, stack: str | None = None, tooling: bool = True, directory: Path = SUPPRESSIONS_DIR
) -> CheckPolicy:
    """The policy of one stack (default: the environment's own): the tooling stack also owns the
    network's interface endpoints; a suppression applies to the stacks its `stack` pattern names
    (default: the environment's own stack)."""
    stack = stack or config.name
    endpoints: list[str] = []
    if config.network is not None and tooling:
        chosen = config.network.interface_endpoints
        endpoints = list(chosen if chosen is not None else default_interface_endpoints())
    return CheckPolicy(
        environment=config.name,
        required_tags={key: [value] for key, value in config.default_tags.items()},
        require_vpce=not config.emulator,
        allowed_vpce_ids=list(config.seed_code_bucket.allowed_vpc_endpoint_ids),
        required_interface_endpoints=endpoints,
        suppressions=[
            suppression
            for suppression in load_suppressions(suppressions_file(config.name, directory))
            if fnmatch.fnmatchcase(stack, suppression.stack or config.name)
        ],
    )
