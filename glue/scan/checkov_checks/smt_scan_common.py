"""Shared by the custom checks: required tag keys and the provider default tags of the scanned stack.

`python -m glue scan` sets, per checkov run:
- SMT_SCAN_REQUIRED_TAGS: comma-separated tag keys every taggable resource needs (from the
  environment's required_tags; owner, cost-center, environment when unset);
- SMT_SCAN_DEFAULT_TAGS: JSON object of the provider's default_tags in the scanned stack (checkov
  does not merge provider default_tags into resources; Terraform does).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

TAGGABLE_TYPES = Path(__file__).resolve().parents[2] / "plancheck" / "data" / "taggable_types.json"
DEFAULT_REQUIRED = ("owner", "cost-center", "environment")


def required_tags() -> list[str]:
    value = os.environ.get("SMT_SCAN_REQUIRED_TAGS", "")
    keys = [key.strip() for key in value.split(",") if key.strip()]
    return keys or list(DEFAULT_REQUIRED)


def default_tags() -> dict[str, Any]:
    try:
        tags = json.loads(os.environ.get("SMT_SCAN_DEFAULT_TAGS", "") or "{}")
    except ValueError:
        return {}
    return tags if isinstance(tags, dict) else {}


@cache
def taggable_types() -> list[str]:
    """Resource types with a `tags` argument, from the AWS provider schema (kept by glue.plancheck)."""
    document = json.loads(TAGGABLE_TYPES.read_text(encoding="utf-8"))
    return sorted(document["types"])


def unwrap(value: Any) -> Any:
    """checkov wraps HCL attribute values in one-element lists."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def unresolved(value: Any) -> bool:
    """A value checkov could not evaluate (a reference to something not known statically)."""
    return isinstance(value, str) and "${" in value


def effective_tags(conf: dict[str, Any]) -> dict[str, Any] | None:
    """The resource's tags merged over the provider's default tags; None when they cannot be known."""
    tags = unwrap(conf.get("tags"))
    if tags is None or tags == []:
        tags = {}
    if unresolved(tags) or not isinstance(tags, dict):
        return None
    return {**default_tags(), **tags}
