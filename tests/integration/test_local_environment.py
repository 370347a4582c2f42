"""The main job end to end on the emulator: synth -> plan -> apply -> read back -> re-plan -> destroy."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from glue import emulator, workflow
from glue.errors import UserError

pytestmark = pytest.mark.integration


def _client(service: str, running: emulator.RunningEmulator) -> Any:
    return boto3.client(
        service,
        endpoint_url=running.endpoint,
        region_name="us-east-1",
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
    )


def test_local_environment_lifecycle(workspace: workflow.Workspace, running_emulator: emulator.RunningEmulator) -> None:
    config = workspace.load("local")
    workflow.synthesize([config], workspace)
    terraform = workflow.terraform_for(config, workspace)
    workflow.init(config, workspace, terraform)

    with pytest.raises(UserError, match="no saved plan"):
        workflow.apply(config, workspace, terraform)

    first = workflow.plan(config, workspace, terraform)
    assert first.summary.counts["create"] == 9
    assert first.plan_json.exists()
    workflow.apply(config, workspace, terraform)

    bucket = config.seed_code_bucket_name
    s3, kms = _client("s3", running_emulator), _client("kms", running_emulator)
    outputs = terraform.outputs()
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
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    (lifecycle,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert lifecycle["Status"] == "Enabled"
    assert lifecycle["NoncurrentVersionExpiration"]["NoncurrentDays"] == 365
    ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    assert [statement["Sid"] for statement in policy["Statement"]] == ["AllowRead"]
    tags = {tag["Key"]: tag["Value"] for tag in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]}
    assert tags == config.default_tags

    second = workflow.plan(config, workspace, terraform)
    assert not second.summary.has_changes, second.summary.lines()

    # A versioned bucket holding several versions must still go away with destroy.
    for body in (b"one", b"two"):
        s3.put_object(Bucket=bucket, Key="seed/model-build.zip", Body=body)
    destroy_plan = workflow.destroy_plan(config, workspace, terraform)
    assert destroy_plan.summary.counts["delete"] == 9
    workflow.destroy(destroy_plan, terraform)
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert terraform.outputs() == {}
