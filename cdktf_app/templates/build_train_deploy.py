"""build_train_deploy: what a project gets from the build/train/deploy product, per environment.

This renders the project's model registry (model package group) and its per-environment
deployment settings (stages with their accounts, approvals, hosting, SCM) as an SSM parameter
that the deploy pipeline reads. The pipelines themselves come with the template builders'
issue; the launch role is derived from the resource types rendered here.
"""

from __future__ import annotations

import json

from troposphere import GetAtt, Output, Parameter, Ref, Sub, Tags, Template, ssm
from troposphere import sagemaker as sm

from cdktf_app.config import EnvironmentConfig
from cdktf_app.config_sections import ProductConfig

PROJECT_NAME = "SageMakerProjectName"
PROJECT_ID = "SageMakerProjectId"


def deployment_settings(key: str, product: ProductConfig, config: EnvironmentConfig) -> dict[str, object]:
    """What the deploy pipeline needs to know about this environment, in deployment order."""
    return {
        "product": key,
        "environment": config.name,
        "hosting": product.hosting,
        "scm": product.scm.provider,
        "model_registry_approval": product.approvals.model_registry,
        "stages": [
            {
                "name": stage,
                "account_id": config.stage_account(stage),
                "production": config.stages[stage].production,
                "test_after_deploy": product.approvals.integration_test_gate and not config.stages[stage].production,
                "manual_approvals": [
                    {"name": approval.name, "approver_group": approval.approver_group}
                    for approval in product.approvals.manual.get(stage, [])
                ],
            }
            for stage in product.stages
        ],
    }


def build(key: str, product: ProductConfig, config: EnvironmentConfig) -> Template:
    template = Template(Description=f"{product.display_name} ({config.name}): {product.description}"[:1024])
    template.set_version("2010-09-09")
    template.add_parameter(
        Parameter(
            PROJECT_NAME,
            Type="String",
            AllowedPattern="^[a-zA-Z](-*[a-zA-Z0-9])*$",
            MaxLength=32,
            Description="Name of the SageMaker project (SageMaker passes it)",
        )
    )
    template.add_parameter(
        Parameter(
            PROJECT_ID, Type="String", MaxLength=16, Description="Id of the SageMaker project (SageMaker passes it)"
        )
    )
    tags = Tags({"sagemaker:project-name": Ref(PROJECT_NAME), "sagemaker:project-id": Ref(PROJECT_ID)})
    group_name = Sub(f"sagemaker-${{{PROJECT_NAME}}}-${{{PROJECT_ID}}}")
    group = template.add_resource(
        sm.ModelPackageGroup(
            "ModelPackageGroup",
            ModelPackageGroupName=group_name,
            ModelPackageGroupDescription=Sub(f"Models of project ${{{PROJECT_NAME}}} ({key}, {config.name})"),
            Tags=tags,
        )
    )
    settings = template.add_resource(
        ssm.Parameter(
            "DeploymentSettings",
            Name=Sub(f"/sagemaker-${{{PROJECT_NAME}}}-${{{PROJECT_ID}}}/deployment-settings"),
            Type="String",
            Tier="Standard",
            Description="Stages, accounts, approvals and hosting of the deploy pipeline (JSON)",
            Value=json.dumps(deployment_settings(key, product, config), sort_keys=True, separators=(",", ":")),
            Tags={"sagemaker:project-name": Ref(PROJECT_NAME), "sagemaker:project-id": Ref(PROJECT_ID)},
        )
    )
    template.add_output(Output("ModelPackageGroupArn", Value=GetAtt(group, "ModelPackageGroupArn")))
    template.add_output(Output("DeploymentSettingsParameter", Value=Ref(settings)))
    return template
