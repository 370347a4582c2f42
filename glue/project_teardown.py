"""Remove what a deleted SageMaker project leaves on purpose: its retained artifact bucket and KMS key.

The product templates retain both (DeletionPolicy: Retain) so that deleting a project never
destroys models and pipeline artifacts by accident. Once a person decides they may go, this
empties the bucket (every version and delete marker), deletes it and schedules the key for
deletion. The key is found by its alias while the project's stack exists, and by its
sagemaker:project-id tag once the stack (and with it the alias) is gone. Dry run by default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from glue.errors import UserError

PROJECT_ID = re.compile(r"^[a-z0-9-]{1,16}$")
KEY_DELETION_DAYS = 7
PROJECT_ID_TAG = "sagemaker:project-id"


@dataclass
class TeardownReport:
    """What was (or, in a dry run, would be) removed."""

    buckets: dict[str, int] = field(default_factory=dict)  # bucket -> object versions and delete markers
    keys: list[str] = field(default_factory=list)

    def lines(self, dry_run: bool) -> list[str]:
        verb = "would remove" if dry_run else "removed"
        if not self.buckets and not self.keys:
            return ["nothing retained for this project"]
        lines = [f"{verb} bucket {bucket} ({count} object versions)" for bucket, count in sorted(self.buckets.items())]
        schedule = "would schedule" if dry_run else "scheduled"
        lines += [f"{schedule} deletion of KMS key {key} in {KEY_DELETION_DAYS} days" for key in self.keys]
        return lines


def teardown(project_id: str, s3: Any, kms: Any, dry_run: bool = True) -> TeardownReport:
    """Find the project's retained bucket(s) and key by the names the templates give them; remove them."""
    if not PROJECT_ID.fullmatch(project_id):
        raise UserError(f"{project_id!r} is not a SageMaker project id (such as p-abcdefghijkl)")
    report = TeardownReport()
    prefix = f"sagemaker-{project_id}-art-"
    for bucket in s3.list_buckets().get("Buckets", []):
        name = bucket["Name"]
        if not name.startswith(prefix):
            continue
        versions = _versions(s3, name)
        report.buckets[name] = len(versions)
        if not dry_run:
            # One call per version: DeleteObjects is not served by every S3 implementation for delete markers.
            for key, version in versions:
                s3.delete_object(Bucket=name, Key=key, VersionId=version)
            s3.delete_bucket(Bucket=name)
    alias = f"alias/sagemaker-{project_id}-artifacts"
    aliased = {
        entry["TargetKeyId"] for entry in _aliases(kms) if entry.get("AliasName") == alias and entry.get("TargetKeyId")
    }
    # The alias goes with the project's stack; the key stays and carries the project id tag.
    for key_id in sorted(aliased | _tagged_keys(kms, project_id)):
        report.keys.append(key_id)
        if not dry_run:
            if key_id in aliased:
                kms.delete_alias(AliasName=alias)
            kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=KEY_DELETION_DAYS)
    return report


def _tagged_keys(kms: Any, project_id: str) -> set[str]:
    """Enabled customer keys tagged sagemaker:project-id=<project_id> (a key pending deletion is done)."""
    found: set[str] = set()
    for page in kms.get_paginator("list_keys").paginate():
        for entry in page.get("Keys", []):
            metadata = kms.describe_key(KeyId=entry["KeyId"])["KeyMetadata"]
            if metadata.get("KeyManager") != "CUSTOMER" or metadata.get("KeyState") == "PendingDeletion":
                continue
            tags = kms.list_resource_tags(KeyId=entry["KeyId"]).get("Tags", [])
            if {"TagKey": PROJECT_ID_TAG, "TagValue": project_id} in tags:
                found.add(str(entry["KeyId"]))
    return found


def _versions(s3: Any, bucket: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
            found.append((entry["Key"], entry["VersionId"]))
    return found


def _aliases(kms: Any) -> list[dict[str, Any]]:
    aliases: list[dict[str, Any]] = []
    for page in kms.get_paginator("list_aliases").paginate():
        aliases.extend(page.get("Aliases", []))
    return aliases
