"""TAG001: every taggable resource carries the required tags, with allowed values.

Taggable types come from the provider schema (glue/plancheck/taggable.py). The effective tags
are `tags_all` (resource tags merged with the provider's default_tags); where `tags_all` is
unknown until apply, the known resource tags and the provider's constant default_tags are used,
and a required tag whose value is unknown gives `unknown`, never `fail`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from glue.plancheck.model import Finding
from glue.plancheck.plan_index import UNKNOWN, Resource
from glue.plancheck.rules import Context, Rule, rule
from glue.plancheck.taggable import taggable_types


def effective_tags(context: Context, resource: Resource, attribute: str) -> dict[str, Any]:
    """Tag key -> value (UNKNOWN where known only after apply)."""
    tags = resource.get(attribute)
    if isinstance(tags, dict) and not resource.has_unknown(attribute):
        return tags
    merged: dict[str, Any] = {}
    provider_key = str(resource.config.get("provider_config_key", "aws")).split(":")[-1]
    merged.update(context.index.default_tags.get(provider_key) or context.index.default_tags.get("aws") or {})
    own = resource.get("tags")
    if isinstance(own, dict):
        merged.update({key: resource.get("tags", key) for key in own})
    if isinstance(tags, dict):
        merged.update({key: resource.get(attribute, key) for key in tags})
    return merged


@rule("TAG001", "Required tags", "Every taggable resource carries the required tags with allowed values.")
def required_tags(self: Rule, context: Context) -> Iterator[Finding]:
    required = context.policy.required_tags
    if not required:
        return
    types = taggable_types()
    for resource in context.resources(*sorted(set(context.index.by_type) & set(types))):
        tags = effective_tags(context, resource, types[resource.type])
        # The resource's own tags known only after apply as a whole: any key may be set there.
        whole_unknown = resource.get(types[resource.type]) is UNKNOWN and (not tags or resource.get("tags") is UNKNOWN)
        missing, wrong, unknown = [], [], []
        for key, allowed in sorted(required.items()):
            value = tags.get(key)
            if value is UNKNOWN or (value is None and whole_unknown):
                unknown.append(key)
            elif value is None or value == "":
                missing.append(key)
            elif allowed and value not in allowed and whole_unknown:
                unknown.append(key)  # the resource's own tags, known only after apply, may override it
            elif allowed and value not in allowed:
                wrong.append(f"{key}={value!r} (allowed: {', '.join(allowed)})")
        if missing or wrong:
            parts = ([f"missing {', '.join(missing)}"] if missing else []) + wrong
            yield self.finding(resource, "fail", "; ".join(parts))
        elif unknown:
            yield self.finding(resource, "unknown", f"known after apply: {', '.join(unknown)}")
        else:
            yield self.finding(resource, "pass", f"has {', '.join(sorted(required))}")
