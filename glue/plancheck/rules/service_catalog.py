"""SC001-SC003: Service Catalog products are visible in SageMaker Studio, have a launch constraint and a
portfolio, and their launch role can create, update and delete what their template holds.

Constraints and portfolio associations are tied to their product by the planned `product_id` when
known, otherwise by what the `product_id` expression refers to (PlanIndex.referenced). One that can
be tied to no product of the plan turns a missing one into `unknown`, never `fail`.

SC003 finds the template in the plan (the aws_s3_object behind the product's template_url, by
bucket/key or by reference; its `content`, or the file its `source` names), collects the template's
resource types and the properties their resources set, and looks up the permissions CloudFormation's
resource handlers may need to create, update and delete each type (the resource provider schemas
cfn-lint ships). Those lists are the union for every property combination, so each action is tied to
the properties it serves (glue/plancheck/handler_properties.py): actions serving no property, or one
the template sets, are needed and fail the finding when not allowed; the others are only named in a
passing finding. The launch role (the LAUNCH constraint's RoleArn or LocalRoleName, or what its
parameters refer to) is found in the plan with its inline policies, aws_iam_role_policy resources and
policy attachments (policies of the plan, or AWS managed policies from the snapshots in
glue/plancheck/data/aws-managed-policies/), and every action is evaluated with
glue/plancheck/iam_policy.py.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from glue import cfn_yaml
from glue.plancheck.handler_properties import related_properties, tag_property
from glue.plancheck.iam_policy import ContextValue, Request, decide, statements_of
from glue.plancheck.model import Finding
from glue.plancheck.plan_index import UNKNOWN, Resource
from glue.plancheck.rules import Context, Rule, rule
from glue.plancheck.rules.iam import ROLE, as_list, decode, documents_of
from glue.plancheck.rules.tags import effective_tags

PRODUCT = "aws_servicecatalog_product"
CONSTRAINT = "aws_servicecatalog_constraint"
ASSOCIATION = "aws_servicecatalog_product_portfolio_association"
OBJECT = "aws_s3_object"
ROLE_POLICY = "aws_iam_role_policy"
ATTACHMENT = "aws_iam_role_policy_attachment"
POLICY = "aws_iam_policy"
VISIBILITY_TAG = "sagemaker:studio-visibility"
MANAGED_POLICIES = Path(__file__).resolve().parent.parent / "data" / "aws-managed-policies"
SCHEMA_REGION = "us-east-1"
HANDLERS = ("create", "update", "delete")
SHOWN_MISSING = 5
# Prefixes that name the same service: CodeStar Connections was renamed CodeConnections (2024); a connection's ARN
# carries either, and IAM wants the action's prefix to match the resource's (codeconnections:PassConnection on an
# arn:aws:codeconnections:... connection stands for the handlers' codestar-connections:PassConnection).
SERVICE_ALIASES: dict[str, tuple[str, ...]] = {
    "codestar-connections": ("codestar-connections", "codeconnections"),
    "codeconnections": ("codeconnections", "codestar-connections"),
}
# The folder of the plan file, when the caller puts it here: relative `source` paths are read from it.
PLAN_DIR_KEY = "plan_dir"

_VIRTUAL_HOSTED = re.compile(r"^https?://(.+?)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?/(.+)$")
_PATH_STYLE = re.compile(r"^https?://s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?/([^/]+)/(.+)$")
_S3_URI = re.compile(r"^s3://([^/]+)/(.+)$")


# ------------------------------------------------------------------------------ ties to products


@dataclass
class Ties:
    """Constraints and associations of each product, and how many could be tied to no product."""

    launch: dict[str, list[Resource]] = field(default_factory=lambda: defaultdict(list))
    association: dict[str, list[Resource]] = field(default_factory=lambda: defaultdict(list))
    untied_launch: int = 0
    untied_association: int = 0


def _products_of(context: Context, item: Resource, by_id: dict[str, list[Resource]]) -> list[Resource]:
    product_id = item.get("product_id")
    if isinstance(product_id, str) and product_id in by_id:
        return by_id[product_id]
    return [target for target in context.index.referenced(item, "product_id") if target.type == PRODUCT]


def ties(context: Context) -> Ties:
    cached: Ties | None = context.cache.get("service_catalog.ties")
    if cached is not None:
        return cached
    by_id: dict[str, list[Resource]] = defaultdict(list)
    for product in context.index.of_type(PRODUCT):
        product_id = product.get("id")
        if isinstance(product_id, str) and product_id:
            by_id[product_id].append(product)
    found = Ties()
    for constraint in context.index.of_type(CONSTRAINT):
        kind = constraint.get("type")
        if kind not in ("LAUNCH", UNKNOWN):
            continue
        products = _products_of(context, constraint, by_id) if kind == "LAUNCH" else []
        for product in products:
            found.launch[product.address].append(constraint)
        if not products:
            found.untied_launch += 1
    for association in context.index.of_type(ASSOCIATION):
        products = _products_of(context, association, by_id)
        for product in products:
            found.association[product.address].append(association)
        if not products:
            found.untied_association += 1
    context.cache["service_catalog.ties"] = found
    return found


# ------------------------------------------------------------------------------------------ SC001


@rule(
    "SC001",
    "Products visible in SageMaker Studio",
    f"Every Service Catalog product carries the tag {VISIBILITY_TAG} = true.",
)
def studio_visibility(self: Rule, context: Context) -> Iterator[Finding]:
    for product in context.resources(PRODUCT):
        tags = effective_tags(context, product, "tags_all")
        value = tags.get(VISIBILITY_TAG)
        if value == "true":
            yield self.finding(product, "pass", f"{VISIBILITY_TAG} = true")
        elif value is UNKNOWN or (value is None and product.get("tags") is UNKNOWN):
            yield self.finding(product, "unknown", f"{VISIBILITY_TAG} is known only after apply")
        elif value is None:
            yield self.finding(product, "fail", f"no {VISIBILITY_TAG} tag")
        else:
            yield self.finding(product, "fail", f"{VISIBILITY_TAG} = {value!r}, not 'true'")


# ------------------------------------------------------------------------------------------ SC002


@rule(
    "SC002",
    "Products have a launch constraint and a portfolio",
    "Every product has a LAUNCH constraint and a portfolio association.",
)
def launch_and_portfolio(self: Rule, context: Context) -> Iterator[Finding]:
    tied = ties(context)
    for product in context.resources(PRODUCT):
        missing, untied = [], []
        for label, found, untied_count in (
            ("LAUNCH constraint", tied.launch.get(product.address), tied.untied_launch),
            ("portfolio association", tied.association.get(product.address), tied.untied_association),
        ):
            if found:
                continue
            missing.append(label)
            if untied_count:
                untied.append(f"{untied_count} {label}(s) could not be tied to any product")
        if not missing:
            yield self.finding(product, "pass", "has a LAUNCH constraint and a portfolio association")
        elif len(untied) == len(missing):
            yield self.finding(product, "unknown", f"no {' or '.join(missing)} tied to it; {'; '.join(untied)}")
        else:
            yield self.finding(product, "fail", f"no {' and no '.join(missing)}")


# ------------------------------------------------------------------------------------------ SC003


def template_properties(text: str) -> dict[str, frozenset[str] | None] | None:
    """Resource type -> the properties its resources set (None: cannot tell, so any), None when the text is not
    a CloudFormation template (JSON or YAML)."""
    try:
        document: Any = json.loads(text)
    except ValueError:
        try:
            document = cfn_yaml.load(text)
        except yaml.YAMLError:
            return None
    resources = document.get("Resources") if isinstance(document, Mapping) else None
    if not isinstance(resources, Mapping):
        return None
    found: dict[str, frozenset[str] | None] = {}
    for body in resources.values():
        if not isinstance(body, Mapping) or not body.get("Type"):
            continue
        type_, names = str(body.get("Type")), _property_names(body.get("Properties", {}))
        previous = found.get(type_, frozenset())
        found[type_] = None if names is None or previous is None else previous | names
    return dict(sorted(found.items()))


def _property_names(properties: Any) -> frozenset[str] | None:
    """The property names a resource sets; None when a function (Fn::If, Fn::Transform) gives them all, so
    they may be anything."""
    if not isinstance(properties, Mapping):
        return None
    names = frozenset(str(name) for name in properties)
    return None if any(name == "Ref" or name.startswith("Fn::") for name in names) else names


def template_types(text: str) -> list[str] | None:
    """The resource types of a CloudFormation template (JSON or YAML), None when it is not one."""
    properties = template_properties(text)
    return None if properties is None else list(properties)


def _bucket_key(url: str) -> tuple[str, str] | None:
    for pattern in (_VIRTUAL_HOSTED, _PATH_STYLE, _S3_URI):
        match = pattern.match(url)
        if match:
            return match[1], unquote(match[2].split("?")[0])
    return None


def _template_objects(context: Context, product: Resource) -> list[Resource]:
    url = product.get("provisioning_artifact_parameters", 0, "template_url")
    if isinstance(url, str):
        parsed = _bucket_key(url)
        if not parsed:
            return []
        bucket, key = parsed
        return [
            item
            for item in context.index.of_type(OBJECT)
            if item.get("key") == key and (item.get("bucket") == bucket or not isinstance(item.get("bucket"), str))
        ]
    return [
        item
        for item in context.index.referenced(product, "provisioning_artifact_parameters", 0, "template_url")
        if item.type == OBJECT
    ]


def _read_source(context: Context, source: str) -> str | None:
    path = Path(source)
    bases = [Path(str(context.cache[PLAN_DIR_KEY]))] if context.cache.get(PLAN_DIR_KEY) else []
    candidates = [path] if path.is_absolute() else [base / path for base in (*bases, Path.cwd())]
    for candidate in candidates:
        try:
            return candidate.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return None


def _template_text(context: Context, item: Resource) -> tuple[str | None, str]:
    """The template text of an S3 object, or None and why not."""
    content = item.get("content")
    if isinstance(content, str) and content:
        return content, ""
    encoded = item.get("content_base64")
    if isinstance(encoded, str) and encoded:
        try:
            return base64.b64decode(encoded).decode("utf-8"), ""
        except (binascii.Error, UnicodeDecodeError):
            return None, f"{item.address} content_base64 is not a UTF-8 text"
    source = item.get("source")
    if content is UNKNOWN or encoded is UNKNOWN or source is UNKNOWN:
        return None, f"the template content of {item.address} is known only after apply"
    if isinstance(source, str) and source:
        text = _read_source(context, source)
        if text is None:
            return None, f"cannot read {source} (source of {item.address})"
        return text, ""
    return None, f"{item.address} has no content or source"


def _types_of(context: Context, product: Resource) -> tuple[dict[str, frozenset[str] | None] | None, str]:
    """The template's resource types with the properties each sets, or None and why not."""
    objects = _template_objects(context, product)
    if not objects:
        return None, "the template (template_url) is not an S3 object of this plan"
    texts = [_template_text(context, item) for item in objects]
    for text, _ in texts:
        if text is not None:
            types = template_properties(text)
            if types is not None:
                return types, ""
    reasons = [reason for text, reason in texts if reason]
    return None, reasons[0] if reasons else "the template is not a CloudFormation template with Resources"


def _role_references(context: Context, constraint: Resource) -> tuple[list[Resource], str]:
    """The launch roles of a LAUNCH constraint, or none and why."""
    roles = context.index.of_type(ROLE)
    parameters = constraint.get("parameters")
    if isinstance(parameters, str):
        try:
            document = json.loads(parameters)
        except ValueError:
            return [], f"{constraint.address} parameters are not JSON"
        if not isinstance(document, Mapping):
            return [], f"{constraint.address} parameters are not a JSON object"
        arn, local = document.get("RoleArn"), document.get("LocalRoleName")
        if isinstance(arn, str):
            name = arn.rsplit("/", 1)[-1]
            found = [role for role in roles if role.get("arn") == arn or role.get("name") == name]
            return found, "" if found else f"launch role {arn} is not in this plan"
        if isinstance(local, str):
            found = [role for role in roles if role.get("name") == local]
            return found, "" if found else f"launch role {local} is not in this plan"
        return [], f"{constraint.address} names no RoleArn or LocalRoleName"
    found = [target for target in context.index.referenced(constraint, "parameters") if target.type == ROLE]
    return found, "" if found else f"the launch role of {constraint.address} is known only after apply"


@cache
def managed_policies() -> dict[str, Any]:
    """AWS managed policy name -> document (the newest snapshot version)."""
    newest: dict[str, tuple[int, Any]] = {}
    for path in MANAGED_POLICIES.glob("*.json"):
        name, _, version = path.stem.rpartition(".v")
        if not name or not version.isdigit():
            continue
        if name not in newest or int(version) > newest[name][0]:
            newest[name] = (int(version), json.loads(path.read_text(encoding="utf-8")))
    return {name: document for name, (_, document) in newest.items()}


def _tied_to_role(context: Context, item: Resource, role: Resource) -> bool:
    name, role_name = item.get("role"), role.get("name")
    if isinstance(name, str) and isinstance(role_name, str):
        return name in (role_name, role.get("arn"))
    return any(target.address == role.address for target in context.index.referenced(item, "role"))


def _attached_documents(context: Context, arn: Any, attachment: Resource | None) -> tuple[list[Any], str]:
    if isinstance(arn, str):
        if arn.startswith("arn:aws:iam::aws:policy/"):
            document = managed_policies().get(arn.rsplit("/", 1)[-1])
            if document is None:
                return [], f"no snapshot of the AWS managed policy {arn}"
            return [document], ""
        found = [decode(policy.get("policy")) for policy in context.index.of_type(POLICY) if policy.get("arn") == arn]
        return found, "" if found else f"policy {arn} is not in this plan"
    if attachment is not None:
        found = [
            decode(policy.get("policy"))
            for policy in context.index.referenced(attachment, "policy_arn")
            if policy.type == POLICY
        ]
        if found:
            return found, ""
    return [], "an attached policy is known only after apply"


def role_documents(context: Context, role: Resource) -> tuple[list[Any], list[str]]:
    """The role's policy documents (decoded, UNKNOWN or None), and what could not be found."""
    documents = [item.document for item in documents_of(role)] if "inline_policy" in _configured(role) else []
    gaps: list[str] = []
    for policy in context.index.of_type(ROLE_POLICY):
        if _tied_to_role(context, policy, role):
            documents.append(decode(policy.get("policy")))
    for attachment in context.index.of_type(ATTACHMENT):
        if _tied_to_role(context, attachment, role):
            found, gap = _attached_documents(context, attachment.get("policy_arn"), attachment)
            documents += found
            gaps += [gap] if gap else []
    arns = role.get("managed_policy_arns")
    if "managed_policy_arns" in _configured(role):
        if arns is UNKNOWN:
            gaps.append("managed_policy_arns known only after apply")
        for arn in arns if isinstance(arns, list) else []:
            found, gap = _attached_documents(context, arn, None)
            documents += found
            gaps += [gap] if gap else []
    return documents, gaps


def _configured(resource: Resource) -> dict[str, Any]:
    expressions: dict[str, Any] = resource.config.get("expressions") or {}
    return expressions


@cache
def schema_files() -> dict[str, str]:
    """CloudFormation resource type -> its resource provider schema file (cfn-lint's copy), for one Region."""
    spec = find_spec("cfnlint")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        schemas = Path(location) / "data" / "schemas"
        provider = schemas / "providers" / f"{SCHEMA_REGION}.json"
        if provider.exists():
            mapping = json.loads(provider.read_text(encoding="utf-8"))
            return {type_: str(schemas / "resources" / f"{digest}.json") for type_, digest in mapping.items()}
    return {}


@cache
def iam_actions() -> dict[str, frozenset[str]]:
    """IAM service prefix -> its action names, lower-case (cfn-lint's catalog, shipped with the schemas)."""
    spec = find_spec("cfnlint")
    for location in list(spec.submodule_search_locations or []) if spec else []:
        path = Path(location) / "data" / "AdditionalSpecs" / "Policies.json"
        if path.exists():
            catalog = json.loads(path.read_text(encoding="utf-8"))
            return {
                str(prefix).lower(): frozenset(str(name).lower() for name in service.get("Actions") or {})
                for prefix, service in catalog.items()
                if isinstance(service, Mapping)
            }
    return {}


def is_iam_action(action: str) -> bool:
    """False only for a handler entry IAM does not define under a service it knows (s3:DeleteBucketEncryption:
    IAM authorizes that call as s3:PutEncryptionConfiguration), which no policy can grant."""
    prefix, _, name = action.lower().partition(":")
    known = iam_actions().get(prefix)
    return known is None or "*" in name or "?" in name or name in known


@cache
def resource_schema(resource_type: str) -> Mapping[str, Any] | None:
    """The resource provider schema of a type (None: cfn-lint has none)."""
    path = schema_files().get(resource_type)
    if path is None:
        return None
    document: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    return document if isinstance(document, Mapping) else None


@cache
def required_actions(resource_type: str) -> tuple[str, ...] | None:
    """The actions CloudFormation's handlers may need to create, update and delete a resource type (None: not
    known); which of them a template needs depends on the properties it sets (handler_actions)."""
    schema = resource_schema(resource_type)
    handlers = schema.get("handlers") if schema is not None else None
    if not isinstance(handlers, Mapping) or not any(name in handlers for name in HANDLERS):
        return None
    actions: dict[str, None] = {}
    for name in HANDLERS:
        for action in (handlers.get(name) or {}).get("permissions") or []:
            actions[str(action)] = None
    return tuple(actions)


@cache
def handler_actions(resource_type: str) -> Mapping[str, frozenset[str]] | None:
    """Each handler action of a type -> the schema properties it serves (empty: needed whatever is set)."""
    actions, schema = required_actions(resource_type), resource_schema(resource_type)
    if actions is None or schema is None:
        return None
    return related_properties(schema, resource_type, actions)


def _set_properties(resource_type: str, properties: frozenset[str] | None) -> frozenset[str] | None:
    """The properties the template sets, plus the tag property of a taggable type: the provisioned product's
    stack tags (SageMaker's project tags, TagOptions) propagate to it whatever the template says."""
    schema = resource_schema(resource_type)
    tags = tag_property(schema) if schema is not None else None
    if properties is None or tags is None:
        return properties
    return properties | {tags}


@dataclass
class Needs:
    """The handler actions of one resource type, sorted by what the template's properties make of them."""

    needed: list[str] = field(default_factory=list)  # core, or serving a property the template sets
    optional: dict[str, frozenset[str]] = field(default_factory=dict)  # action -> the unset properties it serves
    not_iam: list[str] = field(default_factory=list)  # needed entries IAM does not define: nothing can grant them


def split_needs(resource_type: str, properties: frozenset[str] | None) -> Needs | None:
    """What a template needs of a type's handler actions, given the properties its resources of that type set
    (None: it may set any); None when no handler permissions are known."""
    related = handler_actions(resource_type)
    if related is None:
        return None
    set_ = _set_properties(resource_type, properties)
    needs = Needs()
    for action, served in related.items():
        if served and set_ is not None and not served & set_:
            needs.optional[action] = served
        elif is_iam_action(action):
            needs.needed.append(action)
        else:
            needs.not_iam.append(action)
    return needs


def _service_of_type(resource_type: str) -> str:
    parts = resource_type.split("::")
    return parts[1].lower() if len(parts) > 2 else ""


def _candidate_resources(statements: list[Mapping[str, Any]], service: str) -> list[str]:
    """`*` and the policy's own Resource patterns of the action's service (so prefix-scoped grants count)."""
    found: dict[str, None] = {"*": None}
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        for pattern in as_list(statement.get("Resource")):
            parts = pattern.split(":")
            if len(parts) > 2 and parts[0] == "arn" and (parts[2] == service or parts[2] == "*"):
                found[pattern] = None
    return list(found)


def _request_context(prefix: str, name: str, type_service: str) -> dict[str, ContextValue]:
    """What CloudFormation's request for an action of the type carries that policies commonly test."""
    context: dict[str, ContextValue] = {"aws:CalledVia": ["cloudformation.amazonaws.com"]}
    # Pass* actions (iam:PassRole, codestar-connections:PassConnection) hand something to the type's service.
    if name.lower().startswith("pass"):
        context[f"{prefix}:PassedToService"] = [f"{type_service}.amazonaws.com"]
    return context


class Coverage:
    """Which actions a set of statements allows (cached per action)."""

    def __init__(self, statements: list[Mapping[str, Any]]) -> None:
        self.statements = {"Statement": statements}
        self.relaxed = {
            "Statement": [
                {key: value for key, value in statement.items() if key != "Condition"}
                for statement in statements
                if statement.get("Effect") == "Allow" or not statement.get("Condition")
            ]
        }
        self.by_service: dict[str, list[str]] = {}
        self.verdicts: dict[tuple[str, str], str] = {}

    def _resources(self, service: str) -> list[str]:
        if service not in self.by_service:
            self.by_service[service] = _candidate_resources(self.statements["Statement"], service)
        return self.by_service[service]

    def verdict(self, action: str, resource_type: str) -> str:
        """allowed, conditional (only where a condition holds) or missing."""
        key = (action, _service_of_type(resource_type))
        if key not in self.verdicts:
            service, _, name = action.partition(":")
            verdicts = [
                self._verdict(prefix, name, key[1]) for prefix in SERVICE_ALIASES.get(service.lower(), (service,))
            ]
            self.verdicts[key] = next((v for v in ("allowed", "conditional") if v in verdicts), "missing")
        return self.verdicts[key]

    def _verdict(self, prefix: str, name: str, type_service: str) -> str:
        """The verdict for the action under one service prefix, on that prefix's resources and condition keys."""
        context = _request_context(prefix, name, type_service)
        result = "missing"
        for resource in self._resources(prefix.lower()):
            request = Request(f"{prefix}:{name}", resource, context)
            if decide(self.statements, request) == "allow":
                return "allowed"
            if decide(self.relaxed, request) == "allow":
                result = "conditional"
        return result


def _coverage(context: Context, role: Resource) -> tuple[Coverage | None, str]:
    cache_key = f"service_catalog.coverage.{role.address}"
    if cache_key in context.cache:
        cached: tuple[Coverage | None, str] = context.cache[cache_key]
        return cached
    documents, gaps = role_documents(context, role)
    result: tuple[Coverage | None, str]
    if any(document is UNKNOWN for document in documents):
        result = None, f"a policy of {role.address} is known only after apply"
    elif gaps:
        result = None, f"{role.address}: {gaps[0]}"
    else:
        statements = [
            statement
            for document in documents
            if isinstance(document, Mapping)
            for statement in statements_of(document)
        ]
        result = Coverage(statements), ""
    context.cache[cache_key] = result
    return result


def _listed(resource_type: str, actions: list[str]) -> str:
    more = f" (+{len(actions) - SHOWN_MISSING} more)" if len(actions) > SHOWN_MISSING else ""
    return f"{resource_type}: {', '.join(actions[:SHOWN_MISSING])}{more}"


@dataclass
class Judgement:
    """What one role lacks for one template, in the words of the finding."""

    missing: list[str] = field(default_factory=list)  # needed actions not allowed, per type
    conditional: list[str] = field(default_factory=list)  # needed actions allowed only under conditions
    unchecked: list[str] = field(default_factory=list)  # types with no known handler permissions
    optional: list[str] = field(default_factory=list)  # actions not allowed, needed only for unset properties
    not_iam: list[str] = field(default_factory=list)  # needed handler entries that are no IAM action


def _judge_role(coverage: Coverage, types: Mapping[str, frozenset[str] | None]) -> Judgement:
    judged = Judgement()
    for resource_type, properties in types.items():
        needs = split_needs(resource_type, properties)
        if needs is None:
            judged.unchecked.append(resource_type)
            continue
        verdicts = {action: coverage.verdict(action, resource_type) for action in needs.needed}
        lacking = [action for action, verdict in verdicts.items() if verdict == "missing"]
        if lacking:
            judged.missing.append(_listed(resource_type, lacking))
        judged.conditional += [
            f"{resource_type}: {action}" for action, verdict in verdicts.items() if verdict == "conditional"
        ]
        # Allowed only under a condition is no gap worth reporting for an action the template does not need.
        absent = [
            f"{action} [{', '.join(sorted(served))}]"
            for action, served in needs.optional.items()
            if coverage.verdict(action, resource_type) == "missing"
        ]
        if absent:
            judged.optional.append(_listed(resource_type, absent))
        if needs.not_iam:
            judged.not_iam.append(_listed(resource_type, needs.not_iam))
    return judged


@rule(
    "SC003",
    "Launch roles cover their templates",
    "The launch role allows every action CloudFormation needs to create, update and delete each resource type "
    "of the product's template with the properties the template sets.",
)
def launch_role_coverage(self: Rule, context: Context) -> Iterator[Finding]:
    tied = ties(context)
    for product in context.resources(PRODUCT):
        constraints = tied.launch.get(product.address) or []
        if not constraints:
            yield self.finding(product, "unknown", "no LAUNCH constraint tied to this product (see SC002)")
            continue
        types, reason = _types_of(context, product)
        if types is None:
            yield self.finding(product, "unknown", reason)
            continue
        roles: list[Resource] = []
        reasons: list[str] = []
        for constraint in constraints:
            found, why = _role_references(context, constraint)
            roles += found
            reasons += [why] if why else []
        if not roles:
            yield self.finding(product, "unknown", reasons[0])
            continue
        yield _role_finding(self, context, product, roles, types)


def _role_finding(
    self: Rule, context: Context, product: Resource, roles: list[Resource], types: Mapping[str, frozenset[str] | None]
) -> Finding:
    problems, pending, notes = [], [], []
    for role in {role.address: role for role in roles}.values():
        coverage, why = _coverage(context, role)
        if coverage is None:
            pending.append(why)
            continue
        judged = _judge_role(coverage, types)
        if judged.missing:
            problems.append(f"{role.address} lacks {'; '.join(judged.missing)}")
        if judged.conditional:
            shown = ", ".join(judged.conditional[:SHOWN_MISSING])
            pending.append(f"{role.address} allows only under conditions: {shown}")
        if judged.unchecked:
            pending.append(f"no handler permissions known for {', '.join(judged.unchecked)}")
        notes += _notes(judged)
    if problems:
        return self.finding(product, "fail", "; ".join(problems))
    if pending:
        return self.finding(product, "unknown", "; ".join(pending))
    covers = f"{', '.join(role.address for role in roles)} covers {', '.join(types)}"
    return self.finding(product, "pass", "; ".join([covers, *dict.fromkeys(notes)]))


def _notes(judged: Judgement) -> list[str]:
    """Informational parts of a pass message: gaps that would matter only if the template set more properties,
    and handler entries that no policy can grant."""
    notes = []
    if judged.optional:
        notes.append(f"not allowed, needed only for properties the template does not set: {'; '.join(judged.optional)}")
    if judged.not_iam:
        notes.append(f"handler entries that are no IAM action, not judged: {'; '.join(judged.not_iam)}")
    return notes
