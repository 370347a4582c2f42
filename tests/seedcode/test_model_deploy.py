"""seedcode/model-deploy: the endpoint template, the deploy build and the smoke test, all offline.

- endpoint.yml passes cfn-lint;
- the build, on the settings the project templates store for the shipped environments, writes one
  configuration per stage whose parameters CloudFormation accepts, with the stage account's role
  across accounts and the pipeline's role in the project's own account; its output is
  deterministic; each hosting option makes the template's Conditions create what it should; the
  registry is read through botocore's Stubber;
- the smoke test, run as the pipeline runs it, against a stand-in of the SageMaker runtime on
  127.0.0.1: a good answer passes, a 5xx or a malformed prediction fails, a multi-model endpoint
  gets TargetModel, an asynchronous one is polled in S3, batch is skipped.

Nothing here reaches anything but 127.0.0.1: AWS clients are stubbed or pointed at the stand-in,
and a guard refuses every other connection and name lookup in this process.
"""

from __future__ import annotations

import filecmp
import importlib
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from cdktf_app.config import EnvironmentConfig, load_environment
from cdktf_app.paths import ENVIRONMENTS_DIR, REPO_ROOT
from cdktf_app.templates.common import new_template
from cdktf_app.templates.pipelines import deployment_settings
from tests.seedcode import cfn_eval
from tests.seedcode.runtime_stand_in import ASYNC_BUCKET, StandIn, running

SEED = REPO_ROOT / "seedcode" / "model-deploy"
TEMPLATE = SEED / "endpoint.yml"
SMOKE_TEST = SEED / "test" / "smoke_test.py"
REGION = "eu-west-1"
PROJECT_NAME = "churn-model"
PROJECT_ID = "p-abcdefghijkl"
PROD = load_environment("prod", ENVIRONMENTS_DIR)
DEV = load_environment("dev", ENVIRONMENTS_DIR)


def _load_build_package() -> ModuleType:
    """seedcode/model-deploy/build as `model_deploy_build` (its folder name is not importable as is)."""
    name = "model_deploy_build"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, SEED / "build" / "__init__.py", submodule_search_locations=[str(SEED / "build")]
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        writes_bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in the seed
        try:
            spec.loader.exec_module(module)
            return importlib.import_module(f"{name}.cli")
        finally:
            sys.dont_write_bytecode = writes_bytecode
    return importlib.import_module(f"{name}.cli")


CLI = _load_build_package()


# ----------------------------------------------------------------------------------------------------------------
# Network guard and AWS clients
# ----------------------------------------------------------------------------------------------------------------

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection or name lookup in this process that is not for 127.0.0.1."""
    connect, lookup = socket.socket.connect, socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            raise AssertionError(f"a test tried to reach {address}")
        connect(self, address)

    def guarded_lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in LOOPBACK and host is not None:
            raise AssertionError(f"a test tried to look up {host}")
        return lookup(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_lookup)
    for variable in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(variable, raising=False)


def test_the_guard_refuses_every_other_address() -> None:
    with pytest.raises(AssertionError, match=r"tried to look up 192\.0\.2\.1"):
        socket.create_connection(("192.0.2.1", 443), timeout=1)
    with socket.socket() as sock, pytest.raises(AssertionError, match="tried to reach"):
        sock.connect(("192.0.2.1", 443))


def _session() -> boto3.session.Session:
    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)


class Registry:
    """Stubbed SageMaker, SSM and S3 clients; `expect_*` queue the calls the build should make."""

    def __init__(self) -> None:
        session = _session()
        self.sagemaker, self.ssm, self.s3 = (session.client(service) for service in ("sagemaker", "ssm", "s3"))
        self.stubs = [Stubber(self.sagemaker), Stubber(self.ssm), Stubber(self.s3)]
        for stub in self.stubs:
            stub.activate()

    def clients(self) -> Any:
        return CLI.Clients(sagemaker=self.sagemaker, ssm=self.ssm, s3=self.s3)

    def expect_latest(self, group: str, arn: str, version: int = 3) -> None:
        self.stubs[0].add_response(
            "list_model_packages",
            {
                "ModelPackageSummaryList": [
                    {
                        "ModelPackageGroupName": group,
                        "ModelPackageVersion": version,
                        "ModelPackageArn": arn,
                        "CreationTime": datetime(2025, 1, 2, tzinfo=UTC),
                        "ModelPackageStatus": "Completed",
                        "ModelApprovalStatus": "Approved",
                    }
                ]
            },
            {
                "ModelPackageGroupName": group,
                "ModelApprovalStatus": "Approved",
                "ModelPackageType": "Versioned",
                "SortBy": "CreationTime",
                "SortOrder": "Descending",
                "MaxResults": 1,
            },
        )

    def done(self) -> None:
        for stub in self.stubs:
            stub.assert_no_pending_responses()
            stub.deactivate()


def package_arn(account: str, group: str, version: int = 3) -> str:
    return f"arn:aws:sagemaker:{REGION}:{account}:model-package/{group}/{version}"


# ----------------------------------------------------------------------------------------------------------------
# Settings as the project templates store them
# ----------------------------------------------------------------------------------------------------------------


def rendered_settings(config: EnvironmentConfig, key: str) -> dict[str, Any]:
    """The deployment settings the project template of `key` writes to SSM (pipelines.deployment_settings)."""
    settings = deployment_settings(new_template(key, config.products[key], config))
    loaded = json.loads(json.dumps(settings, sort_keys=True))
    assert isinstance(loaded, dict)
    return loaded


def group_names(config: EnvironmentConfig, key: str) -> list[str]:
    """As cdktf_app.templates.registry.group_names resolves them for PROJECT_NAME and PROJECT_ID."""
    models = [model.name for model in config.products[key].models]
    return [f"sagemaker-{PROJECT_ID}-{model}" for model in models] or [f"sagemaker-{PROJECT_NAME}-{PROJECT_ID}"]


def pipeline_role(config: EnvironmentConfig, key: str) -> str:
    team = next(team for team, settings in config.teams.items() if key in settings.products)
    return f"arn:aws:iam::{config.account_id}:role/{config.resource_prefix}-{team}-sagemaker"


def environment(config: EnvironmentConfig, key: str, **extra: str) -> dict[str, str]:
    """The deploy CodeBuild project's variables (build_train_deploy._model_deploy)."""
    product = config.products[key]
    variables = {
        "SAGEMAKER_PROJECT_NAME": PROJECT_NAME,
        "SAGEMAKER_PROJECT_ID": PROJECT_ID,
        "ARTIFACT_BUCKET": f"sagemaker-{PROJECT_ID}-art-{config.account_id}-{config.region}",
        "SAGEMAKER_PIPELINE_ROLE_ARN": pipeline_role(config, key),
        "ENVIRONMENT": config.name,
        "MODEL_PACKAGE_GROUPS": ",".join(group_names(config, key)),
        "DEPLOYMENT_SETTINGS_PARAMETER": f"/sagemaker-{PROJECT_NAME}-{PROJECT_ID}/deployment-settings",
        "HOSTING": product.hosting,
        "DEPLOY_MODE": "pipeline-definition" if product.kind == "promotion" else "model",
    }
    if product.vpc_only:
        variables["SUBNET_IDS"] = "subnet-0c1d2e3f4a5b60711,subnet-0c1d2e3f4a5b60722"
        variables["SECURITY_GROUP_IDS"] = "sg-0c1d2e3f4a5b60799"
    return {**variables, **extra}


def run_build(
    tmp_path: Path,
    settings: dict[str, Any],
    env: dict[str, str],
    registry: Registry,
    repo_root: Path = SEED,
    output: str = "out",
) -> tuple[int, Path]:
    settings_file = tmp_path / "settings.json"
    settings_file.write_text(json.dumps(settings))
    output_dir = tmp_path / output
    status = CLI.main(
        ["--settings-file", str(settings_file), "--output-dir", str(output_dir), "--repo-root", str(repo_root)],
        env,
        registry.clients(),
    )
    return status, output_dir


def stage_config(output_dir: Path, stage: str) -> dict[str, Any]:
    document = json.loads((output_dir / f"{stage}-config.json").read_text())
    assert isinstance(document, dict)
    assert set(document) == {"Parameters", "Tags"}
    return document


TEMPLATE_DOCUMENT = cfn_eval.load(TEMPLATE)


def assert_accepted(parameters: dict[str, str]) -> None:
    assert cfn_eval.check_parameters(TEMPLATE_DOCUMENT, parameters) == []


# ----------------------------------------------------------------------------------------------------------------
# endpoint.yml
# ----------------------------------------------------------------------------------------------------------------


def _cfn_lint(path: Path) -> subprocess.CompletedProcess[str]:
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    return subprocess.run(
        [str(cfn_lint), "--non-zero-exit-code", "error", str(path)], capture_output=True, text=True, check=False
    )


def test_endpoint_template_passes_cfn_lint() -> None:
    result = _cfn_lint(TEMPLATE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_catches_a_broken_endpoint_template(tmp_path: Path) -> None:
    broken = tmp_path / "endpoint.yml"
    text = TEMPLATE.read_text()
    assert "PolicyType: TargetTrackingScaling" in text
    broken.write_text(text.replace("PolicyType: TargetTrackingScaling", "PolicyType: TargetTracking"))
    assert _cfn_lint(broken).returncode != 0


def test_names_fit_sagemaker_limits_for_the_longest_project_and_stage() -> None:
    values = cfn_eval.parameter_values(
        TEMPLATE_DOCUMENT,
        {"SageMakerProjectId": "p-a1b2c3d4e5f6g7", "StageName": "s" * 16, "ResourceSuffix": "f" * 8},
    )
    assert len(values["SageMakerProjectId"]) == TEMPLATE_DOCUMENT["Parameters"]["SageMakerProjectId"]["MaxLength"]
    names = {}
    for logical, resource in TEMPLATE_DOCUMENT["Resources"].items():
        for key, value in resource["Properties"].items():
            if key.endswith("Name") and isinstance(value, dict) and "Fn::Sub" in value:
                names[f"{logical}.{key}"] = cfn_eval.resolve(value, values)
    assert {"Model.ModelName", "EndpointConfig.EndpointConfigName", "Endpoint.EndpointName"} <= set(names)
    for where, name in names.items():
        assert name.startswith("sagemaker-"), where  # the stage roles act on sagemaker-* only
        assert "$" not in name and len(name) <= 63, (where, name)


# ----------------------------------------------------------------------------------------------------------------
# The build on the shipped environments
# ----------------------------------------------------------------------------------------------------------------


def test_prod_realtime_gets_each_stage_accounts_role(tmp_path: Path) -> None:
    key = "build-train-deploy"
    registry = Registry()
    (group,) = group_names(PROD, key)
    arn = package_arn(PROD.account_id, group, 7)
    registry.expect_latest(group, arn, 7)
    status, out = run_build(tmp_path, rendered_settings(PROD, key), environment(PROD, key), registry)
    registry.done()
    assert status == 0
    assert sorted(path.name for path in out.iterdir()) == [
        "manifest.json",
        "prod-config.json",
        "staging-config.json",
        "template-export.yml",
        "test",
    ]
    assert (out / "template-export.yml").read_bytes() == TEMPLATE.read_bytes()
    assert (out / "test" / "buildspec.yml").is_file() and (out / "test" / "smoke_test.py").is_file()
    for stage, account in (("staging", "555566667777"), ("prod", "777788889999")):
        config = stage_config(out, stage)
        parameters = config["Parameters"]
        assert_accepted(parameters)
        assert parameters["ExecutionRoleArn"] == f"arn:aws:iam::{account}:role/smt-prod-{stage}-sagemaker"
        assert parameters["ModelPackageArn"] == arn
        assert parameters["StageName"] == stage
        assert parameters["HostingMode"] == "realtime"
        assert parameters["SubnetIds"] == ""  # not a VPC-only product
        assert config["Tags"] == {
            "sagemaker:deployment-stage": stage,
            "sagemaker:project-id": PROJECT_ID,
            "sagemaker:project-name": PROJECT_NAME,
        }
    # production: two instances by default
    assert stage_config(out, "staging")["Parameters"]["InitialInstanceCount"] == "1"
    assert stage_config(out, "prod")["Parameters"]["InitialInstanceCount"] == "2"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tooling_account_id"] == PROD.account_id
    assert [stage["stack_name"] for stage in manifest["stages"]] == [
        f"sagemaker-{PROJECT_ID}-deploy-staging",
        f"sagemaker-{PROJECT_ID}-deploy-prod",
    ]
    assert [stage["test_after_deploy"] for stage in manifest["stages"]] == [True, False]


def test_same_account_stages_use_the_pipeline_role(tmp_path: Path) -> None:
    key = "serverless-inference"
    registry = Registry()
    (group,) = group_names(DEV, key)
    registry.expect_latest(group, package_arn(DEV.account_id, group))
    status, out = run_build(tmp_path, rendered_settings(DEV, key), environment(DEV, key), registry)
    registry.done()
    assert status == 0
    for stage in DEV.products[key].stages:
        parameters = stage_config(out, stage)["Parameters"]
        assert_accepted(parameters)
        assert parameters["ExecutionRoleArn"] == pipeline_role(DEV, key)
        assert parameters["HostingMode"] == "serverless"


def test_prod_async_vpc_only_uses_the_stage_subnets_and_the_artifact_bucket(tmp_path: Path) -> None:
    key = "async-inference"
    registry = Registry()
    (group,) = group_names(PROD, key)
    registry.expect_latest(group, package_arn(PROD.account_id, group))
    env = environment(PROD, key)
    status, out = run_build(tmp_path, rendered_settings(PROD, key), env, registry)
    registry.done()
    assert status == 0
    for stage in ("staging", "prod"):
        parameters = stage_config(out, stage)["Parameters"]
        assert_accepted(parameters)
        settings = PROD.stages[stage]
        # the stage's own subnets (in its account), not the build's
        assert parameters["SubnetIds"] == ",".join(settings.subnet_ids)
        assert parameters["SecurityGroupIds"] == ",".join(settings.security_group_ids)
        assert parameters["AsyncOutputS3Uri"] == f"s3://{env['ARTIFACT_BUCKET']}/async-inference/{stage}/output"
        conditions = cfn_eval.conditions(TEMPLATE_DOCUMENT, parameters)
        assert conditions["IsAsync"] and conditions["HasVpc"] and not conditions["HasAsyncKmsKey"]


def test_prod_batch_with_two_models_creates_a_model_per_group_and_no_endpoint(tmp_path: Path) -> None:
    key = "credit-models"
    registry = Registry()
    groups = group_names(PROD, key)
    arns = [package_arn(PROD.account_id, group, 2) for group in groups]
    for group, arn in zip(groups, arns, strict=True):
        registry.expect_latest(group, arn, 2)
    status, out = run_build(tmp_path, rendered_settings(PROD, key), environment(PROD, key), registry)
    registry.done()
    assert status == 0
    parameters = stage_config(out, "staging")["Parameters"]
    assert_accepted(parameters)
    assert (parameters["ModelPackageArn"], parameters["ModelPackageArn2"]) == tuple(arns)
    assert cfn_eval.created(TEMPLATE_DOCUMENT, parameters) == {"Model", "SecondModel"}
    manifest = json.loads((out / "manifest.json").read_text())
    staging = manifest["stages"][0]
    suffix = parameters["ResourceSuffix"]
    assert staging["endpoint_name"] is None
    assert staging["model_names"] == [
        f"sagemaker-{PROJECT_ID}-staging-model-{suffix}",
        f"sagemaker-{PROJECT_ID}-staging-model2-{suffix}",
    ]
    assert staging["transform"] == {"instance_count": 1, "instance_type": "ml.m5.large"}


def test_pipeline_definition_mode_stops_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "promote-pipeline"
    registry = Registry()
    status, out = run_build(tmp_path, rendered_settings(PROD, key), environment(PROD, key), registry)
    registry.done()
    assert status == 1
    assert "DEPLOY_MODE=pipeline-definition" in capsys.readouterr().err
    assert not out.exists()


def test_settings_come_from_the_ssm_parameter(tmp_path: Path) -> None:
    key = "build-train-deploy"
    registry = Registry()
    env = environment(DEV, key)
    registry.stubs[1].add_response(
        "get_parameter",
        {"Parameter": {"Name": env["DEPLOYMENT_SETTINGS_PARAMETER"], "Value": json.dumps(rendered_settings(DEV, key))}},
        {"Name": env["DEPLOYMENT_SETTINGS_PARAMETER"]},
    )
    (group,) = group_names(DEV, key)
    registry.expect_latest(group, package_arn(DEV.account_id, group))
    status = CLI.main(["--output-dir", str(tmp_path / "out")], env, registry.clients())
    registry.done()
    assert status == 0
    assert [path.name for path in sorted((tmp_path / "out").glob("*-config.json"))] == [
        "dev-prod-config.json",
        "dev-staging-config.json",
    ]


def test_output_is_deterministic(tmp_path: Path) -> None:
    key = "async-inference"
    (group,) = group_names(PROD, key)
    outputs = []
    for run in ("first", "second"):
        registry = Registry()
        registry.expect_latest(group, package_arn(PROD.account_id, group))
        status, out = run_build(tmp_path, rendered_settings(PROD, key), environment(PROD, key), registry, output=run)
        registry.done()
        assert status == 0
        outputs.append(out)
    comparison = filecmp.dircmp(outputs[0], outputs[1])
    assert not comparison.diff_files and not comparison.left_only and not comparison.right_only
    for path in outputs[0].glob("*.json"):
        text = path.read_text()
        assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n", path.name


def test_stage_role_prefix_can_be_set(tmp_path: Path) -> None:
    key = "build-train-deploy"
    registry = Registry()
    (group,) = group_names(PROD, key)
    registry.expect_latest(group, package_arn(PROD.account_id, group))
    env = environment(PROD, key, STAGE_ROLE_PREFIX="platform/ml-roles")
    status, out = run_build(tmp_path, rendered_settings(PROD, key), env, registry)
    registry.done()
    assert status == 0
    role = stage_config(out, "staging")["Parameters"]["ExecutionRoleArn"]
    assert role == "arn:aws:iam::555566667777:role/platform/ml-roles-staging-sagemaker"


# ----------------------------------------------------------------------------------------------------------------
# Each hosting option against the template's Conditions
# ----------------------------------------------------------------------------------------------------------------

ACCOUNT = "111122223333"
STAGE_ACCOUNT = "444455556666"


def direct_settings(hosting: str, models: list[str] | None = None, vpc_only: bool = False) -> dict[str, Any]:
    """The settings document, written directly in the shape of pipelines.deployment_settings."""
    return {
        "environment": "test",
        "hosting": hosting,
        "kind": "multi_model" if models else "build_train_deploy",
        "model_registry_approval": True,
        "models": [
            {"name": model, "metric": "auc", "threshold": 0.5, "higher_is_better": True} for model in models or []
        ],
        "product": "p",
        "scm": "github",
        "vpc_only": vpc_only,
        "stages": [
            {
                "name": "qa",
                "account_id": ACCOUNT,
                "production": False,
                "test_after_deploy": True,
                "subnet_ids": [],
                "security_group_ids": [],
                "manual_approvals": [],
            },
            {
                "name": "live",
                "account_id": STAGE_ACCOUNT,
                "production": True,
                "test_after_deploy": False,
                "subnet_ids": ["subnet-0123456789abcdef0"],
                "security_group_ids": ["sg-0123456789abcdef0"],
                "manual_approvals": [{"name": "Release", "approver_group": "approvers"}],
            },
        ],
    }


def direct_environment(groups: list[str], hosting: str) -> dict[str, str]:
    return {
        "SAGEMAKER_PROJECT_NAME": PROJECT_NAME,
        "SAGEMAKER_PROJECT_ID": PROJECT_ID,
        "ARTIFACT_BUCKET": "sagemaker-artifacts",
        "SAGEMAKER_PIPELINE_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/smt-test-team-sagemaker",
        "ENVIRONMENT": "test",
        "MODEL_PACKAGE_GROUPS": ",".join(groups),
        "HOSTING": hosting,
        "DEPLOY_MODE": "model",
    }


ENDPOINT = {"Model", "EndpointConfig", "Endpoint"}


@pytest.mark.parametrize(
    ("hosting", "true", "resources"),
    [
        ("realtime", {"IsRealtime", "HasEndpoint", "UsesInstances"}, ENDPOINT),
        ("serverless", {"IsServerless", "HasEndpoint"}, ENDPOINT),
        ("async", {"IsAsync", "HasEndpoint", "UsesInstances", "HasAsyncFailurePath"}, ENDPOINT),
        ("batch", {"IsBatch"}, {"Model"}),
    ],
)
def test_each_hosting_option_turns_on_its_conditions(
    tmp_path: Path, hosting: str, true: set[str], resources: set[str]
) -> None:
    registry = Registry()
    arn = package_arn(ACCOUNT, "sagemaker-group")
    registry.expect_latest("sagemaker-group", arn)
    status, out = run_build(
        tmp_path, direct_settings(hosting), direct_environment(["sagemaker-group"], hosting), registry
    )
    registry.done()
    assert status == 0
    parameters = stage_config(out, "qa")["Parameters"]
    assert_accepted(parameters)
    conditions = cfn_eval.conditions(TEMPLATE_DOCUMENT, parameters)
    assert {name for name, value in conditions.items() if value} == true
    assert cfn_eval.created(TEMPLATE_DOCUMENT, parameters) == resources
    live = stage_config(out, "live")["Parameters"]
    assert_accepted(live)
    assert live["ExecutionRoleArn"] == f"arn:aws:iam::{STAGE_ACCOUNT}:role/smt-test-live-sagemaker"
    variant = cfn_eval.resolve(
        TEMPLATE_DOCUMENT["Resources"]["EndpointConfig"]["Properties"]["ProductionVariants"][0],
        cfn_eval.parameter_values(TEMPLATE_DOCUMENT, parameters),
        conditions,
    )
    if hosting == "serverless":
        assert variant["ServerlessConfig"] == {"MemorySizeInMB": "2048", "MaxConcurrency": "5"}
        assert "InstanceType" not in variant
    elif hosting != "batch":
        assert (variant["InstanceType"], variant["InitialInstanceCount"]) == ("ml.m5.large", "1")


def test_multi_model_copies_every_groups_archive_under_one_prefix(tmp_path: Path) -> None:
    registry = Registry()
    groups = ["sagemaker-p-x-pd", "sagemaker-p-x-lgd"]
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/sklearn:1.2"
    arns = [package_arn(ACCOUNT, group) for group in groups]
    for group, arn in zip(groups, arns, strict=True):
        registry.expect_latest(group, arn)
    for group, arn in zip(groups, arns, strict=True):
        registry.stubs[0].add_response(
            "describe_model_package",
            {
                "ModelPackageName": group,
                "ModelPackageArn": arn,
                "CreationTime": datetime(2025, 1, 2, tzinfo=UTC),
                "ModelPackageStatus": "Completed",
                "ModelPackageStatusDetails": {"ValidationStatuses": []},
                "InferenceSpecification": {
                    "Containers": [{"Image": image, "ModelDataUrl": f"s3://training/{group}/model.tar.gz"}],
                    "SupportedContentTypes": ["text/csv"],
                    "SupportedResponseMIMETypes": ["text/csv"],
                },
            },
            {"ModelPackageName": arn},
        )
    settings = direct_settings("multi_model", models=["pd", "lgd"])
    env = direct_environment(groups, "multi_model")
    copies = []

    def expect_copy(name: str, group: str) -> None:
        copies.append(name)
        registry.stubs[2].add_response(
            "copy_object",
            {},
            {
                "Bucket": "sagemaker-artifacts",
                "Key": CopyKey(name),
                "CopySource": {"Bucket": "training", "Key": f"{group}/model.tar.gz"},
            },
        )

    expect_copy("pd.tar.gz", groups[0])
    expect_copy("lgd.tar.gz", groups[1])
    status, out = run_build(tmp_path, settings, env, registry)
    registry.done()
    assert status == 0
    parameters = stage_config(out, "qa")["Parameters"]
    assert_accepted(parameters)
    assert parameters["MultiModelImage"] == image
    prefix = parameters["MultiModelDataPrefix"]
    assert prefix.startswith("s3://sagemaker-artifacts/multi-model/") and prefix.endswith("/")
    assert cfn_eval.created(TEMPLATE_DOCUMENT, parameters) == ENDPOINT
    values = cfn_eval.parameter_values(TEMPLATE_DOCUMENT, parameters)
    conditions = cfn_eval.conditions(TEMPLATE_DOCUMENT, parameters)
    container = cfn_eval.resolve(
        TEMPLATE_DOCUMENT["Resources"]["Model"]["Properties"]["PrimaryContainer"], values, conditions
    )
    assert container == {"Image": image, "ModelDataUrl": prefix, "Mode": "MultiModel"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert [stage["target_models"] for stage in manifest["stages"]] == [copies, copies]


class CopyKey(str):
    """Matches a multi-model object key whatever its digest: multi-model/<12 hex>/<name>."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, str):
            return NotImplemented
        parts = other.split("/")
        return len(parts) == 3 and parts[0] == "multi-model" and len(parts[1]) == 12 and parts[2] == str.__str__(self)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return str.__hash__(self)


def test_stage_overrides_are_merged_and_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SEED, repo, ignore=shutil.ignore_patterns("__pycache__", "dist", "config"))
    (repo / "config").mkdir()
    (repo / "config" / "qa.json").write_text(
        json.dumps(
            {
                "instance_type": "ml.c5.xlarge",
                "autoscaling_max_instance_count": 4,
                "serverless_memory_mb": 4096,  # does not apply to realtime: ignored with a warning
                "tags": {"cost-center": "cc-1234"},
            }
        )
    )
    (repo / "config" / "typo.json").write_text("{}")
    registry = Registry()
    registry.expect_latest("sagemaker-group", package_arn(ACCOUNT, "sagemaker-group"))
    env = direct_environment(["sagemaker-group"], "realtime")
    status, out = run_build(tmp_path, direct_settings("realtime"), env, registry, repo_root=repo)
    registry.done()
    assert status == 0
    errors = capsys.readouterr().err
    assert "serverless_memory_mb does not apply to hosting realtime" in errors
    assert "typo.json names no stage" in errors
    qa, live = stage_config(out, "qa"), stage_config(out, "live")
    assert qa["Parameters"]["InstanceType"] == "ml.c5.xlarge"
    assert "ServerlessMemorySizeMB" not in qa["Parameters"]
    assert qa["Tags"]["cost-center"] == "cc-1234"
    assert cfn_eval.created(TEMPLATE_DOCUMENT, qa["Parameters"]) == ENDPOINT | {"ScalableTarget", "ScalingPolicy"}
    # the other stage keeps the defaults
    assert live["Parameters"]["InstanceType"] == "ml.m5.large"
    assert cfn_eval.created(TEMPLATE_DOCUMENT, live["Parameters"]) == ENDPOINT

    (repo / "config" / "qa.json").write_text(json.dumps({"instance_typ": "ml.c5.xlarge", "initial_instance_count": 0}))
    registry = Registry()
    registry.expect_latest("sagemaker-group", package_arn(ACCOUNT, "sagemaker-group"))
    status, _ = run_build(tmp_path, direct_settings("realtime"), env, registry, repo_root=repo, output="again")
    assert status == 1
    errors = capsys.readouterr().err
    assert "unknown key 'instance_typ'" in errors and "initial_instance_count must be an integer from 1" in errors


def test_scaling_changes_keep_the_model_and_endpoint_configuration() -> None:
    stage_config_module = importlib.import_module("model_deploy_build.stage_config")
    base = {"StageName": "qa", "InstanceType": "ml.m5.large", "AutoScalingMaxInstanceCount": "0"}
    same = stage_config_module.resource_suffix({**base, "AutoScalingMaxInstanceCount": "4"})
    assert stage_config_module.resource_suffix(base) == same
    assert stage_config_module.resource_suffix({**base, "InstanceType": "ml.c5.large"}) != same


@pytest.mark.parametrize(
    ("hosting", "groups", "message"),
    [
        ("realtime", ["a-pd", "a-lgd"], "hosting realtime serves one model"),
        ("batch", ["a", "b", "c", "d"], "at most 3 models"),
    ],
)
def test_unsupported_group_counts_stop_the_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], hosting: str, groups: list[str], message: str
) -> None:
    registry = Registry()
    status, _ = run_build(tmp_path, direct_settings(hosting), direct_environment(groups, hosting), registry)
    registry.done()
    assert status == 1
    assert message in capsys.readouterr().err


def test_no_approved_model_stops_the_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry = Registry()
    registry.stubs[0].add_response("list_model_packages", {"ModelPackageSummaryList": []})
    status, _ = run_build(
        tmp_path, direct_settings("realtime"), direct_environment(["sagemaker-group"], "realtime"), registry
    )
    registry.done()
    assert status == 1
    assert "no approved model package" in capsys.readouterr().err


def test_vpc_only_stage_in_another_account_needs_its_own_subnets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = direct_settings("realtime", vpc_only=True)
    settings["stages"][1]["subnet_ids"] = []
    settings["stages"][1]["security_group_ids"] = []
    env = {
        **direct_environment(["g"], "realtime"),
        "SUBNET_IDS": "subnet-0aaaaaaaaaaaaaaa1",
        "SECURITY_GROUP_IDS": "sg-0aaaaaaaaaaaaaaa1",
    }
    registry = Registry()
    registry.expect_latest("g", package_arn(ACCOUNT, "g"))
    status, _ = run_build(tmp_path, settings, env, registry)
    assert status == 1
    assert "stage live: the project is VPC-only but the stage names no subnets" in capsys.readouterr().err


# ----------------------------------------------------------------------------------------------------------------
# The smoke test against the stand-in on 127.0.0.1
# ----------------------------------------------------------------------------------------------------------------


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    with running() as state:
        yield state


def smoke_test(stand_in: StandIn, *arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run test/smoke_test.py as the pipeline's test action does, with dummy credentials, every AWS
    endpoint (also those not overridden) on the stand-in, and no proxy."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": tempfile.gettempdir(),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_ENDPOINT_URL": stand_in.url,
        "NO_PROXY": "*",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return subprocess.run(
        [sys.executable, str(SMOKE_TEST), "--endpoint-url", stand_in.url, "--max-attempts", "1", *arguments],
        cwd=cwd or SEED,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_good_answer_passes(stand_in: StandIn) -> None:
    result = smoke_test(stand_in, "--endpoint-name", "sagemaker-p-1-qa", "--hosting", "realtime")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS realtime endpoint sagemaker-p-1-qa" in result.stdout
    (request,) = stand_in.requests
    assert (request.method, request.path) == ("POST", "/endpoints/sagemaker-p-1-qa/invocations")
    assert request.body == (SEED / "test" / "sample.csv").read_bytes()
    assert request.headers["content-type"] == "text/csv"
    assert request.headers["accept"] == "text/csv"
    assert "x-amzn-sagemaker-target-model" not in request.headers
    assert request.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert f"/{REGION}/sagemaker/aws4_request" in request.headers["authorization"]


def test_a_json_payload_and_answer_pass(stand_in: StandIn) -> None:
    stand_in.answer = (200, "application/json", b'{"predictions": [0.1, [0.2, 0.8]]}')
    result = smoke_test(
        stand_in, "--endpoint-name", "e", "--hosting", "serverless", "--payload", str(SEED / "test" / "sample.json")
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (request,) = stand_in.requests
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.body) == json.loads((SEED / "test" / "sample.json").read_text())


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ((500, "text/plain", b"the model crashed"), "HTTP 500 InternalFailure"),
        ((503, "text/plain", b"overloaded"), "HTTP 503"),
        ((200, "text/csv", b"not-a-number\n0.5\n"), "malformed prediction: a CSV value is not a number"),
        ((200, "text/csv", b"0.5\n"), "malformed prediction: 1 predictions for 2 input rows"),
        ((200, "text/csv", b""), "malformed prediction: the body is empty"),
        ((200, "application/json", b'{"predictions": [0.5, 0.2]}'), "content type 'application/json', asked for"),
    ],
    ids=["500", "503", "not-a-number", "too-few", "empty", "wrong-content-type"],
)
def test_a_bad_answer_fails_clearly(stand_in: StandIn, answer: tuple[int, str, bytes], expected: str) -> None:
    stand_in.answer = answer
    result = smoke_test(stand_in, "--endpoint-name", "e", "--hosting", "realtime")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith("FAIL realtime endpoint e"), result.stdout
    assert expected in result.stdout
    assert len(stand_in.invocations()) == 1  # --max-attempts 1: no retries


def test_malformed_json_fails(stand_in: StandIn) -> None:
    stand_in.answer = (200, "application/json", b'{"scores": [0.1, 0.2]}')
    result = smoke_test(
        stand_in, "--endpoint-name", "e", "--hosting", "realtime", "--payload", str(SEED / "test" / "sample.json")
    )
    assert result.returncode == 1
    assert "malformed prediction: a JSON object without 'predictions'" in result.stdout


def test_the_pipeline_way_multi_model_sends_target_model(tmp_path: Path, stand_in: StandIn) -> None:
    """Build (stubbed registry) -> manifest.json -> smoke test from the output folder, as the test action runs."""
    registry = Registry()
    groups = ["sagemaker-p-x-pd", "sagemaker-p-x-lgd"]
    for group in groups:
        registry.expect_latest(group, package_arn(ACCOUNT, group))
    for group in groups:
        registry.stubs[0].add_response(
            "describe_model_package",
            {
                "ModelPackageName": group,
                "ModelPackageArn": package_arn(ACCOUNT, group),
                "CreationTime": datetime(2025, 1, 2, tzinfo=UTC),
                "ModelPackageStatus": "Completed",
                "ModelPackageStatusDetails": {"ValidationStatuses": []},
                "InferenceSpecification": {
                    "Containers": [{"Image": "img:1", "ModelDataUrl": f"s3://training/{group}/model.tar.gz"}],
                    "SupportedContentTypes": ["text/csv"],
                    "SupportedResponseMIMETypes": ["text/csv"],
                },
            },
        )
        registry.stubs[2].add_response("copy_object", {})
    status, out = run_build(
        tmp_path, direct_settings("multi_model", ["pd", "lgd"]), direct_environment(groups, "multi_model"), registry
    )
    registry.done()
    assert status == 0
    result = smoke_test(
        stand_in, "--stage", "qa", "--manifest", "manifest.json", "--payload", "test/sample.csv", cwd=out
    )
    assert result.returncode == 0, result.stdout + result.stderr
    requests = stand_in.invocations()
    assert [request.path for request in requests] == [f"/endpoints/sagemaker-{PROJECT_ID}-qa/invocations"] * 2
    assert [request.headers["x-amzn-sagemaker-target-model"] for request in requests] == ["pd.tar.gz", "lgd.tar.gz"]
    assert result.stdout.count("PASS") == 2


def test_multi_model_fails_when_one_model_fails(stand_in: StandIn) -> None:
    stand_in.answer = (200, "text/csv", b"oops\n")
    result = smoke_test(stand_in, "--endpoint-name", "e", "--hosting", "multi_model", "--target-model", "a.tar.gz")
    assert result.returncode == 1
    assert "FAIL multi_model endpoint e (stage -), model a.tar.gz: malformed prediction" in result.stdout
    (request,) = stand_in.invocations()
    assert request.headers["x-amzn-sagemaker-target-model"] == "a.tar.gz"


def test_async_puts_the_request_in_s3_and_polls_for_the_answer(stand_in: StandIn) -> None:
    stand_in.pending_polls = 2
    result = smoke_test(
        stand_in,
        "--endpoint-name",
        "sagemaker-p-1-qa",
        "--hosting",
        "async",
        "--async-input-s3-uri",
        f"s3://{ASYNC_BUCKET}/async-inference/qa/input",
        "--poll-interval",
        "0.05",
        "--poll-timeout",
        "30",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    put, invoke, *polls = stand_in.requests
    assert put.method == "PUT" and put.path.startswith(f"/{ASYNC_BUCKET}/async-inference/qa/input/smoke-test-")
    assert put.body == (SEED / "test" / "sample.csv").read_bytes()
    assert invoke.path == "/endpoints/sagemaker-p-1-qa/async-invocations"
    assert invoke.headers["x-amzn-sagemaker-inputlocation"] == f"s3:/{put.path}"
    assert invoke.headers["x-amzn-sagemaker-content-type"] == "text/csv"
    output_polls = [poll for poll in polls if "/output/" in poll.path]
    assert len(output_polls) == 3  # two misses, then the answer


def test_async_times_out_clearly(stand_in: StandIn) -> None:
    stand_in.pending_polls = 10_000
    result = smoke_test(
        stand_in,
        "--endpoint-name",
        "e",
        "--hosting",
        "async",
        "--async-input-s3-uri",
        f"s3://{ASYNC_BUCKET}/in",
        "--poll-interval",
        "0.05",
        "--poll-timeout",
        "0.3",
    )
    assert result.returncode == 1
    assert "FAIL async endpoint e" in result.stdout and "no answer at s3://" in result.stdout


def test_batch_is_skipped(stand_in: StandIn) -> None:
    result = smoke_test(stand_in, "--endpoint-name", "unused", "--hosting", "batch")
    assert result.returncode == 0
    assert result.stdout.startswith("SKIP")
    assert stand_in.requests == []
