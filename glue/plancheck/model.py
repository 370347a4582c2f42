"""Findings and reports of the plan checks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["fail", "pass", "unknown"]
STATUSES: tuple[Status, ...] = ("fail", "unknown", "pass")


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one resource (or on the plan, address "-")."""

    rule: str
    address: str
    status: Status
    message: str
    resource_type: str = ""
    suppressed_by: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "address": self.address, "status": self.status, "message": self.message}

    @property
    def failing(self) -> bool:
        return self.status == "fail" and not self.suppressed_by


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    source: str = ""

    def summary(self) -> dict[str, Any]:
        counts = Counter(finding.status for finding in self.findings if not finding.suppressed_by)
        return {
            "fail": counts["fail"],
            "unknown": counts["unknown"],
            "pass": counts["pass"],
            "suppressed": sum(1 for finding in self.findings if finding.suppressed_by),
            "suppressed_findings": [
                {"rule": finding.rule, "address": finding.address, "by": finding.suppressed_by}
                for finding in self.findings
                if finding.suppressed_by
            ],
            "rules": sorted({finding.rule for finding in self.findings}),
            "resources": len({finding.address for finding in self.findings}),
        }

    @property
    def failed(self) -> bool:
        return any(finding.failing for finding in self.findings)

    def sorted(self) -> list[Finding]:
        order = {status: index for index, status in enumerate(STATUSES)}
        return sorted(self.findings, key=lambda item: (order[item.status], item.rule, item.address))
