"""modules/service_catalog_portfolio: real plans against the emulator, checked with YAML inventories,
plus the module's own offline `terraform test` suite (mock provider: associations, TagOptions, shares,
validations). The emulator can plan every resource of the module but apply only the portfolio."""

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

MISMATCH_INVENTORY = load_inventory(HERE / "teams_tag_options_shares.yaml")
MISMATCH_INPUTS = {
    **MISMATCH_INVENTORY["variables"],
    "tag_options": {"cost-center": ["cc-1234"]},
    "share_with_organization": False,
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
    assert any('tag_option.this["cost-center=cc-5678"]: not in the plan' in problem for problem in problems)
    assert "aws_servicecatalog_portfolio_share: 2 planned, expected 3" in problems


def test_module_terraform_test_suite(tmp_path: Path) -> None:
    """`terraform test` in the module: mocked plans and applies of what the emulator lacks, and validations."""
    output = run_module_terraform_test("service_catalog_portfolio", tmp_path)
    assert 'run "one_share_per_account_ou_and_organization"... pass' in output
    assert 'run "rejects_a_malformed_ou_id"... pass' in output
