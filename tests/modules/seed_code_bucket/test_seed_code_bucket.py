"""modules/seed_code_bucket: real plans against the emulator, checked with YAML inventories,
plus the module's own offline `terraform test` suite (validation and policy shape)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tftest

from cdktf_app.paths import MODULES_DIR
from glue import emulator
from tests.modules.inventory import check_inventory, load_inventory

HERE = Path(__file__).parent
INVENTORIES = sorted(HERE.glob("*.yaml"))

pytestmark = pytest.mark.module
MODULE = MODULES_DIR / "seed_code_bucket"


@pytest.fixture(scope="module")
def fixture_root(
    running_emulator: emulator.RunningEmulator, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str]]:
    """One init of the test root per worker, in a copy, so parallel workers never share .terraform."""
    root = tmp_path_factory.mktemp("seed_code_bucket_fixture")
    main_tf = (HERE / "fixture" / "main.tf").read_text()
    (root / "main.tf").write_text(main_tf.replace('"../../../../modules/seed_code_bucket"', f'"{MODULE}"'))
    tf = tftest.TerraformTest(root)
    tf.setup(cleanup_on_exit=True)
    yield tf, running_emulator.endpoint


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
    """`terraform test` in (a copy of) the module: offline plans (validations, preconditions, policy shapes)."""
    module = tmp_path / "seed_code_bucket"
    shutil.copytree(MODULE, module, ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl"))
    subprocess.run(
        ["terraform", "init", "-backend=false", "-input=false", "-no-color"],
        cwd=module,
        check=True,
        capture_output=True,
    )
    result = subprocess.run(["terraform", "test", "-no-color"], cwd=module, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 failed" in result.stdout and "passed" in result.stdout
