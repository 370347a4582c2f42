"""Which CloudFormation resource-handler permissions relate to which resource properties.

A resource provider schema's handler permissions are the union over every property combination: the create
list of AWS::S3::Bucket holds s3:PutBucketWebsite and s3tables:CreateTable although most buckets set neither
WebsiteConfiguration nor MetadataTableConfiguration. This module ties each handler action to the schema
properties its name speaks of, so that a check can tell the actions a template needs from those it may need:

- the schema's `tagging.permissions` relate to its tag property (`tagging.tagProperty`, default Tags);
- otherwise the action's name words (s3:PutBucketWebsite -> website), and the words of its service prefix when
  that is another service than the type's own (s3tables:CreateTable -> table), are matched against the words of
  the writable top-level property names (WebsiteConfiguration -> website, configuration), each shared word
  weighted by how few properties carry it; the best-scoring properties are the related ones;
- when no top-level name shares a word, the same match runs against the names inside each property (nested
  properties and the definitions they refer to: ReplicationConfiguration holds Role, so iam:PassRole relates
  to it);
- an action that shares no word with any property (s3:CreateBucket, codepipeline:GetPipeline) relates to none:
  it is core, needed whatever the template sets.

Words are CamelCase parts, lower-cased and lightly stemmed (Tagging, Tags -> tag); verbs (Put, Get, Create, ...),
linking words (For, On, ...), identifiers (Name, Arn, Id, Resource) and the words of the resource type name
(Bucket for AWS::S3::Bucket) carry no meaning here and are dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# Verbs that say what is done, not to which feature; dropping them keeps "PutBucketWebsite" about "website".
# fmt: off
VERBS = frozenset([
    "get", "put", "create", "delete", "update", "list", "describe", "batch", "add", "remove", "set", "attach",
    "detach", "associate", "disassociate", "modify", "start", "stop", "enable", "disable", "pass", "register",
    "deregister", "read", "write", "change", "replace", "apply", "cancel",
])
# Linking words and identifiers: every property has a name or an id, so they tell no property apart.
FILLERS = frozenset([
    "for", "on", "by", "of", "to", "from", "and", "with", "in", "at", "the", "resource", "name", "arn", "id",
])
# fmt: on
# Abbreviations in action names that the property names spell out (PutBucketAcl ~ AccessControl).
ABBREVIATIONS: Mapping[str, tuple[str, ...]] = {"acl": ("access", "control")}
DEFAULT_TAG_PROPERTY = "Tags"
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _stem(word: str) -> str:
    """One form for the words of one feature: Tags, Tagging -> tag; Policies -> policy; Concurrency,
    Concurrent -> concurrent; Recursion, Recursive -> recurs; Versioning -> vers."""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        root = word[:-3]
        word = root[:-1] if len(root) > 2 and root[-1] == root[-2] else root
    if word.endswith("ency"):
        word = word[:-2] + "t"
    if len(word) > 6 and word.endswith(("ion", "ive")):
        word = word[:-3]
    return word


def raw_words(name: str) -> list[str]:
    """The stemmed, lower-case CamelCase words of a name (PutBucketCORS -> put, bucket, cor)."""
    found: list[str] = []
    for part in _CAMEL.findall(name):
        lowered = part.lower()
        found += ABBREVIATIONS.get(lowered, (lowered,))
    return [_stem(word) for word in found]


def type_words(resource_type: str) -> frozenset[str]:
    """Words of the resource type name (AWS::CodePipeline::Pipeline -> code, pipeline): every action has them."""
    return frozenset(word for part in resource_type.split("::")[1:] for word in raw_words(part))


def meaningful(words: Iterable[str], ignored: frozenset[str]) -> frozenset[str]:
    return frozenset(word for word in words if word not in VERBS and word not in FILLERS and word not in ignored)


def _pointer_names(schema: Mapping[str, Any], key: str) -> set[str]:
    """Top-level property names of a list of JSON pointers (/properties/Arn -> Arn)."""
    names = set()
    for pointer in schema.get(key) or []:
        parts = str(pointer).split("/")
        if len(parts) == 3 and parts[1] == "properties":
            names.add(parts[2])
    return names


def writable_properties(schema: Mapping[str, Any]) -> list[str]:
    """Properties a template can set (read-only ones are computed by the core handlers)."""
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return []
    read_only = _pointer_names(schema, "readOnlyProperties")
    return [name for name in properties if name not in read_only]


def _nested_names(schema: Mapping[str, Any], node: Any) -> set[str]:
    """Names of the properties and definitions reachable inside one property's schema."""
    definitions = _mapping(schema.get("definitions"))
    names: set[str] = set()
    seen: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack += item
        if not isinstance(item, Mapping):
            continue
        reference = item.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/definitions/"):
            name = reference.rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                names.add(name)
                stack.append(definitions.get(name))
        properties = item.get("properties")
        if isinstance(properties, Mapping):
            names.update(str(key) for key in properties)
        stack += [value for key, value in item.items() if key != "$ref" and isinstance(value, (Mapping, list))]
    return names


@dataclass(frozen=True)
class Vocabulary:
    """Per writable property: the words of its own name, and of the names inside it."""

    own: Mapping[str, frozenset[str]]
    nested: Mapping[str, frozenset[str]]
    known: frozenset[str]


def vocabulary(schema: Mapping[str, Any], resource_type: str) -> Vocabulary:
    ignored = type_words(resource_type)
    properties = _mapping(schema.get("properties"))
    own, nested = {}, {}
    for name in writable_properties(schema):
        own[name] = meaningful(raw_words(name), ignored)
        inner = [word for inside in _nested_names(schema, properties.get(name)) for word in raw_words(inside)]
        nested[name] = meaningful(inner, ignored)
    known = frozenset(word for words in (*own.values(), *nested.values()) for word in words)
    return Vocabulary(own, nested, known)


def home_services(resource_type: str, actions: list[str]) -> frozenset[str]:
    """The type's own service prefixes: those of actions named after the type (airflow:CreateEnvironment for
    AWS::MWAA::Environment) and the one most handler actions carry."""
    ignored = type_words(resource_type)
    named = {
        action.rpartition(":")[0].lower()
        for action in actions
        if not [word for word in raw_words(action.rpartition(":")[2]) if word not in VERBS and word not in ignored]
    }
    common = Counter(action.rpartition(":")[0].lower() for action in actions).most_common(1)
    return frozenset(named | {service for service, _ in common})


def action_words(action: str, vocab: Vocabulary, ignored: frozenset[str], home: frozenset[str]) -> Counter[str]:
    """The meaningful words of an action's name, counted, and of its service prefix when that is not the type's
    own service (`home`): s3tables:PutTableEncryption on a bucket is about tables as much as about encryption.
    `untag` reads as `tag` where a property speaks of tags."""
    service, _, name = action.rpartition(":")
    words = []
    for word in (raw_words(service) if service.lower() not in home else []) + raw_words(name):
        if word not in vocab.known and word.startswith("un") and word[2:] in vocab.known:
            word = word[2:]
        words.append(word)
    kept = meaningful(words, ignored)
    return Counter(word for word in words if word in kept)


def best_match(words: Counter[str], candidates: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The candidates sharing the most weighted words with `words`; a word counts less the more candidates
    carry it (Configuration is in a dozen S3 property names, Website in one)."""
    spread = Counter(word for names in candidates.values() for word in names)
    scores = {
        name: sum(words[word] / spread[word] for word in names if word in words) for name, names in candidates.items()
    }
    top = max(scores.values(), default=0.0)
    if top <= 0:
        return frozenset()
    return frozenset(name for name, score in scores.items() if abs(score - top) < 1e-9)


def tag_property(schema: Mapping[str, Any]) -> str | None:
    """The property that holds a taggable type's tags (None: the type takes no tags)."""
    tagging = schema.get("tagging")
    if isinstance(tagging, Mapping):
        if tagging.get("taggable") is False:
            return None
        pointer = str(tagging.get("tagProperty") or f"/properties/{DEFAULT_TAG_PROPERTY}")
        return pointer.rsplit("/", 1)[-1]
    properties = schema.get("properties")
    return DEFAULT_TAG_PROPERTY if isinstance(properties, Mapping) and DEFAULT_TAG_PROPERTY in properties else None


def related_properties(
    schema: Mapping[str, Any], resource_type: str, actions: Iterable[str]
) -> dict[str, frozenset[str]]:
    """Each action -> the properties it relates to (empty: a core action, needed whatever is set)."""
    vocab = vocabulary(schema, resource_type)
    ignored = type_words(resource_type)
    tagging = _mapping(schema.get("tagging"))
    tag_actions = {str(action).lower() for action in tagging.get("permissions") or []}
    tags = tag_property(schema)
    listed = list(actions)
    home = home_services(resource_type, listed)
    result: dict[str, frozenset[str]] = {}
    for action in listed:
        if tags and action.lower() in tag_actions:
            result[action] = frozenset({tags})
            continue
        words = action_words(action, vocab, ignored, home)
        result[action] = best_match(words, vocab.own) or best_match(words, vocab.nested)
    return result
