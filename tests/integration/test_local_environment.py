"""The main job end to end on the emulator: synth -> plan -> apply -> read back -> re-plan -> destroy.

The local environment composes network, VPC endpoints (all 16 interface endpoints of the module's
default, the S3 gateway endpoint, their security group: the apply coverage of modules/vpc_endpoints
lives here), the seed-code bucket, a team's roles and the S3 publication of its rendered
templates. Service Catalog products cannot be applied on the emulator;
tests/integration/test_environment_plans.py covers them at plan level.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cdktf_app.targets import stack_targets
from glue import emulator, workflow
from glue.errors import UserError
from tests.conftest import emulator_client

pytestmark = pytest.mark.integration


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
