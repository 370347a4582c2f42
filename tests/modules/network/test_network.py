"""modules/network: real plans against the emulator, checked with YAML inventories, plus the
module's own offline `terraform test` suite (subnet carving, validations, flow-log policies)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.modules.harness import (
    ModuleRoot,
    assert_plan_matches_inventory,
    inventories,
    inventory_inputs,
    run_module_terraform_test,
)
from tests.modules.inventory import check_inventory, load_inventory

HERE = Path(__file__).parent
INVENTORIES = inventories(__file__)

MISMATCH_INVENTORY = load_inventory(HERE / "two_zones.yaml")
MISMATCH_INPUTS = {
    **MISMATCH_INVENTORY["variables"],
    "name_prefix": "smt-net-other",
    "cidr_block": "10.30.0.0/16",
    "availability_zones": ["us-east-1a"],
}
# Planned together in one plan (tests/modules/conftest.py).
PLAN_INPUTS = [*inventory_inputs(INVENTORIES), MISMATCH_INPUTS]

pytestmark = pytest.mark.module


@pytest.mark.parametrize("inventory_path", INVENTORIES, ids=[path.stem for path in INVENTORIES])
def test_plan_matches_inventory(module_root: ModuleRoot, inventory_path: Path) -> None:
    assert_plan_matches_inventory(module_root, inventory_path)


def test_inventory_check_reports_a_mismatch(module_root: ModuleRoot) -> None:
    """The inventory check itself must fail when the plan differs (a test that cannot fail is no test)."""
    problems = check_inventory(MISMATCH_INVENTORY, module_root.plan(MISMATCH_INPUTS))
    assert any('aws_subnet.this["us-east-1b"]: not in the plan' in problem for problem in problems)
    assert any("aws_subnet: 1 planned, expected 2" in problem for problem in problems)
    assert any("cidr_block: expected '10.20.0.0/16', got '10.30.0.0/16'" in problem for problem in problems)
    assert any("WriteFlowLogs: Resource" in problem for problem in problems)


def test_module_terraform_test_suite(tmp_path: Path) -> None:
    """`terraform test` in the module: offline plans (carving, DNS, flow-log policies, validations)."""
    output = run_module_terraform_test("network", tmp_path)
    assert 'run "subnets_are_carved_by_zone_position"... pass' in output
    assert 'run "rejects_duplicate_zones"... pass' in output
    assert 'run "rejects_zones_of_another_region"... pass' in output
