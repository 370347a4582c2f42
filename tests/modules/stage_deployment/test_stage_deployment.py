"""modules/stage_deployment: real plans against the emulator (its account is the stage account, the tooling
account is 111122223333), checked with YAML inventories and a static evaluation of the planned policies,
plus the module's own offline `terraform test` suite (trust, PassRole, KMS via S3, validations)."""

from __future__ import annotations

from pathlib import Path

import pytest

from glue.plancheck.iam_policy import Request, decide
from tests.modules.harness import (
    ModuleRoot,
    assert_plan_matches_inventory,
    inventories,
    inventory_inputs,
    run_module_terraform_test,
)
from tests.modules.inventory import check_inventory, load_inventory, planned_resources

HERE = Path(__file__).parent
INVENTORIES = inventories(__file__)
STAGE = "123456789012"
TOOLING = "111122223333"
ROLE = f"arn:aws:iam::{STAGE}:role"
KEY = f"arn:aws:kms:us-east-1:{TOOLING}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
VIA_S3 = {"kms:ViaService": "s3.us-east-1.amazonaws.com"}
STACKS = f"arn:aws:cloudformation:us-east-1:{STAGE}:stack"
ENDPOINTS = f"arn:aws:sagemaker:us-east-1:{STAGE}:endpoint"
PACKAGES = "arn:aws:sagemaker:us-east-1:{account}:model-package/sagemaker-churn/3"
CFN_ROLE, SM_ROLE, DEPLOY_ROLE = (
    f"{ROLE}/acme-ml-staging-{name}" for name in ("cloudformation", "sagemaker", "deploy")
)
PASSED_TO = "iam:PassedToService"
LOG_GROUP = f"arn:aws:logs:us-east-1:{STAGE}:log-group:/aws/sagemaker/Endpoints/sagemaker-churn-staging"
LOGS = f"{LOG_GROUP}:log-stream:AllTraffic/i-0"

MISMATCH_INVENTORY = load_inventory(HERE / "staging.yaml")
MISMATCH_INPUTS = {
    **MISMATCH_INVENTORY["variables"],
    "stage_name": "qa",
    "trusted_principal_arns": [f"arn:aws:iam::{TOOLING}:role/someone-else"],
    "artifact_kms_key_arns": [],
}
# Planned together in one plan (tests/modules/conftest.py).
PLAN_INPUTS = [*inventory_inputs(INVENTORIES), MISMATCH_INPUTS]

pytestmark = pytest.mark.module


@pytest.fixture(scope="module")
def staging_documents(module_root: ModuleRoot) -> dict[str, str]:
    """The planned policy documents of staging.yaml: <role> (permissions) and <role>_trust."""
    resources = planned_resources(module_root.plan(load_inventory(HERE / "staging.yaml")["variables"]))
    documents = {}
    for role in ("deploy", "cloudformation", "sagemaker"):
        documents[role] = resources[f'module.this.aws_iam_role_policy.this["{role}"]']["policy"]
        documents[f"{role}_trust"] = resources[f'module.this.aws_iam_role.this["{role}"]']["assume_role_policy"]
    return documents


@pytest.mark.parametrize("inventory_path", INVENTORIES, ids=[path.stem for path in INVENTORIES])
def test_plan_matches_inventory(module_root: ModuleRoot, inventory_path: Path) -> None:
    assert_plan_matches_inventory(module_root, inventory_path)


def test_inventory_check_reports_a_mismatch(module_root: ModuleRoot) -> None:
    """The inventory check itself must fail when the plan differs (a test that cannot fail is no test)."""
    problems = check_inventory(MISMATCH_INVENTORY, module_root.plan(MISMATCH_INPUTS))
    assert any('this["deploy"]: name: expected' in problem for problem in problems), problems
    assert any("ToolingPipelinesAssumeRole" in problem and "someone-else" in problem for problem in problems), problems
    assert any("PassCloudFormationRole" in problem and "acme-ml-qa-cloudformation" in problem for problem in problems)
    assert any("no statement 'DecryptArtifactsThroughS3'" in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        (f"arn:aws:iam::{TOOLING}:role/acme-ml-prod-codepipeline", "allow"),
        (f"arn:aws:iam::{TOOLING}:role/acme-ml-prod-cloudformation", "allow"),
        (f"arn:aws:iam::{TOOLING}:role/acme-ml-prod-codebuild", "implicit_deny"),
        (f"arn:aws:iam::{TOOLING}:user/admin", "implicit_deny"),
    ],
)
def test_only_the_named_tooling_roles_may_assume_the_deploy_role(
    staging_documents: dict[str, str], principal: str, expected: str
) -> None:
    request = Request("sts:AssumeRole", f"{ROLE}/acme-ml-staging-deploy", {"aws:PrincipalArn": principal})
    assert decide(staging_documents["deploy_trust"], request) == expected
    # Session tags are not part of the grant: the tooling side cannot set principal tags here.
    assert decide(staging_documents["deploy_trust"], Request("sts:TagSession", request.resource, request.context)) == (
        "implicit_deny"
    )


# (role, action, resource, request context, decision): what each planned policy must allow, and its nearest misses.
POLICY_CASES = [
    ("deploy", "cloudformation:CreateStack", f"{STACKS}/sagemaker-churn-staging/1a2b", {}, "allow"),
    ("deploy", "cloudformation:CreateStack", f"{STACKS}/network/1a2b", {}, "implicit_deny"),
    ("deploy", "iam:PassRole", CFN_ROLE, {PASSED_TO: "cloudformation.amazonaws.com"}, "allow"),
    ("deploy", "iam:PassRole", CFN_ROLE, {PASSED_TO: "lambda.amazonaws.com"}, "implicit_deny"),
    ("deploy", "iam:PassRole", SM_ROLE, {PASSED_TO: "sagemaker.amazonaws.com"}, "implicit_deny"),
    ("deploy", "s3:GetObject", "arn:aws:s3:::sagemaker-churn-artifacts/Deploy/template.yaml", {}, "allow"),
    ("deploy", "s3:PutObject", "arn:aws:s3:::sagemaker-churn-artifacts/Deploy/template.yaml", {}, "implicit_deny"),
    ("deploy", "kms:Decrypt", KEY, VIA_S3, "allow"),
    ("deploy", "kms:Decrypt", KEY, {}, "implicit_deny"),
    ("cloudformation", "sagemaker:CreateEndpoint", f"{ENDPOINTS}/sagemaker-churn-staging", {}, "allow"),
    ("cloudformation", "sagemaker:CreateEndpoint", f"{ENDPOINTS}/fraud-live", {}, "implicit_deny"),
    ("cloudformation", "iam:PassRole", SM_ROLE, {PASSED_TO: "sagemaker.amazonaws.com"}, "allow"),
    ("cloudformation", "iam:PassRole", DEPLOY_ROLE, {PASSED_TO: "sagemaker.amazonaws.com"}, "implicit_deny"),
    ("cloudformation", "iam:PassRole", SM_ROLE, {PASSED_TO: "ec2.amazonaws.com"}, "implicit_deny"),
    ("sagemaker", "sagemaker:DescribeModelPackage", PACKAGES.format(account=TOOLING), {}, "allow"),
    ("sagemaker", "sagemaker:UpdateModelPackage", PACKAGES.format(account=TOOLING), {}, "implicit_deny"),
    ("sagemaker", "sagemaker:DescribeModelPackage", PACKAGES.format(account="999999999999"), {}, "implicit_deny"),
    ("sagemaker", "s3:GetObject", "arn:aws:s3:::sagemaker-churn-models/model.tar.gz", {}, "allow"),
    ("sagemaker", "kms:Decrypt", KEY, VIA_S3, "allow"),
    ("sagemaker", "kms:Decrypt", KEY, {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}, "implicit_deny"),
    ("sagemaker", "logs:PutLogEvents", LOGS, {}, "allow"),
]


@pytest.mark.parametrize(
    ("role", "action", "resource", "context", "expected"),
    POLICY_CASES,
    ids=[f"{case[0]}-{case[1]}-{case[4]}-{index}" for index, case in enumerate(POLICY_CASES)],
)
def test_planned_policies_allow_the_deployment_and_nothing_beside(
    staging_documents: dict[str, str], role: str, action: str, resource: str, context: dict[str, str], expected: str
) -> None:
    assert decide(staging_documents[role], Request(action, resource, context)) == expected


def test_module_terraform_test_suite(tmp_path: Path) -> None:
    """`terraform test` in the module: offline plans (trust, PassRole, KMS via S3, names, validations)."""
    output = run_module_terraform_test("stage_deployment", tmp_path)
    assert 'run "deploy_role_trusts_the_tooling_root_only_through_principal_arn"... pass' in output
    assert 'run "pass_role_is_scoped_by_arn_and_service"... pass' in output
    assert 'run "rejects_a_trusted_role_of_another_account"... pass' in output
