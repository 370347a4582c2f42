"""Shared plumbing for module tests: a per-worker copy of a tftest root, and `terraform test` runs.

Copies keep parallel pytest workers from sharing a .terraform folder; the module source in the
root's main.tf is rewritten to the module's absolute path. A test root holds only the module
call and its own variables: the harness adds the emulator provider.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import orjson
import pytest
import tftest

from cdktf_app.paths import MODULES_DIR
from cdktf_app.provider import emulator_test_root

# How test roots refer to the module under test (tests/modules/<module>/fixture/main.tf).
RELATIVE_MODULES = "../../../../modules/"


def init_test_root(fixture_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Copy a test root to a temporary folder, point it at modules/, add the emulator's provider and
    `emulator_endpoint` variable (cdktf_app/provider.py), run init once; return the tftest handle."""
    root = tmp_path_factory.mktemp(fixture_dir.parent.name)
    for source in fixture_dir.glob("*.tf"):
        (root / source.name).write_text(source.read_text().replace(f'"{RELATIVE_MODULES}', f'"{MODULES_DIR}/'))
    (root / "emulator_provider.tf.json").write_bytes(orjson.dumps(emulator_test_root(), option=orjson.OPT_INDENT_2))
    handle = tftest.TerraformTest(root)
    handle.setup(cleanup_on_exit=True)
    return handle


def run_module_terraform_test(module_name: str, tmp_path: Path) -> str:
    """`terraform test` in a copy of modules/<module_name>; return its output, fail the test on failure."""
    module = tmp_path / module_name
    shutil.copytree(MODULES_DIR / module_name, module, ignore=shutil.ignore_patterns(".terraform*"))
    init = ["terraform", "init", "-backend=false", "-input=false", "-no-color"]
    subprocess.run(init, cwd=module, check=True, capture_output=True)
    result = subprocess.run(["terraform", "test", "-no-color"], cwd=module, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert " 0 failed" in result.stdout and "passed" in result.stdout, output
    return output
