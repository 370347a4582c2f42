"""SEC001: no secret-looking literal in the planned values of resources or in outputs.

Every planned string is scanned, also those the plan marks sensitive (sensitive values are still
written to the plan and its state). A string that holds a JSON object (a secret_string made with
jsonencode) is decoded and scanned by key. Found:

- private keys (`-----BEGIN ... PRIVATE KEY-----`), AWS access key ids (AKIA/ASIA...), and a
  40-character AWS secret access key in a resource or output that also holds an access key id;
- GitHub (ghp_/gho_/ghu_/ghs_/ghr_, github_pat_), GitLab (glpat-) and Slack (xox?-, webhooks) tokens;
- a non-empty literal in an attribute (or output, or JSON key) named like password, secret, token or
  private_key, unless it is a reference: an ARN, an SSM parameter path or name, a `{{resolve:...}}`
  dynamic reference, an interpolation, or a masked placeholder.

A value known only after apply comes from a reference, not a literal, and is never a finding. The
finding names the address (`output.<name>` for outputs) and the attribute path, never the value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from itertools import pairwise
from typing import Any

import orjson

from glue.plancheck.model import Finding
from glue.plancheck.rules import Context, Rule, rule

_TOKENS = re.compile(
    r"(?P<private_key>-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----)"
    r"|(?P<aws_access_key_id>(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9]))"
    r"|(?P<github_token>(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}))"
    r"|(?P<gitlab_token>(?<![A-Za-z0-9_])glpat-[A-Za-z0-9_-]{20,})"
    r"|(?P<slack_token>(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}"
    r"|hooks\.slack\.com/services/[A-Za-z0-9/]{20,})"
)
# Cheap hints of the token patterns, and the words of secret-like names whose value is a non-empty string:
# a resource's serialized values without either are not walked.
_TOKEN_HINTS = (
    "private key", "akia", "asia", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xox",
    "hooks.slack.com",
)  # fmt: skip
_NAME_HINTS = ("password", "passwd", "passphrase", "secret", "token", "private", "apikey", "api_key")
_NAME_TAIL = re.compile(r'[a-z0-9_.-]*\\?"\s*:\s*\\?"[^"\\]')
_AWS_SECRET_KEY = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])")
_WORDS = re.compile(r"[^a-z0-9]+")
SECRET_WORDS = frozenset({"password", "passwd", "secret", "token", "privatekey", "apikey", "passphrase"})
SECRET_PAIRS = (("private", "key"), ("api", "key"))
# Words that make a secret-sounding name about the secret rather than the secret itself.
NOT_SECRET_WORDS = frozenset(
    {
        "arn", "id", "ids", "name", "names", "validity", "units", "type", "length", "version", "versions",
        "path", "enabled", "kms", "rotation", "ttl", "expiration", "expiry", "duration", "count", "policy",
        "header", "location", "endpoint", "url", "uri", "prefix", "parameter", "format", "source", "required",
        "reset", "age", "minimum", "maximum", "mode", "stage", "algorithm", "wo", "set", "created",
    }
)  # fmt: skip
_REFERENCE_PREFIXES = ("arn:", "{{resolve:", "${", "/", "ssm:", "secretsmanager:", "alias/", "vault:", "$(")
MIN_TOKEN_LENGTH = 15


@cache
def secret_name(name: str) -> bool:
    """An attribute, output or JSON key named like a secret (password, client_secret, auth_token, ...)."""
    words = [word for word in _WORDS.split(name.lower()) if word]
    if not words or NOT_SECRET_WORDS.intersection(words):
        return False
    if SECRET_WORDS.intersection(words):
        return True
    return any(first == pair[0] and second == pair[1] for pair in SECRET_PAIRS for first, second in pairwise(words))


def literal_secret(value: str) -> bool:
    """A non-empty literal that is not a reference to where the secret is kept."""
    text = value.strip()
    if not text or text.startswith(_REFERENCE_PREFIXES) or set(text) <= {"*", "x", "X", "-"}:
        return False
    return text.lower() not in ("true", "false", "null", "none")


def _mixed(candidate: str) -> bool:
    return any(c.isupper() for c in candidate) and any(c.islower() for c in candidate)


class _Scan:
    """The findings of one resource or output: attribute path -> kinds."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}
        self.access_key_id = False
        self.secret_key_candidates: list[str] = []

    def add(self, path: str, kind: str) -> None:
        kinds = self.found.setdefault(path, [])
        if kind not in kinds:
            kinds.append(kind)

    def string(self, path: str, name: str, value: str) -> None:
        if len(value) >= MIN_TOKEN_LENGTH:
            for match in _TOKENS.finditer(value):
                kind = match.lastgroup or "token"
                self.add(path, kind)
                self.access_key_id = self.access_key_id or kind == "aws_access_key_id"
            if any(_mixed(item) for item in _AWS_SECRET_KEY.findall(value)):
                self.secret_key_candidates.append(path)
            if value[:1] in "{[" and value[-1:] in "}]":
                try:
                    decoded = json.loads(value)
                except ValueError:
                    decoded = None
                if isinstance(decoded, dict | list):
                    self.walk(decoded, path)
                    return
        if name and secret_name(name) and literal_secret(value):
            self.add(path, f"literal {name}")

    def walk(self, value: Any, path: str, name: str = "") -> None:
        if isinstance(value, str):
            self.string(path, name, value)
        elif isinstance(value, dict):
            for key, item in value.items():
                self.walk(item, f"{path}.{key}" if path else str(key), str(key))
        elif isinstance(value, list):
            for position, item in enumerate(value):
                self.walk(item, f"{path}[{position}]", name)

    def result(self) -> dict[str, list[str]]:
        if self.access_key_id:
            for path in self.secret_key_candidates:
                self.add(path, "aws_secret_access_key")
        return self.found


def _suspicious(serialized: str) -> bool:
    lowered = serialized.lower()
    if any(hint in lowered for hint in _TOKEN_HINTS) and _TOKENS.search(serialized):
        return True
    for word in _NAME_HINTS:
        start = lowered.find(word)
        while start >= 0:
            if _NAME_TAIL.match(lowered, start + len(word)):
                return True
            start = lowered.find(word, start + 1)
    return False


def _scan(value: Any, path: str, name: str) -> dict[str, list[str]]:
    """The findings in one resource's or output's values (most have none: a fast pre-check decides)."""
    try:
        serialized = orjson.dumps({name: value} if name else value).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):
        serialized = ""
    if serialized and not _suspicious(serialized):
        return {}
    scan = _Scan()
    scan.walk(value, path, name)
    return scan.result()


def _message(found: dict[str, list[str]]) -> str:
    parts = [f"{path} ({', '.join(kinds)})" for path, kinds in sorted(found.items())]
    return f"secret-looking literal (value masked) at: {'; '.join(parts)}"


@rule(
    "SEC001",
    "No secrets in the plan",
    "No private key, access key, token or literal password in planned values or outputs (sensitive ones too).",
)
def no_secrets(self: Rule, context: Context) -> Iterator[Finding]:
    failed = 0
    resources = list(context.resources(*context.index.by_type))
    for resource in resources:
        found = _scan(resource.values, "", "")
        if found:
            failed += 1
            yield self.finding(resource, "fail", _message(found))
    outputs = context.index.plan.get("output_changes") or {}
    for name, change in sorted(outputs.items()):
        actions = (change or {}).get("actions") or []
        if actions == ["delete"]:
            continue
        found = _scan((change or {}).get("after"), name, name)
        if found:
            failed += 1
            yield Finding(self.id, f"output.{name}", "fail", _message(found), "output")
    if not failed:
        yield self.finding(
            None, "pass", f"no secret-looking literal in {len(resources)} resources and {len(outputs)} outputs"
        )
