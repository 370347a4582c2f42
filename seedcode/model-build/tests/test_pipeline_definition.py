"""The definition of every variant, generated offline with every socket blocked."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from typing import Any

import pytest
from conftest import NetworkBlocked, variant_env
from pipelines.check_definition import check_text

XGBOOST_IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1"
SKLEARN_IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
KMS = variant_env("vpc")["KMS_KEY_ARN"]


def steps_of(text: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def walk(steps: list[dict[str, Any]]) -> None:
        for step in steps:
            found[step["Name"]] = step
            if step["Type"] == "Condition":
                walk(step["Arguments"]["IfSteps"])
                walk(step["Arguments"]["ElseSteps"])

    walk(json.loads(text)["Steps"])
    return found


def parameters_of(text: str) -> dict[str, dict[str, Any]]:
    return {param["Name"]: param for param in json.loads(text)["Parameters"]}


def test_sockets_are_really_blocked(no_network: None) -> None:
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("sagemaker.eu-west-1.amazonaws.com", 443))


@pytest.mark.parametrize("variant", ["single", "multi_model", "experiment", "main_branch", "vpc"])
def test_every_definition_passes_the_check(definitions: dict[str, str], variant: str) -> None:
    assert check_text(definitions[variant]) == []


def test_definition_is_byte_identical_run_to_run(render: Callable[[str], str], definitions: dict[str, str]) -> None:
    assert render("single") == definitions["single"]
    assert render("multi_model") == definitions["multi_model"]


def test_single_model_steps_parameters_and_images(definitions: dict[str, str]) -> None:
    text = definitions["single"]
    assert json.loads(text)["Version"] == "2020-12-01"
    steps = steps_of(text)
    assert list(steps) == ["Preprocess", "Train-model", "Evaluate-model", "Check-model", "Register-model", "Fail-model"]
    params = parameters_of(text)
    assert params["InputDataUrl"] == {
        "Name": "InputDataUrl",
        "Type": "String",
        "DefaultValue": "s3://smt-dev-artifacts/churn-p-abc123def456-build/input/data.csv",
    }
    assert params["ModelApprovalStatus"]["DefaultValue"] == "PendingManualApproval"
    assert params["MetricThreshold-model"] == {"Name": "MetricThreshold-model", "Type": "Float", "DefaultValue": 0.5}
    preprocess = steps["Preprocess"]["Arguments"]
    assert preprocess["AppSpecification"]["ImageUri"] == SKLEARN_IMAGE
    assert preprocess["AppSpecification"]["ContainerArguments"] == ["--labels", "target"]
    assert preprocess["ProcessingInputs"][0]["S3Input"]["S3Uri"] == {"Get": "Parameters.InputDataUrl"}
    assert steps["Evaluate-model"]["Arguments"]["AppSpecification"]["ImageUri"] == XGBOOST_IMAGE
    train = steps["Train-model"]["Arguments"]
    assert train["AlgorithmSpecification"]["TrainingImage"] == XGBOOST_IMAGE
    assert train["HyperParameters"]["objective"] == "reg:squarederror"
    assert "VpcConfig" not in train and "NetworkConfig" not in preprocess
    assert "KmsKeyId" not in train["OutputDataConfig"]


def test_outputs_go_under_the_pipeline_name_in_the_artifact_bucket(definitions: dict[str, str]) -> None:
    train = steps_of(definitions["single"])["Train-model"]["Arguments"]
    join = train["OutputDataConfig"]["S3OutputPath"]["Std:Join"]
    assert join["Values"][:2] == [
        "s3://smt-dev-artifacts/churn-p-abc123def456-build",
        {"Get": "Execution.PipelineExecutionId"},
    ]


def test_processing_code_path_is_content_addressed(definitions: dict[str, str]) -> None:
    inputs = steps_of(definitions["single"])["Preprocess"]["Arguments"]["ProcessingInputs"]
    code = next(item for item in inputs if item["InputName"] == "code")["S3Input"]["S3Uri"]
    assert code.startswith("s3://smt-dev-artifacts/churn-p-abc123def456-build/code/")
    assert code.endswith("/preprocess.py")
    assert len(code.split("/")[-2]) == 64  # sha256 of the script


def test_condition_registers_or_fails(definitions: dict[str, str]) -> None:
    check = steps_of(definitions["single"])["Check-model"]["Arguments"]
    (condition,) = check["Conditions"]
    assert condition["Type"] == "LessThanOrEqualTo"
    assert condition["LeftValue"]["Std:JsonGet"]["Path"] == "metrics.rmse.value"
    assert condition["RightValue"] == {"Get": "Parameters.MetricThreshold-model"}
    assert [step["Name"] for step in check["IfSteps"]] == ["Register-model"]
    assert [step["Name"] for step in check["ElseSteps"]] == ["Fail-model"]
    register = check["IfSteps"][0]["Arguments"]
    assert register["ModelPackageGroupName"] == "churn-p-abc123def456"
    assert register["ModelApprovalStatus"] == {"Get": "Parameters.ModelApprovalStatus"}
    assert register["InferenceSpecification"]["Containers"][0]["ModelDataUrl"] == {
        "Get": "Steps.Train-model.ModelArtifacts.S3ModelArtifacts"
    }
    message = check["ElseSteps"][0]["Arguments"]["ErrorMessage"]["Std:Join"]["Values"]
    assert "not registered" in message[0]


def test_multi_model_has_one_branch_per_model(definitions: dict[str, str]) -> None:
    text = definitions["multi_model"]
    steps = steps_of(text)
    assert [name for name in steps if name.startswith(("Train", "Register"))] == [
        "Train-pd", "Register-pd", "Train-lgd", "Register-lgd"
    ]  # fmt: skip
    assert steps["Preprocess"]["Arguments"]["AppSpecification"]["ContainerArguments"] == ["--labels", "pd,lgd"]
    assert steps["Train-pd"]["Arguments"]["HyperParameters"]["objective"] == "binary:logistic"
    assert steps["Train-lgd"]["Arguments"]["HyperParameters"]["objective"] == "reg:squarederror"
    channel = steps["Train-pd"]["Arguments"]["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"]
    assert channel["Std:Join"]["Values"][1] == "pd"
    assert steps["Register-pd"]["Arguments"]["ModelPackageGroupName"] == "churn-pd"
    assert steps["Register-lgd"]["Arguments"]["ModelPackageGroupName"] == "churn-lgd"
    assert steps["Check-pd"]["Arguments"]["Conditions"][0]["Type"] == "GreaterThanOrEqualTo"
    assert steps["Check-lgd"]["Arguments"]["Conditions"][0]["Type"] == "LessThanOrEqualTo"
    params = parameters_of(text)
    assert params["MetricThreshold-pd"]["DefaultValue"] == 0.75
    assert params["MetricThreshold-lgd"]["DefaultValue"] == 0.2


def test_experiment_branch_registers_for_manual_approval_with_branch_metadata(definitions: dict[str, str]) -> None:
    text = definitions["experiment"]
    assert "ModelApprovalStatus" not in parameters_of(text)
    register = steps_of(text)["Register-model"]["Arguments"]
    assert register["ModelApprovalStatus"] == "PendingManualApproval"
    assert register["CustomerMetadataProperties"]["branch"] == "experiment/Faster_Trees.v2"
    train = steps_of(text)["Train-model"]["Arguments"]
    prefix = train["OutputDataConfig"]["S3OutputPath"]["Std:Join"]["Values"][0]
    assert prefix == "s3://smt-dev-artifacts/churn-p-abc123def456-build-faster-trees-v2"


def test_main_branch_uses_base_name_and_approval_default(definitions: dict[str, str]) -> None:
    text = definitions["main_branch"]
    assert parameters_of(text)["ModelApprovalStatus"]["DefaultValue"] == "Approved"
    register = steps_of(text)["Register-model"]["Arguments"]
    assert "branch" not in register["CustomerMetadataProperties"]
    assert register["CustomerMetadataProperties"]["pipeline"] == "churn-p-abc123def456-build"


def test_vpc_only_jobs_run_in_the_network_with_isolation_and_kms(definitions: dict[str, str]) -> None:
    steps = steps_of(definitions["vpc"])
    vpc = {"SecurityGroupIds": ["sg-0123abcd"], "Subnets": ["subnet-0a1b2c3d", "subnet-0e4f5a6b"]}
    for name in ("Preprocess", "Evaluate-model"):
        args = steps[name]["Arguments"]
        assert args["NetworkConfig"] == {
            "EnableNetworkIsolation": True,
            "EnableInterContainerTrafficEncryption": True,
            "VpcConfig": vpc,
        }
        assert args["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"] == KMS
        assert args["ProcessingOutputConfig"]["KmsKeyId"] == KMS
    train = steps["Train-model"]["Arguments"]
    assert train["VpcConfig"] == vpc
    assert train["EnableNetworkIsolation"] is True
    assert train["EnableInterContainerTrafficEncryption"] is True
    assert train["ResourceConfig"]["VolumeKmsKeyId"] == KMS
    assert train["OutputDataConfig"]["KmsKeyId"] == KMS
