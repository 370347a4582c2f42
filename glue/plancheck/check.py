"""Run every rule over a plan, then apply the policy's suppressions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from glue.plancheck.model import Finding, Report
from glue.plancheck.plan_index import PlanIndex
from glue.plancheck.policy import CheckPolicy
from glue.plancheck.rules import Context, all_rules
from glue.plancheck.rules.service_catalog import PLAN_DIR_KEY


def run_checks(
    plan: dict[str, Any],
    policy: CheckPolicy | None = None,
    *,
    changed_only: bool = False,
    require_vpce: bool = False,
    today: date | None = None,
    source: str = "",
    extra_findings: tuple[Finding, ...] = (),
) -> Report:
    """Every rule's findings on the plan (plus `extra_findings`, e.g. of the rendered templates), with
    the policy's suppressions applied to all of them."""
    policy = policy or CheckPolicy()
    context = Context(PlanIndex(plan), policy, changed_only=changed_only, require_vpce=require_vpce)
    if source:
        # Rules that read files the plan names (SC003: a template's `source`) resolve them from the plan's folder.
        context.cache[PLAN_DIR_KEY] = str(Path(source).resolve().parent)
    findings: list[Finding] = list(extra_findings)
    for rule in all_rules().values():
        findings.extend(rule.function(context))
    # With --changed-only most resources are not checked: a suppression that matches none of them is not stale.
    report_unused = not changed_only
    return Report(apply_suppressions(findings, policy, today or date.today(), report_unused), source=source)


def apply_suppressions(
    findings: list[Finding], policy: CheckPolicy, today: date, report_unused: bool = True
) -> list[Finding]:
    """Failing findings a live suppression matches are marked suppressed; a suppression that expired
    (SUP001) or, with `report_unused`, that matched no failing finding (SUP002) is a failing finding itself."""
    used: set[int] = set()
    result: list[Finding] = []
    live = [(position, item) for position, item in enumerate(policy.suppressions) if item.expires >= today]
    for finding in findings:
        if finding.status == "fail":
            for position, suppression in live:
                if suppression.matches(finding.rule, finding.address, policy.environment or "*"):
                    used.add(position)
                    finding = replace(finding, suppressed_by=suppression.label)
                    break
        result.append(finding)
    for position, suppression in enumerate(policy.suppressions):
        if suppression.expires < today:
            result.append(
                Finding(
                    "SUP001",
                    suppression.address,
                    "fail",
                    f"suppression expired on {suppression.expires}: {suppression.label}",
                )
            )
        elif report_unused and position not in used:
            result.append(
                Finding(
                    "SUP002",
                    suppression.address,
                    "fail",
                    f"suppression matches no failing finding: {suppression.label}",
                )
            )
    return result
