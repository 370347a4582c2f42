"""The project templates: build/train/deploy and its variants, rendered per environment.

- build_train_deploy: model-build pipeline (source -> CodeBuild that upserts and starts the
  SageMaker pipeline) and model-deploy pipeline (source -> build of the per-stage configuration
  -> one stage per deployment stage with approvals, deploy and test), started when a model
  version is approved in the project's model package group.
- multi_branch: the model-build pipeline also runs for every branch under the experiment prefix
  (pipeline V2 push triggers); each branch's build keeps its own SageMaker pipeline and removes
  the pipelines of deleted branches; main holds the best one.
- multi_model: one build trains several models, each with its own criterion and group.
- promotion: no training here; the deploy pipeline takes the SageMaker pipeline definition from
  the repository, creates it in each stage account and runs it there.
"""

from __future__ import annotations

import json

from troposphere import Output, Ref, Sub, Template, ssm
from troposphere import codepipeline as cp

from cdktf_app.config import EnvironmentConfig
from cdktf_app.config_sections import ProductConfig
from cdktf_app.templates import pipelines
from cdktf_app.templates.artifacts import add_artifact_store
from cdktf_app.templates.common import PROJECT_PREFIX, Context, new_template, project_tag_map
from cdktf_app.templates.registry import add_approval_rules, add_model_registry, group_names

BUILDSPEC_MODEL_BUILD = "buildspec.yml"
BUILDSPEC_MODEL_DEPLOY = "buildspec.yml"
BUILDSPEC_TEST = "test/buildspec.yml"


def build(key: str, product: ProductConfig, config: EnvironmentConfig) -> Template:
    context = new_template(key, product, config)
    pipelines.add_source_parameters(context)
    pipelines.add_network_parameters(context)
    bucket, artifact_key = add_artifact_store(context)
    groups = add_model_registry(context)
    pipelines.add_git_mirror(context, bucket, artifact_key)
    settings = context.add(
        ssm.Parameter(
            "DeploymentSettings",
            Name=Sub(f"/{PROJECT_PREFIX}/deployment-settings"),
            Type="String",
            Tier="Standard",
            Description="Stages, accounts, approvals and hosting of the deploy pipeline (JSON)",
            Value=json.dumps(pipelines.deployment_settings(context), sort_keys=True, separators=(",", ":")),
            Tags=project_tag_map(),
        )
    )
    variables = {
        **pipelines.common_variables(context, bucket),
        "MODEL_PACKAGE_GROUPS": Sub(
            ",".join(f"${{{title}}}" for title in _group_variables(context)), **_group_variables(context)
        ),
        "DEPLOYMENT_SETTINGS_PARAMETER": Ref(settings),
    }
    if product.kind != "promotion":
        _model_build(context, bucket, artifact_key, variables)
    deploy = _model_deploy(context, bucket, artifact_key, variables)
    add_approval_rules(context, groups, Ref(deploy))
    context.template.add_output(Output("ArtifactBucket", Value=Ref(bucket)))
    context.template.add_output(Output("DeployPipeline", Value=Ref(deploy)))
    context.template.add_output(Output("DeploymentSettingsParameter", Value=Ref(settings)))
    return context.template


def _group_variables(context: Context) -> dict[str, Sub]:
    return {f"Group{index}": group for index, group in enumerate(group_names(context).values())}


def _model_build(context: Context, bucket: object, key: object, variables: dict[str, object]) -> cp.Pipeline:
    product = context.product
    extra: dict[str, object] = {}
    if product.kind == "multi_branch":
        extra["EXPERIMENT_BRANCH_PREFIX"] = product.experiment_branch_prefix
    if product.kind == "multi_model":
        extra["MODELS"] = json.dumps([model.model_dump() for model in product.models], separators=(",", ":"))
    project = pipelines.codebuild_project(
        context, "ModelBuildProject", "modelbuild", key, {**variables, **extra}, BUILDSPEC_MODEL_BUILD
    )
    triggers = None
    namespace = None
    build_variables: dict[str, str] = {}
    if product.kind == "multi_branch":
        # Each run builds the branch that triggered it: the build names that branch's SageMaker pipeline.
        namespace = pipelines.SOURCE_NAMESPACE
        build_variables["SOURCE_BRANCH"] = f"#{{{namespace}.BranchName}}"
        triggers = [
            cp.PipelineTriggerDeclaration(
                ProviderType="CodeStarSourceConnection",
                GitConfiguration=cp.GitConfiguration(
                    SourceActionName="Source",
                    Push=[
                        cp.GitPushFilter(
                            Branches=cp.GitBranchFilterCriteria(
                                Includes=[Ref(pipelines.BRANCH), f"{product.experiment_branch_prefix}*"]
                            )
                        )
                    ],
                ),
            )
        ]
    return pipelines.pipeline(
        context,
        "ModelBuildPipeline",
        "modelbuild",
        bucket,
        key,
        [
            cp.Stages(
                Name="Source",
                Actions=[
                    pipelines.source_action(
                        context, "ModelBuildRepository", bucket, "ModelBuildCode", namespace=namespace
                    )
                ],
            ),
            cp.Stages(
                Name="Build",
                Actions=[
                    pipelines.build_action(
                        "BuildAndRunPipeline",
                        project,
                        ["ModelBuildCode"],
                        ["ModelBuildOutput"],
                        variables=build_variables,
                    )
                ],
            ),
        ],
        triggers,
    )


def _model_deploy(context: Context, bucket: object, key: object, variables: dict[str, object]) -> cp.Pipeline:
    product = context.product
    mode = "pipeline-definition" if product.kind == "promotion" else "model"
    deploy_project = pipelines.codebuild_project(
        context,
        "ModelDeployProject",
        "modeldeploy",
        key,
        {**variables, "HOSTING": product.hosting, "DEPLOY_MODE": mode},
        BUILDSPEC_MODEL_DEPLOY,
    )
    test_project = pipelines.codebuild_project(
        context, "ModelTestProject", "modeltest", key, {**variables, "DEPLOY_MODE": mode}, BUILDSPEC_TEST
    )
    stages = [
        cp.Stages(
            Name="Source", Actions=[pipelines.source_action(context, "ModelDeployRepository", bucket, "DeployCode")]
        ),
        cp.Stages(
            Name="Build",
            Actions=[
                pipelines.build_action("BuildStageConfiguration", deploy_project, ["DeployCode"], ["BuildArtifact"])
            ],
        ),
        *pipelines.deploy_stages(context, test_project),
    ]
    return pipelines.pipeline(context, "ModelDeployPipeline", "modeldeploy", bucket, key, stages)
