"""modules/sagemaker_template_product: real plans against the emulator, checked with YAML inventories,
the module's own offline `terraform test` suite (mock provider: everything the emulator cannot apply,
and the versioning rules), and cfn-lint on the example template."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from cdktf_app.paths import MODULES_DIR, REPO_ROOT
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
MODULE = MODULES_DIR / "sagemaker_template_product"
CFN_LINT = REPO_ROOT / ".venv" / "bin" / "cfn-lint"

MISMATCH_INVENTORY = load_inventory(HERE / "first_version.yaml")
MISMATCH_VARIABLES = {
    **MISMATCH_INVENTORY["variables"],
    "versions": {"1.0.0": {"template_file": "templates/model_build_v2.yaml", "description": "First release."}},
    "team": None,
}

pytestmark = pytest.mark.module


def module_inputs(variables: dict[str, Any]) -> dict[str, Any]:
    """The inventory's variables with each version's template_file made absolute (relative to this folder)."""
    versions = {
        name: {**version, "template_file": str(HERE / version["template_file"])}
        for name, version in variables["versions"].items()
    }
    return {**variables, "versions": versions}


# Planned together in one plan (tests/modules/conftest.py).
PLAN_INPUTS = [module_inputs(variables) for variables in [*inventory_inputs(INVENTORIES), MISMATCH_VARIABLES]]


@pytest.mark.parametrize("inventory_path", INVENTORIES, ids=[path.stem for path in INVENTORIES])
def test_plan_matches_inventory(module_root: ModuleRoot, inventory_path: Path) -> None:
    assert_plan_matches_inventory(module_root, inventory_path, module_inputs)


def test_inventory_check_reports_a_mismatch(module_root: ModuleRoot) -> None:
    """The inventory check itself must fail when the plan differs (a test that cannot fail is no test)."""
    problems = check_inventory(MISMATCH_INVENTORY, module_root.plan(module_inputs(MISMATCH_VARIABLES)))
    assert any("source_hash: expected '5fbdcc082ea2911c31f61f680d53aa50'" in problem for problem in problems)
    assert any("tags.team: missing" in problem for problem in problems)


def test_module_terraform_test_suite(tmp_path: Path) -> None:
    """`terraform test` in the module: mocked plans and applies of what the emulator lacks, and validations."""
    output = run_module_terraform_test("sagemaker_template_product", tmp_path)
    assert 'run "a_new_template_is_a_new_version"... pass' in output
    assert 'run "editing_a_published_version_is_refused"... pass' in output


@pytest.mark.parametrize(
    "template",
    [MODULE / "examples" / "basic" / "template.yaml", *sorted(HERE.glob("templates/*.yaml"))],
    ids=lambda path: f"{path.parent.name}/{path.name}",
)
def test_template_passes_cfn_lint(template: Path) -> None:
    result = subprocess.run(
        [str(CFN_LINT), "--non-zero-exit-code", "error", str(template)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_rejects_a_broken_template(tmp_path: Path) -> None:
    """cfn-lint must catch a reference to an attribute the resource type does not have."""
    broken = (MODULE / "examples" / "basic" / "template.yaml").read_text(encoding="utf-8")
    broken = broken.replace("ModelPackageGroup.ModelPackageGroupArn", "ModelPackageGroup.ModelPackageGroupName")
    (tmp_path / "broken.yaml").write_text(broken, encoding="utf-8")
    result = subprocess.run(
        [str(CFN_LINT), "--non-zero-exit-code", "error", str(tmp_path / "broken.yaml")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0 and "'ModelPackageGroupName' is not one of" in result.stdout, result.stdout
