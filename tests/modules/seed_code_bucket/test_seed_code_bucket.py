"""modules/seed_code_bucket: real plans against the emulator, checked with YAML inventories,
plus the module's own offline `terraform test` suite (validation and policy shape)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from glue import emulator
from tests.modules.harness import init_test_root, run_module_terraform_test
from tests.modules.inventory import check_inventory, load_inventory

HERE = Path(__file__).parent
INVENTORIES = sorted(HERE.glob("*.yaml"))

pytestmark = pytest.mark.module


@pytest.fixture(scope="module")
def fixture_root(
    running_emulator: emulator.RunningEmulator, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str]]:
    yield init_test_root(HERE / "fixture", tmp_path_factory), running_emulator.endpoint


@pytest.mark.parametrize("inventory_path", INVENTORIES, ids=[path.stem for path in INVENTORIES])
def test_plan_matches_inventory(fixture_root: tuple[Any, str], inventory_path: Path) -> None:
    tf, endpoint = fixture_root
    inventory = load_inventory(inventory_path)
    plan = tf.plan(output=True, tf_vars={"emulator_endpoint": endpoint, "module_inputs": inventory["variables"]})
    problems = check_inventory(inventory, plan)
    assert not problems, "\n".join(problems)


def test_inventory_check_reports_a_mismatch(fixture_root: tuple[Any, str]) -> None:
    """The inventory check itself must fail when the plan differs (a test that cannot fail is no test)."""
    tf, endpoint = fixture_root
    inventory = load_inventory(HERE / "enforced.yaml")
    variables = {**inventory["variables"], "include_conditional_denies": False}
    plan = tf.plan(output=True, tf_vars={"emulator_endpoint": endpoint, "module_inputs": variables})
    problems = check_inventory(inventory, plan)
    assert any("DenyInsecureTransport" in problem for problem in problems)
    assert any("DenyOutsideAllowedVpcEndpoints" in problem for problem in problems)


def test_module_terraform_test_suite(tmp_path: Path) -> None:
    """`terraform test` in the module: offline plans (validations, preconditions, both policy shapes)."""
    output = run_module_terraform_test("seed_code_bucket", tmp_path)
    assert 'run "rejects_a_bucket_name_over_63_characters"... pass' in output
