"""Flip each secure attribute of a good fixture plan: exactly the related rule goes from pass to fail,
and no other rule's verdict on any resource changes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from glue.plancheck.policy import CheckPolicy
from tests.plancheck.verdicts import after, load, s3_policy, verdicts

Mutation = Callable[[dict[str, Any]], None]
RAW = 'aws_s3_bucket.this["raw"]'
TAGS = {"required_tags": {"owner": ["mlops-platform"], "environment": ["dev", "prod"]}}


def _set(address: str, value: Any, *path: str | int) -> Mutation:
    """Set a planned value (known from now on: its after_unknown mark is dropped)."""

    def mutate(plan: dict[str, Any]) -> None:
        change = next(item["change"] for item in plan["resource_changes"] if item["address"] == address)
        target: Any = change["after"]
        marks: Any = change["after_unknown"]
        for step in path[:-1]:
            target = target[step]
            marks = _step(marks, step)
        if isinstance(marks, dict):
            marks.pop(path[-1], None)
        assert path[-1] in target or value is not None, f"{address} has no {path}"
        target[path[-1]] = value

    return mutate


def _step(marks: Any, step: str | int) -> Any:
    """after_unknown one step down (None where it marks nothing there)."""
    if isinstance(marks, dict):
        return marks.get(step)
    if isinstance(marks, list) and isinstance(step, int) and 0 <= step < len(marks):
        return marks[step]
    return None


def _drop_statement(address: str, sid: str) -> Mutation:
    def mutate(plan: dict[str, Any]) -> None:
        values = after(plan, address)
        document = json.loads(values["policy"])
        kept = [statement for statement in document["Statement"] if statement.get("Sid") != sid]
        assert len(kept) == len(document["Statement"]) - 1
        document["Statement"] = kept
        values["policy"] = json.dumps(document)

    return mutate


def _open_inline_ingress(address: str) -> Mutation:
    def mutate(plan: dict[str, Any]) -> None:
        after(plan, address)["ingress"][0]["cidr_blocks"].append("0.0.0.0/0")

    return mutate


ENCRYPTION = 'aws_s3_bucket_server_side_encryption_configuration.this["raw"]'
DEFAULT = ("rule", 0, "apply_server_side_encryption_by_default", 0)
S3_CASES: list[tuple[str, Mutation, str, str]] = [
    ("sse_algorithm AES256", _set(ENCRYPTION, "AES256", *DEFAULT, "sse_algorithm"), "S3001", RAW),
    ("AWS-managed key", _set(ENCRYPTION, "alias/aws/s3", *DEFAULT, "kms_master_key_id"), "S3001", RAW),
    ("bucket key off", _set(ENCRYPTION, False, "rule", 0, "bucket_key_enabled"), "S3002", RAW),
    (
        "versioning suspended",
        _set('aws_s3_bucket_versioning.this["raw"]', "Suspended", "versioning_configuration", 0, "status"),
        "S3003",
        RAW,
    ),
    *[
        (flag, _set('aws_s3_bucket_public_access_block.this["raw"]', False, flag), "S3004", RAW)
        for flag in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    ],
    ("TLS deny removed", _drop_statement('aws_s3_bucket_policy.this["raw"]', "DenyInsecureTransport"), "S3005", RAW),
    (
        "endpoint deny removed",
        _drop_statement('aws_s3_bucket_policy.this["raw"]', "DenyOutsideVpcEndpoint"),
        "S3006",
        RAW,
    ),
    ("key rotation off", _set("aws_kms_key.s3", False, "enable_key_rotation"), "KMS001", "aws_kms_key.s3"),
    ("tag value changed", _set(RAW, "qa", "tags_all", "environment"), "TAG001", RAW),
]


def _assert_only(case: str, mutation: Mutation, rule: str, address: str | set[str], policy: CheckPolicy) -> None:
    addresses = {address} if isinstance(address, str) else address
    good = verdicts(load(case), policy)
    assert all(good[(rule, item)] == "pass" for item in addresses)
    plan = load(case)
    mutation(plan)
    mutated = verdicts(plan, policy)
    changed = {
        key: (good.get(key), mutated.get(key))
        for key in good.keys() | mutated.keys()
        if good.get(key) != mutated.get(key)
    }
    assert changed == {(rule, item): ("pass", "fail") for item in addresses}


@pytest.mark.parametrize(("name", "mutation", "rule", "address"), S3_CASES, ids=[case[0] for case in S3_CASES])
def test_s3_fixture(name: str, mutation: Mutation, rule: str, address: str) -> None:
    _assert_only("s3/good", mutation, rule, address, s3_policy(**TAGS))


OPEN_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}
        ],
    }
)
KMS_CASES: list[tuple[str, Mutation, str, str]] = [
    ("rotation off", _set("aws_kms_key.this", False, "enable_key_rotation"), "KMS001", "aws_kms_key.this"),
    ("open policy", _set("aws_kms_key.this", OPEN_POLICY, "policy"), "KMS002", "aws_kms_key.this"),
    ("owner tag changed", _set("aws_kms_key.this", "someone", "tags_all", "owner"), "TAG001", "aws_kms_key.this"),
]


@pytest.mark.parametrize(("name", "mutation", "rule", "address"), KMS_CASES, ids=[case[0] for case in KMS_CASES])
def test_kms_fixture(name: str, mutation: Mutation, rule: str, address: str) -> None:
    _assert_only("kms/pass", mutation, rule, address, CheckPolicy.model_validate(TAGS))


STS = 'aws_vpc_endpoint.interface["sts"]'
SAGEMAKER = 'aws_vpc_endpoint.interface["sagemaker.api"]'
ENDPOINT_CASES: list[tuple[str, Mutation, str, Any]] = [
    ("private DNS off", _set(STS, False, "private_dns_enabled"), "VPE002", STS),
    ("service renamed", _set(STS, "com.amazonaws.eu-west-1.ssm", "service_name"), "VPE001", "-/sts"),
    (
        "ingress rule to anywhere",
        _set("aws_vpc_security_group_ingress_rule.peered", "0.0.0.0/0", "cidr_ipv4"),
        "VPE003",
        {STS, SAGEMAKER},  # both endpoints use the group
    ),
]


@pytest.mark.parametrize(
    ("name", "mutation", "rule", "address"), ENDPOINT_CASES, ids=[case[0] for case in ENDPOINT_CASES]
)
def test_endpoint_fixture(name: str, mutation: Mutation, rule: str, address: Any) -> None:
    policy = CheckPolicy(required_interface_endpoints=["sagemaker.api", "sts"])
    if rule == "VPE001":
        good = verdicts(load("endpoints/pass"), policy)
        plan = load("endpoints/pass")
        mutation(plan)
        mutated = verdicts(plan, policy)
        # the pass was reported on the endpoint; the failure on the missing service
        assert good[("VPE001", STS)] == "pass" and ("VPE001", STS) not in mutated
        assert mutated[("VPE001", "-/sts")] == "fail"
        assert {key: value for key, value in mutated.items() if key[0] != "VPE001"} == {
            key: value for key, value in good.items() if key[0] != "VPE001"
        }
        return
    _assert_only("endpoints/pass", mutation, rule, address, policy)


def test_open_inline_ingress_fails_both_endpoints_of_the_group() -> None:
    policy = CheckPolicy()
    good = verdicts(load("endpoints/pass"), policy)
    plan = load("endpoints/pass")
    _open_inline_ingress("aws_security_group.endpoints")(plan)
    mutated = verdicts(plan, policy)
    changed = {key for key in good if good[key] != mutated[key]}
    assert changed == {("VPE003", STS), ("VPE003", SAGEMAKER)}
    assert all(mutated[key] == "fail" for key in changed)
