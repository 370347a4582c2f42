"""Every module has the same shape: files, documented and typed inputs, documented outputs, fresh README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cdktf_app.paths import MODULES_DIR
from glue import module_docs

MODULES = module_docs.modules_in(MODULES_DIR)


def test_there_are_modules() -> None:
    assert MODULES, "modules/ must hold at least one module"


@pytest.mark.parametrize("module", MODULES, ids=[module.name for module in MODULES])
def test_module_layout(module: Path) -> None:
    for name in ("versions.tf", "variables.tf", "main.tf", "outputs.tf", "README.md"):
        assert (module / name).is_file(), f"{module.name} lacks {name}"
    assert list((module / "examples").glob("*/main.tf")), f"{module.name} has no examples/*/main.tf"
    assert list((module / "tests").glob("*.tftest.hcl")), f"{module.name} has no tests/*.tftest.hcl"
    versions = (module / "versions.tf").read_text()
    assert re.search(r'version\s*=\s*">= 5\.100, < 7"', versions), "AWS provider constraint must be >= 5.100, < 7"


@pytest.mark.parametrize("module", MODULES, ids=[module.name for module in MODULES])
def test_inputs_and_outputs_are_documented(module: Path) -> None:
    for variable in module_docs.read_variables(module):
        assert variable.description, f"{module.name}: variable {variable.name} has no description"
        assert variable.type, f"{module.name}: variable {variable.name} has no type"
    for output in module_docs.read_outputs(module):
        assert output.description, f"{module.name}: output {output.name} has no description"


@pytest.mark.parametrize("module", MODULES, ids=[module.name for module in MODULES])
def test_readme_tables_are_current(module: Path) -> None:
    current, fresh = module_docs.updated_readme(module)
    assert current == fresh, f"modules/{module.name}/README.md is out of date: run `make docs`"


def test_readme_check_notices_a_new_variable(tmp_path: Path) -> None:
    module = tmp_path / "example"
    module.mkdir()
    (module / "variables.tf").write_text('variable "a" {\n  description = "A."\n  type = string\n}\n')
    (module / "outputs.tf").write_text('output "b" {\n  description = "B."\n  value = 1\n}\n')
    _, fresh = module_docs.updated_readme(module)
    (module / "README.md").write_text(fresh)
    assert module_docs.updated_readme(module)[0] == module_docs.updated_readme(module)[1]
    (module / "variables.tf").write_text(
        (module / "variables.tf").read_text()
        + 'variable "c" {\n  description = "C | pipe."\n  type = number\n  default = 1\n}\n'
    )
    current, fresh = module_docs.updated_readme(module)
    assert current != fresh
    assert "| c | C \\| pipe. | `number` | `1` | no |" in fresh
