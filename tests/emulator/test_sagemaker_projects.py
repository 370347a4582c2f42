"""The emulator's SageMaker projects (glue/motoext/sagemaker) through boto3: CreateProject through a
Service Catalog product as an associated role, or from templates in S3 (TemplateProviders), then
DescribeProject, ListProjects and DeleteProject; moto's own SageMaker operations still answer.

The emulator is shared with the other tests of the worker: every name is unique, nothing is reset.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import boto3
import pytest

from tests.emulator.support import REGION, Emulator, checked, launch_path, refused, stack_arn, tag_map, unique

pytestmark = pytest.mark.integration

# What a SageMaker project template gets from SageMaker, and one parameter of its own.
PROJECT_TEMPLATE: dict[str, Any] = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Parameters": {
        "SageMakerProjectName": {"Type": "String"},
        "SageMakerProjectId": {"Type": "String"},
        "Stage": {"Type": "String", "Default": "dev"},
    },
    "Resources": {
        "Artifacts": {"Type": "AWS::S3::Bucket"},
        "Settings": {
            "Type": "AWS::SSM::Parameter",
            "Properties": {
                "Name": {"Fn::Sub": "/smt-emu/${SageMakerProjectId}/stage"},
                "Type": "String",
                "Value": {"Fn::Sub": "${SageMakerProjectName}:${Stage}"},
            },
        },
    },
    "Outputs": {
        "ProjectName": {"Value": {"Ref": "SageMakerProjectName"}},
        "ArtifactsBucket": {"Value": {"Ref": "Artifacts"}},
    },
}


def project_name() -> str:
    """A unique project name (SageMaker allows 32 characters: letters, digits, hyphens)."""
    return f"smt-emu-{uuid.uuid4().hex[:12]}"


def _parameters(stack: dict[str, Any]) -> dict[str, str]:
    return {p["ParameterKey"]: p["ParameterValue"] for p in stack.get("Parameters", [])}


def test_create_project_through_service_catalog_as_associated_role(env: Emulator) -> None:
    path = launch_path(env, PROJECT_TEMPLATE)
    sagemaker = env.as_role(path.scientist_arn, "sagemaker")
    catalog, cloudformation = env.client("servicecatalog"), env.client("cloudformation")
    name = project_name()

    created = sagemaker.create_project(
        ProjectName=name,
        ProjectDescription="A project from the catalog.",
        ServiceCatalogProvisioningDetails={
            "ProductId": path.product_id,
            "ProvisioningArtifactId": path.artifact_id,
            "ProvisioningParameters": [{"Key": "Stage", "Value": "test"}],
        },
        Tags=[{"Key": "team", "Value": "data-science"}],
    )
    project_id = created["ProjectId"]
    assert re.fullmatch("p-[a-z0-9]{12}", project_id), project_id
    assert created["ProjectArn"] == f"arn:aws:sagemaker:us-east-1:{env.account}:project/{name}"

    described = sagemaker.describe_project(ProjectName=name)
    assert described["ProjectStatus"] == "CreateCompleted", described
    assert (described["ProjectId"], described["ProjectName"]) == (project_id, name)
    assert described["ProjectDescription"] == "A project from the catalog."
    details = described["ServiceCatalogProvisioningDetails"]
    assert (details["ProductId"], details["ProvisioningArtifactId"]) == (path.product_id, path.artifact_id)
    provisioned_id = described["ServiceCatalogProvisionedProductDetails"]["ProvisionedProductId"]
    assert re.fullmatch("pp-[a-z0-9]{13}", provisioned_id), provisioned_id

    provisioned = catalog.describe_provisioned_product(Id=provisioned_id)["ProvisionedProductDetail"]
    assert provisioned["Status"] == "AVAILABLE"
    assert provisioned["ProductId"] == path.product_id
    record = catalog.describe_record(Id=provisioned["LastRecordId"])
    assert record["RecordDetail"]["Status"] == "SUCCEEDED"
    tags = tag_map(record["RecordDetail"]["RecordTags"])
    assert tags["sagemaker:project-name"] == name
    assert tags["sagemaker:project-id"] == project_id
    assert tags["team"] == "data-science"

    stack_id = stack_arn(record["RecordOutputs"])
    (stack,) = cloudformation.describe_stacks(StackName=stack_id)["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert _parameters(stack) == {"SageMakerProjectName": name, "SageMakerProjectId": project_id, "Stage": "test"}
    assert tag_map(stack["Tags"])["sagemaker:project-id"] == project_id
    setting = env.client("ssm").get_parameter(Name=f"/smt-emu/{project_id}/stage")["Parameter"]
    assert setting["Value"] == f"{name}:test", "the stack's resources got SageMaker's parameters"

    sagemaker.delete_project(ProjectName=name)
    (stack,) = cloudformation.describe_stacks(StackName=stack_id)["Stacks"]
    assert stack["StackStatus"] == "DELETE_COMPLETE"
    with refused("ParameterNotFound"):
        env.client("ssm").get_parameter(Name=f"/smt-emu/{project_id}/stage")
    with refused("ResourceNotFoundException"):
        catalog.describe_provisioned_product(Id=provisioned_id)
    with refused("ValidationException"):
        sagemaker.describe_project(ProjectName=name)
    assert sagemaker.list_projects(NameContains=name)["ProjectSummaryList"] == []


def test_create_project_refusals(env: Emulator) -> None:
    path = launch_path(env, PROJECT_TEMPLATE)
    scientist = env.as_role(path.scientist_arn, "sagemaker")
    admin = env.client("sagemaker")
    details = {"ProductId": path.product_id, "ProvisioningArtifactId": path.artifact_id}
    providers = [{"CfnTemplateProvider": {"TemplateName": "main", "TemplateURL": env.put_template(PROJECT_TEMPLATE)}}]
    token = uuid.uuid4().hex[:10]

    for bad in ("-starts-with-hyphen", "has_underscore", f"ends-with-hyphen-{token}-"):
        with refused("ValidationException"):
            scientist.create_project(ProjectName=bad, ServiceCatalogProvisioningDetails=details)
    with refused("ValidationException"):
        scientist.create_project(
            ProjectName=f"both-{token}", ServiceCatalogProvisioningDetails=details, TemplateProviders=providers
        )
    with refused("ValidationException"):
        scientist.create_project(ProjectName=f"neither-{token}")
    with refused("ValidationException", "No launch paths"):
        admin.create_project(ProjectName=f"admin-{token}", ServiceCatalogProvisioningDetails=details)
    assert admin.list_projects(NameContains=token)["ProjectSummaryList"] == [], "a refused project is not created"
    launched = env.client("servicecatalog").scan_provisioned_products(
        AccessLevelFilter={"Key": "Account", "Value": "self"}
    )["ProvisionedProducts"]
    assert [p["Id"] for p in launched if p["ProductId"] == path.product_id] == [], "nothing was provisioned"

    name = f"dup-{token}"
    scientist.create_project(ProjectName=name, ServiceCatalogProvisioningDetails=details)
    with refused("ValidationException", name):
        scientist.create_project(ProjectName=name, ServiceCatalogProvisioningDetails=details)
    with refused("ValidationException", name):
        admin.create_project(ProjectName=name, TemplateProviders=providers)
    assert [p["ProjectName"] for p in admin.list_projects(NameContains=token)["ProjectSummaryList"]] == [name]
    scientist.delete_project(ProjectName=name)


def test_create_project_from_template_providers(env: Emulator) -> None:
    sagemaker, cloudformation = env.client("sagemaker"), env.client("cloudformation")
    name = project_name()
    url = env.put_template(PROJECT_TEMPLATE, "project.json")
    role_arn = env.role_arn(unique("smt-emu-cfn"))
    created = sagemaker.create_project(
        ProjectName=name,
        TemplateProviders=[
            {
                "CfnTemplateProvider": {
                    "TemplateName": "main",
                    "TemplateURL": url,
                    "RoleARN": role_arn,
                    "Parameters": [{"Key": "Stage", "Value": "prod"}],
                }
            }
        ],
    )
    project_id = created["ProjectId"]
    assert re.fullmatch("p-[a-z0-9]{12}", project_id), project_id

    described = sagemaker.describe_project(ProjectName=name)
    assert described["ProjectStatus"] == "CreateCompleted", described
    assert "ServiceCatalogProvisioningDetails" not in described
    (provider,) = described["TemplateProviderDetails"]
    detail = provider["CfnTemplateProviderDetail"]
    assert (detail["TemplateName"], detail["TemplateURL"], detail["RoleARN"]) == ("main", url, role_arn)
    assert detail["Parameters"] == [{"Key": "Stage", "Value": "prod"}]
    stack_detail = detail["StackDetail"]
    assert stack_detail["Id"].startswith(
        f"arn:aws:cloudformation:us-east-1:{env.account}:stack/{stack_detail['Name']}/"
    )

    (stack,) = cloudformation.describe_stacks(StackName=stack_detail["Id"])["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    assert _parameters(stack) == {"SageMakerProjectName": name, "SageMakerProjectId": project_id, "Stage": "prod"}
    assert stack.get("RoleARN") == role_arn
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["ProjectName"] == name

    sagemaker.delete_project(ProjectName=name)
    (stack,) = cloudformation.describe_stacks(StackName=stack_detail["Id"])["Stacks"]
    assert stack["StackStatus"] == "DELETE_COMPLETE"
    with refused("ValidationException"):
        sagemaker.describe_project(ProjectName=name)
    with refused("ValidationException"):
        sagemaker.delete_project(ProjectName=name)


def test_create_project_from_a_missing_template_is_refused(env: Emulator) -> None:
    sagemaker = env.client("sagemaker")
    name = project_name()
    with refused("ValidationException"):
        sagemaker.create_project(
            ProjectName=name,
            TemplateProviders=[{"CfnTemplateProvider": {"TemplateName": "main", "TemplateURL": env.url("nope.yaml")}}],
        )
    with refused("ValidationException"):
        sagemaker.describe_project(ProjectName=name)


def test_list_projects_filters_and_sorts(env: Emulator) -> None:
    sagemaker = env.client("sagemaker")
    token = uuid.uuid4().hex[:10]
    url = env.put_template(PROJECT_TEMPLATE)
    # Created out of name order, so that name order and creation order differ.
    names = [f"b-{token}", f"c-{token}", f"a-{token}"]
    for name in names:
        sagemaker.create_project(
            ProjectName=name, TemplateProviders=[{"CfnTemplateProvider": {"TemplateName": "t", "TemplateURL": url}}]
        )
    sagemaker.create_project(
        ProjectName=project_name(),
        TemplateProviders=[{"CfnTemplateProvider": {"TemplateName": "t", "TemplateURL": url}}],
    )
    try:

        def listed(**kwargs: Any) -> list[str]:
            summaries = sagemaker.list_projects(NameContains=token, **kwargs)["ProjectSummaryList"]
            assert all(s["ProjectStatus"] == "CreateCompleted" for s in summaries), summaries
            return [s["ProjectName"] for s in summaries]

        assert listed() == names, "by default: by CreationTime, Ascending"
        assert listed(SortBy="Name", SortOrder="Ascending") == sorted(names)
        assert listed(SortBy="Name", SortOrder="Descending") == sorted(names, reverse=True)
        assert listed(SortBy="CreationTime", SortOrder="Ascending") == names
        assert listed(SortBy="CreationTime", SortOrder="Descending") == names[::-1]
        assert listed(SortBy="Name") == sorted(names), "SortOrder defaults to Ascending"
        assert sagemaker.list_projects(NameContains=f"a-{token}")["ProjectSummaryList"][0]["ProjectName"] == names[2]
    finally:
        for name in names:
            sagemaker.delete_project(ProjectName=name)
    assert sagemaker.list_projects(NameContains=token)["ProjectSummaryList"] == []


def _three_projects(env: Emulator, token: str) -> list[str]:
    """Three projects from an S3 template whose names hold `token`, in name order."""
    url = env.put_template(PROJECT_TEMPLATE)
    names = [f"page{index}-{token}" for index in range(3)]
    for name in names:
        env.client("sagemaker").create_project(
            ProjectName=name, TemplateProviders=[{"CfnTemplateProvider": {"TemplateName": "t", "TemplateURL": url}}]
        )
    return names


def test_list_projects_filters_by_creation_time(env: Emulator) -> None:
    sagemaker = env.client("sagemaker")
    token = uuid.uuid4().hex[:10]
    names = _three_projects(env, token)
    try:
        listed = sagemaker.list_projects(NameContains=token)["ProjectSummaryList"]
        created = {s["ProjectName"]: s["CreationTime"] for s in listed}
        assert sorted(created) == names
        future = max(created.values()) + timedelta(days=1)
        before = sagemaker.list_projects(NameContains=token, CreationTimeBefore=future)["ProjectSummaryList"]
        assert sorted(s["ProjectName"] for s in before) == names
        assert sagemaker.list_projects(NameContains=token, CreationTimeAfter=future)["ProjectSummaryList"] == []
        past = min(created.values()) - timedelta(days=1)
        assert sagemaker.list_projects(NameContains=token, CreationTimeBefore=past)["ProjectSummaryList"] == []
    finally:
        for name in names:
            sagemaker.delete_project(ProjectName=name)


def test_list_projects_pages_with_max_results(env: Emulator) -> None:
    sagemaker = env.client("sagemaker")
    token = uuid.uuid4().hex[:10]
    names = _three_projects(env, token)
    try:
        first = sagemaker.list_projects(NameContains=token, MaxResults=2, SortBy="Name", SortOrder="Ascending")
        assert [s["ProjectName"] for s in first["ProjectSummaryList"]] == names[:2]
        assert first.get("NextToken"), "two of three projects: the answer needs a NextToken"
        rest = sagemaker.list_projects(
            NameContains=token, MaxResults=2, SortBy="Name", SortOrder="Ascending", NextToken=first["NextToken"]
        )
        assert [s["ProjectName"] for s in rest["ProjectSummaryList"]] == names[2:]
        assert not rest.get("NextToken")
    finally:
        for name in names:
            sagemaker.delete_project(ProjectName=name)


# A project template with a parameter SageMaker does not fill and the tests do not give.
NEEDS_A_PARAMETER: dict[str, Any] = {
    **PROJECT_TEMPLATE,
    "Parameters": {**PROJECT_TEMPLATE["Parameters"], "Required": {"Type": "String"}},
    "Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Ref": "Required"}}}},
    "Outputs": {},
}


def test_a_project_whose_product_launch_fails_is_create_failed_and_can_be_deleted(env: Emulator) -> None:
    path = launch_path(env, NEEDS_A_PARAMETER)
    scientist = env.as_role(path.scientist_arn, "sagemaker")
    catalog = env.client("servicecatalog")
    name = project_name()
    scientist.create_project(ProjectName=name, ServiceCatalogProvisioningDetails={"ProductId": path.product_id})
    described = scientist.describe_project(ProjectName=name)
    assert described["ProjectStatus"] == "CreateFailed", described
    details = described["ServiceCatalogProvisionedProductDetails"]
    assert "Required" in details["ProvisionedProductStatusMessage"], details
    provisioned_id = details["ProvisionedProductId"]
    assert catalog.describe_provisioned_product(Id=provisioned_id)["ProvisionedProductDetail"]["Status"] == "ERROR"

    scientist.delete_project(ProjectName=name)
    with refused("ValidationException"):
        scientist.describe_project(ProjectName=name)
    with refused("ResourceNotFoundException"):
        catalog.describe_provisioned_product(Id=provisioned_id)


def test_a_project_whose_template_launch_fails_is_create_failed_and_can_be_deleted(env: Emulator) -> None:
    sagemaker = env.client("sagemaker")
    name = project_name()
    url = env.put_template(NEEDS_A_PARAMETER)
    sagemaker.create_project(
        ProjectName=name, TemplateProviders=[{"CfnTemplateProvider": {"TemplateName": "main", "TemplateURL": url}}]
    )
    try:
        described = sagemaker.describe_project(ProjectName=name)
        assert described["ProjectStatus"] == "CreateFailed", described
        (provider,) = described["TemplateProviderDetails"]
        assert "Required" in provider["CfnTemplateProviderDetail"]["StackDetail"]["StatusMessage"]
    finally:
        sagemaker.delete_project(ProjectName=name)
    with refused("ValidationException"):
        sagemaker.describe_project(ProjectName=name)


def test_create_project_without_a_version_takes_the_newest_active_one(env: Emulator) -> None:
    path = launch_path(env, PROJECT_TEMPLATE)
    admin = env.client("servicecatalog")

    def add_version(version: str) -> str:
        return str(
            admin.create_provisioning_artifact(
                ProductId=path.product_id,
                Parameters={"Name": version, "Info": {"LoadTemplateFromURL": env.put_template(PROJECT_TEMPLATE)}},
                IdempotencyToken=unique("token"),
            )["ProvisioningArtifactDetail"]["Id"]
        )

    current, retired = add_version("1.1.0"), add_version("1.2.0")
    admin.update_provisioning_artifact(
        ProductId=path.product_id, ProvisioningArtifactId=retired, Active=False, Guidance="DEPRECATED"
    )
    scientist = env.as_role(path.scientist_arn, "sagemaker")
    name = project_name()
    scientist.create_project(ProjectName=name, ServiceCatalogProvisioningDetails={"ProductId": path.product_id})
    described = scientist.describe_project(ProjectName=name)
    assert described["ProjectStatus"] == "CreateCompleted", described
    assert described["ServiceCatalogProvisioningDetails"]["ProvisioningArtifactId"] == current
    assert described["ServiceCatalogProvisioningDetails"]["PathId"] == path.portfolio_id
    scientist.delete_project(ProjectName=name)


def test_an_iam_user_associated_with_the_portfolio_creates_a_project(env: Emulator) -> None:
    """A principal may be an IAM user: requests signed with the user's access key are matched to it."""
    iam = env.client("iam")
    user = unique("smt-emu-user")
    user_arn = iam.create_user(UserName=user)["User"]["Arn"]
    key = iam.create_access_key(UserName=user)["AccessKey"]
    path = launch_path(env, PROJECT_TEMPLATE)
    env.client("servicecatalog").associate_principal_with_portfolio(
        PortfolioId=path.portfolio_id, PrincipalARN=user_arn, PrincipalType="IAM"
    )
    sagemaker = checked(
        boto3.client(
            "sagemaker",
            endpoint_url=env.running.endpoint,
            region_name=REGION,
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
        )
    )
    name = project_name()
    sagemaker.create_project(ProjectName=name, ServiceCatalogProvisioningDetails={"ProductId": path.product_id})
    described = sagemaker.describe_project(ProjectName=name)
    assert described["ProjectStatus"] == "CreateCompleted", described
    assert described["CreatedBy"]["UserProfileName"] == user
    sagemaker.delete_project(ProjectName=name)


def test_moto_sagemaker_operations_still_answer(env: Emulator) -> None:
    """The extended backend replaces moto's: its own operations must keep working beside projects."""
    sagemaker = env.client("sagemaker")
    group = unique("smt-emu-group")
    created = sagemaker.create_model_package_group(
        ModelPackageGroupName=group, ModelPackageGroupDescription="Models of the emulator tests."
    )
    assert created["ModelPackageGroupArn"] == f"arn:aws:sagemaker:us-east-1:{env.account}:model-package-group/{group}"
    listed = sagemaker.list_model_package_groups(NameContains=group)["ModelPackageGroupSummaryList"]
    assert [g["ModelPackageGroupName"] for g in listed] == [group]
    described = sagemaker.describe_model_package_group(ModelPackageGroupName=group)
    assert described["ModelPackageGroupDescription"] == "Models of the emulator tests."
    with refused("ValidationException"):
        sagemaker.describe_model_package_group(ModelPackageGroupName=unique("smt-emu-nogroup"))
