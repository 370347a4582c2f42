"""SageMaker requests: moto's, plus the project operations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.sagemaker.responses import SageMakerResponse

from glue.motoext.identity import caller_arn

from .models import SageMakerProjectBackend, sagemaker_backends


class SageMakerProjectResponse(SageMakerResponse):
    @property
    def sagemaker_backend(self) -> SageMakerProjectBackend:
        return sagemaker_backends[self.current_account][self.region]

    def create_project(self) -> ActionResult:
        project = self.sagemaker_backend.create_project(
            caller=caller_arn(self.get_access_key(), self.current_account, self.region),
            name=self._get_param("ProjectName"),
            description=self._get_param("ProjectDescription"),
            provisioning_details=self._get_param("ServiceCatalogProvisioningDetails"),
            template_providers=self._get_param("TemplateProviders"),
            tags=self._get_param("Tags") or [],
        )
        return ActionResult({"ProjectArn": project.arn, "ProjectId": project.id})

    def describe_project(self) -> ActionResult:
        return ActionResult(self.sagemaker_backend.describe_project(self._get_param("ProjectName")).describe())

    def list_projects(self) -> ActionResult:
        projects = self.sagemaker_backend.list_projects(
            self._get_param("NameContains"),
            _timestamp(self._get_param("CreationTimeAfter")),
            _timestamp(self._get_param("CreationTimeBefore")),
            self._get_param("SortBy"),
            self._get_param("SortOrder"),
        )
        token = str(self._get_param("NextToken") or "")
        start = int(token) if token.isdigit() else 0
        end = start + int(self._get_param("MaxResults") or 100)
        result: dict[str, Any] = {"ProjectSummaryList": [project.summary() for project in projects[start:end]]}
        if end < len(projects):
            result["NextToken"] = str(end)
        return ActionResult(result)

    def delete_project(self) -> ActionResult:
        self.sagemaker_backend.delete_project(self._get_param("ProjectName"))
        return EmptyResult()


def _timestamp(value: Any) -> datetime | None:
    """A request timestamp (epoch seconds as botocore sends it, or ISO 8601) as naive UTC, like moto's clock."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int | float) or str(value).replace(".", "", 1).isdigit():
        moment = datetime.fromtimestamp(float(value), tz=UTC)
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
