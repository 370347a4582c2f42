"""IAM001-IAM003: identity policies grant no `*` on `*`, scope iam:PassRole, and test request tags on create.

Identity policies are the `policy` of aws_iam_policy, aws_iam_role_policy, aws_iam_user_policy and
aws_iam_group_policy, and the `inline_policy` blocks of aws_iam_role. The planned JSON (also when it
came from jsonencode or data.aws_iam_policy_document) is decoded and its statements evaluated with
glue/plancheck/iam_policy.py, never string-matched. A document known only after apply gives
`unknown` for every rule; a document that is not valid policy JSON fails IAM001.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from glue.plancheck.iam_policy import Request, decide, wildcard_match
from glue.plancheck.model import Finding
from glue.plancheck.plan_index import UNKNOWN, Resource
from glue.plancheck.rules import Context, Rule, rule

POLICY_TYPES = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy")
ROLE = "aws_iam_role"
# An action of a service no policy names: a statement that allows it allows every action.
PROBE_ACTION = "plancheckprobe:ProbeAnyAction"
PASS_ROLE = "iam:PassRole"  # noqa: S105 - an action name
# A role no policy names, in an account no policy names: a Resource that matches it is fully open.
PROBE_ROLE = "arn:aws:iam::999999999999:role/plancheck/probe-role"
CREATE_PREFIXES = ("create", "run", "provision")


@dataclass(frozen=True)
class PolicyDocument:
    """One policy document of a resource: `label` says where (the attribute, or the inline policy's name)."""

    label: str
    document: Any  # the decoded document, UNKNOWN, or None when the text is not policy JSON


def decode(text: Any) -> Any:
    """The decoded policy document, UNKNOWN for a value known only after apply, None when not policy JSON."""
    if text is UNKNOWN:
        return UNKNOWN
    if isinstance(text, Mapping):
        document: Any = text
    else:
        try:
            document = json.loads(text) if isinstance(text, str) else None
        except ValueError:
            return None
    if not isinstance(document, Mapping):
        return None
    statements = document.get("Statement")
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list) or not all(isinstance(item, Mapping) for item in statements):
        return None
    return {**document, "Statement": statements}


def documents_of(resource: Resource) -> list[PolicyDocument]:
    """The identity policy documents a resource carries (none for a role without inline policies)."""
    if resource.type != ROLE:
        return [PolicyDocument("policy", decode(resource.get("policy")))]
    blocks = resource.get("inline_policy")
    if "inline_policy" not in (resource.config.get("expressions") or {}):
        # Not written in the configuration: the provider computes it (unknown at create), it holds
        # the role's existing inline policies at most, and those are aws_iam_role_policy resources here.
        blocks = blocks if isinstance(blocks, list) and not resource.has_unknown("inline_policy") else []
    if blocks is UNKNOWN:
        return [PolicyDocument("inline_policy", UNKNOWN)]
    found = []
    for position, block in enumerate(blocks if isinstance(blocks, list) else []):
        name = resource.get("inline_policy", position, "name")
        label = f"inline_policy {name}" if isinstance(name, str) and name else f"inline_policy #{position}"
        text = resource.get("inline_policy", position, "policy")
        if text is None and isinstance(block, Mapping) and not resource.has_unknown("inline_policy", position):
            continue  # an empty inline_policy block: the role has no inline policies
        found.append(PolicyDocument(label, decode(text)))
    return found


def policy_resources(context: Context) -> Iterator[tuple[Resource, list[PolicyDocument]]]:
    """Each identity policy resource with its documents (decoded once per check)."""
    cached: list[tuple[Resource, list[PolicyDocument]]] | None = context.cache.get("iam.documents")
    if cached is None:
        cached = []
        for resource in context.resources(*POLICY_TYPES, ROLE):
            documents = documents_of(resource)
            if documents:
                cached.append((resource, documents))
        context.cache["iam.documents"] = cached
    yield from cached


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


def statement_name(statement: Mapping[str, Any], position: int) -> str:
    sid = statement.get("Sid")
    return str(sid) if sid else f"#{position}"


def _judge(
    self: Rule,
    resource: Resource,
    documents: list[PolicyDocument],
    check: Any,
    *,
    silent_when_empty: bool = False,
) -> Finding | None:
    """Combine the verdicts of a resource's documents: `check(document)` -> (problems, relevant)."""
    problems: list[str] = []
    pending: list[str] = []
    invalid: list[str] = []
    relevant = False
    for item in documents:
        if item.document is UNKNOWN:
            pending.append(item.label)
            continue
        if item.document is None:
            invalid.append(item.label)
            continue
        found, applies = check(item.document)
        relevant = relevant or applies
        prefix = f"{item.label}: " if resource.type == ROLE else ""
        problems += [f"{prefix}{problem}" for problem in found]
    if problems:
        return self.finding(resource, "fail", "; ".join(problems))
    if pending:
        return self.finding(resource, "unknown", f"policy document known only after apply ({', '.join(pending)})")
    if invalid and self.id == "IAM001":
        return self.finding(resource, "fail", f"not a valid policy document: {', '.join(invalid)}")
    if silent_when_empty and not relevant:
        return None
    return self.finding(resource, "pass", check.passed)


class _Check:
    """A per-document check with the pass message of its rule."""

    def __init__(self, function: Any, passed: str) -> None:
        self.function = function
        self.passed = passed

    def __call__(self, document: Mapping[str, Any]) -> tuple[list[str], bool]:
        result: tuple[list[str], bool] = self.function(document)
        return result


# ---------------------------------------------------------------------------------------- IAM001


def _allows_everything(document: Mapping[str, Any]) -> tuple[list[str], bool]:
    found = []
    for position, statement in enumerate(document["Statement"]):
        if statement.get("Effect") != "Allow":
            continue
        # Evaluated without its conditions: an Allow of every action on every resource stays an admin grant.
        bare = {key: value for key, value in statement.items() if key != "Condition"}
        if decide({"Statement": [bare]}, Request(PROBE_ACTION, "*")) == "allow":
            how = "NotAction" if "NotAction" in statement else "Action"
            found.append(f"{statement_name(statement, position)} allows every action ({how}) on every resource")
    return found, True


def _judge_all(self: Rule, context: Context, check: _Check, silent_when_empty: bool = False) -> Iterator[Finding]:
    """`check` on every policy resource of the plan (no finding where `silent_when_empty` and nothing applied)."""
    for resource, documents in policy_resources(context):
        finding = _judge(self, resource, documents, check, silent_when_empty=silent_when_empty)
        if finding:
            yield finding


@rule("IAM001", "No admin grants", "No identity policy allows every action (`*`) on every resource (`*`).")
def no_admin(self: Rule, context: Context) -> Iterator[Finding]:
    check = _Check(_allows_everything, "no statement allows every action on every resource")
    yield from _judge_all(self, context, check)


# ---------------------------------------------------------------------------------------- IAM002


def _action_matches(statement: Mapping[str, Any], action: str) -> bool:
    if "Action" in statement:
        return any(wildcard_match(pattern, action, True) for pattern in as_list(statement["Action"]))
    if "NotAction" in statement:
        return not any(wildcard_match(pattern, action, True) for pattern in as_list(statement["NotAction"]))
    return False


def open_role_pattern(pattern: str) -> bool:
    """A Resource that admits every role: `*`, `arn:aws:iam::*:role/*`, `arn:aws:iam::123456789012:role/*`."""
    if wildcard_match(pattern, PROBE_ROLE):
        return True
    _, _, name = pattern.partition(":role/")
    return bool(name) and set(name) <= {"*", "?", "/"}


def _has_key(statement: Mapping[str, Any], key: str) -> bool:
    conditions = statement.get("Condition")
    if not isinstance(conditions, Mapping):
        return False
    return any(
        isinstance(tests, Mapping) and any(str(name).lower() == key.lower() for name in tests)
        for tests in conditions.values()
    )


def _unscoped_pass_role(document: Mapping[str, Any]) -> tuple[list[str], bool]:
    found = []
    relevant = False
    for position, statement in enumerate(document["Statement"]):
        if statement.get("Effect") != "Allow" or not _action_matches(statement, PASS_ROLE):
            continue
        relevant = True
        name = statement_name(statement, position)
        reasons = []
        if "NotAction" in statement:
            reasons.append("NotAction")
        if "Resource" not in statement:
            reasons.append("NotResource")
        else:
            opened = [pattern for pattern in as_list(statement["Resource"]) if open_role_pattern(pattern)]
            if opened:
                reasons.append(f"Resource {', '.join(opened)}")
        if not _has_key(statement, "iam:PassedToService"):
            reasons.append("no iam:PassedToService condition")
        if reasons:
            found.append(f"{name} allows iam:PassRole unscoped ({'; '.join(reasons)})")
    return found, relevant


@rule(
    "IAM002",
    "Scoped iam:PassRole",
    "An Allow of iam:PassRole names its roles (not `*` or every role) and conditions on iam:PassedToService.",
)
def scoped_pass_role(self: Rule, context: Context) -> Iterator[Finding]:
    check = _Check(_unscoped_pass_role, "iam:PassRole scoped to named roles and iam:PassedToService")
    yield from _judge_all(self, context, check, silent_when_empty=True)


# ---------------------------------------------------------------------------------------- IAM003


def create_action(pattern: str) -> bool:
    """An action (pattern) that creates or provisions: the name after the service starts Create, Run or Provision."""
    _, _, name = pattern.partition(":")
    return name.lower().startswith(CREATE_PREFIXES)


def _tag_keys(statement: Mapping[str, Any]) -> list[str]:
    conditions = statement.get("Condition")
    if not isinstance(conditions, Mapping):
        return []
    keys = []
    for tests in conditions.values():
        if isinstance(tests, Mapping):
            keys += [str(key) for key in tests]
    return keys


def resource_tag_key(key: str) -> bool:
    """`aws:ResourceTag/...` or a service-specific `<service>:ResourceTag/...`."""
    _, _, name = key.partition(":")
    return name.lower().startswith("resourcetag/")


def request_tag_key(key: str) -> bool:
    lowered = key.lower()
    return lowered.startswith("aws:requesttag/") or lowered == "aws:tagkeys"


def _resource_tags_on_create(document: Mapping[str, Any]) -> tuple[list[str], bool]:
    found = []
    relevant = False
    for position, statement in enumerate(document["Statement"]):
        creates = [pattern for pattern in as_list(statement.get("Action")) if create_action(pattern)]
        keys = [key for key in _tag_keys(statement) if resource_tag_key(key) or request_tag_key(key)]
        if not creates or not keys:
            continue
        relevant = True
        wrong = [key for key in keys if resource_tag_key(key)]
        if wrong:
            found.append(
                f"{statement_name(statement, position)} tests {', '.join(wrong)} on {', '.join(creates)}"
                " (a resource being created has no tags yet: test aws:RequestTag/ or aws:TagKeys)"
            )
    return found, relevant


@rule(
    "IAM003",
    "Tag conditions on create test the request",
    "Statements on Create*/Run*/Provision* actions enforce tags with aws:RequestTag/ or aws:TagKeys, "
    "not aws:ResourceTag/ (which never matches at creation).",
)
def request_tags_on_create(self: Rule, context: Context) -> Iterator[Finding]:
    check = _Check(_resource_tags_on_create, "tag conditions on create actions test aws:RequestTag/aws:TagKeys")
    yield from _judge_all(self, context, check, silent_when_empty=True)
