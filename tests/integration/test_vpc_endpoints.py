"""modules/vpc_endpoints applied to the emulator in a VPC made by the test root: endpoints, private
DNS, the security group's rules and the S3 endpoint policy read back with boto3, re-planned (no
changes) and destroyed."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from glue import emulator
from tests.modules.harness import init_test_root
from tests.modules.vpc_endpoints.test_vpc_endpoints import HERE

pytestmark = pytest.mark.integration

VPC_CIDR = "10.40.0.0/16"
BUCKET_ARN = "arn:aws:s3:::seed-code-vpce-integration"


def _ec2(running: emulator.RunningEmulator) -> Any:
    return boto3.client(
        "ec2",
        endpoint_url=running.endpoint,
        region_name="us-east-1",
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
    )


def _endpoints_in(client: Any, vpc_id: str) -> list[dict[str, Any]]:
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}]
    endpoints = client.describe_vpc_endpoints(Filters=filters)["VpcEndpoints"]
    return [endpoint for endpoint in endpoints if endpoint["State"].lower() not in ("deleted", "deleting")]


def test_vpc_endpoints_apply_read_back_destroy(
    running_emulator: emulator.RunningEmulator, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tf = init_test_root(HERE / "fixture", tmp_path_factory)
    inputs = {
        "name_prefix": "smt-vpce-integration",
        "vpc_cidr_blocks": [VPC_CIDR],
        "allowed_bucket_arns": [BUCKET_ARN],
    }
    tf_vars = {"emulator_endpoint": running_emulator.endpoint, "module_inputs": inputs}
    ec2 = _ec2(running_emulator)
    tf.apply(tf_vars=tf_vars)
    try:
        outputs = tf.output()
        vpc_id = str(outputs["vpc_id"])
        endpoints = {endpoint["VpcEndpointId"]: endpoint for endpoint in _endpoints_in(ec2, vpc_id)}
        interface_ids: dict[str, str] = dict(outputs["interface_endpoint_ids"])
        assert len(interface_ids) == 16
        assert set(endpoints) == {*interface_ids.values(), outputs["s3_gateway_endpoint_id"]}

        for name, endpoint_id in interface_ids.items():
            endpoint = endpoints[endpoint_id]
            assert endpoint["VpcEndpointType"] == "Interface", name
            assert endpoint["PrivateDnsEnabled"] is True, name
            assert [group["GroupId"] for group in endpoint["Groups"]] == [outputs["security_group_id"]], name
            assert len(endpoint["SubnetIds"]) == 2, name
        studio = endpoints[interface_ids["sagemaker.studio"]]
        assert studio["ServiceName"] == "aws.sagemaker.us-east-1.studio"
        assert endpoints[interface_ids["sagemaker.api"]]["ServiceName"] == "com.amazonaws.us-east-1.sagemaker.api"

        gateway = endpoints[outputs["s3_gateway_endpoint_id"]]
        assert gateway["VpcEndpointType"] == "Gateway"
        assert gateway["ServiceName"] == "com.amazonaws.us-east-1.s3"
        assert gateway["RouteTableIds"] == [outputs["route_table_id"]]
        statements = {s["Sid"]: s for s in json.loads(gateway["PolicyDocument"])["Statement"]}
        assert set(statements) == {"AllowListedBuckets", "AllowEcrImageLayers"}
        assert sorted(statements["AllowListedBuckets"]["Resource"]) == [BUCKET_ARN, f"{BUCKET_ARN}/*"]

        (group,) = ec2.describe_security_groups(GroupIds=[outputs["security_group_id"]])["SecurityGroups"]
        assert group["VpcId"] == vpc_id
        (ingress,) = group["IpPermissions"]
        assert (ingress["IpProtocol"], ingress["FromPort"], ingress["ToPort"]) == ("tcp", 443, 443)
        assert [r["CidrIp"] for r in ingress["IpRanges"]] == [VPC_CIDR]
        assert group["IpPermissionsEgress"] == [], "the default allow-all egress rule must be gone"

        replan = tf.plan(output=True, tf_vars=tf_vars)
        changes = [c["address"] for c in replan.resource_changes.values() if c["change"]["actions"] != ["no-op"]]
        assert not changes, changes
    finally:
        tf.destroy(tf_vars=tf_vars)
    assert not _endpoints_in(ec2, vpc_id)
