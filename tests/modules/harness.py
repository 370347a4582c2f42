"""Shared plumbing for module tests: a per-worker copy of a tftest root, and `terraform test` runs.

Copies keep parallel pytest workers from sharing a .terraform folder. Test roots keep their
relative module sources (a link to modules/ sits where the repository has it); module copies
for `terraform test` get absolute sources instead. A test root (tests/modules/<m>/fixture) holds
only the module call and its own variables; the harness wraps it in a generated root that calls
it once per case (`module.case["c0"]`, ...) and adds the emulator provider, so that all the
inputs a test file plans (its inventories, its mismatch cases) cost one `terraform plan`:
most of a plan's time is loading the AWS provider's schema, whatever the number of resources.
Each case's plan is handed to the tests with its own addresses (`module.this...`) and outputs.
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
from glue.plancheck.plan_index import has_unknown_marks

LOCAL_SOURCE = re.compile(r'(\bsource\s*=\s*")(\.\.?/[^"]*)(")')


def _copy_root(root_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copy a Terraform root (its .tf files) to a temporary folder at the same place relative to a
    link to modules/, so that relative module sources (also modules that call sibling modules)
    resolve as in the repository."""
    base = tmp_path_factory.mktemp(root_dir.parent.name if root_dir.name == "fixture" else root_dir.name)
    (base / MODULES_DIR.name).symlink_to(MODULES_DIR, target_is_directory=True)
    root = base / root_dir.resolve().relative_to(REPO_ROOT)
    root.mkdir(parents=True)
    for path in root_dir.glob("*.tf"):
        shutil.copy(path, root / path.name)
    return root


def _init(root: Path, lock_source: Path, add_emulator_provider: bool = True) -> Any:
    for lock in lock_source.glob(".terraform.lock.hcl"):
        shutil.copy(lock, root / lock.name)
    if add_emulator_provider:
        provider = orjson.dumps(emulator_test_root(), option=orjson.OPT_INDENT_2)
        (root / "emulator_provider.tf.json").write_bytes(provider)
    handle = tftest.TerraformTest(root)
    handle.setup(cleanup_on_exit=True)
    return handle


def init_test_root(root_dir: Path, tmp_path_factory: pytest.TempPathFactory, add_emulator_provider: bool = True) -> Any:
    """A copy of a Terraform root (see _copy_root) with the emulator's provider and `emulator_endpoint`
    variable (cdktf_app/provider.py) unless the root brings its own, initialised; its tftest handle."""
    return _init(_copy_root(root_dir, tmp_path_factory), root_dir, add_emulator_provider)


def init_cases_root(root_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A copy of a test root (see _copy_root) and, beside it, a generated root that calls it once per
    case (var.cases), with the emulator's provider, initialised; the tftest handle of the generated root."""
    root = _copy_root(root_dir, tmp_path_factory)
    wrapper = root.parent
    (wrapper / "cases.tf.json").write_bytes(orjson.dumps(_cases_root(f"./{root.name}"), option=orjson.OPT_INDENT_2))
    return _init(wrapper, root_dir)


def _cases_root(source: str) -> dict[str, Any]:
    """Terraform JSON: the test root called once per entry of var.cases, its outputs as one output."""
    return {
        "variable": {"cases": {"type": "any", "description": "Module inputs by case name."}},
        "module": {"case": {"source": source, "for_each": "${var.cases}", "module_inputs": "${each.value}"}},
        # Sensitive so that a root exposing a sensitive output still plans; the plan JSON keeps values.
        "output": {"cases": {"value": "${module.case}", "sensitive": True}},
    }


def case_plan(raw: dict[str, Any], case: str) -> Any:
    """One case of a multi-case plan as a plan of its own: addresses without the `module.case[...]`
    prefix, and the test root's outputs (those unknown until apply carry no value, as in tftest)."""
    prefix = f'module.case["{case}"]'
    changes = []
    for change in raw.get("resource_changes", []):
        if not change["address"].startswith(f"{prefix}."):
            continue
        change = {**change, "address": change["address"][len(prefix) + 1 :]}
        module_address = change.pop("module_address", prefix)
        if module_address != prefix:
            change["module_address"] = module_address[len(prefix) + 1 :]
        changes.append(change)
    output_change = raw.get("output_changes", {}).get("cases", {})
    after = (output_change.get("after") or {}).get(case) or {}
    unknown = output_change.get("after_unknown", False)
    unknown = unknown.get(case, False) if isinstance(unknown, dict) else unknown
    outputs: dict[str, Any] = {}
    for name, value in after.items():
        value_unknown = unknown.get(name, False) if isinstance(unknown, dict) else unknown
        outputs[name] = (
            {"sensitive": False} if has_unknown_marks(value_unknown) else {"sensitive": False, "value": value}
        )
    planned = {"outputs": outputs, "root_module": {}}
    return tftest.TerraformPlanOutput({**raw, "resource_changes": changes, "planned_values": planned})


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


@dataclass
class ModuleRoot:
    """An initialised test root (tests/modules/<module>/fixture) and the emulator it plans against.

    `expected_inputs` are planned together, in one `terraform plan`, at the first `plan` call;
    inputs not among them are planned on their own when asked for."""

    tf: Any
    endpoint: str
    expected_inputs: list[dict[str, Any]] = field(default_factory=list)
    plans: dict[str, Any] = field(default_factory=dict)

    def plan(self, module_inputs: dict[str, Any]) -> Any:
        """A real plan of the test root with these inputs (its var.module_inputs), made once per inputs."""
        key = _inputs_key(module_inputs)
        if key not in self.plans:
            batch = {key: module_inputs}
            for inputs in self.expected_inputs:
                batch.setdefault(_inputs_key(inputs), inputs)
            self.expected_inputs = []
            cases = {f"c{index}": inputs for index, inputs in enumerate(batch.values())}
            plan = self.tf.plan(output=True, tf_vars={"emulator_endpoint": self.endpoint, "cases": cases})
            for (batch_key, _), case in zip(batch.items(), cases, strict=True):
                self.plans[batch_key] = case_plan(plan._raw, case)
        return self.plans[key]


def _inputs_key(module_inputs: dict[str, Any]) -> str:
    return json.dumps(module_inputs, sort_keys=True)


def inventories(test_file: str) -> list[Path]:
    """The YAML inventories beside a test module."""
    return sorted(Path(test_file).parent.glob("*.yaml"))


def inventory_inputs(paths: list[Path]) -> list[dict[str, Any]]:
    """The module inputs (variables) of these inventories."""
    from tests.modules.inventory import load_inventory

    return [load_inventory(path)["variables"] for path in paths]


def assert_plan_matches_inventory(
    module_root: ModuleRoot, inventory_path: Path, inputs: Callable[[dict[str, Any]], dict[str, Any]] | None = None
) -> None:
    """Plan the module with the inventory's variables (through `inputs` when given) and compare."""
    from tests.modules.inventory import check_inventory, load_inventory

    inventory = load_inventory(inventory_path)
    variables = inventory["variables"]
    problems = check_inventory(inventory, module_root.plan(inputs(variables) if inputs else variables))
    assert not problems, "\n".join(problems)
