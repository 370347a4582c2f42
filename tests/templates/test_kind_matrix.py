"""Every product kind renders for every example environment (and with every kind of source for
prod): valid CloudFormation (cfn-lint, one run over all of them) and names within AWS limits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from cdktf_app import templates
from cdktf_app.config import EnvironmentConfig, available_environments, load_environment
from cdktf_app.config_sections import ProductConfig
from cdktf_app.paths import ENVIRONMENTS_DIR
from tests.templates import names

CONNECTION = "arn:aws:codeconnections:eu-west-1:111122223333:connection/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
KINDS = ("build_train_deploy", "multi_branch", "multi_model", "promotion")
SOURCES: dict[str, dict[str, str]] = {
    "codeconnections": {
        "provider": "gitlab",
        "connection_arn": CONNECTION,
    },
    "git-server": {
        "provider": "azure_devops",
        "server_url": "https://dev.azure.example.com/org",
        "credentials_secret_arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:mlops/azure-AbCdEf",
    },
    "codecommit": {"provider": "codecommit"},
}
CONFIGS = [load_environment(name, ENVIRONMENTS_DIR) for name in available_environments(ENVIRONMENTS_DIR)]


def _variant(config: EnvironmentConfig, kind: str, source: str) -> tuple[EnvironmentConfig, str] | None:
    """The environment with one more product of `kind` reading from `source`, launchable by its first team."""
    if kind == "multi_branch" and source != "codeconnections":
        return None  # a config rule: branch triggers need CodeConnections
    stages = list(config.stages)[:2]
    settings: dict[str, Any] = {
        "kind": kind,
        "display_name": f"{kind} from {source}",
        "description": "Matrix test product.",
        "owner": "tests",
        "stages": stages,
        "approvals": {"manual": {stages[-1]: [{"name": "Release", "approver_group": "approvers"}]}},
        "hosting": "multi_model" if kind == "multi_model" else "serverless",
        "scm": SOURCES[source],
    }
    if kind == "multi_model":
        settings["models"] = [
            {"name": "first", "metric": "auc", "threshold": 0.7},
            {"name": "second", "metric": "f1", "threshold": 0.6},
        ]
    key = f"matrix-{kind.replace('_', '-')}"
    product = ProductConfig.model_validate(settings)
    team, team_settings = next(iter(config.teams.items()))
    teams = {**config.teams, team: team_settings.model_copy(update={"products": [*team_settings.products, key]})}
    return config.model_copy(update={"products": {**config.products, key: product}, "teams": teams}), key


# Every kind for every environment; every source as well for prod (the one with stage accounts),
# to keep cfn-lint's share of the suite small: sources do not depend on the environment.
CASES = [
    (config, kind, source)
    for config in CONFIGS
    for kind in KINDS
    for source in (SOURCES if config.name == "prod" else ["codeconnections"])
    if _variant(config, kind, source) is not None
]


def test_every_kind_and_source_renders_valid_cloudformation_for_every_environment(tmp_path: Path) -> None:
    paths = []
    for config, kind, source in CASES:
        variant = _variant(config, kind, source)
        assert variant is not None
        environment, key = variant
        path = tmp_path / f"{config.name}-{kind}-{source}.yaml"
        path.write_text(templates.render(key, environment.products[key], environment))
        paths.append(str(path))
    assert len(paths) == len(CONFIGS) * len(KINDS) + (len(KINDS) * len(SOURCES) - 2 - len(KINDS))
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run(
        [str(cfn_lint), "--non-zero-exit-code", "error", *paths], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("config", "kind", "source"), CASES, ids=[f"{c.name}-{kind}-{source}" for c, kind, source in CASES]
)
def test_names_fit_for_the_longest_project(config: EnvironmentConfig, kind: str, source: str) -> None:
    variant = _variant(config, kind, source)
    assert variant is not None
    environment, key = variant
    template = templates.build(key, environment.products[key], environment)
    report = names.check_template(template.to_dict())
    assert not report.problems, [(name.resource, name.problems) for name in report.problems]
    assert not report.unbounded and not report.unlisted
    types = {resource["Type"] for resource in template.to_dict()["Resources"].values()}
    if source == "git-server":
        assert "AWS::Lambda::Function" in types, "another Git server is mirrored by a function"
    else:
        assert "AWS::Lambda::Function" not in types
    pipelines = [r for r in template.to_dict()["Resources"].values() if r["Type"] == "AWS::CodePipeline::Pipeline"]
    assert len(pipelines) == (1 if kind == "promotion" else 2), "promotion has no model-build pipeline"
