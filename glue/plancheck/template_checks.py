"""The plan rules that apply to a CloudFormation template, run on the rendered product templates.

A project's resources are created by CloudFormation from the product template, not by
Terraform, so the plan never shows them. The same rule ids judge them here, per resource
(`<template>#<LogicalId>`):

- TAG001: every resource whose type takes `Tags` (from the CloudFormation resource schemas that
  cfn-lint ships) carries the required tag keys (default: the project tags SageMaker relies on,
  `sagemaker:project-name` and `sagemaker:project-id`);
- S3001/S3002/S3003/S3004: buckets encrypt with SSE-KMS and a key that is not AWS-managed, with
  the bucket key, keep versions, and block public access with all four flags;
- S3005: the template's bucket policy for a bucket denies requests without TLS (statement with
  `aws:SecureTransport` false, Deny, every principal);
- KMS001: symmetric keys rotate.

Values the template computes at launch (Ref, Fn::GetAtt, ...) are accepted where the rule only
needs their presence (a key id), and give `unknown` where the rule needs the value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from glue import cfn_yaml
from glue.plancheck.model import Finding, Status
from glue.plancheck.rules.service_catalog import schema_files

PROJECT_TAGS = ("sagemaker:project-name", "sagemaker:project-id")
PUBLIC_ACCESS_FLAGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")


def load_template(path: Path) -> dict[str, Any]:
    document = cfn_yaml.load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise ValueError(f"{path}: not a CloudFormation template (no Resources mapping)")
    return document


@cache
def taggable_resource_types() -> frozenset[str]:
    """CloudFormation resource types whose schema has a `Tags` property (cfn-lint's resource schemas)."""
    found = set()
    for type_, path in schema_files().items():
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
        if "Tags" in (schema.get("properties") or {}):
            found.add(type_)
    return frozenset(found)


def _computed(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and len(value) == 1
        and (next(iter(value)) == "Ref" or next(iter(value)).startswith("Fn::"))
    )


def check_template(template: dict[str, Any], name: str, required_tags: tuple[str, ...] = PROJECT_TAGS) -> list[Finding]:
    resources: dict[str, Any] = template["Resources"]
    findings: list[Finding] = []

    def add(rule: str, logical_id: str, status: Status, message: str) -> None:
        resource_type = str(resources[logical_id].get("Type", ""))
        findings.append(Finding(rule, f"{name}#{logical_id}", status, message, resource_type))

    taggable = taggable_resource_types()
    for logical_id, resource in sorted(resources.items()):
        properties = resource.get("Properties") or {}
        kind = resource.get("Type", "")
        if kind in taggable and required_tags:
            keys = _tag_keys(properties.get("Tags"))
            if keys is None:
                add("TAG001", logical_id, "unknown", "Tags are computed at launch")
            else:
                missing = [key for key in required_tags if key not in keys]
                add(
                    "TAG001",
                    logical_id,
                    "fail" if missing else "pass",
                    f"missing {', '.join(missing)}" if missing else "tagged",
                )
        if kind == "AWS::S3::Bucket":
            for rule, status, message in _bucket(logical_id, properties, resources):
                add(rule, logical_id, status, message)
        if kind == "AWS::KMS::Key" and properties.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT":
            rotation = properties.get("EnableKeyRotation")
            if rotation is True or rotation == "true":
                add("KMS001", logical_id, "pass", "rotation enabled")
            elif _computed(rotation):
                add("KMS001", logical_id, "unknown", "EnableKeyRotation is computed at launch")
            else:
                add("KMS001", logical_id, "fail", "EnableKeyRotation is not true")
    return findings


def _tag_keys(tags: Any) -> set[str] | None:
    if isinstance(tags, list):
        return {str(tag.get("Key")) for tag in tags if isinstance(tag, dict)}
    if isinstance(tags, dict) and not _computed(tags):
        return {str(key) for key in tags}
    return None if _computed(tags) else set()


def _bucket(
    logical_id: str, properties: dict[str, Any], resources: dict[str, Any]
) -> Iterator[tuple[str, Status, str]]:
    rules = ((properties.get("BucketEncryption") or {}).get("ServerSideEncryptionConfiguration")) or []
    kms = [
        rule
        for rule in rules
        if isinstance(rule, dict)
        and (rule.get("ServerSideEncryptionByDefault") or {}).get("SSEAlgorithm") in ("aws:kms", "aws:kms:dsse")
    ]
    if not kms:
        yield "S3001", "fail", "no SSE-KMS default encryption"
        yield "S3002", "fail", "no SSE-KMS rule with a bucket key"
    else:
        key = kms[0]["ServerSideEncryptionByDefault"].get("KMSMasterKeyID")
        if not key or (isinstance(key, str) and "alias/aws/" in key):
            yield "S3001", "fail", "SSE-KMS with the AWS-managed key"
        else:
            yield "S3001", "pass", "SSE-KMS with a customer-managed key"
        enabled = any(rule.get("BucketKeyEnabled") in (True, "true") for rule in kms)
        yield (
            "S3002",
            "pass" if enabled else "fail",
            "bucket key enabled" if enabled else "BucketKeyEnabled is not true",
        )
    status = (properties.get("VersioningConfiguration") or {}).get("Status")
    yield "S3003", "pass" if status == "Enabled" else "fail", f"versioning {status or 'not configured'}"
    block = properties.get("PublicAccessBlockConfiguration") or {}
    off = [flag for flag in PUBLIC_ACCESS_FLAGS if block.get(flag) not in (True, "true")]
    yield "S3004", "fail" if off else "pass", f"not true: {', '.join(off)}" if off else "all four flags true"
    yield _tls_policy(logical_id, resources)


def _tls_policy(logical_id: str, resources: dict[str, Any]) -> tuple[str, Status, str]:
    for resource in resources.values():
        if resource.get("Type") != "AWS::S3::BucketPolicy":
            continue
        properties = resource.get("Properties") or {}
        if properties.get("Bucket") != {"Ref": logical_id}:
            continue
        statements = (properties.get("PolicyDocument") or {}).get("Statement") or []
        for statement in statements if isinstance(statements, list) else [statements]:
            condition = json.dumps(statement.get("Condition") or {})
            principal = statement.get("Principal")
            everyone = principal == "*" or (isinstance(principal, dict) and principal.get("AWS") == "*")
            if statement.get("Effect") == "Deny" and everyone and "aws:SecureTransport" in condition:
                return "S3005", "pass", "denies requests without TLS"
        return "S3005", "fail", "the bucket policy has no TLS-only deny for every principal"
    return "S3005", "fail", "no bucket policy for this bucket"
