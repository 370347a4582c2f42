"""The real-AWS environments planned against the emulator (`make plan ENV=x EMULATE=yes`), and the
cross-account wiring of prod proven on those plans: what the emulator cannot apply (Service Catalog
products, stage accounts we do not own) is checked here at plan level, never applied.

Also: credentials for the wrong account fail at plan, before any change.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from cdktf_app.targets import stack_targets
from glue import emulator, workflow
from glue.terraform import TerraformError

pytestmark = pytest.mark.integration

TOOLING = "333344445555"
STAGES = {"staging": "555566667777", "prod": "777788889999"}


def _plan_all_stacks(name: str, workspace: workflow.Workspace) -> dict[str, dict[str, Any]]:
    emulated = dataclasses.replace(workspace, emulate=True)
    config = emulated.load(name)
    workflow.synthesize([config], emulated)
    plans = {}
    for target in stack_targets(config):
        terraform = workflow.terraform_for(config, target, emulated)
        workflow.init(config, target, emulated, terraform)
        result = workflow.plan(config, target, emulated, terraform)
        assert result.summary.counts["create"] > 0
        assert not result.summary.counts.get("delete"), "a first plan deletes nothing"
        plans[target.name] = json.loads(result.plan_json.read_text())
    return plans


def _resources(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def walk(module: dict[str, Any]) -> None:
        for resource in module.get("resources", []):
            found[resource["address"]] = resource
        for child in module.get("child_modules", []):
            walk(child)

    walk(plan["planned_values"]["root_module"])
    return found


def _statements(document: str) -> dict[str, dict[str, Any]]:
    return {statement["Sid"]: statement for statement in json.loads(document)["Statement"]}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@pytest.mark.parametrize("name", ["dev", "staging"])
def test_real_environment_plans_on_the_emulator(
    workspace: workflow.Workspace, running_emulator: emulator.RunningEmulator, name: str
) -> None:
    (plan,) = _plan_all_stacks(name, workspace).values()
    resources = _resources(plan)
    types = {resource["type"] for resource in resources.values()}
    assert {"aws_servicecatalog_portfolio", "aws_servicecatalog_product", "aws_servicecatalog_constraint"} <= types
    assert {"aws_vpc_endpoint", "aws_s3_object", "aws_iam_role"} <= types
    for resource in resources.values():
        if resource["type"] == "aws_vpc_endpoint" and resource["values"]["vpc_endpoint_type"] == "Interface":
            assert resource["values"]["private_dns_enabled"] is True
    outputs = plan["planned_values"]["outputs"]
    assert outputs["seed_code_conditional_denies_included"]["value"] is True, "real environments keep the denies"


def test_prod_cross_account_wiring(workspace: workflow.Workspace, running_emulator: emulator.RunningEmulator) -> None:
    plans = _plan_all_stacks("prod", workspace)
    assert list(plans) == ["prod", *(f"prod-{account}" for account in STAGES.values())]
    callers = {
        f"arn:aws:iam::{TOOLING}:role/smt-prod-{team}-{service}"
        for team in ("data-science", "risk-models")
        for service in ("codepipeline", "cloudformation")
    }
    for stage, account in STAGES.items():
        resources = _resources(plans[f"prod-{account}"])
        roles = {r["values"]["name"]: r["values"] for r in resources.values() if r["type"] == "aws_iam_role"}
        assert set(roles) == {f"smt-prod-{stage}-{suffix}" for suffix in ("deploy", "cloudformation", "sagemaker")}
        trust = json.loads(roles[f"smt-prod-{stage}-deploy"]["assume_role_policy"])
        (statement,) = trust["Statement"]
        assert statement["Principal"] == {"AWS": f"arn:aws:iam::{TOOLING}:root"}
        assert set(_as_list(statement["Condition"]["ArnEquals"]["aws:PrincipalArn"])) == callers
        assert "sts:AssumeRole" in _as_list(statement["Action"])

    tooling = _resources(plans["prod"])
    key_policy = json.loads(tooling["module.cross_account_sharing.aws_kms_key.this"]["values"]["policy"])
    granted = {}
    for statement in key_policy["Statement"]:
        assert not (
            statement["Effect"] == "Allow"
            and "kms:*" in _as_list(statement["Action"])
            and statement["Principal"] in ("*", {"AWS": "*"})
        ), "no key policy grants kms:* to everyone"
        principal = statement["Principal"].get("AWS") if isinstance(statement["Principal"], dict) else None
        if principal and "kms:Decrypt" in _as_list(statement["Action"]):
            granted[principal] = statement
    for stage, account in STAGES.items():
        statement = granted[f"arn:aws:iam::{account}:root"]
        arns = set(_as_list(statement["Condition"]["ArnEquals"]["aws:PrincipalArn"]))
        assert f"arn:aws:iam::{account}:role/smt-prod-{stage}-sagemaker" in arns

    outputs = plans["prod"]["planned_values"]["outputs"]
    group_policy = json.loads(outputs["cross_account_model_package_group_policy_json"]["value"])
    readers = {
        principal
        for statement in group_policy["Statement"]
        for principal in _as_list(statement["Principal"]["AWS"])
        if "sagemaker:DescribeModelPackage" in _as_list(statement["Action"])
    }
    assert readers == {f"arn:aws:iam::{account}:root" for account in STAGES.values()}
    for statement in group_policy["Statement"]:
        for resource in _as_list(statement["Resource"]):
            assert resource.startswith(f"arn:aws:sagemaker:eu-west-1:{TOOLING}:model-package"), resource

    products = [r for r in tooling.values() if r["type"] == "aws_servicecatalog_product"]
    config = workspace.load("prod")
    expected_teams = sorted(team for team, settings in config.teams.items() for _ in settings.products)
    assert sorted(p["values"]["tags"]["team"] for p in products) == expected_teams, "one product per team and product"
    constraints = [r for r in tooling.values() if r["type"] == "aws_servicecatalog_constraint"]
    assert len(constraints) == len(products) and all(c["values"]["type"] == "LAUNCH" for c in constraints)


def test_credentials_for_another_account_fail_before_any_change(
    workspace: workflow.Workspace, running_emulator: emulator.RunningEmulator
) -> None:
    config = workspace.load("local")
    workflow.synthesize([config], workspace)
    (target,) = stack_targets(config)
    terraform = workflow.terraform_for(config, target, workspace)
    workflow.init(config, target, workspace, terraform)
    sts = boto3.client(
        "sts",
        endpoint_url=running_emulator.endpoint,
        region_name="us-east-1",
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
    )
    # The emulator, like AWS, answers with the account of the credentials' role.
    credentials = sts.assume_role(RoleArn="arn:aws:iam::444455556666:role/someone-else", RoleSessionName="wrong")[
        "Credentials"
    ]
    wrong = dataclasses.replace(
        terraform,
        env={
            **terraform.env,
            "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": credentials["SessionToken"],
        },
    )
    with pytest.raises(TerraformError) as raised:
        workflow.plan(config, target, workspace, wrong)
    message = str(raised.value)
    assert "444455556666" in message and "does not allow" in message
    assert len(message.splitlines()) == 1, "one line: cause and fix"
    assert not (workspace.stack(target) / workflow.PLAN_META).exists(), "no plan to apply"
    state = Path(workspace.state_root / target.name / "terraform.tfstate")
    assert not state.exists() or not json.loads(state.read_text()).get("resources"), "nothing was created"
