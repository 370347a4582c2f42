"""What a saved plan would do, counted and listed from `terraform show -json`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

ACTION_NAMES = {
    ("create",): "create",
    ("update",): "update",
    ("delete",): "delete",
    ("delete", "create"): "replace",
    ("create", "delete"): "replace",
    ("read",): "read",
    ("no-op",): "no-op",
}


SYMBOLS = {"create": "+", "update": "~", "replace": "-/+", "delete": "-"}


@dataclass(frozen=True)
class ResourceChange:
    address: str
    action: str


@dataclass(frozen=True)
class PlanSummary:
    changes: tuple[ResourceChange, ...]

    @property
    def counts(self) -> Counter[str]:
        return Counter(change.action for change in self.changes)

    @property
    def has_changes(self) -> bool:
        return any(change.action not in {"no-op", "read"} for change in self.changes)

    def headline(self) -> str:
        if not self.has_changes:
            return "No changes. The infrastructure matches the configuration."
        counts = self.counts
        return (
            f"Plan: {counts['create']} to add, {counts['update']} to change, "
            f"{counts['replace']} to replace, {counts['delete']} to destroy."
        )

    def lines(self) -> list[str]:
        """One line per changing resource, with Terraform's symbols: + create, ~ update, -/+ replace, - delete."""
        return [
            f"  {SYMBOLS.get(change.action, '?'):>3} {change.address} ({change.action})"
            for change in self.changes
            if change.action not in {"no-op", "read"}
        ]


def summarize(plan: dict[str, Any]) -> PlanSummary:
    changes = []
    for item in plan.get("resource_changes", []) or []:
        actions = tuple(item.get("change", {}).get("actions", []))
        changes.append(ResourceChange(address=item["address"], action=ACTION_NAMES.get(actions, "/".join(actions))))
    return PlanSummary(changes=tuple(sorted(changes, key=lambda change: change.address)))
