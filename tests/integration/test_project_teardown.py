"""The teardown path of what a deleted project retains: its versioned artifact bucket and its KMS key,
created on the emulator the way the product template names them, then removed (dry run first)."""

from __future__ import annotations

import pytest

from glue import emulator
from glue.errors import UserError
from glue.project_teardown import teardown
from tests.conftest import emulator_client

pytestmark = pytest.mark.integration


def test_retained_bucket_and_key_are_removed(running_emulator: emulator.RunningEmulator) -> None:
    s3, kms = emulator_client("s3", running_emulator), emulator_client("kms", running_emulator)
    project = "p-teardown01"
    bucket = f"sagemaker-{project}-art-123456789012-us-east-1"
    other = "sagemaker-p-otherproject-art-123456789012-us-east-1"
    key_id = kms.create_key(Description="artifacts")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=f"alias/sagemaker-{project}-artifacts", TargetKeyId=key_id)
    for name in (bucket, other):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"v1", b"v2"):
        s3.put_object(Bucket=bucket, Key="model/model.tar.gz", Body=body)
    s3.delete_object(Bucket=bucket, Key="model/model.tar.gz")  # leaves a delete marker

    dry = teardown(project, s3, kms, dry_run=True)
    assert dry.buckets == {bucket: 3}
    assert dry.keys == [key_id]
    assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]], "a dry run changes nothing"

    done = teardown(project, s3, kms, dry_run=False)
    assert done.buckets == {bucket: 3}
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert bucket not in names and other in names, "only this project's bucket goes"
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    assert teardown(project, s3, kms).lines(dry_run=True) == ["nothing retained for this project"]


def test_the_key_is_found_by_its_tag_once_the_alias_is_gone(running_emulator: emulator.RunningEmulator) -> None:
    """Deleting the project's stack deletes the alias; the retained key keeps the project id tag."""
    s3, kms = emulator_client("s3", running_emulator), emulator_client("kms", running_emulator)
    project = "p-teardown02"
    tagged = kms.create_key(Tags=[{"TagKey": "sagemaker:project-id", "TagValue": project}])["KeyMetadata"]["KeyId"]
    other = kms.create_key(Tags=[{"TagKey": "sagemaker:project-id", "TagValue": "p-teardown03"}])["KeyMetadata"]
    assert teardown(project, s3, kms, dry_run=True).keys == [tagged]
    teardown(project, s3, kms, dry_run=False)
    assert kms.describe_key(KeyId=tagged)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    assert kms.describe_key(KeyId=other["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    assert teardown(project, s3, kms).keys == [], "a key pending deletion is not found again"


def test_rejects_what_is_not_a_project_id(running_emulator: emulator.RunningEmulator) -> None:
    with pytest.raises(UserError, match="not a SageMaker project id"):
        teardown("*", emulator_client("s3", running_emulator), emulator_client("kms", running_emulator))
