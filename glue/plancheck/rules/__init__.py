"""The rule registry: each rule has a stable id, a title and a function from the checked plan to findings.

A rule module registers its rules with `@rule(...)`; `all_rules()` imports every module once.
Rules never raise on odd input: a value they cannot judge becomes an `unknown` finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from glue.plancheck.model import Finding, Status
from glue.plancheck.plan_index import PlanIndex, Resource
from glue.plancheck.policy import CheckPolicy

RULE_MODULES = ("tags", "s3", "kms", "endpoints", "iam", "service_catalog", "secrets")


@dataclass
class Context:
    index: PlanIndex
    policy: CheckPolicy
    changed_only: bool = False
    require_vpce: bool = False
    cache: dict[str, Any] = field(default_factory=dict)

    def resources(self, *types: str) -> Iterator[Resource]:
        """Resources of these types that the check covers (with --changed-only: created or updated)."""
        for resource in self.index.of_type(*types):
            if not self.changed_only or resource.changed:
                yield resource


RuleFunction = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    description: str
    function: RuleFunction

    def finding(self, resource: Resource | None, status: Status, message: str) -> Finding:
        return Finding(
            rule=self.id,
            address=resource.address if resource else "-",
            status=status,
            message=message,
            resource_type=resource.type if resource else "",
        )


_RULES: dict[str, Rule] = {}


def rule(rule_id: str, title: str, description: str) -> Callable[[Callable[[Rule, Context], Iterable[Finding]]], Rule]:
    """Register a rule: the decorated function gets the Rule (to make findings) and the Context."""

    def register(function: Callable[[Rule, Context], Iterable[Finding]]) -> Rule:
        if rule_id in _RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        registered: Rule = Rule(rule_id, title, description, lambda context: ())
        registered = Rule(rule_id, title, description, lambda context: function(registered, context))
        _RULES[rule_id] = registered
        return registered

    return register


def all_rules() -> dict[str, Rule]:
    for name in RULE_MODULES:
        import_module(f"glue.plancheck.rules.{name}")
    return dict(sorted(_RULES.items()))
