"""SageMaker projects for the emulator: moto's SageMaker backend plus CreateProject, DescribeProject,
ListProjects and DeleteProject.

A project launches either a Service Catalog product (ServiceCatalogProvisioningDetails, through the
extended Service Catalog backend, as the caller) or CloudFormation templates in S3
(TemplateProviders, the S3 way). SageMaker adds the SageMakerProjectName and SageMakerProjectId
parameters and the sagemaker:project-name/-id tags, as the service does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from moto.core.base_backend import BackendDict
from moto.core.exceptions import JsonRESTError
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random
from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.utils import arn_formatter

from glue.motoext import stacks
from glue.motoext.servicecatalog.models import servicecatalog_backends

PROJECT_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$")


@dataclass
class TemplateStack:
    """One TemplateProviders entry of a project and the stack it launched."""

    template_name: str
    template_url: str
    role_arn: str | None
    parameters: list[dict[str, str]]
    launch: stacks.StackLaunch

    def detail(self) -> dict[str, Any]:
        return {
            "CfnTemplateProviderDetail": {
                "TemplateName": self.template_name,
                "TemplateURL": self.template_url,
                **({"RoleARN": self.role_arn} if self.role_arn else {}),
                "Parameters": self.parameters,
                "StackDetail": {
                    "Name": self.launch.stack_name,
                    **({"Id": self.launch.stack_id} if self.launch.stack_id else {}),
                    "StatusMessage": self.launch.error or self.launch.status,
                },
            }
        }


@dataclass
class Project:
    name: str
    id: str
    arn: str
    description: str | None
    created_by: str
    tags: list[dict[str, str]]
    provisioning_details: dict[str, Any] | None = None
    provisioned_product_id: str | None = None
    status_message: str | None = None
    template_stacks: list[TemplateStack] = field(default_factory=list)
    status: str = "Pending"
    creation_time: datetime = field(default_factory=utcnow)

    def summary(self) -> dict[str, Any]:
        return {
            "ProjectName": self.name,
            "ProjectDescription": self.description,
            "ProjectArn": self.arn,
            "ProjectId": self.id,
            "CreationTime": self.creation_time,
            "ProjectStatus": self.status,
        }

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = {
            **self.summary(),
            "CreatedBy": {"UserProfileName": self.created_by.rsplit("/", 1)[-1]},
        }
        if self.provisioning_details is not None:
            described["ServiceCatalogProvisioningDetails"] = self.provisioning_details
            described["ServiceCatalogProvisionedProductDetails"] = {
                **({"ProvisionedProductId": self.provisioned_product_id} if self.provisioned_product_id else {}),
                "ProvisionedProductStatusMessage": self.status_message or "",
            }
        if self.template_stacks:
            described["TemplateProviderDetails"] = [stack.detail() for stack in self.template_stacks]
        return described


class SageMakerProjectBackend(SageMakerModelBackend):
    """moto's SageMakerModelBackend with projects."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.projects: dict[str, Project] = {}

    def create_project(
        self,
        *,
        caller: str,
        name: str,
        description: str | None,
        provisioning_details: dict[str, Any] | None,
        template_providers: list[dict[str, Any]] | None,
        tags: list[dict[str, str]],
    ) -> Project:
        if not PROJECT_NAME.match(name or ""):
            raise ValidationError(
                f"Project name {name!r} must be 1-32 letters, digits and hyphens, starting with a letter or digit."
            )
        if name in self.projects:
            raise ValidationError(f"Project with name {name} already exists.")
        if bool(provisioning_details) == bool(template_providers):
            raise ValidationError("Give either ServiceCatalogProvisioningDetails or TemplateProviders.")
        project_id = f"p-{mock_random.get_random_string(length=12, lower_case=True)}"
        project = Project(
            name=name,
            id=project_id,
            arn=arn_formatter("project", name, self.account_id, self.region_name),
            description=description,
            created_by=caller,
            tags=list(tags),
        )
        project_tags = [
            *tags,
            {"Key": "sagemaker:project-name", "Value": name},
            {"Key": "sagemaker:project-id", "Value": project_id},
        ]
        sagemaker_parameters = {"SageMakerProjectName": name, "SageMakerProjectId": project_id}
        if provisioning_details:
            self._provision(project, provisioning_details, caller, project_tags, sagemaker_parameters)
        else:
            for provider in template_providers or []:
                self._launch_template(
                    project, provider.get("CfnTemplateProvider") or {}, project_tags, sagemaker_parameters
                )
            failed = [s.launch.error for s in project.template_stacks if not s.launch.succeeded]
            project.status = "CreateFailed" if failed else "CreateCompleted"
            project.status_message = "; ".join(str(error) for error in failed) or None
        self.projects[name] = project
        return project

    def _provision(
        self,
        project: Project,
        details: dict[str, Any],
        caller: str,
        tags: list[dict[str, str]],
        sagemaker_parameters: dict[str, str],
    ) -> None:
        catalog = servicecatalog_backends[self.account_id][self.region_name]
        try:
            record = catalog.provision_product(
                caller=caller,
                product_id=details.get("ProductId"),
                product_name=None,
                artifact_id=details.get("ProvisioningArtifactId"),
                artifact_name=None,
                path_id=details.get("PathId"),
                provisioned_product_name=f"SageMaker-{project.name}-{project.id}",
                parameters=details.get("ProvisioningParameters") or [],
                tags=tags,
                extra_parameters=sagemaker_parameters,
            )
        except JsonRESTError as error:
            # Service Catalog refused the launch (no launch path, TagOptions, launch role): so does SageMaker.
            raise ValidationError(f"Service Catalog refused to provision the product: {error.message}") from error
        provisioned = record.provisioned_product
        project.provisioning_details = {
            "ProductId": provisioned.product_id,
            "ProvisioningArtifactId": provisioned.artifact_id,
            "PathId": provisioned.path_id,
            "ProvisioningParameters": details.get("ProvisioningParameters") or [],
        }
        project.provisioned_product_id = provisioned.id
        project.status_message = provisioned.status
        project.status = "CreateCompleted" if record.status == "SUCCEEDED" else "CreateFailed"
        if record.errors:
            project.status_message = "; ".join(error["Description"] for error in record.errors)

    def _launch_template(
        self,
        project: Project,
        provider: dict[str, Any],
        tags: list[dict[str, str]],
        sagemaker_parameters: dict[str, str],
    ) -> None:
        name, url = provider.get("TemplateName"), provider.get("TemplateURL")
        if not name or not url:
            raise ValidationError("Each CfnTemplateProvider needs a TemplateName and a TemplateURL.")
        parameters = provider.get("Parameters") or []
        try:
            body = stacks.read_template(url, self.account_id, self.region_name)
        except LookupError as error:
            raise ValidationError(f"Unable to retrieve the template {name}: {error}") from error
        launch = stacks.launch_stack(
            account_id=self.account_id,
            region=self.region_name,
            stack_name=f"SageMaker-{project.name}-{name}-{project.id}"[:128],
            template_body=body,
            parameters={**{p["Key"]: p["Value"] for p in parameters}, **sagemaker_parameters},
            tags={tag["Key"]: tag["Value"] for tag in tags},
            role_arn=provider.get("RoleARN"),
        )
        project.template_stacks.append(TemplateStack(name, url, provider.get("RoleARN"), parameters, launch))

    def describe_project(self, name: str) -> Project:
        project = self.projects.get(name)
        if project is None:
            raise ValidationError(f"Project {name} does not exist.")
        return project

    def list_projects(
        self,
        name_contains: str | None,
        created_after: datetime | None,
        created_before: datetime | None,
        sort_by: str | None,
        sort_order: str | None,
    ) -> list[Project]:
        found = [
            p
            for p in self.projects.values()
            if (not name_contains or name_contains in p.name)
            and (created_after is None or p.creation_time > created_after)
            and (created_before is None or p.creation_time < created_before)
        ]
        key = (lambda p: p.name) if sort_by == "Name" else (lambda p: p.creation_time)
        return sorted(found, key=key, reverse=sort_order == "Descending")

    def delete_project(self, name: str) -> None:
        """Terminate what the project launched; a project whose stack cannot go stays, DeleteFailed."""
        project = self.describe_project(name)
        project.status = "DeleteInProgress"
        errors: list[str] = []
        if project.provisioned_product_id:
            catalog = servicecatalog_backends[self.account_id][self.region_name]
            provisioned = catalog.provisioned_products.get(project.provisioned_product_id)
            if provisioned is not None:
                record = catalog.terminate_provisioned_product(provisioned.id, None, ignore_errors=False)
                errors += [error["Description"] for error in record.errors]
        for template in project.template_stacks:
            if template.launch.stack_id:
                error = stacks.delete_stack(self.account_id, self.region_name, template.launch.stack_id)
                errors += [error] if error else []
        if errors:
            project.status, project.status_message = "DeleteFailed", "; ".join(errors)
            return
        del self.projects[name]


sagemaker_backends = BackendDict(SageMakerProjectBackend, "sagemaker")
