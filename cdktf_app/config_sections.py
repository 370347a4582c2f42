"""The parts of an environment file beyond account, region and backend: network, stages, teams, products.

Each model rejects unknown keys; rules that need the whole file live in config.consistency_problems.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ACCOUNT_ID = r"^[0-9]{12}$"
ROLE_ARN = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$"
# Principals a team is associated with: role, user or group ARNs; without an account id
# (arn:aws:iam:::role/name, wildcards allowed) they are IAM_PATTERN associations.
TEAM_PRINCIPAL_ARN = r"^arn:aws[a-z-]*:iam::([0-9]{12})?:(role|user|group)/[A-Za-z0-9+=,.@_/*-]{1,512}$"
VPC_ID = r"^vpc-[0-9a-f]{8,17}$"
SUBNET_ID = r"^subnet-[0-9a-f]{8,17}$"
ROUTE_TABLE_ID = r"^rtb-[0-9a-f]{8,17}$"
SECURITY_GROUP_ID = r"^sg-[0-9a-f]{8,17}$"
IPV4_CIDR = r"^([0-9]{1,3}\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$"
AVAILABILITY_ZONE = r"^[a-z]{2}(-gov)?-[a-z]+-[0-9][a-z]$"
ENDPOINT_SERVICE = r"^[a-z0-9][a-z0-9.-]{1,62}$"
STAGE_NAME = r"^[a-z][a-z0-9-]{1,15}$"
TEAM_NAME = r"^[a-z][a-z0-9-]{1,31}$"
PRODUCT_KEY = r"^[a-z][a-z0-9-]{1,31}$"
VERSION = r"^v?[0-9]+(\.[0-9]+){0,2}$"
CONNECTION_ARN = (
    r"^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:[0-9]{12}:connection/[0-9a-f-]{36}$"
)
SECRET_ARN = r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$"  # noqa: S105 (a pattern)
HTTPS_URL = r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$"

SECTION_PATTERN_MEANING = {
    TEAM_PRINCIPAL_ARN: "an IAM role, user or group ARN; leave out the account id for a pattern valid in every account",
    VPC_ID: "a VPC id such as vpc-0123456789abcdef0",
    SUBNET_ID: "a subnet id such as subnet-0123456789abcdef0",
    ROUTE_TABLE_ID: "a route table id such as rtb-0123456789abcdef0",
    SECURITY_GROUP_ID: "a security group id such as sg-0123456789abcdef0",
    IPV4_CIDR: "an IPv4 CIDR block such as 10.20.0.0/16",
    AVAILABILITY_ZONE: "an Availability Zone name such as eu-west-1a",
    ENDPOINT_SERVICE: "a short endpoint service name such as sagemaker.api",
    STAGE_NAME: "2-16 lowercase letters, digits and hyphens, starting with a letter",
    TEAM_NAME: "2-32 lowercase letters, digits and hyphens, starting with a letter",
    PRODUCT_KEY: "2-32 lowercase letters, digits and hyphens, starting with a letter",
    VERSION: "a version such as 1.0 or v2.1.3",
    CONNECTION_ARN: "a CodeConnections connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<uuid>)",
    SECRET_ARN: "a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)",
    HTTPS_URL: "an https:// URL such as https://git.example.com/group",
}


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


AccountId = Annotated[str, Field(pattern=ACCOUNT_ID, description="12-digit AWS account id, quoted")]


class ExistingVpc(StrictModel):
    """A VPC that exists already: its ids are used as they are (no lookups, so plans work offline)."""

    mode: Literal["existing"]
    vpc_id: str = Field(pattern=VPC_ID)
    cidr_blocks: list[Annotated[str, Field(pattern=IPV4_CIDR)]] = Field(min_length=1)
    subnet_ids: list[Annotated[str, Field(pattern=SUBNET_ID)]] = Field(min_length=1)
    route_table_ids: list[Annotated[str, Field(pattern=ROUTE_TABLE_ID)]] = Field(min_length=1)


class CreatedVpc(StrictModel):
    """A VPC created for the environment (modules/network): private subnets only, no internet path."""

    mode: Literal["create"]
    cidr_block: str = Field(pattern=IPV4_CIDR)
    availability_zones: list[Annotated[str, Field(pattern=AVAILABILITY_ZONE)]] = Field(min_length=1, max_length=6)


Vpc = Annotated[ExistingVpc | CreatedVpc, Field(discriminator="mode")]


class NetworkConfig(StrictModel):
    """Where the SageMaker domain and the projects' jobs run, and which VPC endpoints they get."""

    vpc: Vpc
    interface_endpoints: list[Annotated[str, Field(pattern=ENDPOINT_SERVICE)]] | None = Field(
        default=None,
        description="Services that get an interface endpoint (left out: the vpc_endpoints module's default list, "
        "what a VPC-only Studio domain with projects needs); S3 always gets a gateway endpoint",
    )


class StageConfig(StrictModel):
    """A deployment stage of the projects' model-deploy pipelines, and the account it deploys into."""

    account_id: AccountId | None = Field(default=None, description="Target account; defaults to the environment's")
    deploy_role_arn: str | None = Field(
        default=None,
        pattern=ROLE_ARN,
        description="Role Terraform assumes in the target account; required when it differs from the environment's",
    )
    production: bool = Field(default=False, description="Serves production traffic (no test stage after it)")
    subnet_ids: list[Annotated[str, Field(pattern=SUBNET_ID)]] = Field(
        default_factory=list, description="VPC-only products: subnets of the stage's endpoints (in the target account)"
    )
    security_group_ids: list[Annotated[str, Field(pattern=SECURITY_GROUP_ID)]] = Field(
        default_factory=list, description="VPC-only products: security groups of the stage's endpoints"
    )


class ManualApproval(StrictModel):
    """A manual approval action in the deploy pipeline, before the stage it is listed under."""

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9-]{1,31}$")
    approver_group: str = Field(pattern=r"^[A-Za-z0-9+=,.@_-]{1,128}$", description="IAM group allowed to approve")


class Approvals(StrictModel):
    """How a model reaches each stage."""

    model_registry: bool = Field(default=True, description="Deploy only model packages approved in the registry")
    manual: dict[Annotated[str, Field(pattern=STAGE_NAME)], list[ManualApproval]] = Field(
        default_factory=dict, description="Stage name -> manual approvals before deploying to it"
    )
    integration_test_gate: bool = Field(default=True, description="Run the test stage after each non-production deploy")


CODECONNECTIONS_PROVIDERS = ("github", "github_enterprise", "gitlab", "bitbucket", "gitlab_self_managed")
EXTERNAL_GIT_PROVIDERS = ("bitbucket_server", "azure_devops", "gitea", "git_server")
ScmProvider = Literal[
    "github",
    "github_enterprise",
    "gitlab",
    "bitbucket",
    "gitlab_self_managed",
    "bitbucket_server",
    "azure_devops",
    "gitea",
    "git_server",
    "codecommit",
]


class ScmConfig(StrictModel):
    """Where the project's repositories live and how the pipelines reach them."""

    provider: ScmProvider
    connection_arn: str | None = Field(
        default=None, pattern=CONNECTION_ARN, description="CodeConnections connection (GitHub, GitLab, Bitbucket)"
    )
    server_url: str | None = Field(default=None, pattern=HTTPS_URL, description="Base URL of another Git server")
    credentials_secret_arn: str | None = Field(
        default=None,
        pattern=SECRET_ARN,
        description="Secrets Manager secret holding the Git credentials (its ARN only, never the value)",
    )

    @model_validator(mode="after")
    def _settings_match_the_provider(self) -> ScmConfig:
        if self.provider in CODECONNECTIONS_PROVIDERS:
            if self.connection_arn is None:
                raise ValueError(f"provider {self.provider!r} needs connection_arn (a CodeConnections connection)")
            if self.server_url or self.credentials_secret_arn:
                raise ValueError(
                    f"provider {self.provider!r} connects through connection_arn: "
                    "leave out server_url and credentials_secret_arn"
                )
        elif self.provider in EXTERNAL_GIT_PROVIDERS:
            if self.server_url is None or self.credentials_secret_arn is None:
                raise ValueError(
                    f"provider {self.provider!r} needs server_url and credentials_secret_arn "
                    "(seed code is pushed by a Lambda function with credentials from Secrets Manager)"
                )
            if self.connection_arn:
                raise ValueError(f"provider {self.provider!r} takes no connection_arn")
        elif self.connection_arn or self.server_url or self.credentials_secret_arn:
            raise ValueError("provider 'codecommit' takes no connection_arn, server_url or credentials_secret_arn")
        return self


ProductKind = Literal["build_train_deploy", "multi_branch", "multi_model", "promotion"]
Hosting = Literal["realtime", "serverless", "async", "multi_model", "batch"]


class ModelSpec(StrictModel):
    """One model of a multi_model product: its own evaluation criterion and model package group."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{1,15}$")
    metric: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.]{0,63}$", description="Evaluation metric, e.g. auc or rmse")
    threshold: float
    higher_is_better: bool = True


class ProductConfig(StrictModel):
    """A SageMaker project template published in the environment, with its per-environment parameters."""

    kind: ProductKind = Field(description="Which template builder renders the CloudFormation template")
    display_name: str = Field(min_length=1, max_length=100, description="Name SageMaker Studio lists")
    description: str = Field(min_length=1, max_length=1000)
    owner: str = Field(min_length=1, max_length=100)
    version: str = Field(default="1.0", pattern=VERSION, description="Version published (a new one adds an artifact)")
    stages: list[Annotated[str, Field(pattern=STAGE_NAME)]] = Field(
        min_length=1, description="Deployment stages in order; each must be a key of the environment's stages"
    )
    approvals: Approvals = Field(default_factory=Approvals)
    hosting: Hosting = "realtime"
    scm: ScmConfig
    vpc_only: bool = Field(
        default=False, description="Jobs, builds and endpoints run in the VPC; seed code comes through the S3 endpoint"
    )
    models: list[ModelSpec] = Field(
        default_factory=list, description="multi_model only: the models one pipeline trains, each with its criterion"
    )
    experiment_branch_prefix: str = Field(
        default="experiment/",
        pattern=r"^[A-Za-z0-9._/-]{1,64}$",
        description="multi_branch only: branches with this prefix each get a training pipeline",
    )

    @model_validator(mode="after")
    def _kind_settings(self) -> ProductConfig:
        if self.kind == "multi_model" and len(self.models) < 2:
            raise ValueError("kind 'multi_model' needs at least two entries in models")
        if self.kind == "multi_model" and self.hosting not in ("batch", "multi_model"):
            raise ValueError(
                "kind 'multi_model' deploys several models: hosting must be 'batch' or 'multi_model', "
                f"not {self.hosting!r}"
            )
        if self.kind != "multi_model" and self.models:
            raise ValueError(f"models is only for kind 'multi_model', not {self.kind!r}")
        if self.kind == "multi_branch" and self.scm.provider not in CODECONNECTIONS_PROVIDERS:
            raise ValueError(
                "kind 'multi_branch' needs a CodeConnections provider (branch push triggers): "
                f"{', '.join(CODECONNECTIONS_PROVIDERS)}"
            )
        names = [model.name for model in self.models]
        if len(set(names)) != len(names):
            raise ValueError(f"model names must be unique: {names}")
        return self


class TeamConfig(StrictModel):
    """People who create projects, and the products they may launch."""

    principals: list[Annotated[str, Field(pattern=TEAM_PRINCIPAL_ARN)]] = Field(min_length=1)
    products: list[Annotated[str, Field(pattern=PRODUCT_KEY)]] = Field(
        min_length=1, description="Keys of the environment's products this team may launch"
    )


class PortfolioConfig(StrictModel):
    """How the Service Catalog portfolio presents itself."""

    display_name: str | None = Field(
        default=None, max_length=100, description="Defaults to 'SageMaker templates (<env>)'"
    )
    provider_name: str = Field(default="MLOps platform", min_length=1, max_length=50)
    share_account_ids: list[AccountId] = Field(default_factory=list)
