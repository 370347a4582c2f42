"""IAM001-IAM003 on real plans (tests/plancheck/fixtures/iam/)."""

from __future__ import annotations

import pytest

from glue.plancheck.check import run_checks
from glue.plancheck.policy import CheckPolicy
from glue.plancheck.rules.iam import create_action, decode, open_role_pattern, resource_tag_key
from tests.plancheck.fixture_plans import FIXTURES, load_plan


def findings(case: str, rule: str) -> dict[str, tuple[str, str]]:
    report = run_checks(load_plan(FIXTURES / "iam" / case), CheckPolicy())
    found = [finding for finding in report.findings if finding.rule == rule]
    result: dict[str, tuple[str, str]] = {finding.address: (finding.status, finding.message) for finding in found}
    assert len(result) == len(found), "one finding per policy resource"
    return result


UNKNOWN_DOCUMENT = ("unknown", "policy document known only after apply (policy)")


def test_iam001_pass_also_for_policy_documents_and_inline_policies() -> None:
    passed = ("pass", "no statement allows every action on every resource")
    assert findings("pass", "IAM001") == {
        "aws_iam_policy.deploy": passed,
        "aws_iam_role.execution": passed,
        "aws_iam_role_policy.pipelines": passed,
    }


def test_iam001_fails_action_star_and_not_action_on_every_resource() -> None:
    result = findings("fail", "IAM001")
    assert result["aws_iam_policy.admin"] == ("fail", "Everything allows every action (Action) on every resource")
    assert result["aws_iam_role.not_action"] == (
        "fail",
        "inline_policy all-but-organizations: AllButOrganizations allows every action (NotAction) on every resource",
    )
    assert {address for address, (status, _) in result.items() if status == "pass"} == {
        "aws_iam_group_policy.pass_unconditioned",
        "aws_iam_policy.tag_on_create",
        "aws_iam_user_policy.pass_any_role",
    }


def test_iam001_unknown_when_the_document_is_known_only_after_apply() -> None:
    assert findings("unknown", "IAM001") == {
        "aws_iam_policy.pending": UNKNOWN_DOCUMENT,
        "aws_iam_role_policy.pending": UNKNOWN_DOCUMENT,
    }


def test_iam002_pass_scoped_pass_role_also_with_wildcard_action() -> None:
    passed = ("pass", "iam:PassRole scoped to named roles and iam:PassedToService")
    # aws_iam_role.execution grants no iam:PassRole: no finding.
    assert findings("pass", "IAM002") == {"aws_iam_policy.deploy": passed, "aws_iam_role_policy.pipelines": passed}


def test_iam002_fails_unscoped_pass_role() -> None:
    assert findings("fail", "IAM002") == {
        "aws_iam_group_policy.pass_unconditioned": (
            "fail",
            "PassExecutionRole allows iam:PassRole unscoped (no iam:PassedToService condition)",
        ),
        "aws_iam_policy.admin": (
            "fail",
            "Everything allows iam:PassRole unscoped (Resource *; no iam:PassedToService condition)",
        ),
        "aws_iam_role.not_action": (
            "fail",
            "inline_policy all-but-organizations: AllButOrganizations allows iam:PassRole unscoped"
            " (NotAction; Resource *; no iam:PassedToService condition)",
        ),
        "aws_iam_user_policy.pass_any_role": (
            "fail",
            "PassAnyRole allows iam:PassRole unscoped (Resource arn:aws:iam::*:role/*)",
        ),
    }


def test_iam002_unknown_when_the_document_is_known_only_after_apply() -> None:
    assert findings("unknown", "IAM002") == {
        "aws_iam_policy.pending": UNKNOWN_DOCUMENT,
        "aws_iam_role_policy.pending": UNKNOWN_DOCUMENT,
    }


def test_iam003_pass_request_tags_on_create_and_resource_tags_elsewhere() -> None:
    assert findings("pass", "IAM003") == {
        "aws_iam_policy.deploy": ("pass", "tag conditions on create actions test aws:RequestTag/aws:TagKeys")
    }


def test_iam003_fails_resource_tags_on_create_and_run() -> None:
    hint = " (a resource being created has no tags yet: test aws:RequestTag/ or aws:TagKeys)"
    assert findings("fail", "IAM003") == {
        "aws_iam_policy.tag_on_create": (
            "fail",
            "CreateProjectsOfTeam tests aws:ResourceTag/team on servicecatalog:ProvisionProduct, "
            f"sagemaker:CreateProject{hint}; RunTaggedInstances tests ec2:ResourceTag/team on ec2:Run*{hint}",
        )
    }


def test_iam003_unknown_when_the_document_is_known_only_after_apply() -> None:
    assert findings("unknown", "IAM003") == {
        "aws_iam_policy.pending": UNKNOWN_DOCUMENT,
        "aws_iam_role_policy.pending": UNKNOWN_DOCUMENT,
    }


@pytest.mark.parametrize(
    ("pattern", "open_"),
    [
        ("*", True),
        ("arn:aws:iam::*:role/*", True),
        ("arn:aws:iam::111122223333:role/*", True),
        ("arn:*:iam::*:*", True),
        ("arn:aws:iam::111122223333:role/sagemaker-*", False),
        ("arn:aws:iam::111122223333:role/sagemaker-execution", False),
    ],
)
def test_open_role_pattern(pattern: str, open_: bool) -> None:
    assert open_role_pattern(pattern) is open_


@pytest.mark.parametrize(
    ("action", "creates"),
    [
        ("sagemaker:CreateProject", True),
        ("ec2:Run*", True),
        ("servicecatalog:ProvisionProduct", True),
        ("s3:createbucket", True),
        ("sagemaker:*", False),
        ("*", False),
        ("sagemaker:DeleteProject", False),
    ],
)
def test_create_action(action: str, creates: bool) -> None:
    assert create_action(action) is creates


def test_resource_tag_keys_also_service_specific() -> None:
    assert resource_tag_key("aws:ResourceTag/team")
    assert resource_tag_key("sagemaker:ResourceTag/team")
    assert not resource_tag_key("aws:RequestTag/team")
    assert not resource_tag_key("aws:TagKeys")


def test_decode_rejects_what_is_not_a_policy() -> None:
    assert decode("not json") is None
    assert decode('{"Statement": "x"}') is None
    assert decode('{"Statement": {"Effect": "Allow"}}') == {"Statement": [{"Effect": "Allow"}]}
