"""KMS001: key rotation on symmetric keys; KMS002: no key policy grants kms:* to every principal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from glue.plancheck.iam_policy import wildcard_match
from glue.plancheck.model import Finding
from glue.plancheck.plan_index import UNKNOWN, Resource
from glue.plancheck.rules import Context, Rule, rule

SYMMETRIC = "SYMMETRIC_DEFAULT"


@rule("KMS001", "KMS key rotation", "Symmetric customer-managed keys rotate (enable_key_rotation = true).")
def rotation(self: Rule, context: Context) -> Iterator[Finding]:
    for key in context.resources("aws_kms_key"):
        spec = key.get("customer_master_key_spec")
        if spec not in (None, SYMMETRIC, UNKNOWN):
            continue  # rotation exists only for symmetric encryption keys
        enabled = key.get("enable_key_rotation")
        if enabled is True:
            yield self.finding(key, "pass", "rotation enabled")
        elif enabled is UNKNOWN or spec is UNKNOWN:
            yield self.finding(key, "unknown", "rotation or key spec known only after apply")
        else:
            yield self.finding(key, "fail", "enable_key_rotation is not true")


def _everyone(principal: Any) -> bool:
    aws = principal.get("AWS") if isinstance(principal, dict) else principal
    return principal == "*" or aws == "*" or (isinstance(aws, list) and "*" in aws)


def open_statements(document: dict[str, Any]) -> list[str]:
    """Sids (or positions) of unconditioned Allow statements that give kms:* to every principal."""
    statements = document.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    found = []
    for position, statement in enumerate(statements):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow" or statement.get("Condition"):
            continue
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if _everyone(statement.get("Principal")) and any(wildcard_match(action, "kms:*", True) for action in actions):
            found.append(str(statement.get("Sid") or f"#{position}"))
    return found


def _verdict(self: Rule, resource: Resource, text: Any) -> Finding:
    written = "policy" in (resource.config.get("expressions") or {})
    if text is UNKNOWN and resource.type == "aws_kms_key" and resource.config and not written:
        # No policy in the configuration: AWS gives the key its default policy (the account only);
        # a separate aws_kms_key_policy is judged on its own.
        return self.finding(resource, "pass", "default key policy (the account only)")
    if text is UNKNOWN:
        return self.finding(resource, "unknown", "the key policy is known only after apply")
    if not text:
        return self.finding(resource, "pass", "default key policy (the account only)")
    try:
        document = json.loads(text)
    except (TypeError, ValueError):
        return self.finding(resource, "fail", "the key policy is not valid JSON")
    found = open_statements(document)
    if found:
        return self.finding(
            resource, "fail", f"grants kms:* to every principal without a condition: {', '.join(found)}"
        )
    return self.finding(resource, "pass", "no statement grants kms:* to every principal")


@rule("KMS002", "No open key policy", "No key policy grants kms:* to every principal without a condition.")
def open_key_policy(self: Rule, context: Context) -> Iterator[Finding]:
    for key in context.resources("aws_kms_key", "aws_kms_key_policy"):
        yield _verdict(self, key, key.get("policy"))
