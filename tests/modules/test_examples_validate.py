"""Every module example validates on a clean checkout after a plain `terraform init` (no `make package`,
no other build step first).

One generated root calls every example as a child module, so that one `init` and one `validate`
check them all (each Terraform process loads the AWS provider, seconds of CPU each). An error is
reported with the example whose files, or whose module's files, it names."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from cdktf_app.paths import MODULES_DIR

pytestmark = pytest.mark.module
EXAMPLES = sorted(path.parent for path in MODULES_DIR.glob("*/examples/*/main.tf"))


def module_name(example: Path) -> str:
    module, _, name = example.relative_to(MODULES_DIR).parts
    return f"example_{module}_{name}"


@dataclass(frozen=True)
class Diagnostic:
    summary: str
    detail: str
    path: str  # relative to modules/, "" when the diagnostic names no file


@pytest.fixture(scope="module")
def errors(tmp_path_factory: pytest.TempPathFactory) -> list[Diagnostic]:
    """The errors of `terraform validate -json` of a root calling every example through a link to
    modules/ beside it (as tests/modules/harness.py does), so that relative sources, also examples
    calling sibling modules, resolve as in the repository."""
    base = tmp_path_factory.mktemp("examples")
    modules = base / MODULES_DIR.name
    modules.symlink_to(MODULES_DIR, target_is_directory=True)
    root = base / "root"
    root.mkdir()
    calls = {
        module_name(example): {"source": f"../{MODULES_DIR.name}/{example.relative_to(MODULES_DIR).as_posix()}"}
        for example in EXAMPLES
    }
    (root / "main.tf.json").write_text(json.dumps({"module": calls}), encoding="utf-8")
    init = subprocess.run(
        ["terraform", "init", "-backend=false", "-input=false", "-no-color"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert init.returncode == 0, f"terraform init of the examples failed:\n{init.stdout}{init.stderr}"
    result = subprocess.run(
        ["terraform", "validate", "-json", "-no-color"], cwd=root, capture_output=True, text=True, check=False
    )
    report = json.loads(result.stdout)
    assert report["valid"] == (result.returncode == 0)
    found = []
    for diagnostic in report["diagnostics"]:
        if diagnostic["severity"] != "error":
            continue
        filename = diagnostic.get("range", {}).get("filename", "")
        path = (root / filename).resolve() if filename else None
        relative = (
            path.relative_to(modules.resolve()).as_posix() if path and path.is_relative_to(modules.resolve()) else ""
        )
        found.append(Diagnostic(diagnostic["summary"], diagnostic.get("detail", ""), relative))
    return found


def concerns(diagnostic: Diagnostic, example: Path) -> bool:
    """An error in the example's own files, or in its module's files (outside the module's examples)."""
    module, _, _ = example.relative_to(MODULES_DIR).parts
    own = example.relative_to(MODULES_DIR).as_posix() + "/"
    return diagnostic.path.startswith(own) or (
        diagnostic.path.startswith(f"{module}/") and not diagnostic.path.startswith(f"{module}/examples/")
    )


def test_every_module_has_an_example() -> None:
    modules = {path.parent.name for path in MODULES_DIR.glob("*/main.tf")}
    assert modules == {example.parent.parent.name for example in EXAMPLES}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: str(path.relative_to(MODULES_DIR)))
def test_example_validates_after_plain_init(example: Path, errors: list[Diagnostic]) -> None:
    mine = [f"{d.path}: {d.summary}: {d.detail}" for d in errors if concerns(d, example)]
    assert not mine, "\n".join(mine)


def test_no_error_outside_the_examples_and_their_modules(errors: list[Diagnostic]) -> None:
    others = [f"{d.path or '(no file)'}: {d.summary}: {d.detail}" for d in errors if not d.path]
    assert not others, "\n".join(others)
