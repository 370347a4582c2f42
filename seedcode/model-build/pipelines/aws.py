"""The few AWS calls the build makes itself (boto3 clients are passed in, so tests can stub them)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from botocore.exceptions import ClientError

LOG = logging.getLogger(__name__)


def _tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in sorted(tags.items())]


def upsert_pipeline(
    client: Any, name: str, definition: str, role_arn: str, tags: Mapping[str, str], description: str
) -> str:
    """Create the pipeline, or update it (definition, role, tags) when it exists. Returns its ARN."""
    try:
        client.describe_pipeline(PipelineName=name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ResourceNotFound":
            raise
        response = client.create_pipeline(
            PipelineName=name,
            PipelineDefinition=definition,
            PipelineDescription=description,
            RoleArn=role_arn,
            Tags=_tag_list(tags),
            ClientRequestToken=str(uuid.uuid4()),
        )
        LOG.info("created pipeline %s", name)
        return str(response["PipelineArn"])
    response = client.update_pipeline(
        PipelineName=name, PipelineDefinition=definition, PipelineDescription=description, RoleArn=role_arn
    )
    arn = str(response["PipelineArn"])
    client.add_tags(ResourceArn=arn, Tags=_tag_list(tags))
    LOG.info("updated pipeline %s", name)
    return arn


def start_execution(client: Any, name: str, display_name: str | None = None) -> str:
    """Start an execution with the parameters' defaults; returns the execution ARN."""
    kwargs: dict[str, Any] = {"PipelineName": name, "ClientRequestToken": str(uuid.uuid4())}
    if display_name:
        kwargs["PipelineExecutionDisplayName"] = display_name[:82]
    return str(client.start_pipeline_execution(**kwargs)["PipelineExecutionArn"])


def ensure_object(client: Any, s3_uri: str, make_body: Callable[[], str], kms_key: str | None = None) -> bool:
    """Upload ``make_body()`` to ``s3_uri`` unless an object is there. True when it uploaded."""
    parsed = urlparse(s3_uri)
    bucket, key = parsed.netloc, parsed.path.lstrip("/")
    try:
        client.head_object(Bucket=bucket, Key=key)
        return False
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound"):
            raise
    extra: dict[str, str] = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key} if kms_key else {}
    client.put_object(Bucket=bucket, Key=key, Body=make_body().encode("utf-8"), ContentType="text/csv", **extra)
    return True


@dataclass(frozen=True)
class PruneResult:
    deleted: tuple[str, ...]
    kept: tuple[str, ...]


def prune_experiment_pipelines(
    client: Any,
    base_name: str,
    older_than_days: int,
    now: datetime | None = None,
    dry_run: bool = False,
) -> PruneResult:
    """Delete experiment pipelines ``<base_name>-*`` with a ``branch`` tag not modified for N days.

    The main pipeline (``base_name`` itself) and pipelines without a ``branch`` tag are never touched.
    """
    if older_than_days < 1:
        raise ValueError("older_than_days must be at least 1")
    cutoff = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
    deleted: list[str] = []
    kept: list[str] = []
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"PipelineNamePrefix": f"{base_name}-", "MaxResults": 100}
        if token:
            kwargs["NextToken"] = token
        page = client.list_pipelines(**kwargs)
        for summary in page.get("PipelineSummaries", []):
            name = summary["PipelineName"]
            if not name.startswith(f"{base_name}-"):
                continue
            tags = client.list_tags(ResourceArn=summary["PipelineArn"]).get("Tags", [])
            if not any(tag.get("Key") == "branch" for tag in tags):
                continue
            modified = summary.get("LastModifiedTime") or summary.get("CreationTime")
            if modified is None or modified >= cutoff:
                kept.append(name)
                continue
            if not dry_run:
                client.delete_pipeline(PipelineName=name, ClientRequestToken=str(uuid.uuid4()))
            deleted.append(name)
        token = page.get("NextToken")
        if not token:
            return PruneResult(tuple(deleted), tuple(kept))
