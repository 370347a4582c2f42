"""S3001-S3006: bucket encryption, bucket key, versioning, public access block, TLS-only and
VPC-endpoint-only bucket policies.

A bucket's settings live in separate resources. Each is tied to its bucket by the planned
`bucket` name when known, otherwise by what its `bucket` expression refers to (through
for_each/count keys, module inputs and outputs: PlanIndex.referenced). A bucket with no tied
setting fails, unless a setting of that kind exists that could not be tied to any bucket: then
the verdict is `unknown`. Bucket policies are evaluated (glue/plancheck/iam_policy.py), not
string-matched.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from glue.plancheck.iam_policy import Request, decide, wildcard_match
from glue.plancheck.model import Finding
from glue.plancheck.plan_index import UNKNOWN, Resource
from glue.plancheck.rules import Context, Rule, rule

BUCKET = "aws_s3_bucket"
ENCRYPTION = "aws_s3_bucket_server_side_encryption_configuration"
VERSIONING = "aws_s3_bucket_versioning"
PUBLIC_ACCESS_BLOCK = "aws_s3_bucket_public_access_block"
POLICY = "aws_s3_bucket_policy"
SETTINGS = (ENCRYPTION, VERSIONING, PUBLIC_ACCESS_BLOCK, POLICY)
KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
PUBLIC_ACCESS_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
PROBE_OBJECT = "plancheck-probe/object"
PROBE_PRINCIPAL = "arn:aws:iam::000000000000:role/plancheck-probe"
PROBE_ENDPOINT = "vpce-0plancheckprobe0"


@dataclass
class BucketSettings:
    """Each bucket's tied settings by type, and how many settings of each type are tied to none."""

    tied: dict[str, dict[str, list[Resource]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    untied: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def of(self, bucket: Resource, type_: str) -> list[Resource]:
        return self.tied[bucket.address][type_]


def bucket_settings(context: Context) -> BucketSettings:
    if "s3" in context.cache:
        settings: BucketSettings = context.cache["s3"]
        return settings
    index = context.index
    buckets = index.of_type(BUCKET)
    by_name: dict[str, list[Resource]] = defaultdict(list)
    for bucket in buckets:
        for attribute in ("bucket", "id"):
            name = bucket.get(attribute)
            if isinstance(name, str) and name:
                by_name[name].append(bucket)
    settings = BucketSettings()
    for setting in index.of_type(*SETTINGS):
        name = setting.get("bucket")
        if isinstance(name, str):
            # A known name ties by name; one no bucket here has is a bucket outside this plan.
            targets = by_name.get(name, [])
            if not targets:
                continue
        else:
            targets = [target for target in index.referenced(setting, "bucket") if target.type == BUCKET]
        if len({target.address for target in targets}) != 1:
            # A setting configures exactly one bucket: none or several candidates cannot be tied.
            settings.untied[setting.type] += 1
            continue
        settings.tied[targets[0].address][setting.type].append(setting)
    context.cache["s3"] = settings
    return settings


def _missing(self: Rule, bucket: Resource, settings: BucketSettings, type_: str) -> Finding:
    if settings.untied[type_]:
        return self.finding(
            bucket, "unknown", f"no {type_} tied to this bucket; {settings.untied[type_]} could not be tied to any"
        )
    return self.finding(bucket, "fail", f"no {type_} for this bucket")


def _kms_rules(bucket: Resource, settings: BucketSettings) -> list[tuple[Resource, int, Any]]:
    """(configuration, rule index, default-encryption block) of each SSE rule tied to the bucket."""
    found = []
    for configuration in settings.of(bucket, ENCRYPTION):
        rules = configuration.get("rule")
        if rules is UNKNOWN:
            found.append((configuration, -1, UNKNOWN))
            continue
        for position, _ in enumerate(rules or []):
            found.append(
                (
                    configuration,
                    position,
                    configuration.get("rule", position, "apply_server_side_encryption_by_default", 0),
                )
            )
    return found


@rule("S3001", "Bucket encryption with a customer-managed KMS key", "Default encryption is SSE-KMS with a key of ours.")
def encryption(self: Rule, context: Context) -> Iterator[Finding]:
    settings = bucket_settings(context)
    for bucket in context.resources(BUCKET):
        rules = _kms_rules(bucket, settings)
        if not rules:
            yield _missing(self, bucket, settings, ENCRYPTION)
            continue
        verdicts = [
            _customer_managed(context, configuration, position, block) for configuration, position, block in rules
        ]
        if any(status == "pass" for status, _ in verdicts):
            yield self.finding(bucket, "pass", next(message for status, message in verdicts if status == "pass"))
        elif any(status == "unknown" for status, _ in verdicts):
            yield self.finding(bucket, "unknown", next(message for status, message in verdicts if status == "unknown"))
        else:
            yield self.finding(bucket, "fail", verdicts[0][1])


def _customer_managed(context: Context, configuration: Resource, position: int, block: Any) -> tuple[str, str]:
    if block is UNKNOWN:
        return "unknown", "the encryption rule is known only after apply"
    if not isinstance(block, dict):
        return "fail", "the encryption rule has no default encryption"
    algorithm = block.get("sse_algorithm")
    if (
        algorithm is UNKNOWN
        or configuration.get("rule", position, "apply_server_side_encryption_by_default", 0, "sse_algorithm") is UNKNOWN
    ):
        return "unknown", "the SSE algorithm is known only after apply"
    if algorithm not in KMS_ALGORITHMS:
        return "fail", f"default encryption is {algorithm!r}, not SSE-KMS"
    key = configuration.get("rule", position, "apply_server_side_encryption_by_default", 0, "kms_master_key_id")
    if key is UNKNOWN:
        path = ("rule", position, "apply_server_side_encryption_by_default", 0, "kms_master_key_id")
        sources = context.index.referenced(configuration, *path)
        if any(source.type == "aws_kms_key" for source in sources):
            return "pass", "SSE-KMS with a customer-managed key created in this plan"
        return "unknown", "SSE-KMS with a key known only after apply"
    if not key:
        return "fail", "SSE-KMS with the AWS-managed key (no kms_master_key_id)"
    if "alias/aws/" in str(key):
        return "fail", f"SSE-KMS with the AWS-managed key {key}"
    return "pass", f"SSE-KMS with {key}"


@rule("S3002", "S3 bucket key", "SSE-KMS buckets enable the S3 bucket key (fewer KMS calls, lower cost).")
def bucket_key(self: Rule, context: Context) -> Iterator[Finding]:
    settings = bucket_settings(context)
    for bucket in context.resources(BUCKET):
        rules = _kms_rules(bucket, settings)
        if not rules:
            yield _missing(self, bucket, settings, ENCRYPTION)
            continue
        values = [
            UNKNOWN if position < 0 else configuration.get("rule", position, "bucket_key_enabled")
            for configuration, position, _ in rules
        ]
        if any(value is True for value in values):
            yield self.finding(bucket, "pass", "bucket key enabled")
        elif any(value is UNKNOWN for value in values):
            yield self.finding(bucket, "unknown", "bucket_key_enabled is known only after apply")
        else:
            yield self.finding(bucket, "fail", "bucket_key_enabled is not true")


@rule("S3003", "Bucket versioning", "Buckets keep object versions (aws_s3_bucket_versioning status Enabled).")
def versioning(self: Rule, context: Context) -> Iterator[Finding]:
    settings = bucket_settings(context)
    for bucket in context.resources(BUCKET):
        tied = settings.of(bucket, VERSIONING)
        if not tied:
            yield _missing(self, bucket, settings, VERSIONING)
            continue
        statuses = [item.get("versioning_configuration", 0, "status") for item in tied]
        if "Enabled" in statuses:
            yield self.finding(bucket, "pass", "versioning enabled")
        elif UNKNOWN in statuses:
            yield self.finding(bucket, "unknown", "versioning status is known only after apply")
        else:
            yield self.finding(bucket, "fail", f"versioning status is {statuses[0]!r}, not 'Enabled'")


@rule("S3004", "Public access block", "All four public-access-block flags are true for every bucket.")
def public_access_block(self: Rule, context: Context) -> Iterator[Finding]:
    settings = bucket_settings(context)
    for bucket in context.resources(BUCKET):
        tied = settings.of(bucket, PUBLIC_ACCESS_BLOCK)
        if not tied:
            yield _missing(self, bucket, settings, PUBLIC_ACCESS_BLOCK)
            continue
        block = tied[0]
        off = [flag for flag in PUBLIC_ACCESS_FLAGS if block.get(flag) is not True and block.get(flag) is not UNKNOWN]
        pending = [flag for flag in PUBLIC_ACCESS_FLAGS if block.get(flag) is UNKNOWN]
        if off:
            yield self.finding(bucket, "fail", f"not true: {', '.join(off)}")
        elif pending:
            yield self.finding(bucket, "unknown", f"known only after apply: {', '.join(pending)}")
        else:
            yield self.finding(bucket, "pass", "all four flags true")


def _deny_everyone(document: dict[str, Any]) -> dict[str, Any]:
    """Only the Deny statements that apply to every principal (what binds any caller)."""
    statements = document.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    kept = []
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Deny":
            continue
        principal = statement.get("Principal")
        aws = principal.get("AWS") if isinstance(principal, dict) else principal
        if principal == "*" or aws == "*" or (isinstance(aws, list) and "*" in aws):
            kept.append(statement)
    return {"Version": "2012-10-17", "Statement": kept}


def _policy_document(bucket: Resource, settings: BucketSettings) -> tuple[str, Any]:
    """("ok", parsed policy) / ("unknown", message) / ("fail", message) for the bucket's policy."""
    policies = settings.of(bucket, POLICY)
    if not policies:
        return ("unknown" if settings.untied[POLICY] else "fail"), f"no {POLICY} tied to this bucket"
    text = policies[0].get("policy")
    if text is UNKNOWN:
        return "unknown", "the bucket policy is known only after apply"
    try:
        return "ok", json.loads(text)
    except (TypeError, ValueError):
        return "fail", "the bucket policy is not valid JSON"


def _bucket_arn(bucket: Resource, document: dict[str, Any]) -> str | None:
    name = bucket.get("bucket")
    if not isinstance(name, str) or not name:
        return None
    partition = "aws"
    text = json.dumps(document)
    for candidate in ("aws-us-gov", "aws-cn"):
        if f"arn:{candidate}:s3:::" in text:
            partition = candidate
    return f"arn:{partition}:s3:::{name}"


def _context_variants(document: dict[str, Any], base: dict[str, str], limit: int = 256) -> list[dict[str, str]]:
    """Request contexts that a deny must cover besides `base`: for each condition key the statements
    name (other than base's own fixed keys), `base` with that key set to each value they name, so a
    deny that exempts some endpoint, network or principal is probed through that exemption too.
    All combinations when they are few, else one key varied at a time."""
    fixed = {key.lower() for key in base if key.lower() != "aws:principalarn"}
    named: dict[str, set[str]] = defaultdict(set)
    for statement in document.get("Statement", []):
        for tests in (statement.get("Condition") or {}).values():
            for key, value in (tests if isinstance(tests, dict) else {}).items():
                if key.lower() not in fixed:
                    items: list[Any] = [value] if isinstance(value, str | bool | int) else list(value or [])
                    named[key].update(str(item).lower() if isinstance(item, bool) else str(item) for item in items)
    variants = [dict(base)]
    combinations = 1
    for found in named.values():
        combinations *= len(found) + 1
    for key, found in sorted(named.items()):
        options = [{key: value} for value in sorted(found)]
        if combinations <= limit:
            variants = [{**variant, **option} for variant in variants for option in [{}, *options]]
        else:
            variants += [{**base, **option} for option in options]
    return variants


def _denied_everywhere(document: dict[str, Any], arn: str, context_values: dict[str, str]) -> list[str]:
    """The probe requests (bucket and object level) that the policy does NOT deny."""
    probes = [
        Request("s3:ListBucket", arn, context_values),
        Request("s3:GetObject", f"{arn}/{PROBE_OBJECT}", context_values),
        Request("s3:PutObject", f"{arn}/{PROBE_OBJECT}", context_values),
    ]
    return [f"{probe.action} on {probe.resource}" for probe in probes if decide(document, probe) != "explicit_deny"]


def _policy_and_arn(self: Rule, bucket: Resource, settings: BucketSettings) -> tuple[Finding | None, Any, str]:
    """(None, policy, bucket ARN), or the finding that says why the policy cannot be judged."""
    state, document = _policy_document(bucket, settings)
    if state != "ok":
        return self.finding(bucket, "fail" if state == "fail" else "unknown", document), None, ""
    arn = _bucket_arn(bucket, document)
    if arn is None:
        return self.finding(bucket, "unknown", "the bucket name is known only after apply"), None, ""
    return None, document, arn


@rule("S3005", "TLS-only bucket policy", "The bucket policy denies requests without TLS on the bucket and its objects.")
def tls_only(self: Rule, context: Context) -> Iterator[Finding]:
    settings = bucket_settings(context)
    for bucket in context.resources(BUCKET):
        problem, document, arn = _policy_and_arn(self, bucket, settings)
        if problem is not None:
            yield problem
            continue
        deny = _deny_everyone(document)
        request = {"aws:SecureTransport": "false", "aws:PrincipalArn": PROBE_PRINCIPAL}
        allowed = sorted(
            {probe for variant in _context_variants(deny, request) for probe in _denied_everywhere(deny, arn, variant)}
        )
        if allowed:
            yield self.finding(bucket, "fail", f"requests without TLS are not denied: {'; '.join(allowed)}")
        else:
            yield self.finding(bucket, "pass", "requests without TLS are denied on the bucket and its objects")


@rule(
    "S3006",
    "VPC-endpoint-only bucket policy",
    "With --require-vpce (or the policy's require_vpce), the bucket policy denies requests that do not come "
    "through an allowed VPC endpoint, on the bucket and its objects; named deploy/admin principals may be exempt.",
)
def vpc_endpoint_only(self: Rule, context: Context) -> Iterator[Finding]:
    if not (context.require_vpce or context.policy.require_vpce):
        return
    settings = bucket_settings(context)
    for bucket in context.resources(BUCKET):
        problem, document, arn = _policy_and_arn(self, bucket, settings)
        if problem is not None:
            yield problem
            continue
        outside = {"aws:SourceVpce": PROBE_ENDPOINT, "aws:SecureTransport": "true", "aws:PrincipalArn": PROBE_PRINCIPAL}
        deny = _deny_everyone(document)
        allowed = _denied_everywhere(deny, arn, outside)
        if allowed:
            yield self.finding(
                bucket, "fail", f"requests from outside the VPC endpoints are not denied: {'; '.join(allowed)}"
            )
            continue
        admitted = sorted(
            endpoint
            for endpoint in _named_values(deny, "aws:SourceVpce")
            if decide(deny, Request("s3:GetObject", f"{arn}/{PROBE_OBJECT}", {**outside, "aws:SourceVpce": endpoint}))
            != "explicit_deny"
        )
        ours = set(context.policy.allowed_vpce_ids) | {
            str(endpoint.get("id")) for endpoint in context.index.of_type("aws_vpc_endpoint")
        }
        foreign = [endpoint for endpoint in admitted if endpoint not in ours]
        exempt = sorted(
            principal
            for principal in _named_values(deny, "aws:PrincipalArn")
            if decide(
                deny, Request("s3:GetObject", f"{arn}/{PROBE_OBJECT}", {**outside, "aws:PrincipalArn": principal})
            )
            != "explicit_deny"
            and not any(wildcard_match(allowed, principal) for allowed in context.policy.exempt_principal_arns)
        )
        problems = []
        if foreign:
            problems.append(
                f"admits VPC endpoints neither created in this plan nor allowed by the policy: {', '.join(foreign)}"
            )
        if exempt:
            problems.append(f"exempts principals the policy's exempt_principal_arns do not name: {', '.join(exempt)}")
        if problems:
            yield self.finding(bucket, "fail", "; ".join(problems))
        else:
            yield self.finding(bucket, "pass", "requests not through an allowed VPC endpoint are denied")


def _named_values(document: dict[str, Any], condition_key: str) -> set[str]:
    """The values that the statements' conditions on `condition_key` name (keys are case-insensitive)."""
    found: set[str] = set()
    for statement in document.get("Statement", []):
        for tests in (statement.get("Condition") or {}).values():
            for key, value in (tests if isinstance(tests, dict) else {}).items():
                if key.lower() == condition_key.lower():
                    found.update([value] if isinstance(value, str) else [str(item) for item in value])
    return found
