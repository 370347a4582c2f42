"""Which Terraform stacks an environment becomes: one for its own (tooling) account, one per other account.

Kept free of cdktf so that the CLI can list, plan and apply stacks without starting jsii.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_app.config import EnvironmentConfig

# The role moto (and AWS Organizations) gives member accounts; assumed on the emulator when a
# stage names no deploy role, so that calls land in the stage's emulated account.
EMULATOR_STAGE_ROLE = "OrganizationAccountAccessRole"


@dataclass(frozen=True)
class StackTarget:
    """One Terraform stack (and state) of an environment."""

    name: str
    environment: str
    account_id: str
    role_arn: str | None
    stages: tuple[str, ...] = ()

    @property
    def is_tooling(self) -> bool:
        """The environment's own account: portfolio, products, buckets, VPC endpoints, use roles."""
        return not self.stages


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def stack_targets(config: EnvironmentConfig) -> list[StackTarget]:
    """The tooling stack first, then one stack per other account the stages deploy into (in stage order)."""
    targets = [StackTarget(config.name, config.name, config.account_id, config.deploy_role_arn)]
    by_account: dict[str, list[str]] = {}
    roles: dict[str, str | None] = {}
    for stage, settings in config.stages.items():
        account = config.stage_account(stage)
        if account == config.account_id:
            continue
        by_account.setdefault(account, []).append(stage)
        role = settings.deploy_role_arn
        if role is None and config.emulator:
            role = f"arn:{partition_of(config.region)}:iam::{account}:role/{EMULATOR_STAGE_ROLE}"
        roles.setdefault(account, role)
    for account, stages in by_account.items():
        targets.append(StackTarget(f"{config.name}-{account}", config.name, account, roles[account], tuple(stages)))
    return targets


def cross_account_stages(config: EnvironmentConfig) -> list[str]:
    return [stage for stage in config.stages if config.stage_account(stage) != config.account_id]


# Role names shared by both sides of a cross-account deployment, so each stack can name the
# other's roles before they exist (grants use the account root plus aws:PrincipalArn).
def team_prefix(config: EnvironmentConfig, team: str) -> str:
    return f"{config.resource_prefix}-{team}"


def tooling_role_arn(config: EnvironmentConfig, team: str, service: str) -> str:
    return f"arn:{partition_of(config.region)}:iam::{config.account_id}:role/{team_prefix(config, team)}-{service}"


STAGE_ROLE_SUFFIXES = ("deploy", "cloudformation", "sagemaker")


def stage_role_arn(config: EnvironmentConfig, stage: str, suffix: str) -> str:
    """ARN of a stage account's role (modules/stage_deployment names them <prefix>-<stage>-<suffix>)."""
    account = config.stage_account(stage)
    return f"arn:{partition_of(config.region)}:iam::{account}:role/{config.resource_prefix}-{stage}-{suffix}"


def stage_role_arns(config: EnvironmentConfig, stage: str) -> list[str]:
    return [stage_role_arn(config, stage, suffix) for suffix in STAGE_ROLE_SUFFIXES]


def account_root_arn(config: EnvironmentConfig, account: str) -> str:
    return f"arn:{partition_of(config.region)}:iam::{account}:root"
