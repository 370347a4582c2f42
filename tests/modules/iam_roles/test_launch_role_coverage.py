"""The launch role's planned policy allows what each CloudFormation resource type of the products needs.

One plan against the emulator with every supported type; the module's `launch_role_actions` output says which
actions each type gets, and an independent list below says which ones a type cannot do without (the failures
users of launch roles report: iam:TagRole for a tagged role, sagemaker:AddTags for a tagged code repository,
iam:GetRole where the service reads the role back, iam:PassRole for roles handed to a service). Each action is
evaluated against the planned policy with IAM semantics (policy_eval.py), on a resource named like the products
name theirs, with the request context CloudFormation would send.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cdktf_app.paths import REPO_ROOT
from glue.plancheck.iam_policy import Request, decide, statements_of
from glue.plancheck.rules.service_catalog import Coverage, split_needs, template_properties
from tests.modules.harness import ModuleRoot
from tests.modules.inventory import planned_resources

HERE = Path(__file__).parent
pytestmark = pytest.mark.module

ACCOUNT = "123456789012"  # the emulator's fixed account
REGION = "us-east-1"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/platform-boundary"
PROJECT = "sagemaker-churn-p-4xkd2"  # <resource_name_prefix><project name>-<project id>
CONNECTION = f"arn:aws:codeconnections:{REGION}:{ACCOUNT}:connection/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
# The product templates as the environments render them.
GOLDEN_TEMPLATES = sorted((REPO_ROOT / "tests" / "templates" / "golden").glob("*/*.yaml"))

# What each type cannot be created, tagged, read back and deleted without (written from the CloudFormation
# resource handlers, independently of the module's map).
REQUIRED_ACTIONS: dict[str, set[str]] = {
    "AWS::S3::Bucket": {
        "s3:CreateBucket",
        "s3:DeleteBucket",
        "s3:PutBucketTagging",
        "s3:TagResource",
        "s3:UntagResource",
        "s3:PutEncryptionConfiguration",
        "s3:PutBucketVersioning",
        "s3:PutBucketPublicAccessBlock",
    },
    "AWS::S3::BucketPolicy": {"s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"},
    "AWS::KMS::Key": {
        "kms:CreateKey",
        "kms:DescribeKey",
        "kms:PutKeyPolicy",
        "kms:EnableKeyRotation",
        "kms:TagResource",
        "kms:ScheduleKeyDeletion",
    },
    "AWS::KMS::Alias": {"kms:CreateAlias", "kms:DeleteAlias", "kms:ListAliases"},
    "AWS::CodeBuild::Project": {
        "codebuild:CreateProject",
        "codebuild:UpdateProject",
        "codebuild:DeleteProject",
        "codebuild:BatchGetProjects",
        "iam:PassRole",
    },
    "AWS::CodePipeline::Pipeline": {
        "codepipeline:CreatePipeline",
        "codepipeline:GetPipeline",
        "codepipeline:DeletePipeline",
        "codepipeline:TagResource",
        "codepipeline:StartPipelineExecution",
        "iam:PassRole",
        "iam:GetRole",
    },
    "AWS::Events::Rule": {
        "events:PutRule",
        "events:PutTargets",
        "events:RemoveTargets",
        "events:DeleteRule",
        "events:DescribeRule",
        "events:TagResource",
        "iam:PassRole",
    },
    "AWS::Lambda::Function": {
        "lambda:CreateFunction",
        "lambda:GetFunction",
        "lambda:DeleteFunction",
        "lambda:TagResource",
        "s3:GetObject",
        "kms:CreateGrant",
        "ec2:DescribeNetworkInterfaces",
        "iam:PassRole",
    },
    "AWS::Lambda::Permission": {"lambda:AddPermission", "lambda:RemovePermission"},
    "AWS::Logs::LogGroup": {
        "logs:CreateLogGroup",
        "logs:DeleteLogGroup",
        "logs:PutRetentionPolicy",
        "logs:TagResource",
        "logs:DescribeLogGroups",
    },
    "AWS::SSM::Parameter": {"ssm:PutParameter", "ssm:GetParameters", "ssm:DeleteParameter", "ssm:AddTagsToResource"},
    "AWS::SageMaker::CodeRepository": {
        "sagemaker:CreateCodeRepository",
        "sagemaker:DescribeCodeRepository",
        "sagemaker:DeleteCodeRepository",
        "sagemaker:AddTags",
    },
    "AWS::SageMaker::ModelPackageGroup": {
        "sagemaker:CreateModelPackageGroup",
        "sagemaker:DescribeModelPackageGroup",
        "sagemaker:DeleteModelPackageGroup",
        "sagemaker:AddTags",
    },
    "AWS::SageMaker::Pipeline": {
        "sagemaker:CreatePipeline",
        "sagemaker:DescribePipeline",
        "sagemaker:UpdatePipeline",
        "sagemaker:DeletePipeline",
        "sagemaker:AddTags",
        "iam:PassRole",
    },
    "AWS::IAM::Role": {
        "iam:CreateRole",
        "iam:GetRole",
        "iam:TagRole",
        "iam:DeleteRole",
        "iam:PutRolePolicy",
        "iam:AttachRolePolicy",
    },
}

# The resources a product's stack acts on, per type and action service (or exact action).
_SM = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"
EXAMPLE_RESOURCES: dict[str, dict[str, list[str]]] = {
    "AWS::S3::Bucket": {"s3": [f"arn:aws:s3:::{PROJECT}-artifacts"]},
    "AWS::S3::BucketPolicy": {"s3": [f"arn:aws:s3:::{PROJECT}-artifacts"]},
    "AWS::KMS::Key": {"kms:CreateKey": ["*"], "kms": [f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef"]},
    "AWS::KMS::Alias": {
        "kms:ListAliases": ["*"],
        "kms": [f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/{PROJECT}", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab"],
    },
    "AWS::CodeBuild::Project": {"codebuild": [f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/{PROJECT}-build"]},
    "AWS::CodePipeline::Pipeline": {
        "codepipeline": [f"arn:aws:codepipeline:{REGION}:{ACCOUNT}:{PROJECT}-deploy"],
        "iam:GetRole": [f"arn:aws:iam::{ACCOUNT}:role/smt-coverage-codepipeline"],
    },
    "AWS::Events::Rule": {"events": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{PROJECT}-model-approved"]},
    "AWS::Lambda::Function": {
        "lambda": [f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{PROJECT}-seed-push"],
        "s3": [f"arn:aws:s3:::{PROJECT}-artifacts/lambda/seed-push.zip", "arn:aws:s3:::seed-code-test/seed.zip"],
        "kms": [f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef"],
        "ec2": ["*"],
    },
    "AWS::Lambda::Permission": {"lambda": [f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{PROJECT}-seed-push"]},
    "AWS::Logs::LogGroup": {
        "logs:DescribeLogGroups": [f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:*"],
        "logs": [
            f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/{PROJECT}-seed-push",
            f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{PROJECT}-audit:*",
        ],
    },
    "AWS::SSM::Parameter": {
        "ssm:DescribeParameters": ["*"],
        "ssm": [f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{PROJECT}/model-package-group"],
    },
    "AWS::SageMaker::CodeRepository": {"sagemaker": [f"{_SM}:code-repository/{PROJECT}-modelbuild"]},
    "AWS::SageMaker::ModelPackageGroup": {"sagemaker": [f"{_SM}:model-package-group/{PROJECT}"]},
    "AWS::SageMaker::Pipeline": {
        "sagemaker": [f"{_SM}:pipeline/{PROJECT}-train"],
        "s3": [f"arn:aws:s3:::{PROJECT}-artifacts/pipeline/definition.json"],
    },
    "AWS::IAM::Role": {"iam": [f"arn:aws:iam::{ACCOUNT}:role/{PROJECT}-endpoint"]},
}

# Roles handed to a service when a type is created: (use role, service principal).
PASSED_ROLES = {
    "AWS::CodeBuild::Project": "codebuild",
    "AWS::CodePipeline::Pipeline": "codepipeline",
    "AWS::Events::Rule": "events",
    "AWS::Lambda::Function": "lambda",
    "AWS::SageMaker::Pipeline": "sagemaker",
}
ALL_TYPES = sorted(REQUIRED_ACTIONS)


@pytest.fixture(scope="module")
def launch_plan(module_root: ModuleRoot) -> Iterator[tuple[str, dict[str, list[str]]]]:
    """(planned launch-role policy JSON, launch_role_actions output) for every supported type."""
    inputs = {
        "name_prefix": "smt-coverage",
        "template_resource_types": ALL_TYPES,
        "permissions_boundary_arn": BOUNDARY,
        "seed_code_bucket_arns": ["arn:aws:s3:::seed-code-test"],
        "code_connection_arns": [CONNECTION],
        "personas": ["admin"],
    }
    plan = module_root.plan(inputs)
    policy = planned_resources(plan)["module.this.aws_iam_role_policy.launch"]["policy"]
    yield policy, plan.outputs["launch_role_actions"]


def requests_for(resource_type: str, action: str) -> list[Request]:
    examples = EXAMPLE_RESOURCES[resource_type]
    if action == "iam:PassRole":
        service = PASSED_ROLES[resource_type]
        role = f"arn:aws:iam::{ACCOUNT}:role/smt-coverage-{service}"
        return [Request(action, role, {"iam:PassedToService": f"{service}.amazonaws.com"})]
    resources = examples.get(action) or examples[action.split(":", 1)[0]]
    # A role the template creates carries the boundary; CloudFormation sends it with every call that sets it.
    context = {"iam:PermissionsBoundary": BOUNDARY} if resource_type == "AWS::IAM::Role" else {}
    return [Request(action, resource, context) for resource in resources]


def test_every_supported_type_is_planned(launch_plan: tuple[str, dict[str, list[str]]]) -> None:
    _, actions = launch_plan
    assert sorted(actions) == ALL_TYPES, "a supported type has no expectations here: add it to REQUIRED_ACTIONS"


@pytest.mark.parametrize("resource_type", ALL_TYPES)
def test_type_needs_are_in_the_actions_map(launch_plan: tuple[str, dict[str, list[str]]], resource_type: str) -> None:
    _, actions = launch_plan
    missing = REQUIRED_ACTIONS[resource_type] - set(actions[resource_type])
    assert not missing, f"{resource_type}: launch_role_actions lacks {sorted(missing)}"


@pytest.mark.parametrize("resource_type", ALL_TYPES)
def test_policy_allows_every_mapped_action(launch_plan: tuple[str, dict[str, list[str]]], resource_type: str) -> None:
    policy, actions = launch_plan
    refused = [
        f"{request.action} on {request.resource}: {decision}"
        for action in actions[resource_type]
        for request in requests_for(resource_type, action)
        if (decision := decide(policy, request)) != "allow"
    ]
    assert not refused, f"{resource_type}: " + "; ".join(refused)


@pytest.mark.parametrize(
    ("request_", "why"),
    [
        (Request("s3:CreateBucket", "arn:aws:s3:::someone-elses-bucket"), "buckets outside the name prefix"),
        (
            Request(
                "iam:PassRole",
                f"arn:aws:iam::{ACCOUNT}:role/smt-coverage-codebuild",
                {"iam:PassedToService": "ec2.amazonaws.com"},
            ),
            "a use role passed to another service",
        ),
        (
            Request(
                "iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/platform-admin", {"iam:PassedToService": "codebuild"}
            ),
            "a role that is not a use role",
        ),
        (Request("iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/{PROJECT}-x"), "a template role without the boundary"),
        (
            Request(
                "iam:CreateRole",
                f"arn:aws:iam::{ACCOUNT}:role/{PROJECT}-x",
                {"iam:PermissionsBoundary": f"arn:aws:iam::{ACCOUNT}:policy/other"},
            ),
            "a template role with another boundary",
        ),
        (Request("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/{PROJECT}"), "IAM users"),
        (
            Request("sagemaker:CreateCodeRepository", f"{_SM}:code-repository/other-repo"),
            "repositories outside the prefix",
        ),
        (Request("s3:GetObject", "arn:aws:s3:::payroll/2026.csv"), "objects of unrelated buckets"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_policy_refuses_what_the_products_do_not_need(
    launch_plan: tuple[str, dict[str, list[str]]], request_: Request, why: str
) -> None:
    policy, _ = launch_plan
    assert decide(policy, request_) != "allow", f"the launch role must not be allowed {why}"


RENDERED = [pytest.param(path, id=f"{path.parent.name}/{path.stem}") for path in GOLDEN_TEMPLATES]


@pytest.mark.parametrize("template", RENDERED)
def test_policy_allows_what_the_rendered_templates_need(
    launch_plan: tuple[str, dict[str, list[str]]], template: Path
) -> None:
    """SC003's judgement of the planned policy against each rendered product template: every handler action that
    is core, or serves a property the template sets, is allowed (glue/plancheck/rules/service_catalog.py)."""
    policy, _ = launch_plan
    types = template_properties(template.read_text(encoding="utf-8"))
    assert types, f"{template} declares no resources"
    coverage = Coverage(list(statements_of(policy)))
    lacking = {}
    for resource_type, properties in types.items():
        needs = split_needs(resource_type, properties)
        if needs is None:  # no handler permissions in the schemas (AWS::CodeBuild::Project)
            continue
        refused = [action for action in needs.needed if coverage.verdict(action, resource_type) != "allowed"]
        if refused:
            lacking[resource_type] = refused
    assert not lacking, f"{template.name}: the launch role lacks {lacking}"
