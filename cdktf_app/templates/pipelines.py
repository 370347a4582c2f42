"""Source, build and deploy: CodeBuild projects and CodePipeline V2 pipelines of a project.

Source: a CodeConnections connection (GitHub, GitHub Enterprise, GitLab, Bitbucket, self-managed
GitLab), any other Git server through a mirror function that reads the credentials from Secrets
Manager (the template takes the secret's ARN, never its value) and writes the branch to the
artifact bucket on a schedule, or CodeCommit (legacy: closed to new customers).
Deploy: one pipeline stage per deployment stage, in order: manual approvals, the CloudFormation
deploy (through the stage account's roles when the stage is in another account), then a test
action after each non-production stage when the integration-test gate is on.
"""

from __future__ import annotations

import json
from typing import Any

from troposphere import GetAtt, Join, Parameter, Ref, Sub, awslambda, codebuild, events, kms, s3
from troposphere import codepipeline as cp

from cdktf_app.config_sections import CODECONNECTIONS_PROVIDERS, EXTERNAL_GIT_PROVIDERS
from cdktf_app.targets import stage_role_arn
from cdktf_app.templates.common import PROJECT_ID, PROJECT_NAME, SHORT_PREFIX, Context, name, project_tags

BUILD_IMAGE = "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
MIRROR_CODE_KEY = "lambda/lambdas.zip"  # glue package: every function of glue/lambdas
BRANCH = "Branch"
# Seed code objects in the seed-code bucket: (model build, model deploy). One model-build seed serves
# every kind: the build project's variables (MODELS, EXPERIMENT_BRANCH_PREFIX, SOURCE_BRANCH) choose
# the variant (docs/adr/0008-seed-code-variants.md).
SEED_KEYS = ("seedcode/model-build.zip", "seedcode/model-deploy.zip")
# Namespace of the source action's output variables (BranchName, CommitId) in the build pipeline.
SOURCE_NAMESPACE = "SourceVariables"


def add_source_parameters(context: Context) -> None:
    template = context.template
    template.add_parameter(
        Parameter(
            "ModelBuildRepository",
            Type="String",
            MinLength=1,
            Description="Repository of the model-build code (owner/name for CodeConnections; name otherwise)",
        )
    )
    template.add_parameter(
        Parameter(
            "ModelDeployRepository", Type="String", MinLength=1, Description="Repository of the model-deploy code"
        )
    )
    template.add_parameter(Parameter(BRANCH, Type="String", Default="main", Description="Branch the pipelines follow"))


def source_action(
    context: Context, repository: str, bucket: s3.Bucket, output: str, namespace: str | None = None
) -> cp.Actions:
    """The pipeline's source action for `repository` (a parameter name), by SCM provider; with
    `namespace`, a CodeConnections source publishes its variables (#{namespace.BranchName})."""
    scm = context.product.scm
    if scm.provider in CODECONNECTIONS_PROVIDERS:
        extra: dict[str, Any] = {"Namespace": namespace} if namespace else {}
        return cp.Actions(
            Name="Source",
            ActionTypeId=cp.ActionTypeId(
                Category="Source", Owner="AWS", Provider="CodeStarSourceConnection", Version="1"
            ),
            Configuration={
                "ConnectionArn": scm.connection_arn,
                "FullRepositoryId": Ref(repository),
                "BranchName": Ref(BRANCH),
                "OutputArtifactFormat": "CODE_ZIP",
            },
            OutputArtifacts=[cp.OutputArtifacts(Name=output)],
            RunOrder=1,
            **extra,
        )
    if scm.provider in EXTERNAL_GIT_PROVIDERS:
        return cp.Actions(
            Name="Source",
            ActionTypeId=cp.ActionTypeId(Category="Source", Owner="AWS", Provider="S3", Version="1"),
            Configuration={
                "S3Bucket": Ref(bucket),
                "S3ObjectKey": Sub(f"mirror/${{{repository}}}.zip"),
                "PollForSourceChanges": "false",
            },
            OutputArtifacts=[cp.OutputArtifacts(Name=output)],
            RunOrder=1,
        )
    return cp.Actions(
        Name="Source",
        ActionTypeId=cp.ActionTypeId(Category="Source", Owner="AWS", Provider="CodeCommit", Version="1"),
        Configuration={"RepositoryName": Ref(repository), "BranchName": Ref(BRANCH), "PollForSourceChanges": "false"},
        OutputArtifacts=[cp.OutputArtifacts(Name=output)],
        RunOrder=1,
    )


def add_git_mirror(context: Context, bucket: s3.Bucket, key: kms.Key) -> None:
    """For Git servers AWS does not connect to: a function mirrors both repositories into the bucket."""
    scm = context.product.scm
    if scm.provider not in EXTERNAL_GIT_PROVIDERS:
        return
    build_seed, deploy_seed = SEED_KEYS
    function = context.add(
        awslambda.Function(
            "GitMirrorFunction",
            FunctionName=name("git-mirror", short=True),
            Description="Mirrors the project's repositories from the Git server into the artifact bucket",
            Runtime="python3.12",
            Handler="glue.lambdas.git_mirror.handler",
            Role=context.use_role("lambda"),
            Code=awslambda.Code(S3Bucket=context.config.seed_code_bucket_name, S3Key=MIRROR_CODE_KEY),
            Timeout=300,
            MemorySize=512,
            KmsKeyArn=GetAtt(key, "Arn"),
            ReservedConcurrentExecutions=1,
            Environment=awslambda.Environment(
                Variables={
                    "GIT_SERVER_URL": scm.server_url,
                    "GIT_CREDENTIALS_SECRET_ARN": scm.credentials_secret_arn,
                    "REPOSITORIES": Sub("${ModelBuildRepository},${ModelDeployRepository}"),
                    "BRANCH": Ref(BRANCH),
                    "TARGET_BUCKET": Ref(bucket),
                    # An empty repository first gets its seed code (idempotent: never a second commit).
                    "SEED_CODE_BUCKET": context.config.seed_code_bucket_name,
                    "SEED_CODE_KEYS": Sub(
                        f"${{ModelBuildRepository}}={build_seed},${{ModelDeployRepository}}={deploy_seed}"
                    ),
                }
            ),
            **_vpc_config(context, awslambda.VPCConfig),
            Tags=project_tags(),
        )
    )
    rule = context.add(
        events.Rule(
            "GitMirrorSchedule",
            Name=name("git-mirror", short=True),
            Description="Mirror the repositories every five minutes",
            ScheduleExpression="rate(5 minutes)",
            State="ENABLED",
            Tags=project_tags(),
            Targets=[events.Target(Id="GitMirror", Arn=GetAtt(function, "Arn"))],
        )
    )
    context.add(
        awslambda.Permission(
            "GitMirrorInvokedBySchedule",
            FunctionName=Ref(function),
            Action="lambda:InvokeFunction",
            Principal="events.amazonaws.com",
            SourceArn=GetAtt(rule, "Arn"),
        )
    )


def _vpc_config(context: Context, kind: type) -> dict[str, Any]:
    if not context.product.vpc_only:
        return {}
    if kind is codebuild.VpcConfig:
        return {
            "VpcConfig": codebuild.VpcConfig(
                VpcId=Ref("VpcId"), Subnets=Ref("SubnetIds"), SecurityGroupIds=Ref("SecurityGroupIds")
            )
        }
    return {"VpcConfig": kind(SubnetIds=Ref("SubnetIds"), SecurityGroupIds=Ref("SecurityGroupIds"))}


def add_network_parameters(context: Context) -> None:
    """VPC-only: where builds, functions and the SageMaker jobs run (defaults from an existing VPC)."""
    if not context.product.vpc_only:
        return
    network = context.config.network
    vpc = network.vpc if network is not None else None
    defaults: dict[str, dict[str, str]] = {"VpcId": {}, "SubnetIds": {}, "SecurityGroupIds": {}}
    if vpc is not None and vpc.mode == "existing":
        defaults["VpcId"] = {"Default": vpc.vpc_id}
        defaults["SubnetIds"] = {"Default": ",".join(vpc.subnet_ids)}
    for title, kind, description in (
        ("VpcId", "AWS::EC2::VPC::Id", "VPC of the builds and jobs"),
        ("SubnetIds", "List<AWS::EC2::Subnet::Id>", "Private subnets of the builds and jobs"),
        ("SecurityGroupIds", "List<AWS::EC2::SecurityGroup::Id>", "Security groups of the builds and jobs"),
    ):
        context.template.add_parameter(Parameter(title, Type=kind, Description=description, **defaults[title]))


def codebuild_project(
    context: Context, title: str, suffix: str, key: kms.Key, variables: dict[str, Any], buildspec: str
) -> codebuild.Project:
    environment = [
        codebuild.EnvironmentVariable(Name=variable, Type="PLAINTEXT", Value=value)
        for variable, value in sorted(variables.items())
    ]
    project: codebuild.Project = context.add(
        codebuild.Project(
            title,
            Name=name(suffix),
            Description=Sub(f"{suffix} of SageMaker project ${{{PROJECT_NAME}}}"),
            ServiceRole=context.use_role("codebuild"),
            EncryptionKey=GetAtt(key, "Arn"),
            Artifacts=codebuild.Artifacts(Type="CODEPIPELINE"),
            Source=codebuild.Source(Type="CODEPIPELINE", BuildSpec=buildspec),
            Environment=codebuild.Environment(
                ComputeType="BUILD_GENERAL1_SMALL",
                Image=BUILD_IMAGE,
                Type="LINUX_CONTAINER",
                EnvironmentVariables=environment,
            ),
            TimeoutInMinutes=120,
            **_vpc_config(context, codebuild.VpcConfig),
            Tags=project_tags(),
        )
    )
    return project


def common_variables(context: Context, bucket: s3.Bucket) -> dict[str, Any]:
    variables: dict[str, Any] = {
        "SAGEMAKER_PROJECT_NAME": Ref(PROJECT_NAME),
        "SAGEMAKER_PROJECT_ID": Ref(PROJECT_ID),
        "ARTIFACT_BUCKET": Ref(bucket),
        "SAGEMAKER_PIPELINE_ROLE_ARN": context.use_role("sagemaker"),
        "ENVIRONMENT": context.config.name,
    }
    if context.product.vpc_only:
        # The SageMaker pipeline's jobs run in the same subnets and security groups as the build.
        variables["SUBNET_IDS"] = Join(",", Ref("SubnetIds"))
        variables["SECURITY_GROUP_IDS"] = Join(",", Ref("SecurityGroupIds"))
    return variables


def pipeline(
    context: Context,
    title: str,
    suffix: str,
    bucket: s3.Bucket,
    key: kms.Key,
    stages: list[cp.Stages],
    triggers: list[cp.PipelineTriggerDeclaration] | None = None,
) -> cp.Pipeline:
    extra: dict[str, Any] = {"Triggers": triggers} if triggers else {}
    created: cp.Pipeline = context.add(
        cp.Pipeline(
            title,
            Name=name(suffix),
            PipelineType="V2",
            ExecutionMode="QUEUED",
            RoleArn=context.use_role("codepipeline"),
            ArtifactStore=cp.ArtifactStore(
                Type="S3",
                Location=Ref(bucket),
                EncryptionKey=cp.EncryptionKey(Id=GetAtt(key, "Arn"), Type="KMS"),
            ),
            Stages=stages,
            RestartExecutionOnUpdate=False,
            Tags=project_tags(),
            **extra,
        )
    )
    return created


def build_action(
    name_: str,
    project: codebuild.Project,
    inputs: list[str],
    outputs: list[str],
    run_order: int = 1,
    variables: dict[str, str] | None = None,
) -> cp.Actions:
    """A CodeBuild action; `variables` are set for this action only (they may use #{namespace.Name})."""
    configuration: dict[str, Any] = {"ProjectName": Ref(project)}
    if variables:
        configuration["EnvironmentVariables"] = json.dumps(
            [{"name": key, "value": value, "type": "PLAINTEXT"} for key, value in sorted(variables.items())],
            separators=(",", ":"),
        )
    return cp.Actions(
        Name=name_,
        ActionTypeId=cp.ActionTypeId(Category="Build", Owner="AWS", Provider="CodeBuild", Version="1"),
        Configuration=configuration,
        InputArtifacts=[cp.InputArtifacts(Name=artifact) for artifact in inputs],
        OutputArtifacts=[cp.OutputArtifacts(Name=artifact) for artifact in outputs],
        RunOrder=run_order,
    )


def deploy_stages(context: Context, test_project: codebuild.Project) -> list[cp.Stages]:
    """One pipeline stage per deployment stage: approvals, CloudFormation deploy, optional test."""
    config, product = context.config, context.product
    stages = []
    for stage in product.stages:
        settings = config.stages[stage]
        account = config.stage_account(stage)
        actions: list[cp.Actions] = []
        order = 1
        for approval in product.approvals.manual.get(stage, []):
            actions.append(
                cp.Actions(
                    Name=approval.name,
                    ActionTypeId=cp.ActionTypeId(Category="Approval", Owner="AWS", Provider="Manual", Version="1"),
                    Configuration={
                        "CustomData": f"Approve deploying to {stage} (account {account}); approvers: "
                        f"IAM group {approval.approver_group}"
                    },
                    RunOrder=order,
                )
            )
            order += 1
        deploy: dict[str, Any] = {
            "ActionMode": "CREATE_UPDATE",
            "StackName": Sub(f"{SHORT_PREFIX}-deploy-{stage}"),
            "TemplatePath": "BuildArtifact::template-export.yml",
            "TemplateConfiguration": f"BuildArtifact::{stage}-config.json",
            "Capabilities": "CAPABILITY_NAMED_IAM",
        }
        action_role: dict[str, Any] = {}
        if account != config.account_id:
            deploy["RoleArn"] = stage_role_arn(config, stage, "cloudformation")
            action_role = {"RoleArn": stage_role_arn(config, stage, "deploy")}
        else:
            deploy["RoleArn"] = context.use_role("cloudformation")
        actions.append(
            cp.Actions(
                Name=f"Deploy-{stage}",
                ActionTypeId=cp.ActionTypeId(Category="Deploy", Owner="AWS", Provider="CloudFormation", Version="1"),
                Configuration=deploy,
                InputArtifacts=[cp.InputArtifacts(Name="BuildArtifact")],
                RunOrder=order,
                **action_role,
            )
        )
        if product.approvals.integration_test_gate and not settings.production:
            actions.append(
                build_action(f"Test-{stage}", test_project, ["BuildArtifact"], [], order + 1, {"STAGE": stage})
            )
        stages.append(cp.Stages(Name=f"Deploy-{stage}", Actions=actions))
    return stages


def deployment_settings(context: Context) -> dict[str, object]:
    """What the deploy build needs to know about this environment, in deployment order."""
    config, product = context.config, context.product
    return {
        "product": context.key,
        "kind": product.kind,
        "environment": config.name,
        "hosting": product.hosting,
        "scm": product.scm.provider,
        "vpc_only": product.vpc_only,
        "model_registry_approval": product.approvals.model_registry,
        "models": [model.model_dump() for model in product.models],
        "stages": [
            {
                "name": stage,
                "account_id": config.stage_account(stage),
                "production": config.stages[stage].production,
                "test_after_deploy": product.approvals.integration_test_gate and not config.stages[stage].production,
                "subnet_ids": config.stages[stage].subnet_ids,
                "security_group_ids": config.stages[stage].security_group_ids,
                "manual_approvals": [
                    {"name": approval.name, "approver_group": approval.approver_group}
                    for approval in product.approvals.manual.get(stage, [])
                ],
            }
            for stage in product.stages
        ],
    }
