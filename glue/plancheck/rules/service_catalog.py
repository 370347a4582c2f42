"""SC001-SC003: Service Catalog products are visible in SageMaker Studio, have a launch constraint and a
portfolio, and their launch role can create, update and delete what their template holds.

Constraints and portfolio associations are tied to their product by the planned `product_id` when
known, otherwise by what the `product_id` expression refers to (PlanIndex.referenced). One that can
be tied to no product of the plan turns a missing one into `unknown`, never `fail`.

SC003 finds the template in the plan (the aws_s3_object behind the product's template_url, by
bucket/key or by reference; its `content`, or the file its `source` names), collects the template's
resource types, and looks up the permissions CloudFormation's resource handlers need to create,
update and delete each type (the resource provider schemas cfn-lint ships). The launch role (the
LAUNCH constraint's RoleArn or LocalRoleName, or what its parameters refer to) is found in the plan
with its inline policies, aws_iam_role_policy resources and policy attachments (policies of the
plan, or AWS managed policies from the snapshots in glue/plancheck/data/aws-managed-policies/),
and every action is evaluated with glue/plancheck/iam_policy.py.
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
from glue.plancheck.iam_policy import Request, decide, statements_of
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


def template_types(text: str) -> list[str] | None:
    """The resource types of a CloudFormation template (JSON or YAML), None when it is not one."""
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
    types = {str(body.get("Type")) for body in resources.values() if isinstance(body, Mapping) and body.get("Type")}
    return sorted(types)


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


def _types_of(context: Context, product: Resource) -> tuple[list[str] | None, str]:
    objects = _template_objects(context, product)
    if not objects:
        return None, "the template (template_url) is not an S3 object of this plan"
    texts = [_template_text(context, item) for item in objects]
    for text, _ in texts:
        if text is not None:
            types = template_types(text)
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
def required_actions(resource_type: str) -> tuple[str, ...] | None:
    """The actions CloudFormation needs to create, update and delete a resource type (None: not known)."""
    path = schema_files().get(resource_type)
    if path is None:
        return None
    handlers = json.loads(Path(path).read_text(encoding="utf-8")).get("handlers")
    if not isinstance(handlers, Mapping) or not any(name in handlers for name in HANDLERS):
        return None
    actions: dict[str, None] = {}
    for name in HANDLERS:
        for action in (handlers.get(name) or {}).get("permissions") or []:
            actions[str(action)] = None
    return tuple(actions)


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

    def verdict(self, action: str, resource_type: str) -> str:
        """allowed, conditional (only where a condition holds) or missing."""
        key = (action, _service_of_type(resource_type))
        if key in self.verdicts:
            return self.verdicts[key]
        service = action.split(":", 1)[0].lower()
        if service not in self.by_service:
            self.by_service[service] = _candidate_resources(self.statements["Statement"], service)
        request_context = {"aws:CalledVia": ["cloudformation.amazonaws.com"]}
        if action.lower() == "iam:passrole":
            request_context["iam:PassedToService"] = [f"{key[1]}.amazonaws.com"]
        result = "missing"
        for resource in self.by_service[service]:
            request = Request(action, resource, request_context)
            if decide(self.statements, request) == "allow":
                result = "allowed"
                break
            if decide(self.relaxed, request) == "allow":
                result = "conditional"
        self.verdicts[key] = result
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


def _judge_role(coverage: Coverage, types: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(missing actions per type, actions allowed only under conditions, types with no known handlers)."""
    missing, conditional, unchecked = [], [], []
    for resource_type in types:
        actions = required_actions(resource_type)
        if actions is None:
            unchecked.append(resource_type)
            continue
        verdicts = {action: coverage.verdict(action, resource_type) for action in actions}
        lacking = [action for action, verdict in verdicts.items() if verdict == "missing"]
        if lacking:
            more = f" (+{len(lacking) - SHOWN_MISSING} more)" if len(lacking) > SHOWN_MISSING else ""
            missing.append(f"{resource_type}: {', '.join(lacking[:SHOWN_MISSING])}{more}")
        conditional += [
            f"{resource_type}: {action}" for action, verdict in verdicts.items() if verdict == "conditional"
        ]
    return missing, conditional, unchecked


@rule(
    "SC003",
    "Launch roles cover their templates",
    "The launch role allows every action CloudFormation needs to create, update and delete each resource type "
    "of the product's template.",
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


def _role_finding(self: Rule, context: Context, product: Resource, roles: list[Resource], types: list[str]) -> Finding:
    problems, pending = [], []
    for role in {role.address: role for role in roles}.values():
        coverage, why = _coverage(context, role)
        if coverage is None:
            pending.append(why)
            continue
        missing, conditional, unchecked = _judge_role(coverage, types)
        if missing:
            problems.append(f"{role.address} lacks {'; '.join(missing)}")
        if conditional:
            pending.append(f"{role.address} allows only under conditions: {', '.join(conditional[:SHOWN_MISSING])}")
        if unchecked:
            pending.append(f"no handler permissions known for {', '.join(unchecked)}")
    if problems:
        return self.finding(product, "fail", "; ".join(problems))
    if pending:
        return self.finding(product, "unknown", "; ".join(pending))
    return self.finding(product, "pass", f"{', '.join(role.address for role in roles)} covers {', '.join(types)}")
