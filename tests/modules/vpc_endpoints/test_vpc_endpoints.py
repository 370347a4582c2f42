"""modules/vpc_endpoints: real plans against the emulator (in a VPC made by the test root), checked
with YAML inventories, plus the module's own offline `terraform test` suite (validations, shapes)."""

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

MISMATCH_INVENTORY = load_inventory(HERE / "default_services.yaml")
MISMATCH_INPUTS = {**MISMATCH_INVENTORY["variables"], "interface_services": ["sagemaker.api", "sagemaker.runtime"]}
# Planned together in one plan (tests/modules/conftest.py).
PLAN_INPUTS = [*inventory_inputs(INVENTORIES), MISMATCH_INPUTS]

pytestmark = pytest.mark.module


@pytest.mark.parametrize("inventory_path", INVENTORIES, ids=[path.stem for path in INVENTORIES])
def test_plan_matches_inventory(module_root: ModuleRoot, inventory_path: Path) -> None:
    assert_plan_matches_inventory(module_root, inventory_path)


def test_inventory_check_reports_a_mismatch(module_root: ModuleRoot) -> None:
    """The inventory check itself must fail when the plan differs (a test that cannot fail is no test)."""
    problems = check_inventory(MISMATCH_INVENTORY, module_root.plan(MISMATCH_INPUTS))
    assert any('interface["sagemaker.studio"]: not in the plan' in problem for problem in problems)
    assert any("aws_vpc_endpoint: 3 planned, expected 17" in problem for problem in problems)
    assert any("AllowEcrImageLayers" in problem for problem in problems)


def test_module_terraform_test_suite(tmp_path: Path) -> None:
    """`terraform test` in the module: offline plans (validations, precondition, endpoint and rule shapes)."""
    output = run_module_terraform_test("vpc_endpoints", tmp_path)
    assert 'run "security_group_admits_only_https_from_the_vpc"... pass' in output
    assert 'run "rejects_the_whole_internet"... pass' in output
