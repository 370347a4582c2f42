"""SageMaker requests: moto's, plus the project operations."""

from __future__ import annotations

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
            self._get_param("NameContains"), self._get_param("SortBy"), self._get_param("SortOrder")
        )
        return ActionResult({"ProjectSummaryList": [project.summary() for project in projects]})

    def delete_project(self) -> ActionResult:
        self.sagemaker_backend.delete_project(self._get_param("ProjectName"))
        return EmptyResult()
