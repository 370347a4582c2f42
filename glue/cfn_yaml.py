"""CloudFormation templates in YAML, short-form intrinsic functions included (!Ref, !Sub, !GetAtt A.B, ...),
read into their long form ({"Ref": ...}, {"Fn::Sub": ...}, {"Fn::GetAtt": [A, B]}, {"Condition": ...})."""

from __future__ import annotations

from typing import Any

import yaml


class CloudFormationLoader(yaml.SafeLoader):
    """A SafeLoader that also reads CloudFormation's short-form tags."""


def _construct(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix in ("Ref", "Condition"):
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


CloudFormationLoader.add_multi_constructor("!", _construct)


def load(text: str) -> Any:
    """The template's YAML (or JSON, a subset of YAML) as plain data, intrinsic functions in long form."""
    return yaml.load(text, Loader=CloudFormationLoader)  # noqa: S506 (a SafeLoader subclass)
