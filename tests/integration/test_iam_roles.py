"""modules/iam_roles applied to the emulator: roles, trust policies, boundary, policies and attachments exist
as planned, a second plan finds nothing to change, and destroy removes them all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import boto3
import pytest

from glue import emulator
from tests.modules.harness import init_test_root

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).parents[1] / "modules" / "iam_roles" / "fixture"
SERVICES = ["cloudformation", "codebuild", "codepipeline", "events", "lambda", "sagemaker"]


def _iam(running: emulator.RunningEmulator) -> Any:
    return boto3.client(
        "iam",
        endpoint_url=running.endpoint,
        region_name="us-east-1",
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
    )


def _document(value: Any) -> dict[str, Any]:
    """boto3 decodes policy documents into dicts; some emulator answers stay URL-encoded JSON strings."""
    return value if isinstance(value, dict) else dict(json.loads(unquote(value)))


@pytest.fixture
def boundary_arn(running_emulator: emulator.RunningEmulator) -> Iterator[str]:
    """The permissions boundary exists before the module, as it would in a real account."""
    iam = _iam(running_emulator)
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    arn = str(iam.create_policy(PolicyName="smt-it-boundary", PolicyDocument=json.dumps(document))["Policy"]["Arn"])
    yield arn
    iam.delete_policy(PolicyArn=arn)


def test_iam_roles_apply_read_back_destroy(
    running_emulator: emulator.RunningEmulator, tmp_path_factory: pytest.TempPathFactory, boundary_arn: str
) -> None:
    iam = _iam(running_emulator)
    tf = init_test_root(FIXTURE, tmp_path_factory)
    inputs = {
        "name_prefix": "smt-it",
        "iam_path": "/sagemaker-projects/",
        "team": "ml-platform",
        "required_tags": {"cost-center": ["1234"]},
        "permissions_boundary_arn": boundary_arn,
        "tags": {"owner": "platform"},
    }
    tf_vars = {"emulator_endpoint": running_emulator.endpoint, "module_inputs": inputs}
    try:
        tf.apply(tf_vars=tf_vars)
        outputs = tf.output()

        launch = iam.get_role(RoleName="smt-it-launch")["Role"]
        assert launch["Arn"] == outputs["launch_role_arn"]
        assert launch["Path"] == "/sagemaker-projects/"
        assert launch["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary_arn
        (trust,) = _document(launch["AssumeRolePolicyDocument"])["Statement"]
        assert trust["Principal"] == {"Service": "servicecatalog.amazonaws.com"}
        assert iam.list_role_policies(RoleName="smt-it-launch")["PolicyNames"] == ["launch-permissions"]
        launch_policy = _document(
            iam.get_role_policy(RoleName="smt-it-launch", PolicyName="launch-permissions")["PolicyDocument"]
        )
        assert "SageMakerCodeRepositoryManage" in {statement["Sid"] for statement in launch_policy["Statement"]}
        assert {tag["Key"]: tag["Value"] for tag in launch.get("Tags", [])} == {"owner": "platform"}

        assert sorted(outputs["use_role_arns"]) == SERVICES
        for service in SERVICES:
            role = iam.get_role(RoleName=f"smt-it-{service}")["Role"]
            assert role["Arn"] == outputs["use_role_arns"][service]
            assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary_arn
            (statement,) = _document(role["AssumeRolePolicyDocument"])["Statement"]
            assert statement["Principal"] == {"Service": f"{service}.amazonaws.com"}, service
            attached = iam.list_attached_role_policies(RoleName=f"smt-it-{service}")["AttachedPolicies"]
            assert [policy["PolicyName"] for policy in attached] == [f"smt-it-{service}"]

        assert sorted(outputs["persona_policy_arns"]) == ["admin", "data_scientist", "mlops_engineer"]
        data_scientist = iam.get_policy(PolicyArn=outputs["persona_policy_arns"]["data_scientist"])["Policy"]
        version = iam.get_policy_version(PolicyArn=data_scientist["Arn"], VersionId=data_scientist["DefaultVersionId"])
        sids = {statement["Sid"] for statement in _document(version["PolicyVersion"]["Document"])["Statement"]}
        assert {
            "ProvisionAllowedProductsWithRequiredTags",
            "DenyProvisioningOtherTeamsProducts",
            "DenyModelApproval",
        } <= sids

        again = tf.plan(output=True, tf_vars=tf_vars)
        changes = [
            change["address"]
            for change in again.resource_changes.values()
            if change["change"]["actions"] not in (["no-op"], ["read"])
        ]
        assert not changes, f"a second plan must find nothing to change: {changes}"
    finally:
        tf.destroy(tf_vars=tf_vars)

    remaining = [role["RoleName"] for role in iam.list_roles()["Roles"] if role["RoleName"].startswith("smt-it-")]
    assert not remaining
    policies = [policy["PolicyName"] for policy in iam.list_policies(Scope="Local")["Policies"]]
    assert [name for name in policies if name.startswith("smt-it-")] == ["smt-it-boundary"]
