"""The command line, in process, with sockets blocked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import BASE_ENV, variant_env
from pipelines.check_definition import check_text
from pipelines.run import main


def test_definition_command_writes_a_checked_file(
    no_network: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "build" / "pipeline.json"
    assert main(["definition", "--out", str(out)], env=variant_env("experiment")) == 0
    assert check_text(out.read_text()) == []
    assert "churn-p-abc123def456-build-faster-trees-v2" in capsys.readouterr().out


@pytest.mark.parametrize("command", [["definition", "--out", "x.json"], ["upsert", "--start"]])
def test_other_branch_is_refused(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    env = {**BASE_ENV, "EXPERIMENT_BRANCH_PREFIX": "experiment/", "SOURCE_BRANCH": "bugfix/y"}
    assert main(command, env=env) == 2
    assert capsys.readouterr().err == (
        "error: SOURCE_BRANCH: branch 'bugfix/y' has no pipeline; build 'main' or a branch under 'experiment/'\n"
    )


def test_config_error_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    env = {k: v for k, v in BASE_ENV.items() if k != "ARTIFACT_BUCKET"}
    assert main(["definition", "--out", "x.json"], env=env) == 2
    assert capsys.readouterr().err == "error: ARTIFACT_BUCKET: is not set\n"


def test_sample_data_command_uses_the_model_labels(tmp_path: Path) -> None:
    out = tmp_path / "data.csv"
    assert main(["sample-data", "--out", str(out), "--rows", "20"], env=variant_env("multi_model")) == 0
    header = out.read_text().splitlines()[0].split(",")
    assert header[-2:] == ["pd", "lgd"]
    assert json.loads(json.dumps(header))[0] == "income"
