"""Shared plumbing for module tests: a per-worker copy of a tftest root, and `terraform test` runs.

Copies keep parallel pytest workers from sharing a .terraform folder. Test roots keep their
relative module sources (a link to modules/ sits where the repository has it); module copies
for `terraform test` get absolute sources instead. A test root holds only the module
call and its own variables: the harness adds the emulator provider.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
import tftest

from cdktf_app.paths import MODULES_DIR, REPO_ROOT
from cdktf_app.provider import emulator_test_root

LOCAL_SOURCE = re.compile(r'(\bsource\s*=\s*")(\.\.?/[^"]*)(")')


def init_test_root(root_dir: Path, tmp_path_factory: pytest.TempPathFactory, add_emulator_provider: bool = True) -> Any:
    """Copy a Terraform root to a temporary folder at the same place relative to a link to modules/,
    so that relative module sources (also modules that call sibling modules) resolve as in the
    repository; add the emulator's provider and `emulator_endpoint` variable (cdktf_app/provider.py)
    unless the root brings its own; run init once; return the tftest handle."""
    base = tmp_path_factory.mktemp(root_dir.parent.name if root_dir.name == "fixture" else root_dir.name)
    (base / MODULES_DIR.name).symlink_to(MODULES_DIR, target_is_directory=True)
    root = base / root_dir.resolve().relative_to(REPO_ROOT)
    root.mkdir(parents=True)
    for path in [*root_dir.glob("*.tf"), *root_dir.glob(".terraform.lock.hcl")]:
        shutil.copy(path, root / path.name)
    if add_emulator_provider:
        provider = orjson.dumps(emulator_test_root(), option=orjson.OPT_INDENT_2)
        (root / "emulator_provider.tf.json").write_bytes(provider)
    handle = tftest.TerraformTest(root)
    handle.setup(cleanup_on_exit=True)
    return handle


def copy_root(source_dir: Path, target: Path) -> None:
    """Copy a Terraform root or module (no .terraform) with its relative module sources made absolute."""
    shutil.copytree(source_dir, target, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"), dirs_exist_ok=True)
    for path in target.rglob("*.tf"):
        path.write_text(_absolute_sources(path.read_text(), (source_dir / path.relative_to(target)).parent))


def _absolute_sources(text: str, base: Path) -> str:
    return LOCAL_SOURCE.sub(lambda match: f"{match[1]}{(base / match[2]).resolve()}{match[3]}", text)


def run_module_terraform_test(module_name: str, tmp_path: Path, source_dir: Path | None = None) -> str:
    """`terraform test` in a copy of modules/<module_name> (or of source_dir); return its output,
    fail the test on failure."""
    module = tmp_path / module_name
    copy_root(source_dir or MODULES_DIR / module_name, module)
    init = ["terraform", "init", "-backend=false", "-input=false", "-no-color"]
    subprocess.run(init, cwd=module, check=True, capture_output=True)
    result = subprocess.run(["terraform", "test", "-no-color"], cwd=module, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert " 0 failed" in result.stdout and "passed" in result.stdout, output
    return output


@dataclass(frozen=True)
class ModuleRoot:
    """An initialised test root (tests/modules/<module>/fixture) and the emulator it plans against."""

    tf: Any
    endpoint: str

    plans: dict[str, Any] = field(default_factory=dict)

    def plan(self, module_inputs: dict[str, Any]) -> Any:
        """A real plan of the module with these inputs (the root's var.module_inputs), made once per inputs."""
        key = json.dumps(module_inputs, sort_keys=True)
        if key not in self.plans:
            self.plans[key] = self.tf.plan(
                output=True, tf_vars={"emulator_endpoint": self.endpoint, "module_inputs": module_inputs}
            )
        return self.plans[key]


def inventories(test_file: str) -> list[Path]:
    """The YAML inventories beside a test module."""
    return sorted(Path(test_file).parent.glob("*.yaml"))


def assert_plan_matches_inventory(
    module_root: ModuleRoot, inventory_path: Path, inputs: Callable[[dict[str, Any]], dict[str, Any]] | None = None
) -> None:
    """Plan the module with the inventory's variables (through `inputs` when given) and compare."""
    from tests.modules.inventory import check_inventory, load_inventory

    inventory = load_inventory(inventory_path)
    variables = inventory["variables"]
    problems = check_inventory(inventory, module_root.plan(inputs(variables) if inputs else variables))
    assert not problems, "\n".join(problems)
