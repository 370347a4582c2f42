"""Inventories of expected plan values (YAML), checked against a tftest plan.

An inventory names the module inputs and lists only what the test cares about:

    variables:   inputs of the module
    values:      {resource address: expected subset of its planned values}
    counts:      {resource type: number of planned resources of that type}
    statements:  {address.attribute holding a JSON policy: {Sid: expected subset of the statement}}
    absent_statements: {address.attribute: [Sids that must not be there]}
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import yaml


def load_inventory(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(data) - {"variables", "values", "counts", "statements", "absent_statements"}
    assert not unknown, f"{path.name}: unknown inventory sections {sorted(unknown)}"
    return dict(data)


def planned_resources(plan: Any) -> dict[str, dict[str, Any]]:
    """address -> planned values, for every managed resource in the plan (child modules included)."""
    resources: dict[str, dict[str, Any]] = {}
    for change in plan.resource_changes.values():
        if change["mode"] == "managed" and "delete" not in change["change"]["actions"]:
            resources[change["address"]] = change["change"]["after"] or {}
    return resources


def check_inventory(inventory: dict[str, Any], plan: Any) -> list[str]:
    """Every difference between the inventory and the plan, as readable lines (empty: all match)."""
    resources = planned_resources(plan)
    problems: list[str] = []
    for address, expected in (inventory.get("values") or {}).items():
        if address not in resources:
            problems.append(f"{address}: not in the plan")
            continue
        problems += [f"{address}: {problem}" for problem in subset_differences(expected, resources[address])]
    counts = Counter(change["type"] for change in plan.resource_changes.values() if change["mode"] == "managed")
    for resource_type, expected_count in (inventory.get("counts") or {}).items():
        if counts[resource_type] != expected_count:
            problems.append(f"{resource_type}: {counts[resource_type]} planned, expected {expected_count}")
    for target, expected_statements in (inventory.get("statements") or {}).items():
        statements = _statements(resources, target, problems)
        for sid, expected in expected_statements.items():
            if sid not in statements:
                problems.append(f"{target}: no statement {sid!r} (has {sorted(statements)})")
                continue
            # IAM treats Action/Resource/condition value lists as sets, and the provider reorders them.
            differences = subset_differences(expected, statements[sid], unordered=True)
            problems += [f"{target} {sid}: {problem}" for problem in differences]
    for target, sids in (inventory.get("absent_statements") or {}).items():
        statements = _statements(resources, target, problems)
        problems += [f"{target}: statement {sid!r} must not be there" for sid in sids if sid in statements]
    return problems


def _statements(resources: dict[str, dict[str, Any]], target: str, problems: list[str]) -> dict[str, Any]:
    address, attribute = target.rsplit(".", 1)
    document = resources.get(address, {}).get(attribute)
    if not isinstance(document, str):
        problems.append(f"{target}: no known JSON document at plan time")
        return {}
    statements = json.loads(document)["Statement"]
    return {statement.get("Sid", f"#{index}"): statement for index, statement in enumerate(statements)}


def subset_differences(expected: Any, actual: Any, path: str = "", unordered: bool = False) -> list[str]:
    """Where `actual` does not contain `expected` (dicts: subset of keys; lists: same length, element-wise,
    or, with `unordered`, the same elements in any order)."""
    where = path or "value"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected a mapping, got {actual!r}"]
        problems: list[str] = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{where}.{key}: missing")
            else:
                problems += subset_differences(value, actual[key], f"{path}.{key}" if path else key, unordered)
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected {expected!r}, got {actual!r}"]
        if unordered and all(isinstance(item, str) for item in [*expected, *actual]):
            return [] if sorted(expected) == sorted(actual) else [f"{where}: expected {expected!r}, got {actual!r}"]
        problems = []
        for index, (item_expected, item_actual) in enumerate(zip(expected, actual, strict=True)):
            problems += subset_differences(item_expected, item_actual, f"{where}[{index}]", unordered)
        return problems
    if expected != actual:
        return [f"{where}: expected {expected!r}, got {actual!r}"]
    return []
