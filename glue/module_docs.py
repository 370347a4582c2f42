"""Inputs/outputs tables in each module's README, generated from variables.tf and outputs.tf."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"


@dataclass(frozen=True)
class Variable:
    name: str
    description: str | None
    type: str | None
    default: Any
    required: bool


@dataclass(frozen=True)
class Output:
    name: str
    description: str | None


def _unquote(value: Any) -> Any:
    """python-hcl2 keeps HCL's quotes on strings and wraps expressions in ${...}; undo both."""
    if isinstance(value, str):
        if len(value) >= 2 and value[0] == value[-1] == '"':
            return value[1:-1].replace('\\"', '"')
        if value.startswith("${") and value.endswith("}"):
            return value[2:-1]
        return value
    if isinstance(value, list):
        return [_unquote(item) for item in value]
    if isinstance(value, dict):
        return {_unquote(key): _unquote(item) for key, item in value.items() if key != "__is_block__"}
    return value


def _blocks(path: Path, kind: str) -> list[tuple[str, dict[str, Any]]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        document = hcl2.load(handle)
    return [(_unquote(name), body) for block in document.get(kind, []) for name, body in block.items()]


def read_variables(module: Path) -> list[Variable]:
    variables = []
    for name, body in _blocks(module / "variables.tf", "variable"):
        variables.append(
            Variable(
                name=name,
                description=_unquote(body.get("description")),
                type=_unquote(body.get("type")),
                default=_unquote(body.get("default")),
                required="default" not in body,
            )
        )
    return sorted(variables, key=lambda variable: variable.name)


def read_outputs(module: Path) -> list[Output]:
    outputs = [
        Output(name=name, description=_unquote(body.get("description")))
        for name, body in _blocks(module / "outputs.tf", "output")
    ]
    return sorted(outputs, key=lambda output: output.name)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default(variable: Variable) -> str:
    if variable.required:
        return "n/a"
    return f"`{'null' if variable.default is None else json.dumps(variable.default)}`"


def render_tables(module: Path) -> str:
    lines = [
        "## Inputs",
        "",
        "| Name | Description | Type | Default | Required |",
        "|------|-------------|------|---------|:--------:|",
    ]
    for variable in read_variables(module):
        lines.append(
            f"| {variable.name} | {_cell(variable.description or '')} | `{variable.type or 'any'}` | "
            f"{_cell(_default(variable))} | {'yes' if variable.required else 'no'} |"
        )
    lines += ["", "## Outputs", "", "| Name | Description |", "|------|-------------|"]
    lines += [f"| {output.name} | {_cell(output.description or '')} |" for output in read_outputs(module)]
    return "\n".join(lines)


def updated_readme(module: Path) -> tuple[str, str]:
    """(current README text, README text with fresh tables)."""
    readme = module / "README.md"
    current = readme.read_text(encoding="utf-8") if readme.exists() else f"# {module.name}\n\n{BEGIN}\n{END}\n"
    if BEGIN not in current or END not in current:
        current = f"{current.rstrip()}\n\n{BEGIN}\n{END}\n"
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return current, f"{head}{BEGIN}\n{render_tables(module)}\n{END}{tail}"


def modules_in(directory: Path) -> list[Path]:
    return sorted(path.parent for path in directory.glob("*/variables.tf"))
