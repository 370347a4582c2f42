"""modules/seed_code_objects: real plans against the emulator, checked with a YAML inventory, plus the
module's own offline `terraform test` suite (encryption, hash-driven updates, validations)."""

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

MISMATCH_INVENTORY = load_inventory(HERE / "seed_and_lambdas.yaml")
MISMATCH_INPUTS = {
    **MISMATCH_INVENTORY["variables"],
    "objects": {
        **MISMATCH_INVENTORY["variables"]["objects"],
        "seedcode/model-build.zip": {"source": "model-build.zip", "sha256": "3" * 64},
    },
}
# Planned together in one plan (tests/modules/conftest.py).
PLAN_INPUTS = [*inventory_inputs(INVENTORIES), MISMATCH_INPUTS]

pytestmark = pytest.mark.module


@pytest.mark.parametrize("inventory_path", INVENTORIES, ids=[path.stem for path in INVENTORIES])
def test_plan_matches_inventory(module_root: ModuleRoot, inventory_path: Path) -> None:
    assert_plan_matches_inventory(module_root, inventory_path)


def test_inventory_check_reports_a_mismatch(module_root: ModuleRoot) -> None:
    """The check fails when the plan differs: here a changed hash (what a changed seed looks like)."""
    problems = check_inventory(MISMATCH_INVENTORY, module_root.plan(MISMATCH_INPUTS))
    assert any("source_hash: expected" in problem for problem in problems), problems


def test_module_terraform_test_suite(tmp_path: Path) -> None:
    output = run_module_terraform_test("seed_code_objects", tmp_path)
    assert 'run "objects_are_kms_encrypted_and_hash_tracked"... pass' in output
    assert 'run "rejects_a_short_hash"... pass' in output
