"""What an environment requires of its plans (`--policy FILE`, YAML), and its suppressions."""

from __future__ import annotations

import fnmatch
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError


class PolicyError(ValueError):
    """The policy file cannot be used; the message names the file and the field."""


class Suppression(BaseModel):
    """Accept one rule's failures on matching addresses, for a reason, until a date."""

    model_config = ConfigDict(extra="forbid")

    rule: str = Field(pattern=r"^[A-Z][A-Z0-9]{2,6}$", description="rule id, e.g. S3006")
    address: str = Field(min_length=1, description="fnmatch pattern of resource addresses")
    environment: str = Field(default="*", min_length=1, description="fnmatch pattern of environment names")
    stack: str | None = Field(
        default=None, description="environment files: fnmatch pattern of stack names (default: the environment's own)"
    )
    justification: str = Field(min_length=10)
    owner: str = Field(min_length=1)
    expires: date

    @property
    def label(self) -> str:
        return f"{self.rule} {self.address} ({self.owner}, until {self.expires.isoformat()})"

    def matches(self, rule: str, address: str, environment: str) -> bool:
        return (
            rule == self.rule
            and fnmatch.fnmatchcase(address, self.address)
            and fnmatch.fnmatchcase(environment, self.environment)
        )


class CheckPolicy(BaseModel):
    """Requirements beyond the rules' defaults."""

    model_config = ConfigDict(extra="forbid")

    environment: str = Field(default="", description="environment name the suppressions are matched against")
    required_tags: dict[str, list[str]] = Field(
        default_factory=dict, description="tag key -> allowed values (empty list: any non-empty value)"
    )
    require_vpce: bool = Field(default=False, description="S3006: buckets deny requests not through a VPC endpoint")
    allowed_vpce_ids: list[str] = Field(
        default_factory=list, description="VPC endpoint ids that exist outside this plan and may reach buckets"
    )
    required_interface_endpoints: list[str] = Field(
        default_factory=list, description="VPE001: interface endpoints that must exist (e.g. sagemaker.api, sts)"
    )
    exempt_principal_arns: list[str] = Field(
        default_factory=list, description="S3006: deploy/admin principals a bucket may exempt from the endpoint deny"
    )
    suppressions: list[Suppression] = Field(default_factory=list)


def load_policy(path: Path) -> CheckPolicy:
    try:
        document: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PolicyError(f"{path}: cannot read the policy file ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise PolicyError(f"{path}: not valid YAML ({error})") from error
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise PolicyError(f"{path}: the policy file must be a mapping of settings")
    try:
        return CheckPolicy.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        raise PolicyError(f"{path}: {where}: {first['msg']} (got {first.get('input')!r})") from error
