"""Model registry: the project's model package group(s), their cross-account read policy, and the
EventBridge rule that starts the deploy pipeline when a model version is approved."""

from __future__ import annotations

from typing import Any

from troposphere import Ref, Sub, events
from troposphere import sagemaker as sm

from cdktf_app.targets import account_root_arn, cross_account_stages, stage_role_arns
from cdktf_app.templates.common import PROJECT_PREFIX, SHORT_PREFIX, Context, project_tags

APPROVAL_EVENT = "SageMaker Model Package State Change"


def group_names(context: Context) -> dict[str, Sub]:
    """Model package group name per model: one group, or one per model of a multi_model product."""
    models = [model.name for model in context.product.models]
    if not models:
        return {"": Sub(PROJECT_PREFIX)}
    return {model: Sub(f"{SHORT_PREFIX}-{model}") for model in models}


def _group_policy(context: Context, group: Sub) -> dict[str, Any] | None:
    """Stage accounts may read the group's model packages (root principal + aws:PrincipalArn)."""
    config = context.config
    stages = [stage for stage in cross_account_stages(config) if stage in context.product.stages]
    if not stages:
        return None
    roots = sorted({account_root_arn(config, config.stage_account(stage)) for stage in stages})
    roles = [arn for stage in stages for arn in stage_role_arns(config, stage)]
    group_arn = Sub(
        "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package-group/${Group}",
        Group=group,
    )
    packages_arn = Sub(
        "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:model-package/${Group}/*", Group=group
    )
    condition = {"ArnEquals": {"aws:PrincipalArn": roles}}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "StagesDescribeGroup",
                "Effect": "Allow",
                "Principal": {"AWS": roots},
                "Action": ["sagemaker:DescribeModelPackageGroup"],
                "Resource": group_arn,
                "Condition": condition,
            },
            {
                "Sid": "StagesReadModelPackages",
                "Effect": "Allow",
                "Principal": {"AWS": roots},
                "Action": ["sagemaker:DescribeModelPackage", "sagemaker:ListModelPackages"],
                "Resource": packages_arn,
                "Condition": condition,
            },
        ],
    }


def _logical(prefix: str, model: str) -> str:
    return prefix + "".join(part.capitalize() for part in model.split("-"))


def add_model_registry(context: Context) -> dict[str, sm.ModelPackageGroup]:
    groups: dict[str, sm.ModelPackageGroup] = {}
    for model, group_name in group_names(context).items():
        properties: dict[str, Any] = {
            "ModelPackageGroupName": group_name,
            "ModelPackageGroupDescription": Sub(
                f"Models of project ${{SageMakerProjectName}}{' (' + model + ')' if model else ''}"
            ),
            "Tags": project_tags(),
        }
        policy = _group_policy(context, group_name)
        if policy is not None:
            properties["ModelPackageGroupPolicy"] = policy
        groups[model] = context.add(sm.ModelPackageGroup(_logical("ModelPackageGroup", model), **properties))
    return groups


def add_approval_rules(context: Context, groups: dict[str, sm.ModelPackageGroup], pipeline_name: Ref) -> None:
    """Start the deploy pipeline when a model package of a group is approved."""
    pipeline_arn = Sub(
        "arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:${Pipeline}", Pipeline=pipeline_name
    )
    names = group_names(context)
    for model, group in groups.items():
        suffix = f"-{model}" if model else ""
        context.add(
            events.Rule(
                _logical("ModelApprovedRule", model),
                Name=Sub(f"{SHORT_PREFIX}-approved{suffix}"),
                Description="Starts the deploy pipeline when a model version is approved in the registry",
                EventPattern={
                    "source": ["aws.sagemaker"],
                    "detail-type": [APPROVAL_EVENT],
                    "detail": {
                        "ModelPackageGroupName": [names[model]],
                        "ModelApprovalStatus": ["Approved"],
                    },
                },
                State="ENABLED",
                Tags=project_tags(),
                DependsOn=[group.title],
                Targets=[events.Target(Id="DeployPipeline", Arn=pipeline_arn, RoleArn=context.use_role("events"))],
            )
        )
