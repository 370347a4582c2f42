"""The policy evaluator that the coverage test relies on: IAM semantics, not string comparison."""

from __future__ import annotations

from typing import Any

import pytest

from glue.plancheck.iam_policy import Request, condition_holds, decide, wildcard_match

CODE_REPOSITORY = "arn:aws:sagemaker:us-east-1:123456789012:code-repository/sagemaker-x"


def _policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_action_wildcards_are_case_insensitive() -> None:
    policy = _policy({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"})
    assert decide(policy, Request("s3:GetBucketTagging", "arn:aws:s3:::b")) == "allow"
    assert decide(policy, Request("S3:getobject", "arn:aws:s3:::b/k")) == "allow"
    assert decide(policy, Request("s3:PutBucketTagging", "arn:aws:s3:::b")) == "implicit_deny"


def test_resources_match_case_sensitively_with_wildcards() -> None:
    assert wildcard_match("arn:aws:s3:::sagemaker-*", "arn:aws:s3:::sagemaker-a")
    assert not wildcard_match("arn:aws:s3:::sagemaker-*", "arn:aws:s3:::SageMaker-a")
    assert wildcard_match("arn:aws:iam::?????????????:root", "arn:aws:iam::1234567890123:root")


def test_deny_wins_over_allow() -> None:
    policy = _policy(
        {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "sagemaker:UpdateModelPackage", "Resource": "*"},
    )
    assert decide(policy, Request("sagemaker:UpdateModelPackage", "arn:x")) == "explicit_deny"
    assert decide(policy, Request("sagemaker:DescribeModelPackage", "arn:x")) == "allow"


def test_not_action_and_not_resource() -> None:
    policy = _policy({"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::secret*"})
    assert decide(policy, Request("s3:GetObject", "arn:aws:s3:::public/k")) == "allow"
    assert decide(policy, Request("iam:PassRole", "arn:aws:iam::1:role/r")) == "implicit_deny"
    assert decide(policy, Request("s3:GetObject", "arn:aws:s3:::secret/k")) == "implicit_deny"


def test_add_tags_on_other_types_does_not_cover_a_code_repository() -> None:
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "sagemaker:AddTags",
            "Resource": ["arn:aws:sagemaker:*:*:endpoint/*", "arn:aws:sagemaker:*:*:model/*"],
        }
    )
    assert decide(policy, Request("sagemaker:AddTags", CODE_REPOSITORY)) == "implicit_deny"


def test_an_allow_under_a_condition_the_request_lacks_does_not_cover() -> None:
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "sagemaker:AddTags",
            "Resource": "*",
            "Condition": {"ForAllValues:StringLike": {"aws:TagKeys": ["sagemaker:*"]}},
        },
        {
            "Effect": "Allow",
            "Action": "sagemaker:CreateCodeRepository",
            "Resource": "*",
            "Condition": {"StringLike": {"aws:ResourceTag/sagemaker:project-name": "*"}},
        },
    )
    assert decide(policy, Request("sagemaker:AddTags", CODE_REPOSITORY, {"aws:TagKeys": ["team"]})) == "implicit_deny"
    assert decide(policy, Request("sagemaker:AddTags", CODE_REPOSITORY, {"aws:TagKeys": ["sagemaker:x"]})) == "allow"
    assert decide(policy, Request("sagemaker:CreateCodeRepository", CODE_REPOSITORY)) == "implicit_deny"


def test_an_unknown_operator_never_allows_and_always_denies() -> None:
    allow = _policy(
        {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "x"}}}
    )
    assert decide(allow, Request("s3:GetObject", "arn:aws:s3:::b/k")) == "implicit_deny"
    deny = _policy(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": "1"}}},
    )
    assert decide(deny, Request("s3:ListBucket", "arn:aws:s3:::b")) == "explicit_deny"


@pytest.mark.parametrize(
    ("operator", "policy_value", "context", "expected"),
    [
        ("StringEquals", "a", {}, False),
        ("StringNotEquals", "a", {}, True),  # a missing tag satisfies StringNotEquals: the Deny fires
        ("StringNotEquals", ["a", "b"], {"k": "b"}, False),
        ("StringEqualsIfExists", "a", {}, True),
        ("StringLike", "team-*", {"k": "team-x"}, True),
        ("StringEqualsIgnoreCase", "ABC", {"k": "abc"}, True),
        ("ArnLike", "arn:aws:iam::*:role/x*", {"k": "arn:aws:iam::1:role/xy"}, True),
        ("ArnNotLike", "arn:aws:iam::*:role/x*", {"k": "arn:aws:iam::1:role/xy"}, False),
        ("Bool", "true", {"k": "True"}, True),
        ("Null", "true", {}, True),
        ("Null", "false", {}, False),
        ("ForAllValues:StringLike", ["a", "b*"], {"k": ["a", "bc"]}, True),
        ("ForAllValues:StringLike", ["a"], {"k": ["a", "c"]}, False),
        ("ForAllValues:StringLike", ["a"], {}, True),
        ("ForAnyValue:StringEquals", ["a"], {"k": ["c", "a"]}, True),
        ("ForAnyValue:StringEquals", ["a"], {}, False),
        ("ForAnyValue:StringNotEquals", ["a"], {}, False),
    ],
)
def test_condition_operators(operator: str, policy_value: Any, context: dict[str, Any], expected: bool) -> None:
    assert condition_holds(operator, "k", policy_value, context) is expected
