"""What a data scientist does with the published templates, on the local emulator.

For every template the environment publishes (each team's Service Catalog products, and the
template objects of the S3 way) a team principal creates a SageMaker project, the stack's
resources are listed (those the emulator could not create are listed as skipped, with the reason),
the project is deleted, the stack is shown gone, and what the template retains on purpose
(DeletionPolicy: Retain) is removed with the project teardown.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from cdktf_app.config import EnvironmentConfig
from cdktf_app.stack import TEMPLATES_DIR, module_id
from glue import cfn_yaml, emulator, project_teardown
from glue.errors import UserError
from glue.motoext import SKIPPED_PREFIX, SKIPPED_REASON

SAGEMAKER_PARAMETERS = ("SageMakerProjectName", "SageMakerProjectId")
PROJECT_NAME_MAX = 32
ClientFactory = emulator.ClientFactory


@dataclass(frozen=True)
class PublishedTemplate:
    """One way a data scientist can start a project: a team's product, or a template object in S3."""

    product: str
    team: str
    template_file: Path
    product_id: str | None = None
    template_url: str | None = None

    @property
    def label(self) -> str:
        if self.product_id:
            return f"Service Catalog product {self.product} of team {self.team} ({self.product_id})"
        return f"S3 template {self.product} ({self.template_url})"

    @property
    def project_name(self) -> str:
        way = "sc" if self.product_id else "s3"
        name = re.sub(r"[^a-zA-Z0-9]+", "-", f"demo-{way}-{self.product}")[:PROJECT_NAME_MAX]
        return name.rstrip("-")


@dataclass(frozen=True)
class StackResource:
    logical_id: str
    resource_type: str
    physical_id: str
    skipped_reason: str | None

    @property
    def created(self) -> bool:
        return self.skipped_reason is None


@dataclass
class ProjectRun:
    """The record of one project's lifecycle, for the summary."""

    template: PublishedTemplate
    principal: str
    project_id: str = ""
    status: str = ""
    status_message: str = ""
    stack_id: str = ""
    stack_status: str = ""
    resources: list[StackResource] = field(default_factory=list)
    stack_status_after_delete: str = ""
    retained: list[str] = field(default_factory=list)
    teardown: list[str] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.status == "CreateCompleted" and self.stack_status_after_delete == "DELETE_COMPLETE"

    def lines(self) -> list[str]:
        created = [r for r in self.resources if r.created]
        skipped = [r for r in self.resources if not r.created]
        lines = [
            f"  {self.template.label}",
            f"    project {self.template.project_name} ({self.project_id}): {self.status}"
            + (f": {self.status_message}" if self.status != "CreateCompleted" and self.status_message else ""),
        ]
        if self.stack_id:
            lines.append(f"    stack {self.stack_id.split('/')[1]}: {self.stack_status}")
            lines.append(f"    resources: {len(created)} created, {len(skipped)} skipped by the emulator")
            width = max((len(r.logical_id) for r in self.resources), default=0)
            type_width = max((len(r.resource_type) for r in self.resources), default=0)
            for resource in sorted(self.resources, key=lambda r: (not r.created, r.logical_id)):
                shown = resource.physical_id if resource.created else f"skipped: {resource.skipped_reason}"
                state = "created" if resource.created else "skipped"
                lines.append(
                    f"      {state:<8}{resource.logical_id:<{width}}  {resource.resource_type:<{type_width}}  {shown}"
                )
        if self.stack_status_after_delete:
            lines.append(f"    deleted the project: stack {self.stack_status_after_delete}")
        if self.retained:
            lines.append(f"    kept by DeletionPolicy Retain: {', '.join(self.retained)}")
        lines += [f"    project teardown: {line}" for line in self.teardown]
        return lines


def published_templates(
    config: EnvironmentConfig, stack: Path, outputs: Mapping[str, object]
) -> list[PublishedTemplate]:
    """Every template the applied tooling stack publishes, from its Terraform outputs."""
    found: list[PublishedTemplate] = []
    for team, settings in sorted(config.teams.items()):
        for key in settings.products:
            product_id = outputs.get(module_id("product", team, key, "id"))
            if isinstance(product_id, str):
                found.append(PublishedTemplate(key, team, _template_file(stack, key), product_id=product_id))
    urls = outputs.get("s3_template_urls")
    if isinstance(urls, Mapping):
        for key, url in sorted(urls.items()):
            team = next((t for t, s in sorted(config.teams.items()) if key in s.products), "")
            if team:
                found.append(PublishedTemplate(key, team, _template_file(stack, key), template_url=str(url)))
    return found


def _template_file(stack: Path, product: str) -> Path:
    return stack / TEMPLATES_DIR / f"{product}.yaml"


def team_principal(config: EnvironmentConfig, team: str) -> str:
    """The first role among the team's principals, as an ARN in the environment's account."""
    for arn in config.teams[team].principals:
        if ":role/" in arn and "*" not in arn:
            return arn.replace(":iam:::", f":iam::{config.account_id}:", 1)
    raise UserError(f"team {team} has no role among its principals: the demo creates projects as one of its roles")


def act_as(admin: ClientFactory, running: emulator.RunningEmulator, region: str, role_arn: str) -> ClientFactory:
    """Clients that sign as `role_arn` (STS AssumeRole on the emulator)."""
    credentials = admin("sts").assume_role(RoleArn=role_arn, RoleSessionName="demo-data-scientist")["Credentials"]
    return emulator.clients(running, region, credentials)


def template_parameters(template_file: Path, project_name: str) -> list[dict[str, str]]:
    """Values for the template's parameters that have no default (SageMaker passes its own two)."""
    document = cfn_yaml.load(template_file.read_text(encoding="utf-8"))
    values = []
    for name, spec in (document.get("Parameters") or {}).items():
        if name in SAGEMAKER_PARAMETERS or "Default" in spec:
            continue
        allowed = spec.get("AllowedValues")
        value = str(allowed[0]) if allowed else f"{project_name}-{name.lower()}"[: int(spec.get("MaxLength", 128))]
        values.append({"Key": name, "Value": value})
    return values


def run_project(
    template: PublishedTemplate,
    config: EnvironmentConfig,
    admin: ClientFactory,
    scientist: ClientFactory,
    principal: str,
    launch_role_arn: str | None,
) -> ProjectRun:
    """Create a project from one template as the scientist, read its stack, delete it, tear down what it kept."""
    run = ProjectRun(template=template, principal=principal)
    sagemaker, name = scientist("sagemaker"), template.project_name
    _delete_leftover(sagemaker, name)
    parameters = template_parameters(template.template_file, name)
    tags = [{"Key": key, "Value": value} for key, value in config.default_tags.items()]
    request: dict[str, Any] = {"ProjectName": name, "ProjectDescription": f"Demo of {template.label}", "Tags": tags}
    if template.product_id:
        request["ServiceCatalogProvisioningDetails"] = {
            "ProductId": template.product_id,
            "ProvisioningParameters": parameters,
        }
    else:
        provider: dict[str, Any] = {
            "TemplateName": template.product,
            "TemplateURL": template.template_url,
            "Parameters": parameters,
        }
        if launch_role_arn:
            provider["RoleARN"] = launch_role_arn
        request["TemplateProviders"] = [{"CfnTemplateProvider": provider}]
    try:
        run.project_id = sagemaker.create_project(**request)["ProjectId"]
    except ClientError as error:
        run.status, run.status_message = "refused", error.response["Error"]["Message"]
        return run
    described = _wait_for_project(sagemaker, name)
    run.status = described["ProjectStatus"]
    run.stack_id, run.status_message = _stack_of(admin, described)
    if run.stack_id:
        _read_stack(admin("cloudformation"), template.template_file, run)
    sagemaker.delete_project(ProjectName=name)
    if run.stack_id:
        stacks = admin("cloudformation").list_stacks()["StackSummaries"]
        run.stack_status_after_delete = next((s["StackStatus"] for s in stacks if s["StackId"] == run.stack_id), "gone")
    report = project_teardown.teardown(run.project_id, admin("s3"), admin("kms"), dry_run=False)
    run.teardown = report.lines(dry_run=False)
    return run


def _delete_leftover(sagemaker: Any, name: str) -> None:
    """An interrupted earlier demo may have left the project: delete it so this run starts clean."""
    try:
        sagemaker.describe_project(ProjectName=name)
    except ClientError:
        return
    sagemaker.delete_project(ProjectName=name)


def _wait_for_project(sagemaker: Any, name: str, timeout_s: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        described: dict[str, Any] = sagemaker.describe_project(ProjectName=name)
        if not described["ProjectStatus"].endswith("InProgress") and described["ProjectStatus"] != "Pending":
            return described
        if time.monotonic() > deadline:
            raise UserError(f"project {name} is still {described['ProjectStatus']} after {timeout_s:.0f} s")
        time.sleep(0.5)


def _stack_of(admin: ClientFactory, described: Mapping[str, Any]) -> tuple[str, str]:
    """The project's stack id and status message, from Service Catalog's record or the S3 template's stack."""
    for provider in described.get("TemplateProviderDetails") or []:
        stack = provider["CfnTemplateProviderDetail"].get("StackDetail") or {}
        return str(stack.get("Id", "")), str(stack.get("StatusMessage", ""))
    details = described.get("ServiceCatalogProvisionedProductDetails") or {}
    message = str(details.get("ProvisionedProductStatusMessage", ""))
    if not details.get("ProvisionedProductId"):
        return "", message
    catalog = admin("servicecatalog")
    provisioned = catalog.describe_provisioned_product(Id=details["ProvisionedProductId"])["ProvisionedProductDetail"]
    outputs = catalog.describe_record(Id=provisioned["LastRecordId"]).get("RecordOutputs", [])
    stack = next((o["OutputValue"] for o in outputs if o["OutputKey"] == "CloudformationStackARN"), "")
    return str(stack), message


def _read_stack(cloudformation: Any, template_file: Path, run: ProjectRun) -> None:
    (stack,) = cloudformation.describe_stacks(StackName=run.stack_id)["Stacks"]
    run.stack_status = stack["StackStatus"]
    reasons = {
        event["LogicalResourceId"]: event["ResourceStatusReason"].removeprefix(SKIPPED_REASON)
        for event in cloudformation.describe_stack_events(StackName=run.stack_id)["StackEvents"]
        if str(event.get("ResourceStatusReason", "")).startswith(SKIPPED_REASON)
    }
    for summary in cloudformation.list_stack_resources(StackName=run.stack_id)["StackResourceSummaries"]:
        physical = str(summary.get("PhysicalResourceId", ""))
        skipped = physical.startswith(SKIPPED_PREFIX)
        run.resources.append(
            StackResource(
                logical_id=summary["LogicalResourceId"],
                resource_type=summary["ResourceType"],
                physical_id=physical,
                skipped_reason=reasons.get(summary["LogicalResourceId"], "not created") if skipped else None,
            )
        )
    resources = cfn_yaml.load(template_file.read_text(encoding="utf-8")).get("Resources") or {}
    run.retained = sorted(
        r.logical_id
        for r in run.resources
        if r.created and resources.get(r.logical_id, {}).get("DeletionPolicy") == "Retain"
    )
