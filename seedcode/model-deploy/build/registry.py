"""The model registry: which model package version each stage gets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import BuildError

PAGE_SIZE = 50


@dataclass(frozen=True)
class ModelPackage:
    group: str
    arn: str
    version: int
    status: str


def latest_package(sagemaker: Any, group: str, approved_only: bool = True) -> ModelPackage:
    """The newest model package version of `group`: the newest Approved one, or with `approved_only`
    off (the product's model_registry_approval is false) the newest one that is not Rejected.

    sagemaker: a boto3 SageMaker client (ListModelPackages).
    """
    request: dict[str, Any] = {
        "ModelPackageGroupName": group,
        "ModelPackageType": "Versioned",
        "SortBy": "CreationTime",
        "SortOrder": "Descending",
        "MaxResults": 1 if approved_only else PAGE_SIZE,
    }
    if approved_only:
        request["ModelApprovalStatus"] = "Approved"
    while True:
        response = sagemaker.list_model_packages(**request)
        for summary in response.get("ModelPackageSummaryList", []):
            if summary.get("ModelApprovalStatus") == "Rejected":
                continue
            return ModelPackage(
                group=group,
                arn=summary["ModelPackageArn"],
                version=int(summary.get("ModelPackageVersion", 0)),
                status=str(summary.get("ModelApprovalStatus", "")),
            )
        token = response.get("NextToken")
        if approved_only or not token:
            break
        request["NextToken"] = token
    wanted = "approved" if approved_only else "usable (not rejected)"
    raise BuildError(
        f"model package group {group} has no {wanted} model package yet: register a model and approve it in the "
        "model registry (SageMaker Studio > Models), which starts this pipeline again"
    )


@dataclass(frozen=True)
class ContainerSource:
    """Where a model package's first container comes from (for multi-model endpoints)."""

    image: str
    model_data_url: str


def container_source(sagemaker: Any, package: ModelPackage) -> ContainerSource:
    response = sagemaker.describe_model_package(ModelPackageName=package.arn)
    containers = response.get("InferenceSpecification", {}).get("Containers", [])
    if len(containers) != 1:
        raise BuildError(
            f"{package.arn} has {len(containers)} containers; a multi-model endpoint serves packages with exactly one"
        )
    image = containers[0].get("Image", "")
    data = containers[0].get("ModelDataUrl", "")
    if not image or not data.startswith("s3://") or not data.endswith(".tar.gz"):
        raise BuildError(
            f"{package.arn}: a multi-model endpoint needs an image and a model.tar.gz in S3 (ModelDataUrl), "
            f"found image {image!r} and model data {data!r}"
        )
    return ContainerSource(image=image, model_data_url=data)


def split_s3_uri(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://") or "/" not in uri[5:]:
        raise BuildError(f"{uri!r} is not an s3://bucket/key URI")
    bucket, key = uri[5:].split("/", 1)
    return bucket, key


def copy_model_data(s3: Any, source_uri: str, target_bucket: str, target_key: str) -> None:
    """Copy one model archive (up to 5 GB, a single CopyObject) into the multi-model prefix."""
    bucket, key = split_s3_uri(source_uri)
    s3.copy_object(Bucket=target_bucket, Key=target_key, CopySource={"Bucket": bucket, "Key": key})
