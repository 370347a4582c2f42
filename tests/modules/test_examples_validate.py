"""Every module example validates on a clean checkout after a plain `terraform init` (no `make package`,
no other build step first)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cdktf_app.paths import MODULES_DIR

pytestmark = pytest.mark.module
EXAMPLES = sorted(path.parent for path in MODULES_DIR.glob("*/examples/*/main.tf"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: str(path.relative_to(MODULES_DIR)))
def test_example_validates_after_plain_init(example: Path, tmp_path: Path) -> None:
    # A copy of modules/ keeps every relative source (examples calling sibling modules) as it is.
    modules = tmp_path / MODULES_DIR.name
    shutil.copytree(MODULES_DIR, modules, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
    root = modules / example.relative_to(MODULES_DIR)
    for command in (["init", "-backend=false", "-input=false"], ["validate"]):
        result = subprocess.run(
            ["terraform", *command, "-no-color"], cwd=root, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"terraform {command[0]} failed in {example}:\n{result.stdout}{result.stderr}"
