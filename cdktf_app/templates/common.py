"""What every product template shares: SageMaker's parameters, names within AWS limits, tags, role ARNs.

Names: every resource is named `sagemaker-...` (the launch and use roles may act only on those).
Bucket and rule names use the project id (at most 16 characters) so that they fit 63/64
characters whatever the project name; others use `sagemaker-<name>-<id>` (at most 59).
"""

from __future__ import annotations

from dataclasses import dataclass

from troposphere import AWSObject, Parameter, Ref, Sub, Tags, Template

from cdktf_app.config import EnvironmentConfig
from cdktf_app.config_sections import ProductConfig

PROJECT_NAME = "SageMakerProjectName"
PROJECT_ID = "SageMakerProjectId"
TEAM = "Team"
PROJECT_NAME_PATTERN = "^[a-zA-Z](-*[a-zA-Z0-9])*$"
# `sagemaker-<project name>-<project id>`: at most 10 + 32 + 1 + 16 = 59 characters.
PROJECT_PREFIX = f"sagemaker-${{{PROJECT_NAME}}}-${{{PROJECT_ID}}}"
# `sagemaker-<project id>`: for names with tight limits (buckets 63, rules 64, functions 64).
SHORT_PREFIX = f"sagemaker-${{{PROJECT_ID}}}"


@dataclass(frozen=True)
class Context:
    """One product rendered for one environment."""

    key: str
    product: ProductConfig
    config: EnvironmentConfig
    template: Template

    def add(self, resource: AWSObject) -> AWSObject:
        added: AWSObject = self.template.add_resource(resource)
        return added

    def teams(self) -> list[str]:
        return [team for team, settings in self.config.teams.items() if self.key in settings.products]

    def use_role(self, service: str) -> Sub:
        """ARN of the launching team's use role for `service` (modules/iam_roles names them)."""
        prefix = self.config.resource_prefix
        return Sub(f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{prefix}-${{{TEAM}}}-{service}")


def new_template(key: str, product: ProductConfig, config: EnvironmentConfig) -> Context:
    template = Template(Description=f"{product.display_name} ({config.name}): {product.description}"[:1024])
    template.set_version("2010-09-09")
    context = Context(key, product, config, template)
    template.add_parameter(
        Parameter(
            PROJECT_NAME,
            Type="String",
            MinLength=1,
            MaxLength=32,
            AllowedPattern=PROJECT_NAME_PATTERN,
            Description="Name of the SageMaker project (SageMaker passes it)",
        )
    )
    template.add_parameter(
        Parameter(
            PROJECT_ID,
            Type="String",
            MinLength=1,
            MaxLength=16,
            AllowedPattern="^[a-z0-9-]+$",
            Description="Id of the SageMaker project (SageMaker passes it)",
        )
    )
    teams = context.teams()
    template.add_parameter(
        Parameter(
            TEAM,
            Type="String",
            AllowedValues=teams,
            Default=teams[0],
            Description="Team whose roles the project uses (the launch role may pass only its own team's roles)",
        )
    )
    return context


def project_tags(**extra: str) -> Tags:
    return Tags({"sagemaker:project-name": Ref(PROJECT_NAME), "sagemaker:project-id": Ref(PROJECT_ID), **extra})


def project_tag_map() -> dict[str, object]:
    """The same tags as a plain map, for resources whose Tags property is a map (SSM parameters)."""
    return {"sagemaker:project-name": Ref(PROJECT_NAME), "sagemaker:project-id": Ref(PROJECT_ID)}


def name(suffix: str, short: bool = False) -> Sub:
    return Sub(f"{SHORT_PREFIX if short else PROJECT_PREFIX}-{suffix}")
