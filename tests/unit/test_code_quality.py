"""The repository stays formatted, linted and typed (the same checks as `make lint`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cdktf_app.paths import REPO_ROOT

BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        [str(BIN / "ruff"), "check", "--quiet", "."],
        [str(BIN / "ruff"), "format", "--check", "--quiet", "."],
        [str(BIN / "mypy")],
        ["terraform", "fmt", "-check", "-recursive", "modules", "terraform", "tests"],
    ],
    ids=["ruff-check", "ruff-format", "mypy", "terraform-fmt"],
)
def test_quality_gate(command: list[str]) -> None:
    result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
