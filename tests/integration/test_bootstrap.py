"""terraform/bootstrap on the emulator: the state bucket, then a root that keeps its state there
through the S3 backend with S3-native locking (use_lockfile)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import boto3
import pytest

from cdktf_app.paths import REPO_ROOT
from glue import emulator
from tests.modules.harness import init_test_root, run_module_terraform_test

pytestmark = pytest.mark.integration
BOOTSTRAP = REPO_ROOT / "terraform" / "bootstrap"
BUCKET = "tfstate-bootstrap-test-123456789012"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "emulator", "AWS_SECRET_ACCESS_KEY": "emulator"}


def _backend_root(directory: Path, endpoint: str, kms_key_id: str) -> None:
    backend = {
        "bucket": BUCKET,
        "key": "environments/demo/terraform.tfstate",
        "region": "us-east-1",
        "encrypt": True,
        "kms_key_id": kms_key_id,
        "use_lockfile": True,
        "use_path_style": True,
        "endpoints": {"s3": endpoint, "sts": endpoint, "iam": endpoint},
        "skip_credentials_validation": True,
        "skip_requesting_account_id": True,
        "skip_metadata_api_check": True,
        "skip_region_validation": True,
    }
    root = {"terraform": {"backend": {"s3": backend}}, "output": {"greeting": {"value": "state lives in S3"}}}
    (directory / "main.tf.json").write_text(json.dumps(root, indent=2))


def _terraform(directory: Path, *args: str) -> str:
    result = subprocess.run(
        ["terraform", *args, "-no-color", "-input=false"],
        cwd=directory,
        env={**os.environ, **CREDENTIALS},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_bootstrap_then_s3_backend_with_lockfile(
    running_emulator: emulator.RunningEmulator, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    tf = init_test_root(BOOTSTRAP, tmp_path_factory, add_emulator_provider=False)
    tf_vars: dict[str, Any] = {
        "account_id": "123456789012",
        "region": "us-east-1",
        "state_bucket_name": BUCKET,
        "kms_key_alias": "tfstate-bootstrap-test",
        "emulator_endpoint": running_emulator.endpoint,
        "force_destroy": "true",  # tftest passes -var values through str()
        "tags": {"owner": "tests"},
    }
    tf.env.update(CREDENTIALS)
    tf.apply(tf_vars=tf_vars)
    try:
        outputs = tf.output()
        assert outputs["state_bucket"] == BUCKET
        assert outputs["backend_settings"]["kms_key_id"] == "alias/tfstate-bootstrap-test"
        s3: Any = boto3.client(
            "s3", endpoint_url=running_emulator.endpoint, region_name="us-east-1", **_boto_credentials()
        )
        assert s3.get_bucket_versioning(Bucket=BUCKET)["Status"] == "Enabled"

        _backend_root(tmp_path, running_emulator.endpoint, outputs["kms_key_arn"])
        _terraform(tmp_path, "init")
        _terraform(tmp_path, "apply", "-auto-approve")
        head = s3.head_object(Bucket=BUCKET, Key="environments/demo/terraform.tfstate")
        assert head["ServerSideEncryption"] == "aws:kms"
        assert head["SSEKMSKeyId"] == outputs["kms_key_arn"]
        keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        assert not [key for key in keys if key.endswith(".tflock")], "the lock file must be released"
        assert "No changes." in _terraform(tmp_path, "plan")
        # moto 5.2.5 answers 500 when DeleteObjects (force_destroy) meets the delete marker the
        # released lock leaves behind; single deletes work (docs/adr/0002-local-emulator.md).
        for marker in s3.list_object_versions(Bucket=BUCKET).get("DeleteMarkers", []):
            s3.delete_object(Bucket=BUCKET, Key=marker["Key"], VersionId=marker["VersionId"])
    finally:
        tf.destroy(tf_vars=tf_vars)


def _boto_credentials() -> dict[str, str]:
    return {"aws_access_key_id": "emulator", "aws_secret_access_key": "emulator"}


def test_bootstrap_terraform_test_suite(tmp_path: Path) -> None:
    """Offline `terraform test` of the bootstrap root (mock provider): validations and the TLS-deny switch."""
    output = run_module_terraform_test("bootstrap", tmp_path, source_dir=BOOTSTRAP)
    assert 'run "real_account_keeps_the_tls_deny"... pass' in output
