"""check_definition passes generated definitions (see test_pipeline_definition) and catches broken ones."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pipelines.check_definition import MAX_DEFINITION_BYTES, check_definition, check_text, main


@pytest.fixture
def single(definitions: dict[str, str]) -> dict[str, Any]:
    return copy.deepcopy(json.loads(definitions["single"]))


def step(definition: dict[str, Any], name: str) -> dict[str, Any]:
    return next(item for item in definition["Steps"] if item["Name"] == name)


def test_missing_parameter_is_reported_where_it_is_used(single: dict[str, Any]) -> None:
    single["Parameters"] = [p for p in single["Parameters"] if p["Name"] != "MetricThreshold-model"]
    problems = check_definition(single)
    assert "step 'Check-model': 'Parameters.MetricThreshold-model' names no parameter" in problems[0]
    assert len(problems) == 2  # the condition and the fail message


def test_unknown_depends_on_target(single: dict[str, Any]) -> None:
    step(single, "Train-model")["DependsOn"] = ["Preprocess", "Tune-model"]
    assert check_definition(single) == ["step 'Train-model': DependsOn names unknown step 'Tune-model'"]


def test_cycle_through_depends_on(single: dict[str, Any]) -> None:
    step(single, "Preprocess")["DependsOn"] = ["Evaluate-model"]
    (problem,) = check_definition(single)
    assert problem.startswith("steps form a cycle: ")
    assert "Preprocess" in problem and "Evaluate-model" in problem


def test_cycle_through_a_condition_branch(single: dict[str, Any]) -> None:
    step(single, "Train-model")["DependsOn"] = ["Register-model"]
    (problem,) = check_definition(single)
    assert (
        problem == "steps form a cycle: Check-model -> Evaluate-model -> Train-model -> Register-model -> Check-model"
    )


def test_duplicate_step_name_nested_in_a_branch(single: dict[str, Any]) -> None:
    check = step(single, "Check-model")
    check["Arguments"]["ElseSteps"][0]["Name"] = "Train-model"
    assert "step 'Train-model': defined more than once" in check_definition(single)


def test_duplicate_parameter(single: dict[str, Any]) -> None:
    single["Parameters"].append(dict(single["Parameters"][0]))
    assert check_definition(single) == ["parameter 'InputDataUrl': defined more than once"]


def test_parameter_default_of_the_wrong_type(single: dict[str, Any]) -> None:
    single["Parameters"][-1]["DefaultValue"] = "0.5"
    assert check_definition(single) == ["parameter 'MetricThreshold-model': default '0.5' is not a Float"]


def test_missing_property_file(single: dict[str, Any]) -> None:
    step(single, "Evaluate-model")["PropertyFiles"] = []
    problems = check_definition(single)
    assert problems[0] == "step 'Check-model': step 'Evaluate-model' has no property file 'Evaluation-model'"


def test_property_file_of_an_output_the_step_lacks(single: dict[str, Any]) -> None:
    step(single, "Evaluate-model")["PropertyFiles"][0]["OutputName"] = "metrics"
    (problem,) = check_definition(single)
    assert "property file 'Evaluation-model' reads output 'metrics'" in problem


def test_reference_to_an_unknown_step(single: dict[str, Any]) -> None:
    train = step(single, "Train-model")["Arguments"]
    train["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] = {"Get": "Steps.Prep.Outputs"}
    assert check_definition(single) == ["step 'Train-model': 'Steps.Prep.Outputs' names no step"]


def test_unknown_version_and_execution_variable(single: dict[str, Any]) -> None:
    single["Version"] = "2019-01-01"
    step(single, "Preprocess")["Arguments"]["Environment"] = {"X": {"Get": "Execution.Nope"}}
    assert check_definition(single) == [
        "Version: '2019-01-01' is not one of 2020-12-01",
        "step 'Preprocess': 'Execution.Nope' is not an execution variable",
    ]


def test_oversize_definition(single: dict[str, Any]) -> None:
    step(single, "Preprocess")["Arguments"]["Environment"] = {"PAD": "x" * MAX_DEFINITION_BYTES}
    assert check_text(json.dumps(single)) == [
        f"definition is {len(json.dumps(single))} bytes, over the CreatePipeline limit of {MAX_DEFINITION_BYTES}"
    ]


def test_invalid_json() -> None:
    assert check_text("{") == [
        "definition is not valid JSON: Expecting property name enclosed in double quotes (line 1, column 2)"
    ]


def test_cli_exit_codes(tmp_path: Path, single: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(single))
    assert main([str(good)]) == 0
    single["Parameters"] = []
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(single))
    assert main([str(bad)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 7 and all("names no parameter" in line for line in lines)
    assert main([str(tmp_path / "missing.json")]) == 1
    assert main([]) == 2
