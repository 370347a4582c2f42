"""Offline check of a pipeline definition JSON (standard library only).

    python -m pipelines.check_definition pipeline.json

Exit 0 when every check passes; exit 1 with one line per problem. It checks what the SDK does
not: the format version; parameter names and types (unique, known type, default of that type);
step names (valid, unique across the whole pipeline including condition branches); that every
``Get`` of ``Parameters.X``, ``Steps.X...`` and ``Execution.X``, and every ``Std:JsonGet``
property file, resolves; that ``DependsOn`` names existing steps; that the dependency graph
implied by those references has no cycle; and that the document is under the CreatePipeline
size limit. It does not check job arguments against the SageMaker API (instance types, image
URIs, IAM, S3 access): only CreatePipeline and a real execution do.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

KNOWN_VERSIONS = ("2020-12-01",)
MAX_DEFINITION_BYTES = 1024 * 1024
PARAMETER_TYPES = {"String": (str,), "Integer": (int,), "Float": (int, float), "Boolean": (bool,)}
EXECUTION_VARIABLES = frozenset(
    {
        "ExecutionId",
        "PipelineExecutionId",
        "PipelineExecutionArn",
        "PipelineName",
        "PipelineArn",
        "StartDateTime",
        "CurrentDateTime",
    }
)
_NAME = re.compile(r"^[A-Za-z0-9\-_]{1,256}$")
_STEP_NAME = re.compile(r"^[A-Za-z0-9\-_]{1,64}$")
_STEP_REF = re.compile(r"^Steps\.([A-Za-z0-9\-_]+)(.*)$")
_PROPERTY_FILE_REF = re.compile(r"^\.PropertyFiles\.([A-Za-z0-9\-_]+)$")


def _walk_steps(
    steps: Any, where: str, problems: list[str], parent: str | None = None
) -> Iterator[tuple[dict[str, Any], str | None]]:
    """(step, enclosing condition step) for every step, condition branches included, in document order."""
    if not isinstance(steps, list):
        problems.append(f"{where}: must be a list of steps")
        return
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            problems.append(f"{where}[{index}]: step is not an object")
            continue
        yield step, parent
        arguments = step.get("Arguments")
        if step.get("Type") == "Condition" and isinstance(arguments, dict):
            name = step.get("Name")
            for branch in ("IfSteps", "ElseSteps"):
                yield from _walk_steps(arguments.get(branch, []), f"step '{name}' {branch}", problems, name)


def _references(node: Any) -> Iterator[tuple[str, Any]]:
    """(kind, value) for every ``Get`` and ``Std:JsonGet`` inside ``node``, without entering nested steps."""
    if isinstance(node, dict):
        if set(node) == {"Get"}:
            yield "Get", node["Get"]
            return
        for key, value in node.items():
            if key == "Std:JsonGet":
                yield "JsonGet", value
            elif key not in ("IfSteps", "ElseSteps"):
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def _check_parameters(definition: dict[str, Any], problems: list[str]) -> set[str]:
    parameters = definition.get("Parameters", [])
    names: set[str] = set()
    if not isinstance(parameters, list):
        problems.append("Parameters: must be a list")
        return names
    for index, parameter in enumerate(parameters):
        if not isinstance(parameter, dict):
            problems.append(f"Parameters[{index}]: is not an object")
            continue
        name, kind = parameter.get("Name"), parameter.get("Type")
        if not isinstance(name, str) or not _NAME.match(name):
            problems.append(f"Parameters[{index}]: invalid name {name!r}")
            continue
        if name in names:
            problems.append(f"parameter '{name}': defined more than once")
        names.add(name)
        if kind not in PARAMETER_TYPES:
            problems.append(f"parameter '{name}': unknown type {kind!r} (expected one of {', '.join(PARAMETER_TYPES)})")
        elif "DefaultValue" in parameter:
            default = parameter["DefaultValue"]
            wrong_bool = isinstance(default, bool) and kind != "Boolean"
            if wrong_bool or not isinstance(default, PARAMETER_TYPES[kind]):
                problems.append(f"parameter '{name}': default {default!r} is not a {kind}")
    return names


def _property_files(step: dict[str, Any]) -> set[str]:
    files = step.get("PropertyFiles", [])
    if not isinstance(files, list):
        return set()
    return {
        item["PropertyFileName"]
        for item in files
        if isinstance(item, dict) and isinstance(item.get("PropertyFileName"), str)
    }


def _check_step_property_files(step: dict[str, Any], problems: list[str]) -> None:
    name = step.get("Name")
    files = step.get("PropertyFiles", [])
    if not files:
        return
    outputs = step.get("Arguments", {}).get("ProcessingOutputConfig", {}).get("Outputs", [])
    output_names = {item.get("OutputName") for item in outputs if isinstance(item, dict)}
    seen: set[str] = set()
    for item in files if isinstance(files, list) else []:
        file_name = item.get("PropertyFileName") if isinstance(item, dict) else None
        if not isinstance(file_name, str):
            problems.append(f"step '{name}': property file without a PropertyFileName")
            continue
        if file_name in seen:
            problems.append(f"step '{name}': property file '{file_name}' defined more than once")
        seen.add(file_name)
        if item.get("OutputName") not in output_names:
            problems.append(
                f"step '{name}': property file '{file_name}' reads output {item.get('OutputName')!r}, "
                "which the step does not produce"
            )


class _Resolver:
    """Resolves references of one definition and records the step graph they imply."""

    def __init__(self, parameters: set[str], steps: dict[str, dict[str, Any]], problems: list[str]) -> None:
        self.parameters = parameters
        self.steps = steps
        self.problems = problems
        self.edges: dict[str, set[str]] = {name: set() for name in steps}

    def get(self, owner: str, value: Any) -> None:
        if not isinstance(value, str):
            self.problems.append(f"step '{owner}': Get of a non-string {value!r}")
            return
        head, _, rest = value.partition(".")
        if head == "Parameters":
            if rest not in self.parameters:
                self.problems.append(
                    f"step '{owner}': '{value}' names no parameter (add it to the pipeline's parameters)"
                )
        elif head == "Execution":
            if rest not in EXECUTION_VARIABLES:
                self.problems.append(f"step '{owner}': '{value}' is not an execution variable")
        elif head == "Steps":
            self.step(owner, value)
        else:
            self.problems.append(f"step '{owner}': unknown reference '{value}'")

    def step(self, owner: str, value: str) -> str | None:
        match = _STEP_REF.match(value)
        target = match.group(1) if match else None
        if target is None or target not in self.steps:
            self.problems.append(f"step '{owner}': '{value}' names no step")
            return None
        if target == owner:
            self.problems.append(f"step '{owner}': '{value}' refers to the step itself")
        self.edges[owner].add(target)
        assert match is not None
        file_match = _PROPERTY_FILE_REF.match(match.group(2))
        if file_match and file_match.group(1) not in _property_files(self.steps[target]):
            self.problems.append(f"step '{owner}': step '{target}' has no property file '{file_match.group(1)}'")
        return target

    def json_get(self, owner: str, value: Any) -> None:
        if not isinstance(value, dict) or not isinstance(value.get("Path"), str):
            self.problems.append(f"step '{owner}': Std:JsonGet needs a PropertyFile and a string Path")
            return
        reference = value.get("PropertyFile")
        if isinstance(reference, dict) and isinstance(reference.get("Get"), str):
            target = reference["Get"]
            if not _PROPERTY_FILE_REF.match(_STEP_REF.sub(r"\2", target)):
                self.problems.append(f"step '{owner}': Std:JsonGet reads '{target}', which is not a property file")
            self.step(owner, target)
        elif isinstance(reference, str):  # older form: the property file's name alone
            if not any(reference in _property_files(step) for step in self.steps.values()):
                self.problems.append(f"step '{owner}': no step has a property file '{reference}'")
        else:
            self.problems.append(f"step '{owner}': Std:JsonGet without a PropertyFile reference")

    def depends_on(self, owner: str, targets: Any) -> None:
        if not isinstance(targets, list):
            self.problems.append(f"step '{owner}': DependsOn must be a list of step names")
            return
        for target in targets:
            if target not in self.steps:
                self.problems.append(f"step '{owner}': DependsOn names unknown step {target!r}")
            elif target == owner:
                self.problems.append(f"step '{owner}': DependsOn names the step itself")
            else:
                self.edges[owner].add(target)


def _find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path that starts and ends at the same step, or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def check_definition(definition: Any, size: int | None = None) -> list[str]:
    """The problems of a parsed definition (``size``: its length in bytes, when known)."""
    problems: list[str] = []
    if size is not None and size > MAX_DEFINITION_BYTES:
        problems.append(f"definition is {size} bytes, over the CreatePipeline limit of {MAX_DEFINITION_BYTES}")
    if not isinstance(definition, dict):
        return [*problems, "definition: the top level must be a JSON object"]
    if definition.get("Version") not in KNOWN_VERSIONS:
        problems.append(f"Version: {definition.get('Version')!r} is not one of {', '.join(KNOWN_VERSIONS)}")
    parameters = _check_parameters(definition, problems)
    steps: dict[str, dict[str, Any]] = {}
    parents: dict[str, str] = {}
    for step, parent in _walk_steps(definition.get("Steps"), "Steps", problems):
        name = step.get("Name")
        if not isinstance(name, str) or not _STEP_NAME.match(name):
            problems.append(f"step name {name!r} is invalid (1-64 of A-Z a-z 0-9 - _)")
            continue
        if name in steps:
            problems.append(f"step '{name}': defined more than once")
            continue
        if not isinstance(step.get("Type"), str):
            problems.append(f"step '{name}': has no Type")
        steps[name] = step
        if parent is not None:
            parents[name] = parent
    if not steps and isinstance(definition.get("Steps"), list):
        problems.append("Steps: the pipeline has no steps")
    resolver = _Resolver(parameters, steps, problems)
    for child, parent in parents.items():
        if parent in steps:
            resolver.edges[child].add(parent)  # a branch step runs after its condition
    for name, step in steps.items():
        _check_step_property_files(step, problems)
        for kind, value in _references(step.get("Arguments", {})):
            if kind == "Get":
                resolver.get(name, value)
            else:
                resolver.json_get(name, value)
        if "DependsOn" in step:
            resolver.depends_on(name, step["DependsOn"])
    cycle = _find_cycle(resolver.edges)
    if cycle:
        problems.append(f"steps form a cycle: {' -> '.join(cycle)}")
    return problems


def check_text(text: str) -> list[str]:
    """The problems of a definition given as JSON text."""
    try:
        definition = json.loads(text)
    except json.JSONDecodeError as error:
        return [f"definition is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"]
    return check_definition(definition, size=len(text.encode("utf-8")))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m pipelines.check_definition DEFINITION.json", file=sys.stderr)
        return 2
    path = Path(args[0])
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        print(f"{path}: cannot read ({error.strerror})", file=sys.stderr)
        return 1
    problems = check_text(text)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"{path}: ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
