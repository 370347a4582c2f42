"""seedcode/model-build against the templates that run it.

- its own unit tests, type check and lint pass in .venv-seedcode (the SDK's own environment);
- for every product of every shipped environment that trains, the model-build CodeBuild
  variables the rendered template sets (resolved with sample launch parameters) drive the seed
  pipeline offline: the definition is written with every socket refused, passes
  pipelines.check_definition, registers into exactly the model package groups the template
  creates, runs its jobs with the team's SageMaker role, keeps outputs in the project's artifact
  bucket, and runs in the template's subnets when the product is VPC-only;
- a multi-branch project builds its experiment branches and main, and refuses other branches.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from cdktf_app import templates
from cdktf_app.config import EnvironmentConfig, load_environment
from cdktf_app.paths import ENVIRONMENTS_DIR, REPO_ROOT
from tests.seedcode import cfn_eval

SEED = REPO_ROOT / "seedcode" / "model-build"
SEED_PYTHON = REPO_ROOT / ".venv-seedcode" / "bin" / "python"
DRIVER = Path(__file__).with_name("model_build_driver.py")
PROJECT_NAME = "churn-model"
PROJECT_ID = "p-abcdefghijkl"
SUBNETS = ["subnet-0c1d2e3f4a5b60711", "subnet-0c1d2e3f4a5b60722"]
SECURITY_GROUPS = ["sg-0c1d2e3f4a5b60799"]
BRANCH_VARIABLE = re.compile(r"^#\{SourceVariables\.BranchName\}$")


def _seed_python() -> Path:
    if not SEED_PYTHON.exists():
        pytest.fail(".venv-seedcode is missing: run `make setup` (it installs seedcode/model-build/requirements.lock)")
    return SEED_PYTHON


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "pytest", "-q", "-p", "no:cacheprovider"],
        ["-m", "mypy"],
    ],
    ids=["unit-tests", "mypy"],
)
def test_seed_code_checks_pass_in_its_own_environment(command: list[str]) -> None:
    result = subprocess.run(
        [str(_seed_python()), *command], cwd=SEED, capture_output=True, text=True, check=False, timeout=600
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["ruff-check", "ruff-format"])
def test_seed_code_is_linted_with_its_own_configuration(command: list[str]) -> None:
    ruff = REPO_ROOT / ".venv" / "bin" / "ruff"
    result = subprocess.run(
        [str(ruff), *command, "--config", "pyproject.toml", "."], cwd=SEED, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ------------------------------------------------------------------ templates -> seed pipeline


def _loaded(config: EnvironmentConfig, key: str) -> dict[str, Any]:
    document = yaml.safe_load(templates.render(key, config.products[key], config))
    assert isinstance(document, dict)
    return document


def _values(config: EnvironmentConfig, template: dict[str, Any]) -> dict[str, Any]:
    """Launch parameters, pseudo parameters, and the names Ref returns for named resources."""
    team = template["Parameters"]["Team"]["AllowedValues"][0]
    values: dict[str, Any] = {
        "SageMakerProjectName": PROJECT_NAME,
        "SageMakerProjectId": PROJECT_ID,
        "Team": team,
        "SubnetIds": SUBNETS,
        "SecurityGroupIds": SECURITY_GROUPS,
        "AWS::Partition": "aws-us-gov" if config.region.startswith("us-gov-") else "aws",
        "AWS::AccountId": config.account_id,
        "AWS::Region": config.region,
    }
    for logical_id, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        for name_property in ("BucketName", "Name", "ModelPackageGroupName"):
            if name_property in properties:
                values[logical_id] = cfn_eval.resolve(properties[name_property], values)
    return values


def _build_environment(template: dict[str, Any], values: dict[str, Any]) -> dict[str, str]:
    """The model-build CodeBuild project's variables, plus the build action's, resolved."""
    project = template["Resources"]["ModelBuildProject"]["Properties"]
    variables = {
        item["Name"]: cfn_eval.resolve(item["Value"], values) for item in project["Environment"]["EnvironmentVariables"]
    }
    pipeline = template["Resources"]["ModelBuildPipeline"]["Properties"]
    for stage in pipeline["Stages"]:
        for action in stage["Actions"]:
            for item in json.loads(action.get("Configuration", {}).get("EnvironmentVariables", "[]")):
                variables[item["name"]] = item["value"]
    environment = {name: str(value) for name, value in variables.items()}
    environment.setdefault("AWS_REGION", str(values["AWS::Region"]))  # CodeBuild sets it in every build
    return environment


class Case:
    """One model build: an environment's product (and branch), the variables its template sets."""

    def __init__(self, case_id: str, config: EnvironmentConfig, key: str, template: dict[str, Any], branch: str | None):
        self.id, self.config, self.key, self.branch = case_id, config, key, branch
        self.values = _values(config, template)
        self.env = _build_environment(template, self.values)
        if branch is not None:
            self.env["SOURCE_BRANCH"] = branch
        self.groups = sorted(
            str(self.values[logical_id])
            for logical_id, resource in template["Resources"].items()
            if resource["Type"] == "AWS::SageMaker::ModelPackageGroup"
        )
        self.bucket = str(self.values["ArtifactBucket"])
        self.role = str(
            cfn_eval.resolve(template["Resources"]["ModelBuildProject"]["Properties"]["ServiceRole"], self.values)
        )


def _cases() -> Iterator[Case]:
    for path in sorted(ENVIRONMENTS_DIR.glob("*.yaml")):
        config = load_environment(path.stem, ENVIRONMENTS_DIR)
        for key, product in sorted(config.products.items()):
            if product.kind == "promotion":
                continue  # no model build: the deploy pipeline promotes a pipeline definition
            template = _loaded(config, key)
            if product.kind != "multi_branch":
                yield Case(f"{config.name}-{key}", config, key, template, None)
                continue
            built = Case(f"{config.name}-{key}", config, key, template, None)
            source = built.env.get("SOURCE_BRANCH", "")
            assert BRANCH_VARIABLE.match(source), f"{config.name}/{key}: SOURCE_BRANCH is {source!r}"
            prefix = built.env["EXPERIMENT_BRANCH_PREFIX"]
            for label, branch in (("main", "main"), ("experiment", f"{prefix}deeper-trees"), ("other", "fix/typo")):
                yield Case(f"{config.name}-{key}-{label}", config, key, template, branch)


CASES = list(_cases())


@pytest.fixture(scope="module")
def definitions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, Any], dict[str, Any] | None]]:
    """case id -> (driver result, definition or None): every case in one run of the seed venv."""
    folder = tmp_path_factory.mktemp("model-build-definitions")
    cases_file = folder / "cases.json"
    cases_file.write_text(json.dumps([{"id": case.id, "env": case.env} for case in CASES]))
    result = subprocess.run(
        [str(_seed_python()), str(DRIVER), str(cases_file), str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    found: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {}
    for case in CASES:
        outcome = json.loads((folder / f"{case.id}.result.json").read_text())
        path = folder / f"{case.id}.json"
        found[case.id] = (outcome, json.loads(path.read_text()) if path.exists() else None)
    return found


def _steps(definition: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for step in definition["Steps"]:
        yield step
        for branch in ("IfSteps", "ElseSteps"):
            yield from step.get("Arguments", {}).get(branch, [])


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for item in node.values():
            yield from _strings(item)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def test_every_training_product_of_every_environment_is_covered() -> None:
    kinds = {case.config.products[case.key].kind for case in CASES}
    assert kinds == {"build_train_deploy", "multi_branch", "multi_model"}
    assert any(case.config.products[case.key].vpc_only for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_template_variables_drive_the_seed_pipeline(
    case: Case, definitions: dict[str, tuple[dict[str, Any], dict[str, Any] | None]]
) -> None:
    outcome, definition = definitions[case.id]
    if case.branch == "fix/typo":
        assert outcome["exit"] == 2 and definition is None
        assert "SOURCE_BRANCH" in outcome["stderr"], outcome["stderr"]
        return
    assert outcome["exit"] == 0, outcome["stderr"]
    assert definition is not None
    assert outcome["problems"] == []
    steps = list(_steps(definition))
    registered = sorted(step["Arguments"]["ModelPackageGroupName"] for step in steps if step["Type"] == "RegisterModel")
    assert registered == case.groups, "the pipeline must register into the groups the template creates"
    roles = {step["Arguments"]["RoleArn"] for step in steps if step["Type"] in ("Processing", "Training")}
    assert roles == {case.env["SAGEMAKER_PIPELINE_ROLE_ARN"]}
    assert (
        case.env["SAGEMAKER_PIPELINE_ROLE_ARN"].endswith("-sagemaker")
        and ":role/" in case.env["SAGEMAKER_PIPELINE_ROLE_ARN"]
    )
    s3_locations = [text for text in _strings(definition) if text.startswith("s3://")]
    assert s3_locations and all(text.startswith(f"s3://{case.bucket}/") for text in s3_locations), s3_locations
    product = case.config.products[case.key]
    for step in steps:
        if step["Type"] == "Processing":
            network = step["Arguments"].get("NetworkConfig", {}).get("VpcConfig")
        elif step["Type"] == "Training":
            network = step["Arguments"].get("VpcConfig")
        else:
            continue
        expected = {"Subnets": SUBNETS, "SecurityGroupIds": SECURITY_GROUPS} if product.vpc_only else None
        assert network == expected, f"{step['Name']}: {network}"
    if case.branch is not None and case.branch != "main":
        assert all(
            step["Arguments"]["ModelApprovalStatus"] == "PendingManualApproval"
            for step in steps
            if step["Type"] == "RegisterModel"
        )


def test_a_missing_template_variable_is_named(tmp_path: Path) -> None:
    """The seed's contract is explicit: drop one variable the template sets and the build says which."""
    case = CASES[0]
    env = {name: value for name, value in case.env.items() if name != "MODEL_PACKAGE_GROUPS"}
    cases_file = tmp_path / "cases.json"
    cases_file.write_text(json.dumps([{"id": "missing", "env": env}]))
    subprocess.run([str(_seed_python()), str(DRIVER), str(cases_file), str(tmp_path)], check=True, timeout=600)
    outcome = json.loads((tmp_path / "missing.result.json").read_text())
    assert outcome["exit"] == 2
    assert "MODEL_PACKAGE_GROUPS" in outcome["stderr"]


def test_one_seed_zip_serves_every_kind() -> None:
    """Every template names seedcode/model-build.zip, and packaging makes that zip from this folder."""
    from cdktf_app.templates.pipelines import SEED_KEYS
    from glue.packaging import seed_folders

    assert SEED_KEYS[0] == "seedcode/model-build.zip"
    assert SEED in seed_folders()
