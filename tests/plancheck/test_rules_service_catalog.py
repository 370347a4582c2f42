"""SC001-SC003 on real plans (tests/plancheck/fixtures/service_catalog/)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from glue.plancheck.check import run_checks
from glue.plancheck.policy import CheckPolicy
from glue.plancheck.rules.service_catalog import (
    Coverage,
    _bucket_key,
    managed_policies,
    required_actions,
    template_types,
)
from tests.plancheck.fixture_plans import FIXTURES, load_plan

FOLDER = FIXTURES / "service_catalog"


def findings(case: str, rule: str) -> dict[str, tuple[str, str]]:
    report = run_checks(load_plan(FOLDER / case), CheckPolicy())
    found = [finding for finding in report.findings if finding.rule == rule]
    result: dict[str, tuple[str, str]] = {finding.address: (finding.status, finding.message) for finding in found}
    assert len(result) == len(found), "one finding per product"
    return result


@pytest.fixture
def in_fail_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fail fixture's template comes from `source = "template.yaml"`, relative to the plan's folder."""
    monkeypatch.chdir(FOLDER / "fail")


def test_sc001() -> None:
    assert findings("pass", "SC001") == {
        "aws_servicecatalog_product.model_registry": ("pass", "sagemaker:studio-visibility = true")
    }
    assert findings("fail", "SC001") == {
        "aws_servicecatalog_product.hidden": ("fail", "sagemaker:studio-visibility = 'false', not 'true'"),
        "aws_servicecatalog_product.underprivileged": ("pass", "sagemaker:studio-visibility = true"),
    }
    assert findings("unknown", "SC001") == {
        "aws_servicecatalog_product.known": ("pass", "sagemaker:studio-visibility = true"),
        "aws_servicecatalog_product.pending": ("unknown", "sagemaker:studio-visibility is known only after apply"),
    }


def test_sc001_missing_tag_fails() -> None:
    plan = load_plan(FOLDER / "pass")
    for change in plan["resource_changes"]:
        if change["type"] == "aws_servicecatalog_product":
            del change["change"]["after"]["tags"]["sagemaker:studio-visibility"]
            change["change"]["after_unknown"]["tags_all"] = True  # tags_all from the provider only
    found = [finding for finding in run_checks(plan, CheckPolicy()).findings if finding.rule == "SC001"]
    assert [(finding.status, finding.message) for finding in found] == [("fail", "no sagemaker:studio-visibility tag")]


def test_sc002_ties_by_reference_when_ids_are_unknown() -> None:
    tied = ("pass", "has a LAUNCH constraint and a portfolio association")
    assert findings("pass", "SC002") == {"aws_servicecatalog_product.model_registry": tied}
    assert findings("fail", "SC002") == {
        "aws_servicecatalog_product.hidden": ("fail", "no LAUNCH constraint and no portfolio association"),
        "aws_servicecatalog_product.underprivileged": tied,
    }
    assert findings("unknown", "SC002") == {
        "aws_servicecatalog_product.known": tied,
        "aws_servicecatalog_product.pending": (
            "unknown",
            "no portfolio association tied to it; 1 portfolio association(s) could not be tied to any product",
        ),
    }


def test_sc003_pass_role_in_module_with_for_each_scoped_by_prefix() -> None:
    assert findings("pass", "SC003") == {
        "aws_servicecatalog_product.model_registry": (
            "pass",
            'module.launch_role["model-registry"].aws_iam_role.this covers '
            "AWS::S3::Bucket, AWS::SageMaker::ModelPackageGroup",
        )
    }


@pytest.mark.usefixtures("in_fail_folder")
def test_sc003_fail_lists_the_first_missing_actions_per_type() -> None:
    """Only what the template needs is listed: its bucket sets BucketName alone and its group
    ModelPackageGroupName alone, so actions of other properties (s3:PutBucketAbac, s3:PutAnalyticsConfiguration,
    sagemaker:PutModelPackageGroupPolicy, ...) no longer count; core and tagging actions (stack tags propagate to
    every taggable resource) still do."""
    assert findings("fail", "SC003") == {
        "aws_servicecatalog_product.hidden": ("unknown", "no LAUNCH constraint tied to this product (see SC002)"),
        "aws_servicecatalog_product.underprivileged": (
            "fail",
            "aws_iam_role.readonly lacks AWS::S3::Bucket: s3:CreateBucket, s3:PutBucketTagging, s3:TagResource, "
            "s3:UntagResource, s3:DeleteBucket; AWS::SageMaker::ModelPackageGroup: "
            "sagemaker:CreateModelPackageGroup, sagemaker:DescribeModelPackageGroup, sagemaker:ListTags, "
            "sagemaker:AddTags, sagemaker:DeleteTags (+1 more)",
        ),
    }


# The pass fixture's role, granted the bucket's core and tagging actions only (AmazonS3ReadOnlyAccess stays).
CORE_BUCKET_ACTIONS = [
    "s3:CreateBucket",
    "s3:DeleteBucket",
    "s3:PutBucketTagging",
    "s3:TagResource",
    "s3:UntagResource",
]
NARROW_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "sagemaker:*ModelPackageGroup*",
                "sagemaker:AddTags",
                "sagemaker:DeleteTags",
                "sagemaker:ListTags",
            ],
            "Resource": "arn:aws:sagemaker:*:111122223333:model-package-group/sagemaker-*",
        },
        {"Effect": "Allow", "Action": CORE_BUCKET_ACTIONS, "Resource": "arn:aws:s3:::sagemaker-*"},
    ],
}


def narrow_role_sc003(bucket_properties: str = "", actions: list[str] | None = None) -> tuple[str, str]:
    """SC003 on the pass fixture with NARROW_POLICY (bucket actions replaced by `actions`), the template's bucket
    setting `bucket_properties` (YAML lines at property indentation) besides its name."""
    plan = load_plan(FOLDER / "pass")
    document = json.loads(json.dumps(NARROW_POLICY))
    document["Statement"][1]["Action"] = actions if actions is not None else CORE_BUCKET_ACTIONS
    for change in plan["resource_changes"]:
        after = change["change"]["after"]
        if change["type"] == "aws_iam_role_policy":
            after["policy"] = json.dumps(document)
        if change["type"] == "aws_s3_object":
            after["content"] = after["content"].replace("artifacts]]\n", f"artifacts]]\n{bucket_properties}")
    found = [f for f in run_checks(plan, CheckPolicy()).findings if f.rule == "SC003"]
    assert len(found) == 1
    return found[0].status, found[0].message


def test_sc003_actions_of_unset_properties_do_not_fail() -> None:
    """The role lacks s3:PutBucketWebsite, s3tables:*, ...: the template sets none of their properties, so the
    finding passes and names them for information."""
    status, message = narrow_role_sc003()
    assert status == "pass"
    assert message == (
        'module.launch_role["model-registry"].aws_iam_role.this covers AWS::S3::Bucket, '
        "AWS::SageMaker::ModelPackageGroup; not allowed, needed only for properties the template does not set: "
        "AWS::S3::Bucket: s3:PutBucketAbac [AbacStatus], s3:PutAnalyticsConfiguration [AnalyticsConfigurations], "
        "s3:PutEncryptionConfiguration [BucketEncryption], s3:PutBucketCORS [CorsConfiguration], "
        "s3:PutInventoryConfiguration [InventoryConfigurations] (+39 more)"
    )


def test_sc003_actions_of_a_set_property_are_needed() -> None:
    status, message = narrow_role_sc003("      WebsiteConfiguration: {IndexDocument: index.html}\n")
    assert (status, message) == (
        "fail",
        'module.launch_role["model-registry"].aws_iam_role.this lacks AWS::S3::Bucket: s3:PutBucketWebsite, '
        "s3:DeleteBucketWebsite",
    )


def test_sc003_a_missing_core_action_still_fails() -> None:
    status, message = narrow_role_sc003(actions=[a for a in CORE_BUCKET_ACTIONS if a != "s3:CreateBucket"])
    assert (status, message) == (
        "fail",
        'module.launch_role["model-registry"].aws_iam_role.this lacks AWS::S3::Bucket: s3:CreateBucket',
    )


def test_sc003_tag_actions_are_needed_without_tags_in_the_template() -> None:
    """The template sets no Tags, but Service Catalog's stack tags propagate to the bucket."""
    status, message = narrow_role_sc003(actions=[a for a in CORE_BUCKET_ACTIONS if a != "s3:UntagResource"])
    assert (status, message) == (
        "fail",
        'module.launch_role["model-registry"].aws_iam_role.this lacks AWS::S3::Bucket: s3:UntagResource',
    )


def test_sc003_handler_entries_that_are_no_iam_action_are_named_not_judged() -> None:
    status, message = narrow_role_sc003(
        "      BucketEncryption: {ServerSideEncryptionConfiguration: []}\n",
        [*CORE_BUCKET_ACTIONS, "s3:PutEncryptionConfiguration"],
    )
    assert status == "pass"
    assert message.endswith(
        "; handler entries that are no IAM action, not judged: AWS::S3::Bucket: s3:DeleteBucketEncryption"
    )


def test_sc003_unknown_when_the_source_file_cannot_be_read() -> None:
    # run from the repository root: template.yaml is not there
    assert findings("fail", "SC003")["aws_servicecatalog_product.underprivileged"] == (
        "unknown",
        "cannot read template.yaml (source of aws_s3_object.template)",
    )


def test_sc003_unknown_template_or_role_policy() -> None:
    assert findings("unknown", "SC003") == {
        "aws_servicecatalog_product.known": ("unknown", "a policy of aws_iam_role.pending is known only after apply"),
        "aws_servicecatalog_product.pending": (
            "unknown",
            "the template content of aws_s3_object.pending is known only after apply",
        ),
    }


def test_sc003_counts_aws_managed_policies(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fail fixture's read-only role, attached AmazonSageMakerFullAccess instead: SageMaker is covered,
    S3 buckets are not (that policy grants only some s3 actions)."""
    monkeypatch.chdir(FOLDER / "fail")
    plan = load_plan(FOLDER / "fail")
    for change in plan["resource_changes"]:
        if change["address"] == "aws_iam_role_policy_attachment.readonly":
            change["change"]["after"]["policy_arn"] = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
    found = {f.address: f for f in run_checks(plan, CheckPolicy()).findings if f.rule == "SC003"}
    message = found["aws_servicecatalog_product.underprivileged"].message
    assert found["aws_servicecatalog_product.underprivileged"].status == "fail"
    # s3:CreateBucket is granted (on sagemaker-* buckets, the template's names), s3:PutBucketTagging is not
    assert message.startswith("aws_iam_role.readonly lacks AWS::S3::Bucket: s3:PutBucketTagging, ")
    assert "AWS::SageMaker::ModelPackageGroup" not in message


def test_template_types_with_short_form_tags() -> None:
    text = """
Resources:
  Group:
    Type: AWS::SageMaker::ModelPackageGroup
    Properties:
      ModelPackageGroupName: !Sub "sagemaker-${AWS::StackName}"
      Tags: !If [HasTags, !Ref Tags, !Ref AWS::NoValue]
  Bucket:
    Type: AWS::S3::Bucket
    Properties: {BucketName: !Join ["-", [!Ref Name, !GetAtt Group.Arn]]}
"""
    assert template_types(text) == ["AWS::S3::Bucket", "AWS::SageMaker::ModelPackageGroup"]
    assert template_types('{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}') == ["AWS::S3::Bucket"]
    assert template_types("just: text") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://b.s3.eu-west-1.amazonaws.com/t/x.yaml", ("b", "t/x.yaml")),
        ("https://my.bucket.s3.amazonaws.com/x.yaml", ("my.bucket", "x.yaml")),
        ("https://s3.eu-west-1.amazonaws.com/b/t/x%20y.yaml", ("b", "t/x y.yaml")),
        ("s3://b/x.json", ("b", "x.json")),
        ("https://example.com/x.yaml", None),
    ],
)
def test_bucket_key(url: str, expected: tuple[str, str] | None) -> None:
    assert _bucket_key(url) == expected


def test_required_actions_from_the_resource_schemas() -> None:
    actions = required_actions("AWS::SageMaker::ModelPackageGroup")
    assert actions is not None
    assert {"sagemaker:CreateModelPackageGroup", "sagemaker:DeleteModelPackageGroup", "sagemaker:DeleteTags"} <= set(
        actions
    )
    assert required_actions("AWS::SageMaker::ModelPackageGroup") is actions  # loaded once
    assert required_actions("Custom::Thing") is None


def test_managed_policies_use_the_newest_snapshot() -> None:
    policies = managed_policies()
    assert {"AmazonS3ReadOnlyAccess", "AmazonSageMakerFullAccess"} <= set(policies)
    newest = policies["AmazonSageMakerAdmin-ServiceCatalogProductsServiceRolePolicy"]
    assert newest["Statement"][0]["Sid"] == "AmazonSageMakerServiceCatalogAPIGatewayPermission"  # only in v12


def pass_connection(prefix: str, passed_to: str) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Action": f"{prefix}:PassConnection",
        "Resource": f"arn:aws:{prefix}:us-east-1:111122223333:connection/0f1e2d3c",
        "Condition": {"StringEquals": {f"{prefix}:PassedToService": passed_to}},
    }


@pytest.mark.parametrize(
    ("statements", "verdict"),
    [
        ([pass_connection("codeconnections", "codepipeline.amazonaws.com")], "allowed"),
        ([pass_connection("codestar-connections", "codepipeline.amazonaws.com")], "allowed"),
        ([pass_connection("codeconnections", "codebuild.amazonaws.com")], "conditional"),
        ([], "missing"),
    ],
    ids=["new-prefix", "old-prefix", "other-service", "none"],
)
def test_sc003_either_connections_prefix_grants_the_handlers_pass_connection(
    statements: list[Mapping[str, Any]], verdict: str
) -> None:
    """The CodePipeline handler asks for codestar-connections:PassConnection; IAM wants the action's prefix to
    match the connection ARN's, so a codeconnections grant on a codeconnections connection stands for it."""
    coverage = Coverage(statements)
    assert coverage.verdict("codestar-connections:PassConnection", "AWS::CodePipeline::Pipeline") == verdict
