"""The build's own AWS calls, against botocore Stubber (no network)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from pipelines.aws import ensure_object, prune_experiment_pipelines, upsert_pipeline

NOW = datetime(2025, 6, 1, tzinfo=UTC)
BASE = "churn-p-abc123def456-build"
ARN = "arn:aws:sagemaker:eu-west-1:123456789012:pipeline/"


@pytest.fixture
def sagemaker(no_network: None) -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("sagemaker", region_name="eu-west-1")
    with Stubber(client) as stub:
        yield client, stub
        stub.assert_no_pending_responses()


def summary(name: str, days_ago: int) -> dict[str, Any]:
    return {"PipelineName": name, "PipelineArn": ARN + name, "LastModifiedTime": NOW - timedelta(days=days_ago)}


def test_prune_deletes_only_stale_tagged_experiment_pipelines(sagemaker: tuple[Any, Stubber]) -> None:
    client, stub = sagemaker
    prefix = {"PipelineNamePrefix": f"{BASE}-", "MaxResults": 100}
    stub.add_response(
        "list_pipelines",
        {"PipelineSummaries": [summary(f"{BASE}-old", 40), summary(f"{BASE}-new", 2)], "NextToken": "t"},
        prefix,
    )
    stub.add_response(
        "list_tags", {"Tags": [{"Key": "branch", "Value": "experiment/old"}]}, {"ResourceArn": ARN + f"{BASE}-old"}
    )
    stub.add_response(
        "delete_pipeline",
        {"PipelineArn": ARN + f"{BASE}-old"},
        {"PipelineName": f"{BASE}-old", "ClientRequestToken": ANY},
    )
    stub.add_response(
        "list_tags", {"Tags": [{"Key": "branch", "Value": "experiment/new"}]}, {"ResourceArn": ARN + f"{BASE}-new"}
    )
    stub.add_response(
        "list_pipelines", {"PipelineSummaries": [summary(f"{BASE}-manual", 90)]}, {**prefix, "NextToken": "t"}
    )
    stub.add_response("list_tags", {"Tags": [{"Key": "owner", "Value": "me"}]}, {"ResourceArn": ARN + f"{BASE}-manual"})
    result = prune_experiment_pipelines(client, BASE, older_than_days=30, now=NOW)
    assert result.deleted == (f"{BASE}-old",)
    assert result.kept == (f"{BASE}-new",)


def test_prune_dry_run_deletes_nothing(sagemaker: tuple[Any, Stubber]) -> None:
    client, stub = sagemaker
    stub.add_response(
        "list_pipelines",
        {"PipelineSummaries": [summary(f"{BASE}-old", 40)]},
        {"PipelineNamePrefix": f"{BASE}-", "MaxResults": 100},
    )
    stub.add_response(
        "list_tags", {"Tags": [{"Key": "branch", "Value": "experiment/old"}]}, {"ResourceArn": ARN + f"{BASE}-old"}
    )
    assert prune_experiment_pipelines(client, BASE, 30, now=NOW, dry_run=True).deleted == (f"{BASE}-old",)


def test_prune_rejects_zero_days(sagemaker: tuple[Any, Stubber]) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        prune_experiment_pipelines(sagemaker[0], BASE, 0)


def test_upsert_creates_then_updates(sagemaker: tuple[Any, Stubber]) -> None:
    client, stub = sagemaker
    tags = {"sagemaker:project-name": "churn", "sagemaker:project-id": "p-abc123def456"}
    tag_list = [
        {"Key": "sagemaker:project-id", "Value": "p-abc123def456"},
        {"Key": "sagemaker:project-name", "Value": "churn"},
    ]
    role = "arn:aws:iam::123456789012:role/r"
    stub.add_client_error("describe_pipeline", "ResourceNotFound", "not found", expected_params={"PipelineName": BASE})
    stub.add_response(
        "create_pipeline",
        {"PipelineArn": ARN + BASE},
        {
            "PipelineName": BASE,
            "PipelineDefinition": "{}",
            "PipelineDescription": "d",
            "RoleArn": role,
            "Tags": tag_list,
            "ClientRequestToken": ANY,
        },
    )
    assert upsert_pipeline(client, BASE, "{}", role, tags, "d") == ARN + BASE
    stub.add_response("describe_pipeline", {"PipelineArn": ARN + BASE}, {"PipelineName": BASE})
    stub.add_response(
        "update_pipeline",
        {"PipelineArn": ARN + BASE},
        {"PipelineName": BASE, "PipelineDefinition": "{}", "PipelineDescription": "d", "RoleArn": role},
    )
    stub.add_response("add_tags", {"Tags": tag_list}, {"ResourceArn": ARN + BASE, "Tags": tag_list})
    assert upsert_pipeline(client, BASE, "{}", role, tags, "d") == ARN + BASE


def test_upsert_reraises_other_errors(sagemaker: tuple[Any, Stubber]) -> None:
    client, stub = sagemaker
    stub.add_client_error("describe_pipeline", "AccessDeniedException", "no")
    with pytest.raises(client.exceptions.ClientError, match="AccessDenied"):
        upsert_pipeline(client, BASE, "{}", "arn:aws:iam::123456789012:role/r", {}, "d")


def test_sample_data_is_uploaded_only_when_missing(no_network: None) -> None:
    client = boto3.client("s3", region_name="eu-west-1")
    with Stubber(client) as stub:
        stub.add_response("head_object", {}, {"Bucket": "b", "Key": "k/data.csv"})
        assert ensure_object(client, "s3://b/k/data.csv", lambda: "x") is False
        stub.add_client_error("head_object", "404", "Not Found", http_status_code=404)
        stub.add_response(
            "put_object", {}, {"Bucket": "b", "Key": "k/data.csv", "Body": b"a,b\n", "ContentType": "text/csv"}
        )
        assert ensure_object(client, "s3://b/k/data.csv", lambda: "a,b\n") is True
        stub.assert_no_pending_responses()
