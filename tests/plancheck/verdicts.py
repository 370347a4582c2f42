"""Shared by the plancheck rule tests: committed fixture plans and the verdicts of rules on them."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from glue.plancheck.check import run_checks
from glue.plancheck.model import Report
from glue.plancheck.policy import CheckPolicy

FIXTURES = Path(__file__).parent / "fixtures"
ALLOWED_VPCE = "vpce-0a1b2c3d4e5f60718"
ADMIN_ROLE = "arn:aws:iam::111122223333:role/platform-admin"


@cache
def _plan_text(case: str) -> str:
    return (FIXTURES / case / "plan.json").read_text(encoding="utf-8")


def load(case: str) -> dict[str, Any]:
    """A fresh copy of the committed plan of fixtures/<case> (tests may change it)."""
    plan: dict[str, Any] = json.loads(_plan_text(case))
    return copy.deepcopy(plan)


def policy(**settings: Any) -> CheckPolicy:
    return CheckPolicy.model_validate(settings)


def s3_policy(**settings: Any) -> CheckPolicy:
    """S3006 on, with the endpoint and the admin role the S3 fixtures allow."""
    defaults: dict[str, Any] = {
        "require_vpce": True,
        "allowed_vpce_ids": [ALLOWED_VPCE],
        "exempt_principal_arns": [ADMIN_ROLE],
    }
    return policy(**{**defaults, **settings})


def verdicts(
    plan: dict[str, Any], check_policy: CheckPolicy | None = None, prefix: str = "", **options: Any
) -> dict[tuple[str, str], str]:
    """(rule, address) -> status of every finding whose rule starts with `prefix`."""
    report = run_checks(plan, check_policy or CheckPolicy(), **options)
    found: dict[tuple[str, str], str] = {}
    for finding in report.findings:
        if finding.rule.startswith(prefix):
            assert (finding.rule, finding.address) not in found, f"two findings for {finding.rule} {finding.address}"
            found[(finding.rule, finding.address)] = finding.status
    return found


def messages(
    plan: dict[str, Any], check_policy: CheckPolicy | None = None, **options: Any
) -> dict[tuple[str, str], str]:
    report = run_checks(plan, check_policy or CheckPolicy(), **options)
    return {(finding.rule, finding.address): finding.message for finding in report.findings}


def after(plan: dict[str, Any], address: str) -> dict[str, Any]:
    """The planned values of one resource instance (to mutate)."""
    for change in plan["resource_changes"]:
        if change["address"] == address:
            values: dict[str, Any] = change["change"]["after"]
            return values
    raise KeyError(address)


# The rules these tests cover (other rule families run too and are tested elsewhere).
OWN_RULES = ("TAG", "S3", "KMS", "VPE", "SUP")


def own(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The JSON findings of the rules these tests cover."""
    return [finding for finding in findings if str(finding["rule"]).startswith(OWN_RULES)]


def own_report(plan: dict[str, Any], check_policy: CheckPolicy | None = None, **options: Any) -> Report:
    report = run_checks(plan, check_policy or CheckPolicy(), **options)
    return Report([finding for finding in report.findings if finding.rule.startswith(OWN_RULES)], report.source)
