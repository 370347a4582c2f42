"""modules/s3_template_publication: real plans against the emulator, checked with YAML inventories,
plus the module's own offline `terraform test` suite (validations, object tags, CORS, what it passes to
module.bucket)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
TEMPLATES = HERE / "templates"
INVENTORIES = inventories(__file__)

MISMATCH_INVENTORY = load_inventory(HERE / "enforced.yaml")
MISMATCH_VARIABLES = {**MISMATCH_INVENTORY["variables"], "include_conditional_denies": False, "key_prefix": "other/"}

pytestmark = pytest.mark.module


def module_inputs(variables: dict[str, Any]) -> dict[str, Any]:
    """The inventory's variables, with each template's source_path made absolute (under templates/):
    the harness runs the test root from a temporary copy."""
    templates = {
        name: {**template, "source_path": str(TEMPLATES / template["source_path"])}
        for name, template in (variables.get("templates") or {}).items()
    }
    return {**variables, "templates": templates}


# Planned together in one plan (tests/modules/conftest.py).
PLAN_INPUTS = [module_inputs(variables) for variables in [*inventory_inputs(INVENTORIES), MISMATCH_VARIABLES]]


@pytest.mark.parametrize("inventory_path", INVENTORIES, ids=[path.stem for path in INVENTORIES])
def test_plan_matches_inventory(module_root: ModuleRoot, inventory_path: Path) -> None:
    assert_plan_matches_inventory(module_root, inventory_path, module_inputs)


def test_inventory_check_reports_a_mismatch(module_root: ModuleRoot) -> None:
    """The inventory check itself must fail when the plan differs (a test that cannot fail is no test)."""
    problems = check_inventory(MISMATCH_INVENTORY, module_root.plan(module_inputs(MISMATCH_VARIABLES)))
    assert any("DenyInsecureTransport" in problem for problem in problems)
    assert any("other/model-build.yaml" in problem for problem in problems)


def test_module_terraform_test_suite(tmp_path: Path) -> None:
    """`terraform test` in the module: offline plans (validations, tags, CORS, module.bucket outputs)."""
    output = run_module_terraform_test("s3_template_publication", tmp_path)
    assert 'run "templates_are_tagged_for_studio_and_encrypted"... pass' in output
    assert 'run "rejects_an_any_origin_cors_rule"... pass' in output
