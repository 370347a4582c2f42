"""A small evaluator of IAM policy documents: what a statement allows or denies for a request.

Semantics followed: an explicit Deny wins over any Allow; otherwise a matching Allow allows; otherwise the
request is implicitly denied. Action and NotAction match case-insensitively with * and ? wildcards, Resource and
NotResource case-sensitively. Condition operators: String*, Arn*, Bool and Null, with the ForAnyValue:/ForAllValues:
qualifiers and the IfExists suffix. A key missing from the request context makes a positive operator
false, a negated one true, ForAllValues true and ForAnyValue false. An operator the evaluator does not know
is read against the requester: such an Allow never matches and such a Deny always does, so an unknown
condition can never make a check pass by accident.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

Decision = Literal["allow", "explicit_deny", "implicit_deny"]
ContextValue = str | Sequence[str]

_STRING_OPERATORS = {
    "StringEquals": (False, False, False),  # (negated, wildcards, ignore case)
    "StringNotEquals": (True, False, False),
    "StringEqualsIgnoreCase": (False, False, True),
    "StringNotEqualsIgnoreCase": (True, False, True),
    "StringLike": (False, True, False),
    "StringNotLike": (True, True, False),
    "ArnEquals": (False, True, False),  # ARN operators accept wildcards in every segment
    "ArnLike": (False, True, False),
    "ArnNotEquals": (True, True, False),
    "ArnNotLike": (True, True, False),
}


class UnsupportedConditionError(Exception):
    """A condition operator the evaluator cannot judge."""


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)


@lru_cache(maxsize=4096)
def _pattern(text: str, ignore_case: bool) -> re.Pattern[str]:
    translated = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in text)
    return re.compile(f"^{translated}$", re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def wildcard_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM wildcard match: `*` any run of characters, `?` one character. Patterns without `?` are matched
    by plain string operations: plans hold thousands of distinct ARNs, and a regex per pattern costs more
    than the match."""
    if "?" in pattern:
        return bool(_pattern(pattern, ignore_case).match(value))
    if ignore_case:
        pattern, value = pattern.lower(), value.lower()
    if "*" not in pattern:
        return pattern == value
    parts = pattern.split("*")
    first, last = parts[0], parts[-1]
    if len(value) < len(first) + len(last) or not value.startswith(first) or not value.endswith(last):
        return False
    position, end = len(first), len(value) - len(last)
    for part in parts[1:-1]:
        found = value.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str | bool | int):
        return [str(value).lower() if isinstance(value, bool) else str(value)]
    return [str(item) for item in value]


def _matches_any(patterns: list[str], value: str, ignore_case: bool) -> bool:
    return any(wildcard_match(pattern, value, ignore_case) for pattern in patterns)


def _compare(operator: str, policy_values: list[str], request_value: str) -> bool:
    """Positive comparison of one request value with the policy's values (negation is applied by the caller)."""
    if operator == "Bool":
        return request_value.lower() in [value.lower() for value in policy_values]
    _, wildcards, ignore_case = _STRING_OPERATORS[operator]
    if wildcards:
        return _matches_any(policy_values, request_value, ignore_case)
    if ignore_case:
        return request_value.lower() in [value.lower() for value in policy_values]
    return request_value in policy_values


def condition_holds(operator_spec: str, key: str, policy_value: Any, context: Mapping[str, ContextValue]) -> bool:
    qualifier = ""
    operator = operator_spec
    if ":" in operator:
        qualifier, operator = operator.split(":", 1)
        if qualifier not in ("ForAnyValue", "ForAllValues"):
            raise UnsupportedConditionError(operator_spec)
    if_exists = operator.endswith("IfExists")
    operator = operator.removesuffix("IfExists")
    policy_values = _as_list(policy_value)
    # Condition keys are case-insensitive (aws:SourceVpce and aws:sourceVpce are the same key).
    lowered = {name.lower(): value for name, value in context.items()}
    present = key.lower() in lowered
    request_values = _as_list(lowered.get(key.lower()))

    if operator == "Null":
        return (not present) == (policy_values[0].lower() == "true")
    if operator != "Bool" and operator not in _STRING_OPERATORS:
        raise UnsupportedConditionError(operator_spec)
    negated = _STRING_OPERATORS.get(operator, (False, False, False))[0]
    positive = operator.replace("Not", "", 1) if negated else operator

    if not present or not request_values:
        if if_exists or qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return negated
    if qualifier == "ForAllValues":
        results = [_compare(positive, policy_values, value) for value in request_values]
        return all(not result for result in results) if negated else all(results)
    if qualifier == "ForAnyValue":
        results = [_compare(positive, policy_values, value) for value in request_values]
        return any(not result for result in results) if negated else any(results)
    matched = any(_compare(positive, policy_values, value) for value in request_values)
    return not matched if negated else matched


def _statement_applies(statement: Mapping[str, Any], request: Request) -> bool:
    if "Action" in statement:
        if not _matches_any(_as_list(statement["Action"]), request.action, ignore_case=True):
            return False
    elif _matches_any(_as_list(statement.get("NotAction")), request.action, ignore_case=True):
        return False
    if "Resource" in statement:
        if not _matches_any(_as_list(statement["Resource"]), request.resource, ignore_case=False):
            return False
    elif _matches_any(_as_list(statement.get("NotResource")), request.resource, ignore_case=False):
        return False
    deny = statement.get("Effect") == "Deny"
    for operator, tests in (statement.get("Condition") or {}).items():
        for key, value in tests.items():
            try:
                if not condition_holds(operator, key, value, request.context):
                    return False
            except UnsupportedConditionError:
                # Read against the requester: an unknown condition never grants, and always denies.
                if not deny:
                    return False
    return True


def statements_of(document: str | Mapping[str, Any]) -> list[Mapping[str, Any]]:
    parsed = json.loads(document) if isinstance(document, str) else document
    statements = parsed["Statement"]
    return [statements] if isinstance(statements, Mapping) else list(statements)


def decide(document: str | Mapping[str, Any], request: Request) -> Decision:
    statements = [statement for statement in statements_of(document) if _statement_applies(statement, request)]
    if any(statement.get("Effect") == "Deny" for statement in statements):
        return "explicit_deny"
    if any(statement.get("Effect") == "Allow" for statement in statements):
        return "allow"
    return "implicit_deny"
