"""modules/iam_roles: real plans against the emulator, checked with YAML inventories,
plus the module's own offline `terraform test` suite (trust, tag enforcement, PassRole, validations)."""

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

MISMATCH_INVENTORY = load_inventory(HERE / "bounded_subset.yaml")
MISMATCH_INPUTS = {
    **MISMATCH_INVENTORY["variables"],
    "resource_name_prefix": "other-",
    "use_role_services": ["codebuild"],
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
    assert any("S3BucketManage" in problem and "other-*" in problem for problem in problems), problems
    assert any("aws_iam_role: 2 planned, expected 3" in problem for problem in problems), problems
    assert any("PassSageMakerExecutionRole" in problem for problem in problems), problems


def test_module_terraform_test_suite(tmp_path: Path) -> None:
    """`terraform test` in the module: offline plans (trust, tag enforcement, PassRole, validations)."""
    output = run_module_terraform_test("iam_roles", tmp_path)
    assert 'run "data_scientist_creates_only_tagged_projects_of_its_team"... pass' in output
    assert 'run "rejects_an_unknown_resource_type"... pass' in output
