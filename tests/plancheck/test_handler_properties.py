"""Handler actions tied to the resource properties they serve (glue/plancheck/handler_properties.py), on the
resource provider schemas cfn-lint ships, and what SC003 makes of a template's properties with them."""

from __future__ import annotations

import pytest

from glue.plancheck.handler_properties import raw_words
from glue.plancheck.rules.service_catalog import handler_actions, is_iam_action, split_needs, template_properties

BUCKET = "AWS::S3::Bucket"
PIPELINE = "AWS::CodePipeline::Pipeline"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("PutBucketTagging", ["put", "bucket", "tag"]),
        ("Tags", ["tag"]),
        ("PutBucketCORS", ["put", "bucket", "cor"]),
        ("CorsConfiguration", ["cor", "configurat"]),
        ("DisableInboundStageTransitions", ["disable", "inbound", "stage", "transit"]),
        ("EnableStageTransition", ["enable", "stage", "transit"]),
        ("PutBucketAcl", ["put", "bucket", "access", "control"]),
        ("PutFunctionConcurrency", ["put", "funct", "concurrent"]),
        ("ReservedConcurrentExecutions", ["reserved", "concurrent", "execut"]),
        ("s3tables", ["s", "3", "table"]),
    ],
)
def test_words_of_names(name: str, words: list[str]) -> None:
    assert raw_words(name) == words


@pytest.mark.parametrize(
    ("resource_type", "action", "properties"),
    [
        (BUCKET, "s3:PutBucketWebsite", {"WebsiteConfiguration"}),
        (BUCKET, "s3:DeleteBucketWebsite", {"WebsiteConfiguration"}),
        (BUCKET, "s3:PutAnalyticsConfiguration", {"AnalyticsConfigurations"}),
        (BUCKET, "s3:PutEncryptionConfiguration", {"BucketEncryption"}),
        (BUCKET, "s3:PutBucketAcl", {"AccessControl"}),
        # another service's prefix speaks too: s3tables is about MetadataTableConfiguration, not BucketEncryption
        (BUCKET, "s3tables:CreateTable", {"MetadataTableConfiguration"}),
        (BUCKET, "s3tables:PutTableEncryption", {"MetadataTableConfiguration"}),
        # the schema's tagging permissions serve its tag property
        (BUCKET, "s3:TagResource", {"Tags"}),
        (BUCKET, "s3:UntagResource", {"Tags"}),
        # no top-level name matches: the role is inside ReplicationConfiguration (and MetadataConfiguration)
        (BUCKET, "iam:PassRole", {"ReplicationConfiguration", "MetadataConfiguration"}),
        (PIPELINE, "codepipeline:DisableStageTransition", {"DisableInboundStageTransitions"}),
        (PIPELINE, "codepipeline:EnableStageTransition", {"DisableInboundStageTransitions"}),
        (PIPELINE, "iam:GetRole", {"RoleArn"}),
        # core actions: nothing but verbs and the type's own words
        (BUCKET, "s3:CreateBucket", set()),
        (BUCKET, "s3:DeleteBucket", set()),
        (PIPELINE, "codepipeline:CreatePipeline", set()),
        (PIPELINE, "codestar-connections:PassConnection", set()),
        ("AWS::MWAA::Environment", "airflow:CreateEnvironment", set()),
    ],
)
def test_actions_serve_the_properties_their_names_speak_of(
    resource_type: str, action: str, properties: set[str]
) -> None:
    related = handler_actions(resource_type)
    assert related is not None
    assert related[action] == properties


def test_types_without_handlers_have_no_relations() -> None:
    assert handler_actions("Custom::Thing") is None


def needs(template: str, resource_type: str) -> tuple[list[str], dict[str, frozenset[str]]]:
    types = template_properties(template)
    assert types is not None
    found = split_needs(resource_type, types[resource_type])
    assert found is not None
    return found.needed, found.optional


BUCKET_ONLY = """
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties: {BucketName: sagemaker-site}
"""
WEBSITE = """
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: sagemaker-site
      WebsiteConfiguration: {IndexDocument: index.html}
"""


def test_a_set_property_makes_its_actions_needed() -> None:
    needed, optional = needs(WEBSITE, BUCKET)
    assert {"s3:PutBucketWebsite", "s3:DeleteBucketWebsite"} <= set(needed)
    assert "s3:PutBucketWebsite" not in optional


def test_an_unset_property_makes_its_actions_optional() -> None:
    needed, optional = needs(BUCKET_ONLY, BUCKET)
    assert optional["s3:PutBucketWebsite"] == {"WebsiteConfiguration"}
    assert "s3:PutBucketWebsite" not in needed
    assert {"s3tables:CreateTable", "s3:PutAnalyticsConfiguration"} <= set(optional)


def test_core_and_tagging_actions_are_always_needed() -> None:
    """Tags are not set here, but the provisioned product's stack tags propagate to every taggable resource."""
    needed, _ = needs(BUCKET_ONLY, BUCKET)
    assert {"s3:CreateBucket", "s3:ListBucket", "s3:DeleteBucket"} <= set(needed)
    assert {"s3:PutBucketTagging", "s3:TagResource", "s3:UntagResource"} <= set(needed)


def test_properties_of_every_resource_of_a_type_count() -> None:
    two = WEBSITE + "  Logs:\n    Type: AWS::S3::Bucket\n    Properties: {LoggingConfiguration: {}}\n"
    types = template_properties(two)
    assert types == {BUCKET: frozenset({"BucketName", "WebsiteConfiguration", "LoggingConfiguration"})}


def test_properties_given_by_a_function_may_be_anything() -> None:
    text = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: !If [C, {}, {}]\n"
    types = template_properties(text)
    assert types == {BUCKET: None}
    found = split_needs(BUCKET, None)
    assert found is not None
    assert not found.optional
    assert "s3:PutBucketWebsite" in found.needed


def test_handler_entries_iam_does_not_define_are_not_judged() -> None:
    """IAM authorizes DeleteBucketEncryption as s3:PutEncryptionConfiguration: no policy can grant the entry."""
    encrypted = BUCKET_ONLY.replace("{BucketName: sagemaker-site}", "{BucketEncryption: {}}")
    types = template_properties(encrypted)
    assert types is not None
    found = split_needs(BUCKET, types[BUCKET])
    assert found is not None
    assert "s3:PutEncryptionConfiguration" in found.needed
    assert found.not_iam == ["s3:DeleteBucketEncryption"]
    assert is_iam_action("s3:PutEncryptionConfiguration")
    assert not is_iam_action("s3:DeleteBucketEncryption")
    assert is_iam_action("s3:Get*")
    assert is_iam_action("nosuchservice:AnyThing")  # a service IAM's catalog lacks: judged like any other
