"""modules/s3_template_publication applied to the emulator: bucket, key, CORS and the published
templates (with their Studio visibility tag) read back with boto3; an edited template shows in the
next plan; destroyed. The TLS-only deny is left out here (moto would apply it unconditionally)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from glue import emulator
from tests.conftest import emulator_client
from tests.modules.harness import init_test_root
from tests.modules.s3_template_publication.test_s3_template_publication import HERE, TEMPLATES

pytestmark = pytest.mark.integration

BUCKET = "templates-integration-test"


def _changed(plan: Any) -> list[str]:
    return sorted(c["address"] for c in plan.resource_changes.values() if c["change"]["actions"] != ["no-op"])


def test_template_publication_apply_read_back_destroy(
    running_emulator: emulator.RunningEmulator, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    tf = init_test_root(HERE / "fixture", tmp_path_factory)
    for name in ("model-build.yaml", "model-deploy.yaml"):
        shutil.copy(TEMPLATES / name, tmp_path / name)
    inputs = {
        "bucket_name": BUCKET,
        "include_conditional_denies": False,
        "force_destroy": True,
        "kms_deletion_window_in_days": 7,
        "tags": {"team": "platform"},
        "templates": {
            "model-build": {"source_path": str(tmp_path / "model-build.yaml"), "description": "Model building"},
            "model-deploy": {"source_path": str(tmp_path / "model-deploy.yaml"), "description": "Model deployment"},
        },
    }
    tf_vars = {"emulator_endpoint": running_emulator.endpoint, "module_inputs": inputs}
    s3, kms = emulator_client("s3", running_emulator), emulator_client("kms", running_emulator)
    tf.apply(tf_vars=tf_vars)
    try:
        outputs = tf.output()
        assert outputs["sagemaker_domain_tags"] == {"sagemaker:projectS3TemplatesLocation": f"s3://{BUCKET}/templates/"}
        assert outputs["template_urls"]["model-build"] == (
            f"https://{BUCKET}.s3.us-east-1.amazonaws.com/templates/model-build.yaml"
        )
        assert outputs["bucket_policy_statement_ids"] == ["AllowRead"]
        key_arn = str(outputs["kms_key_arn"])
        key_id = key_arn.rsplit("/", 1)[1]
        assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyManager"] == "CUSTOMER"
        assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True

        rule = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"][0]
        assert rule["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}
        assert rule["BucketKeyEnabled"] is True
        assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"
        assert s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        }
        ownership = s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"]["Rules"]
        assert ownership == [{"ObjectOwnership": "BucketOwnerEnforced"}]
        (cors,) = s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"]
        assert sorted(cors["AllowedMethods"]) == ["GET", "HEAD"]
        assert cors["AllowedOrigins"] == ["https://*.sagemaker.aws"]
        policy = json.loads(s3.get_bucket_policy(Bucket=BUCKET)["Policy"])
        assert [statement["Sid"] for statement in policy["Statement"]] == ["AllowRead"]

        keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="templates/")["Contents"]}
        assert keys == {"templates/model-build.yaml", "templates/model-deploy.yaml"}
        for name, description in (("model-build", "Model building"), ("model-deploy", "Model deployment")):
            key = f"templates/{name}.yaml"
            tags = {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=BUCKET, Key=key)["TagSet"]}
            assert tags == {"sagemaker:studio-visibility": "true", "team": "platform"}, name
            head = s3.head_object(Bucket=BUCKET, Key=key)
            assert head["ServerSideEncryption"] == "aws:kms", name
            assert head["SSEKMSKeyId"] == key_arn, name
            assert head["Metadata"] == {"description": description}, name
            body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
            assert body == (TEMPLATES / f"{name}.yaml").read_bytes(), name

        assert _changed(tf.plan(output=True, tf_vars=tf_vars)) == []
        # An edited template must show in the plan (source_hash), and only that template.
        edited = tmp_path / "model-build.yaml"
        edited.write_text(edited.read_text() + "# edited\n")
        assert _changed(tf.plan(output=True, tf_vars=tf_vars)) == ['module.this.aws_s3_object.template["model-build"]']
    finally:
        tf.destroy(tf_vars=tf_vars)
    assert BUCKET not in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]
