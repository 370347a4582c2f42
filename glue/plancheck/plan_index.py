"""A Terraform plan (`terraform show -json`) indexed for checks.

- every managed resource instance that the plan leaves in place, with its planned values and
  which of them are unknown until apply;
- its configuration block (expressions and their references), also inside modules;
- `referenced(resource, attribute)`: the resource instances an attribute's expression refers
  to, followed through module input variables and module outputs, with `each.key` and
  `count.index` carried along (how an encryption configuration behind for_each finds its
  bucket when the bucket's name is unknown until apply).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

# A value that is not known until apply.
UNKNOWN: Any = type("Unknown", (), {"__repr__": lambda self: "(known after apply)"})()

_MODULE_SEGMENT = re.compile(r'module\.([A-Za-z0-9_-]+)(?:\[("(?:[^"\\]|\\.)*"|\d+)\])?\.')
_RESOURCE_PART = re.compile(r'^(data\.)?([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)(?:\[("(?:[^"\\]|\\.)*"|\d+)\])?$')
_REFERENCE = re.compile(r'^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)(?:\[("(?:[^"\\]|\\.)*"|\d+)\])?')
_MODULE_REFERENCE = re.compile(r'^module\.([A-Za-z0-9_-]+)(?:\[("(?:[^"\\]|\\.)*"|\d+)\])?\.([A-Za-z0-9_-]+)')
_NON_RESOURCE = ("each.", "count.", "local.", "path.", "terraform.", "self.", "data.")

Segment = tuple[str, Any]  # (module call name, instance key or None)


def _key(text: str | None) -> Any:
    if text is None:
        return None
    if text.startswith('"'):
        return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return int(text)


def parse_address(address: str) -> tuple[tuple[Segment, ...], str, str, str, Any]:
    """`module.a["x"].aws_s3_bucket.this[0]` -> (((a, "x"),), "managed", type, name, index)."""
    segments: list[Segment] = []
    position = 0
    while True:
        match = _MODULE_SEGMENT.match(address, position)
        if not match:
            break
        segments.append((match[1], _key(match[2])))
        position = match.end()
    resource = _RESOURCE_PART.match(address[position:])
    if not resource or resource[2] == "module":
        raise ValueError(f"not a resource address: {address}")
    mode = "data" if resource[1] else "managed"
    return tuple(segments), mode, resource[2], resource[3], _key(resource[4])


def module_address(segments: tuple[Segment, ...]) -> str:
    parts = []
    for name, key in segments:
        if key is None:
            parts.append(f"module.{name}")
        elif isinstance(key, int):
            parts.append(f"module.{name}[{key}]")
        else:
            escaped = key.replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'module.{name}["{escaped}"]')
    return ".".join(parts)


@dataclass
class Resource:
    address: str
    type: str
    name: str
    index: Any
    segments: tuple[Segment, ...]
    actions: tuple[str, ...]
    values: dict[str, Any]
    unknown: Any
    sensitive: Any
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(action in ("create", "update", "delete") for action in self.actions)

    @property
    def module(self) -> str:
        return module_address(self.segments)

    def get(self, *path: str | int) -> Any:
        """The planned value at `path` (None when absent), or UNKNOWN when known only after apply."""
        value: Any = self.values
        marks: Any = self.unknown
        for step in path:
            if marks is True:
                return UNKNOWN
            if isinstance(value, dict):
                value = value.get(step) if isinstance(step, str) else None
            elif isinstance(value, list) and isinstance(step, int):
                value = value[step] if -len(value) <= step < len(value) else None
            else:
                value = None
            if isinstance(marks, dict):
                marks = marks.get(step) if isinstance(step, str) else None
            elif isinstance(marks, list) and isinstance(step, int):
                marks = marks[step] if -len(marks) <= step < len(marks) else None
            else:
                marks = None
        if marks is True or (value is None and has_unknown_marks(marks)):
            return UNKNOWN
        return value

    def has_unknown(self, *path: str | int) -> bool:
        """Whether anything at or below `path` is unknown until apply."""
        marks: Any = self.unknown
        for step in path:
            if marks is True:
                return True
            if isinstance(marks, dict) and isinstance(step, str):
                marks = marks.get(step)
            elif isinstance(marks, list) and isinstance(step, int) and -len(marks) <= step < len(marks):
                marks = marks[step]
            else:
                return False
        return has_unknown_marks(marks)

    def references(self, attribute: str, *path: str | int) -> list[str]:
        """The references of the expression at `attribute` (and `path` inside nested blocks)."""
        expression: Any = (self.config.get("expressions") or {}).get(attribute)
        for step in path:
            if isinstance(expression, list) and isinstance(step, int) and -len(expression) <= step < len(expression):
                expression = expression[step]
            elif isinstance(expression, dict) and isinstance(step, str):
                expression = expression.get(step)
            else:
                return []
        return list(expression.get("references", [])) if isinstance(expression, dict) else []


def _references_of(expression: Any) -> list[str]:
    if not isinstance(expression, dict):
        return []
    return [str(item) for item in expression.get("references") or []]


def _format_key(key: Any) -> str:
    if isinstance(key, int):
        return str(key)
    return '"' + str(key).replace("\\", "\\\\").replace('"', '\\"') + '"'


def has_unknown_marks(marks: Any) -> bool:
    """Whether an `after_unknown` tree marks anything as known only after apply."""
    if marks is True:
        return True
    if isinstance(marks, dict):
        return any(has_unknown_marks(item) for item in marks.values())
    if isinstance(marks, list):
        return any(has_unknown_marks(item) for item in marks)
    return False


class PlanIndex:
    """Resources of a plan by address and type, their configuration, and reference resolution."""

    def __init__(self, plan: dict[str, Any]) -> None:
        if not isinstance(plan, dict) or "format_version" not in plan:
            raise ValueError("not a Terraform plan in JSON (terraform show -json PLANFILE): no format_version")
        changes = plan.get("resource_changes") or []
        configuration = plan.get("configuration") or {}
        if not isinstance(changes, list) or not all(
            isinstance(change, dict) and isinstance(change.get("address"), str) for change in changes
        ):
            raise ValueError("not a Terraform plan in JSON: resource_changes is not a list of resource changes")
        if not isinstance(configuration, dict) or not isinstance(configuration.get("root_module") or {}, dict):
            raise ValueError("not a Terraform plan in JSON: configuration is not a mapping")
        self.plan = plan
        self.modules: dict[tuple[str, ...], dict[str, Any]] = {}
        self._blocks: dict[tuple[str, ...], dict[tuple[Any, Any], dict[str, Any]]] = {}
        self._index_configuration((plan.get("configuration") or {}).get("root_module") or {}, ())
        self.resources: dict[str, Resource] = {}
        self.by_type: dict[str, list[Resource]] = defaultdict(list)
        self._instances: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        self.deleted: list[str] = []
        for change in plan.get("resource_changes") or []:
            self._add(change)

    def _index_configuration(self, module: dict[str, Any], path: tuple[str, ...]) -> None:
        self.modules[path] = module
        for name, call in (module.get("module_calls") or {}).items():
            self._index_configuration(call.get("module") or {}, (*path, name))

    def _add(self, change: dict[str, Any]) -> None:
        if change.get("mode") != "managed":
            return
        details = change.get("change") or {}
        actions = tuple(details.get("actions") or ())
        if actions == ("delete",):
            self.deleted.append(change["address"])
            return
        segments, _, type_, name, index = parse_address(change["address"])
        resource = Resource(
            address=change["address"],
            type=type_,
            name=name,
            index=index,
            segments=segments,
            actions=actions,
            values=details.get("after") or {},
            unknown=details.get("after_unknown") or {},
            sensitive=details.get("after_sensitive") or {},
            config=self._resource_config(segments, type_, name),
        )
        self.resources[resource.address] = resource
        self.by_type[type_].append(resource)
        self._instances[(module_address(segments), f"{type_}.{name}")].append(resource)

    def _resource_config(self, segments: tuple[Segment, ...], type_: str, name: str) -> dict[str, Any]:
        path = tuple(segment[0] for segment in segments)
        if path not in self._blocks:
            module = self.modules.get(path) or {}
            self._blocks[path] = {
                (block.get("type"), block.get("name")): block
                for block in module.get("resources") or []
                if block.get("mode", "managed") == "managed"
            }
        return self._blocks[path].get((type_, name)) or {}

    def of_type(self, *types: str) -> list[Resource]:
        return [resource for type_ in types for resource in self.by_type.get(type_, [])]

    @cached_property
    def default_tags(self) -> dict[str, dict[str, Any]]:
        """Provider configuration key -> default_tags (constant values only)."""
        found: dict[str, dict[str, Any]] = {}
        for key, provider in ((self.plan.get("configuration") or {}).get("provider_config") or {}).items():
            blocks = (provider.get("expressions") or {}).get("default_tags") or []
            for block in blocks if isinstance(blocks, list) else []:
                tags = (block.get("tags") or {}).get("constant_value")
                if isinstance(tags, dict):
                    found[key] = tags
        return found

    # ------------------------------------------------------------------ references

    def referenced(self, resource: Resource, attribute: str, *path: str | int) -> list[Resource]:
        """Resource instances that the expression of `attribute` (`path` in nested blocks) refers to;
        empty when it refers to none this plan holds."""
        found: dict[str, Resource] = {}
        references = resource.references(attribute, *path)
        for_each = _references_of(resource.config.get("for_each_expression"))
        for target in self._resolve(resource.segments, references, resource.index, 0, for_each):
            found[target.address] = target
        return list(found.values())

    def _resolve(
        self,
        segments: tuple[Segment, ...],
        references: list[str],
        each: Any,
        depth: int,
        for_each: list[str] | None = None,
        keyed: bool | None = None,
    ) -> list[Resource]:
        """`each` is the instance key of the scope the references are written in (each.key or
        count.index); `for_each` the references of that scope's for_each expression (for each.value);
        `keyed`: an unindexed reference is indexed by `each` (default: when each.key/count.index is
        among the references)."""
        if depth > 32:
            return []
        if keyed is None:
            keyed = "each.key" in references or "count.index" in references
        results: list[Resource] = []
        literal = {reference for reference in references if _REFERENCE.match(reference) and "[" in reference}
        for reference in references:
            if reference == "each.value" or reference.startswith("each.value."):
                results += self._through_each_value(segments, reference, references, each, depth, for_each or [])
            elif reference.startswith("var."):
                results += self._through_variable(segments, reference.split(".")[1], depth)
            elif reference.startswith("module."):
                results += self._through_output(segments, reference, keyed, each, depth)
            elif reference.startswith(_NON_RESOURCE):
                continue
            else:
                match = _REFERENCE.match(reference)
                if not match:
                    continue
                base = f"{match[1]}.{match[2]}"
                if match[3] is None and any(item.startswith(f"{base}[") for item in literal):
                    continue  # the literal-index form of the same reference is more precise
                instances = self._instances.get((module_address(segments), base), [])
                if match[3] is not None:
                    key = _key(match[3])
                    results += [item for item in instances if item.index == key]
                elif keyed:
                    # Indexed by each.key/count.index: the instance with that key. An instance key
                    # that matches none is not guessed (a single unindexed instance still counts).
                    matching = [item for item in instances if item.index == each]
                    results += matching or [item for item in instances if item.index is None]
                else:
                    results += instances
        return results

    def _through_each_value(
        self,
        segments: tuple[Segment, ...],
        reference: str,
        references: list[str],
        each: Any,
        depth: int,
        for_each: list[str],
    ) -> list[Resource]:
        """`each.value.x` where the scope's for_each is a resource or module: that one's instance
        `each.key`, attribute x. Only the longest each.value reference of an expression is followed."""
        if each is None or any(item.startswith(reference + ".") for item in references):
            return []
        rest = reference[len("each.value") :]
        key = _format_key(each)
        results: list[Resource] = []
        for target in for_each:
            resource = _REFERENCE.fullmatch(target) and not target.startswith((*_NON_RESOURCE, "var."))
            if (resource or re.fullmatch(r"module\.[A-Za-z0-9_-]+", target)) and "[" not in target:
                results += self._resolve(segments, [f"{target}[{key}]{rest}"], each, depth + 1, keyed=False)
        return results

    def _through_variable(self, segments: tuple[Segment, ...], variable: str, depth: int) -> list[Resource]:
        if not segments:
            return []
        parent, (call, key) = segments[:-1], segments[-1]
        calls = self.modules.get(tuple(segment[0] for segment in parent), {}).get("module_calls") or {}
        expression = ((calls.get(call) or {}).get("expressions") or {}).get(variable)
        if not isinstance(expression, dict):
            return []
        for_each = _references_of((calls.get(call) or {}).get("for_each_expression"))
        return self._resolve(parent, _references_of(expression), key, depth + 1, for_each)

    def _through_output(
        self, segments: tuple[Segment, ...], reference: str, keyed: bool, each: Any, depth: int
    ) -> list[Resource]:
        match = _MODULE_REFERENCE.match(reference)
        if not match:
            return []
        call, output = match[1], match[3]
        path = (*(segment[0] for segment in segments), call)
        module = self.modules.get(path) or {}
        expression = ((module.get("outputs") or {}).get(output) or {}).get("expression") or {}
        if match[2] is not None:
            keys = [_key(match[2])]
        elif keyed:
            keys = [each]
        else:
            keys = self._module_keys(segments, call)
        results: list[Resource] = []
        for key in keys:
            results += self._resolve((*segments, (call, key)), _references_of(expression), key, depth + 1)
        return results

    def _module_keys(self, segments: tuple[Segment, ...], call: str) -> list[Any]:
        prefix = module_address(segments)
        keys = {
            resource.segments[len(segments)][1]
            for resource in self.resources.values()
            if len(resource.segments) > len(segments)
            and resource.segments[len(segments)][0] == call
            and module_address(resource.segments[: len(segments)]) == prefix
        }
        return sorted(keys, key=repr) or [None]
