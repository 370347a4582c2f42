"""modules/cross_account_sharing: real plans against the emulator (its account is the tooling account; the
stages are 555566667777 and 777788889999), checked with YAML inventories and a static evaluation of the
planned key and model package group policies per stage, plus the module's own offline `terraform test` suite."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from glue.plancheck.iam_policy import Request, decide, statements_of
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
TOOLING = "123456789012"
STAGING, PRODUCTION = "555566667777", "777788889999"
STAGING_DEPLOY = f"arn:aws:iam::{STAGING}:role/acme-ml-staging-deploy"
STAGING_SAGEMAKER = f"arn:aws:iam::{STAGING}:role/acme-ml-staging-sagemaker"
PRODUCTION_SAGEMAKER = f"arn:aws:iam::{PRODUCTION}:role/acme-ml-production-sagemaker"
OTHER_STAGING_ROLE = f"arn:aws:iam::{STAGING}:role/developer"
KEY = f"arn:aws:kms:us-east-1:{TOOLING}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
VIA_S3 = {"kms:ViaService": "s3.us-east-1.amazonaws.com"}
VIA_SAGEMAKER = {"kms:ViaService": "sagemaker.us-east-1.amazonaws.com"}
GROUP = f"arn:aws:sagemaker:us-east-1:{TOOLING}:model-package-group/sagemaker-churn"
PACKAGE = f"arn:aws:sagemaker:us-east-1:{TOOLING}:model-package/sagemaker-churn/3"
OTHER_PACKAGE = f"arn:aws:sagemaker:us-east-1:{TOOLING}:model-package/fraud/3"

MISMATCH_INVENTORY = load_inventory(HERE / "two_stages.yaml")
MISMATCH_INPUTS = {
    **MISMATCH_INVENTORY["variables"],
    "stages": {"staging": {**MISMATCH_INVENTORY["variables"]["stages"]["staging"], "principal_arns": [STAGING_DEPLOY]}},
    "ssm_parameter_prefix": "/elsewhere/",
}
# Planned together in one plan (tests/modules/conftest.py).
PLAN_INPUTS = [*inventory_inputs(INVENTORIES), MISMATCH_INPUTS]

pytestmark = pytest.mark.module


@pytest.fixture(scope="module")
def two_stage_plan(module_root: ModuleRoot) -> Any:
    """The plan of two_stages.yaml (tftest's plan wrapper)."""
    return module_root.plan(load_inventory(HERE / "two_stages.yaml")["variables"])


@pytest.fixture(scope="module")
def two_stage_documents(two_stage_plan: Any) -> dict[str, str]:
    """The planned key policy and the model package group policy published in SSM, of two_stages.yaml."""
    resources = planned_resources(two_stage_plan)
    parameter = resources['module.this.aws_ssm_parameter.this["model-package-group-policy"]']
    return {
        "key": resources["module.this.aws_kms_key.this"]["policy"],
        "model_package_group": parameter["insecure_value"],
    }


def _principals(statement: Mapping[str, Any]) -> list[str]:
    value = (statement.get("Principal") or {}).get("AWS", [])
    return [value] if isinstance(value, str) else list(value)


def granted_to(document: str, account_id: str) -> dict[str, Any]:
    """The statements whose principal is that account's root: all this resource policy can grant a role of
    that account (the evaluator itself does not read principals)."""
    root = f"arn:aws:iam::{account_id}:root"
    statements = [statement for statement in statements_of(document) if root in _principals(statement)]
    return {"Version": "2012-10-17", "Statement": statements}


@pytest.mark.parametrize("inventory_path", INVENTORIES, ids=[path.stem for path in INVENTORIES])
def test_plan_matches_inventory(module_root: ModuleRoot, inventory_path: Path) -> None:
    assert_plan_matches_inventory(module_root, inventory_path)


def test_inventory_check_reports_a_mismatch(module_root: ModuleRoot) -> None:
    """The inventory check itself must fail when the plan differs (a test that cannot fail is no test)."""
    problems = check_inventory(MISMATCH_INVENTORY, module_root.plan(MISMATCH_INPUTS))
    assert any("no statement 'ProductionDecryptThroughServices'" in problem for problem in problems), problems
    assert any("no statement 'ProductionReadModelPackages'" in problem for problem in problems), problems
    assert any("StagingDecryptThroughServices" in problem and "aws:PrincipalArn" in problem for problem in problems)
    assert any("/elsewhere/kms-key-arn" in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("account_id", "principal", "context", "expected"),
    [
        (STAGING, STAGING_DEPLOY, VIA_S3, "allow"),
        (STAGING, STAGING_SAGEMAKER, VIA_SAGEMAKER, "allow"),
        (STAGING, STAGING_SAGEMAKER, {}, "implicit_deny"),
        (STAGING, STAGING_SAGEMAKER, {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}, "implicit_deny"),
        (STAGING, OTHER_STAGING_ROLE, VIA_S3, "implicit_deny"),
        (STAGING, PRODUCTION_SAGEMAKER, VIA_S3, "implicit_deny"),
        (PRODUCTION, PRODUCTION_SAGEMAKER, VIA_S3, "allow"),
        (PRODUCTION, STAGING_DEPLOY, VIA_S3, "implicit_deny"),
        ("999999999999", STAGING_DEPLOY, VIA_S3, "implicit_deny"),
    ],
    ids=[
        "staging-deploy-s3",
        "staging-sagemaker-via-sagemaker",
        "direct-call",
        "other-service",
        "unlisted-role",
        "production-role-under-staging-root",
        "production-sagemaker",
        "staging-role-under-production-root",
        "unknown-account",
    ],
)
def test_each_stage_decrypts_only_with_its_own_roles_through_services(
    two_stage_documents: dict[str, str], account_id: str, principal: str, context: dict[str, str], expected: str
) -> None:
    request = Request("kms:Decrypt", KEY, {"aws:PrincipalArn": principal, **context})
    assert decide(granted_to(two_stage_documents["key"], account_id), request) == expected


@pytest.mark.parametrize(
    "action",
    [
        "kms:Encrypt",
        "kms:GenerateDataKey",
        "kms:ReEncryptFrom",
        "kms:CreateGrant",
        "kms:PutKeyPolicy",
        "kms:ScheduleKeyDeletion",
    ],
)
def test_stages_cannot_encrypt_or_administer_the_key(two_stage_documents: dict[str, str], action: str) -> None:
    for account_id, principal in ((STAGING, STAGING_DEPLOY), (PRODUCTION, PRODUCTION_SAGEMAKER)):
        request = Request(action, KEY, {"aws:PrincipalArn": principal, **VIA_S3})
        assert decide(granted_to(two_stage_documents["key"], account_id), request) == "implicit_deny"


@pytest.mark.parametrize(
    ("action", "resource", "principal", "expected"),
    [
        ("sagemaker:DescribeModelPackageGroup", GROUP, STAGING_DEPLOY, "allow"),
        ("sagemaker:DescribeModelPackage", PACKAGE, STAGING_SAGEMAKER, "allow"),
        ("sagemaker:ListModelPackages", PACKAGE, STAGING_SAGEMAKER, "allow"),
        ("sagemaker:DescribeModelPackage", OTHER_PACKAGE, STAGING_SAGEMAKER, "implicit_deny"),
        ("sagemaker:DescribeModelPackage", PACKAGE, OTHER_STAGING_ROLE, "implicit_deny"),
        ("sagemaker:UpdateModelPackage", PACKAGE, STAGING_SAGEMAKER, "implicit_deny"),
        ("sagemaker:DeleteModelPackageGroup", GROUP, STAGING_DEPLOY, "implicit_deny"),
    ],
    ids=["describe-group", "describe-package", "list-packages", "other-prefix", "unlisted-role", "approve", "delete"],
)
def test_stages_read_the_registry_and_nothing_more(
    two_stage_documents: dict[str, str], action: str, resource: str, principal: str, expected: str
) -> None:
    policy = granted_to(two_stage_documents["model_package_group"], STAGING)
    assert decide(policy, Request(action, resource, {"aws:PrincipalArn": principal})) == expected


def test_the_published_settings_are_the_outputs(two_stage_plan: Any, two_stage_documents: dict[str, str]) -> None:
    """The SSM parameters hold what the module's outputs show: the minified policy and the stage accounts."""
    document = two_stage_documents["model_package_group"]
    assert document == two_stage_plan.outputs["model_package_group_policy_json"]
    assert "\n" not in document
    assert two_stage_plan.outputs["stage_account_ids"] == {"staging": STAGING, "production": PRODUCTION}
    assert two_stage_plan.outputs["ssm_parameter_names"] == {
        setting: f"/sagemaker-projects/cross-account/{setting}"
        for setting in ("kms-key-arn", "model-package-group-policy", "stage-accounts")
    }


def test_module_terraform_test_suite(tmp_path: Path) -> None:
    """`terraform test` in the module: offline plans (key and registry grants, parameters, validations)."""
    output = run_module_terraform_test("cross_account_sharing", tmp_path)
    assert 'run "key_policy_grants_each_stage_through_principal_arn"... pass' in output
    assert 'run "model_package_group_policy_lets_the_stages_read_only"... pass' in output
    assert 'run "rejects_a_stage_role_of_another_account"... pass' in output
