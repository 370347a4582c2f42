"""The main job end to end on the emulator: synth -> plan -> apply -> read back -> projects -> re-plan -> destroy.

The local environment composes network, VPC endpoints (all 16 interface endpoints of the module's
default, the S3 gateway endpoint, their security group: the apply coverage of modules/vpc_endpoints
lives here), the seed-code bucket, a team's roles, the Service Catalog portfolio with its TagOptions,
principals, product and launch constraint (the emulator's Service Catalog, glue/motoext), and the S3
publication of its rendered templates. Then the demo's project lifecycle runs as the team's data
scientist: a SageMaker project from each published template, its stack, its deletion.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdktf_app.config import EnvironmentConfig
from cdktf_app.targets import stack_targets
from glue import cli, emulator, workflow
from glue.errors import UserError
from tests.conftest import emulator_client

pytestmark = pytest.mark.integration

PRODUCT_NAME = "Build, train and deploy (real-time endpoint)"
LAUNCH_ROLE = "arn:aws:iam::123456789012:role/smt-local-data-science-launch"


def test_local_environment_lifecycle(workspace: workflow.Workspace, running_emulator: emulator.RunningEmulator) -> None:
    config = workspace.load("local")
    workflow.synthesize([config], workspace)
    (target,) = stack_targets(config)
    terraform = workflow.terraform_for(config, target, workspace)
    workflow.init(config, target, workspace, terraform)

    with pytest.raises(UserError, match="no saved plan"):
        workflow.apply(config, target, workspace, terraform)

    first = workflow.plan(config, target, workspace, terraform)
    created = first.summary.counts["create"]
    assert created > 40
    assert first.plan_json.exists()
    workflow.apply(config, target, workspace, terraform)
    outputs = terraform.outputs()

    _check_seed_code_bucket(config.seed_code_bucket_name, config.default_tags, outputs, running_emulator)
    _check_network(outputs, running_emulator, config.seed_code_bucket_name)
    _check_team_roles(outputs, running_emulator)
    _check_s3_templates(workspace.stack(target), outputs, running_emulator)
    _check_service_catalog(config, outputs, running_emulator)
    _check_project_lifecycle(config, workspace, running_emulator)

    second = workflow.plan(config, target, workspace, terraform)
    assert not second.summary.has_changes, second.summary.lines()

    # A versioned bucket holding several versions must still go away with destroy.
    s3 = emulator_client("s3", running_emulator)
    for body in (b"one", b"two"):
        s3.put_object(Bucket=config.seed_code_bucket_name, Key="seed/model-build.zip", Body=body)
    destroy_plan = workflow.destroy_plan(target, workspace, terraform)
    assert destroy_plan.summary.counts["delete"] == created
    workflow.destroy(destroy_plan, terraform)
    assert config.seed_code_bucket_name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    remaining = emulator_client("ec2", running_emulator).describe_vpcs(
        Filters=[{"Name": "cidr", "Values": ["10.42.0.0/16"]}]
    )["Vpcs"]
    assert not remaining, "the VPC and its endpoints are gone"
    catalog = emulator_client("servicecatalog", running_emulator)
    assert outputs["portfolio_id"] not in [p["Id"] for p in catalog.list_portfolios()["PortfolioDetails"]]
    assert not catalog.search_products_as_admin(Filters={"FullTextSearch": [PRODUCT_NAME]})["ProductViewDetails"]
    assert terraform.outputs() == {}


def _check_seed_code_bucket(
    bucket: str, tags: dict[str, str], outputs: dict[str, Any], running: emulator.RunningEmulator
) -> None:
    s3, kms = emulator_client("s3", running), emulator_client("kms", running)
    assert outputs["seed_code_bucket_name"] == bucket
    assert outputs["seed_code_conditional_denies_included"] is False
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == outputs["seed_code_kms_key_arn"]
    assert rule["BucketKeyEnabled"] is True
    key_id = str(outputs["seed_code_kms_key_arn"]).rsplit("/", 1)[1]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyManager"] == "CUSTOMER"
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    (statement,) = policy["Statement"]
    assert statement["Sid"] == "AllowRead"
    principals = statement["Principal"]["AWS"]
    assert "arn:aws:iam::123456789012:role/smt-local-data-science-launch" in (
        principals if isinstance(principals, list) else [principals]
    ), "the team's launch role reads the seed code"
    assert {tag["Key"]: tag["Value"] for tag in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]} == tags


def _check_network(outputs: dict[str, Any], running: emulator.RunningEmulator, seed_bucket: str) -> None:
    """VPC, subnets, the S3 gateway endpoint with its policy, the interface endpoints and their security group."""
    ec2 = emulator_client("ec2", running)
    (vpc,) = ec2.describe_vpcs(VpcIds=[outputs["vpc_id"]])["Vpcs"]
    assert vpc["CidrBlock"] == "10.42.0.0/16"
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    assert sorted(subnet["AvailabilityZone"] for subnet in subnets) == ["us-east-1a", "us-east-1b"]
    assert not any(subnet["MapPublicIpOnLaunch"] for subnet in subnets)
    interface_ids: dict[str, str] = dict(outputs["interface_endpoint_ids"])
    assert len(interface_ids) == 16, "the vpc_endpoints module's default: what a VPC-only Studio domain needs"
    found = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["VpcEndpoints"]
    endpoints = {endpoint["VpcEndpointId"]: endpoint for endpoint in found}
    assert set(endpoints) == {*interface_ids.values(), outputs["s3_gateway_endpoint_id"]}
    (group_id,) = {
        group["GroupId"] for endpoint_id in interface_ids.values() for group in endpoints[endpoint_id]["Groups"]
    }
    for name, endpoint_id in interface_ids.items():
        endpoint = endpoints[endpoint_id]
        assert endpoint["VpcEndpointType"] == "Interface", name
        assert endpoint["PrivateDnsEnabled"] is True, name
        assert sorted(endpoint["SubnetIds"]) == sorted(subnet["SubnetId"] for subnet in subnets), name
    assert endpoints[interface_ids["sagemaker.studio"]]["ServiceName"] == "aws.sagemaker.us-east-1.studio"
    assert endpoints[interface_ids["sagemaker.api"]]["ServiceName"] == "com.amazonaws.us-east-1.sagemaker.api"

    gateway = endpoints[outputs["s3_gateway_endpoint_id"]]
    assert (gateway["VpcEndpointType"], gateway["ServiceName"]) == ("Gateway", "com.amazonaws.us-east-1.s3")
    (route_table,) = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}, {"Name": "association.main", "Values": ["false"]}]
    )["RouteTables"]
    assert gateway["RouteTableIds"] == [route_table["RouteTableId"]]
    statements = {s["Sid"]: s for s in json.loads(gateway["PolicyDocument"])["Statement"]}
    assert set(statements) == {"AllowListedBuckets", "AllowEcrImageLayers"}
    assert f"arn:aws:s3:::{seed_bucket}/*" in statements["AllowListedBuckets"]["Resource"]

    (group,) = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    assert group["VpcId"] == vpc["VpcId"]
    (ingress,) = group["IpPermissions"]
    assert (ingress["IpProtocol"], ingress["FromPort"], ingress["ToPort"]) == ("tcp", 443, 443)
    assert [r["CidrIp"] for r in ingress["IpRanges"]] == ["10.42.0.0/16"]
    assert group["IpPermissionsEgress"] == [], "the default allow-all egress rule must be gone"


def _check_team_roles(outputs: dict[str, Any], running: emulator.RunningEmulator) -> None:
    iam = emulator_client("iam", running)
    role = iam.get_role(RoleName="smt-local-data-science-launch")["Role"]
    assert role["Arn"] == outputs["team_data_science_launch_role_arn"]
    trust = role["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    assert {statement["Principal"]["Service"] for statement in trust["Statement"]} == {"servicecatalog.amazonaws.com"}
    personas = outputs["team_data_science_persona_policy_arns"]
    assert set(personas) == {"data_scientist", "mlops_engineer"}


def _check_s3_templates(stack: Path, outputs: dict[str, Any], running: emulator.RunningEmulator) -> None:
    s3 = emulator_client("s3", running)
    location = str(outputs["s3_templates_location"]).removeprefix("s3://")
    bucket, prefix = location.split("/", 1)
    key = f"{prefix}build-train-deploy.yaml"
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    assert body == (stack / "templates" / "build-train-deploy.yaml").read_bytes(), "the rendered template is published"
    tags = {tag["Key"]: tag["Value"] for tag in s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]}
    assert tags["sagemaker:studio-visibility"] == "true"


def _check_service_catalog(
    config: EnvironmentConfig, outputs: dict[str, Any], running: emulator.RunningEmulator
) -> None:
    """Portfolio, TagOptions, principals, product (Studio-visible), its association and launch constraint."""
    catalog = emulator_client("servicecatalog", running)
    portfolio_id, product_id = outputs["portfolio_id"], outputs["product_data_science_build_train_deploy_id"]
    described = catalog.describe_portfolio(Id=portfolio_id)
    tag_options = {(option["Key"], option["Value"]) for option in described["TagOptions"]}
    assert tag_options == {(key, value) for key, tag in config.required_tags.items() for value in tag.allowed_values}, (
        "one TagOption per allowed value of every required tag"
    )
    principals = catalog.list_principals_for_portfolio(PortfolioId=portfolio_id)["Principals"]
    assert principals == [{"PrincipalARN": "arn:aws:iam::123456789012:role/data-scientist", "PrincipalType": "IAM"}]
    product = catalog.describe_product_as_admin(Id=product_id)
    assert product["ProductViewDetail"]["ProductViewSummary"]["Name"] == PRODUCT_NAME
    tags = {tag["Key"]: tag["Value"] for tag in product["Tags"]}
    assert tags["sagemaker:studio-visibility"] == "true" and tags["team"] == "data-science"
    assert [a["Name"] for a in product["ProvisioningArtifactSummaries"]] == [
        config.products["build-train-deploy"].version
    ]
    assert [p["Id"] for p in catalog.list_portfolios_for_product(ProductId=product_id)["PortfolioDetails"]] == [
        portfolio_id
    ]
    (constraint,) = catalog.list_constraints_for_portfolio(PortfolioId=portfolio_id, ProductId=product_id)[
        "ConstraintDetails"
    ]
    assert constraint["Type"] == "LAUNCH"
    parameters = catalog.describe_constraint(Id=constraint["ConstraintId"])["ConstraintParameters"]
    assert json.loads(parameters) == {"RoleArn": LAUNCH_ROLE}


def _check_project_lifecycle(
    config: EnvironmentConfig, workspace: workflow.Workspace, running: emulator.RunningEmulator
) -> None:
    """The demo's last part: as the data scientist, a project from each published template, then gone."""
    runs = cli._project_lifecycle(config, workspace, running)
    assert sorted((run.template.product, bool(run.template.product_id)) for run in runs) == [
        ("build-train-deploy", False),
        ("build-train-deploy", True),
    ], "one project through Service Catalog, one from the S3 template"
    for run in runs:
        assert run.principal == "arn:aws:iam::123456789012:role/data-scientist"
        assert run.status == "CreateCompleted" and run.stack_status == "CREATE_COMPLETE", run.lines()
        created = {r.logical_id: r for r in run.resources if r.created}
        assert {"ArtifactBucket", "ArtifactKey", "ArtifactKeyAlias", "DeploymentSettings"} <= set(created)
        assert created["ArtifactBucket"].physical_id == f"sagemaker-{run.project_id}-art-123456789012-us-east-1"
        skipped = {r.resource_type: r.skipped_reason for r in run.resources if not r.created}
        assert "not supported by moto's CloudFormation" in str(skipped["AWS::CodePipeline::Pipeline"])
        assert run.stack_status_after_delete == "DELETE_COMPLETE"
        assert run.retained == ["ArtifactBucket", "ArtifactKey"], "the templates keep artifacts and their key"
        assert any("removed bucket" in line for line in run.teardown)
    sagemaker = emulator_client("sagemaker", running)
    assert not [p for p in sagemaker.list_projects()["ProjectSummaryList"] if p["ProjectName"].startswith("demo-")]
    s3 = emulator_client("s3", running)
    leftovers = [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith("sagemaker-p-")]
    assert not leftovers, "the project teardown removed the retained artifact buckets"
