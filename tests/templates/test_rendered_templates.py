"""Product templates rendered per environment: valid CloudFormation (cfn-lint), what each environment asks for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cdktf_app import templates
from cdktf_app.config import EnvironmentConfig, available_environments, load_environment
from cdktf_app.paths import ENVIRONMENTS_DIR
from glue import cfn_yaml

CONFIGS = [load_environment(name, ENVIRONMENTS_DIR) for name in available_environments(ENVIRONMENTS_DIR)]
PRODUCTS = [(config, key) for config in CONFIGS for key in sorted(config.products)]
IDS = [f"{config.name}-{key}" for config, key in PRODUCTS]


def _document(config: EnvironmentConfig, key: str) -> dict[str, object]:
    loaded = cfn_yaml.load(templates.render(key, config.products[key], config))
    assert isinstance(loaded, dict)
    return loaded


def test_every_rendered_template_passes_cfn_lint(tmp_path: Path) -> None:
    paths = []
    for config, key in PRODUCTS:
        path = tmp_path / f"{config.name}-{key}.yaml"
        path.write_text(templates.render(key, config.products[key], config))
        paths.append(str(path))
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run(
        [str(cfn_lint), "--non-zero-exit-code", "error", *paths], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_rejects_a_broken_template(tmp_path: Path) -> None:
    """The check above can fail: a template with an invalid attribute is an error."""
    config, key = PRODUCTS[0]
    text = templates.render(key, config.products[key], config).replace("PipelineType: V2", "PipelineType: V9")
    assert "V9" in text
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run(
        [str(cfn_lint), "--non-zero-exit-code", "error", str(path)], capture_output=True, check=False
    )
    assert result.returncode != 0


@pytest.mark.parametrize(("config", "key"), PRODUCTS, ids=IDS)
def test_deployment_settings_follow_the_environment(config: EnvironmentConfig, key: str) -> None:
    product = config.products[key]
    resources = _document(config, key)["Resources"]
    assert isinstance(resources, dict)
    settings = json.loads(resources["DeploymentSettings"]["Properties"]["Value"])
    assert [stage["name"] for stage in settings["stages"]] == product.stages
    for stage in settings["stages"]:
        assert stage["account_id"] == config.stage_account(stage["name"])
        expected = [approval.name for approval in product.approvals.manual.get(stage["name"], [])]
        assert [approval["name"] for approval in stage["manual_approvals"]] == expected
        assert stage["test_after_deploy"] == (product.approvals.integration_test_gate and not stage["production"])
    assert settings["hosting"] == product.hosting
    assert settings["scm"] == product.scm.provider
    groups = [resource for resource in resources.values() if resource["Type"] == "AWS::SageMaker::ModelPackageGroup"]
    assert len(groups) == max(1, len(product.models)), "one model package group per model"
    for group in groups:
        assert {tag["Key"] for tag in group["Properties"]["Tags"]} == {"sagemaker:project-name", "sagemaker:project-id"}


def test_prod_deploys_into_its_stage_accounts() -> None:
    prod = next(config for config in CONFIGS if config.name == "prod")
    resources = _document(prod, "build-train-deploy")["Resources"]
    assert isinstance(resources, dict)
    settings = json.loads(resources["DeploymentSettings"]["Properties"]["Value"])
    assert [(stage["name"], stage["account_id"]) for stage in settings["stages"]] == [
        ("staging", "555566667777"),
        ("prod", "777788889999"),
    ]
    assert [a["name"] for a in settings["stages"][1]["manual_approvals"]] == ["RiskReview", "ReleaseApproval"]


@pytest.mark.parametrize(("config", "key"), PRODUCTS, ids=IDS)
def test_rendering_is_deterministic(config: EnvironmentConfig, key: str) -> None:
    product = config.products[key]
    assert templates.render(key, product, config) == templates.render(key, product, config)
