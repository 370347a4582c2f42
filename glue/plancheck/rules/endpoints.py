"""VPE001: the interface endpoints the policy requires exist; VPE002: private DNS on interface
endpoints; VPE003: endpoint security groups admit no traffic from 0.0.0.0/0 or ::/0."""

from __future__ import annotations

import re
from collections.abc import Iterator

from glue.plancheck.model import Finding
from glue.plancheck.plan_index import UNKNOWN, Resource
from glue.plancheck.rules import Context, Rule, rule

ENDPOINT = "aws_vpc_endpoint"
OPEN = ("0.0.0.0/0", "::/0")
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$")


def short_service_name(service_name: str) -> str:
    """com.amazonaws.eu-west-1.sagemaker.api -> sagemaker.api; aws.sagemaker.eu-west-1.studio -> sagemaker.studio."""
    parts = service_name.split(".")
    parts = [part for part in parts if not _REGION.match(part)]
    while parts and parts[0] in ("com", "amazonaws", "aws"):
        parts = parts[1:]
    return ".".join(parts)


def interface_endpoints(context: Context) -> list[Resource]:
    return [
        endpoint
        for endpoint in context.resources(ENDPOINT)
        if endpoint.get("vpc_endpoint_type") in ("Interface", UNKNOWN)
    ]


@rule("VPE001", "Required interface endpoints", "Every interface endpoint the policy names exists in the plan.")
def required(self: Rule, context: Context) -> Iterator[Finding]:
    endpoints = [
        endpoint for endpoint in context.index.of_type(ENDPOINT) if endpoint.get("vpc_endpoint_type") == "Interface"
    ]
    for service in context.policy.required_interface_endpoints:
        found = [
            endpoint
            for endpoint in endpoints
            if isinstance(endpoint.get("service_name"), str)
            and short_service_name(endpoint.get("service_name")) == service
        ]
        if found:
            yield self.finding(found[0], "pass", f"interface endpoint for {service}")
        elif any(endpoint.get("service_name") is UNKNOWN for endpoint in endpoints):
            yield Finding(
                "VPE001", f"-/{service}", "unknown", f"{service}: some service names are known only after apply"
            )
        else:
            yield Finding("VPE001", f"-/{service}", "fail", f"no interface endpoint for {service}")


@rule("VPE002", "Private DNS on interface endpoints", "Interface endpoints enable private DNS.")
def private_dns(self: Rule, context: Context) -> Iterator[Finding]:
    for endpoint in interface_endpoints(context):
        if endpoint.get("vpc_endpoint_type") is UNKNOWN:
            continue
        enabled = endpoint.get("private_dns_enabled")
        if enabled is True:
            yield self.finding(endpoint, "pass", "private DNS enabled")
        elif enabled is UNKNOWN:
            yield self.finding(endpoint, "unknown", "private_dns_enabled is known only after apply")
        else:
            yield self.finding(endpoint, "fail", "private_dns_enabled is not true")


def _groups(context: Context, endpoint: Resource) -> tuple[list[Resource], bool]:
    """The endpoint's security groups in the plan, and whether some could not be found."""
    ids = endpoint.get("security_group_ids")
    groups = context.index.of_type("aws_security_group")
    if isinstance(ids, list) and ids and all(isinstance(item, str) for item in ids):
        found = [group for group in groups if group.get("id") in ids]
        return found, len(found) < len(ids)
    referenced = [
        item for item in context.index.referenced(endpoint, "security_group_ids") if item.type == "aws_security_group"
    ]
    return referenced, not referenced


def _ingress_rules(context: Context) -> dict[str, list[Resource]]:
    """Security group address -> its separate ingress rules (tied by known id, else by reference); once per plan."""
    if "ingress_rules" in context.cache:
        cached: dict[str, list[Resource]] = context.cache["ingress_rules"]
        return cached
    groups = context.index.of_type("aws_security_group")
    by_id = {group.get("id"): group for group in groups if isinstance(group.get("id"), str)}
    tied: dict[str, list[Resource]] = {}
    for rule_ in context.index.of_type("aws_vpc_security_group_ingress_rule", "aws_security_group_rule"):
        if rule_.type == "aws_security_group_rule" and rule_.get("type") != "ingress":
            continue
        target = rule_.get("security_group_id")
        if isinstance(target, str):
            owners = [by_id[target]] if target in by_id else []
        else:
            owners = [
                item
                for item in context.index.referenced(rule_, "security_group_id")
                if item.type == "aws_security_group"
            ]
        for owner in owners:
            tied.setdefault(owner.address, []).append(rule_)
    context.cache["ingress_rules"] = tied
    return tied


def _open_rules(context: Context, group: Resource) -> tuple[list[str], bool]:
    """Ingress that admits 0.0.0.0/0 or ::/0 (inline or separate rules), and whether any is unknown."""
    found: list[str] = []
    pending = False
    ingress = group.get("ingress")
    if ingress is UNKNOWN and "ingress" in (group.config.get("expressions") or {}):
        pending = True  # inline rules written in the configuration, known only after apply
    for position in range(len(ingress) if isinstance(ingress, list) else 0):
        for attribute in ("cidr_blocks", "ipv6_cidr_blocks"):
            cidrs = group.get("ingress", position, attribute)
            pending = pending or cidrs is UNKNOWN
            found += [
                f"{group.address} ingress {cidr}" for cidr in (cidrs if isinstance(cidrs, list) else []) if cidr in OPEN
            ]
    for rule_ in _ingress_rules(context).get(group.address, []):
        cidrs = [rule_.get(name) for name in ("cidr_ipv4", "cidr_ipv6")]
        for name in ("cidr_blocks", "ipv6_cidr_blocks"):
            value = rule_.get(name)
            cidrs += value if isinstance(value, list) else [value]
        pending = pending or UNKNOWN in cidrs
        found += [f"{rule_.address} {cidr}" for cidr in cidrs if cidr in OPEN]
    return found, pending


@rule(
    "VPE003",
    "Endpoint security groups closed to the internet",
    "Interface endpoint security groups admit no 0.0.0.0/0 or ::/0.",
)
def endpoint_security_groups(self: Rule, context: Context) -> Iterator[Finding]:
    for endpoint in interface_endpoints(context):
        groups, missing = _groups(context, endpoint)
        problems: list[str] = []
        pending = False
        for group in groups:
            found, unknown = _open_rules(context, group)
            problems += found
            pending = pending or unknown
        if problems:
            yield self.finding(endpoint, "fail", f"open to the internet: {'; '.join(problems)}")
        elif missing or pending:
            yield self.finding(
                endpoint, "unknown", "security groups or their rules are not all in the plan or known before apply"
            )
        else:
            yield self.finding(endpoint, "pass", f"{len(groups)} security group(s), none open to 0.0.0.0/0")
