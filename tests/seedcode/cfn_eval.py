"""Just enough CloudFormation to check endpoint.yml against the build's parameters, offline.

- `load`: the template with its short-form tags (!Ref, !If, ...) turned into the long form,
- `check_parameters`: what CloudFormation checks when a stack is created with a template
  configuration file (no unknown parameters, every parameter without Default given,
  AllowedValues, AllowedPattern, Min/MaxLength, Min/MaxValue),
- `conditions` and `created`: the Conditions' values and the resources they create,
- `resolve`: Ref, Fn::Sub, Fn::Join, Fn::If of a property with the parameter values.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from glue import cfn_yaml


def load(path: Path) -> dict[str, Any]:
    document = cfn_yaml.load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def parameter_values(template: dict[str, Any], given: dict[str, str]) -> dict[str, Any]:
    """Given values over defaults; CommaDelimitedList values as lists."""
    values: dict[str, Any] = {}
    for name, spec in template["Parameters"].items():
        raw = given.get(name, spec.get("Default"))
        if raw is None:
            continue
        raw = str(raw)
        values[name] = raw.split(",") if spec["Type"] == "CommaDelimitedList" else raw
    return values


def check_parameters(template: dict[str, Any], given: dict[str, str]) -> list[str]:
    """Problems CloudFormation would report for these parameter values (empty: none)."""
    specs = template["Parameters"]
    problems = [f"{name}: not a parameter of the template" for name in sorted(set(given) - set(specs))]
    for name, spec in specs.items():
        if name not in given and "Default" not in spec:
            problems.append(f"{name}: must have a value (no Default)")
            continue
        value = str(given.get(name, spec.get("Default")))
        if not isinstance(given.get(name, ""), str):
            problems.append(f"{name}: template configuration values must be strings")
        if "AllowedValues" in spec and value not in [str(item) for item in spec["AllowedValues"]]:
            problems.append(f"{name}: {value!r} not in {spec['AllowedValues']}")
        if "AllowedPattern" in spec and not re.fullmatch(spec["AllowedPattern"], value):
            problems.append(f"{name}: {value!r} does not match {spec['AllowedPattern']}")
        if "MinLength" in spec and len(value) < spec["MinLength"]:
            problems.append(f"{name}: {value!r} shorter than {spec['MinLength']}")
        if "MaxLength" in spec and len(value) > spec["MaxLength"]:
            problems.append(f"{name}: {value!r} longer than {spec['MaxLength']}")
        if spec["Type"] == "Number":
            try:
                number = float(value)
            except ValueError:
                problems.append(f"{name}: {value!r} is not a number")
                continue
            if "MinValue" in spec and number < spec["MinValue"]:
                problems.append(f"{name}: {value} below {spec['MinValue']}")
            if "MaxValue" in spec and number > spec["MaxValue"]:
                problems.append(f"{name}: {value} above {spec['MaxValue']}")
    return problems


def resolve(value: Any, values: dict[str, Any], conditions: dict[str, bool] | None = None) -> Any:
    """Ref, Fn::Sub (both forms; parameters and ${Resource.Attribute} left as is), Fn::Join, Fn::If, Fn::Select."""
    if isinstance(value, list):
        return [resolve(item, values, conditions) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        return values.get(value["Ref"], value)
    if set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], list):
        text, variables = value["Fn::Sub"]
        local = {**values, **{name: resolve(item, values, conditions) for name, item in variables.items()}}
        return resolve({"Fn::Sub": text}, local, conditions)
    if set(value) == {"Fn::Sub"}:
        return re.sub(
            r"\$\{([A-Za-z0-9:]+)\}", lambda match: str(values.get(match.group(1), match.group(0))), value["Fn::Sub"]
        )
    if set(value) == {"Fn::Join"}:
        separator, items = value["Fn::Join"]
        resolved = resolve(items, values, conditions)
        return separator.join(str(item) for item in (resolved if isinstance(resolved, list) else [resolved]))
    if set(value) == {"Fn::If"} and conditions is not None:
        name, then, otherwise = value["Fn::If"]
        return resolve(then if conditions[name] else otherwise, values, conditions)
    return {key: resolve(item, values, conditions) for key, item in value.items()}


def conditions(template: dict[str, Any], given: dict[str, str]) -> dict[str, bool]:
    values = parameter_values(template, given)
    definitions = template["Conditions"]
    results: dict[str, bool] = {}

    def evaluate(expression: Any) -> bool:
        ((function, argument),) = expression.items()
        if function == "Condition":
            return condition(argument)
        if function == "Fn::Equals":
            left, right = (resolve(item, values) for item in argument)
            return str(left) == str(right)
        if function == "Fn::Not":
            return not evaluate(argument[0])
        if function == "Fn::And":
            return all(evaluate(item) for item in argument)
        if function == "Fn::Or":
            return any(evaluate(item) for item in argument)
        raise ValueError(f"unsupported condition function {function}")

    def condition(name: str) -> bool:
        if name not in results:
            results[name] = evaluate(definitions[name])
        return results[name]

    for name in definitions:
        condition(name)
    return results


def created(template: dict[str, Any], given: dict[str, str]) -> set[str]:
    """Logical ids of the resources a stack with these parameters has."""
    values = conditions(template, given)
    return {name for name, resource in template["Resources"].items() if values.get(resource.get("Condition"), True)}
