"""The environment contract: parsing, variants, branch naming and one-line errors."""

from __future__ import annotations

import pytest
from conftest import BASE_ENV, variant_env
from pipelines.config import PIPELINE_NAME_MAX, BranchKind, ConfigError, experiment_pipeline_name, load_settings


def test_single_model_defaults() -> None:
    settings = load_settings(BASE_ENV)
    (model,) = settings.models
    assert (model.name, model.label, model.metric, model.threshold, model.higher_is_better) == (
        "model", "target", "rmse", 0.5, False
    )  # fmt: skip
    assert model.objective == "reg:squarederror"
    assert settings.pipeline_name == "churn-p-abc123def456-build"
    assert settings.tags == {"sagemaker:project-name": "churn", "sagemaker:project-id": "p-abc123def456"}
    assert not settings.vpc_only and settings.kms_key_arn is None


def test_threshold_override_and_region_fallback() -> None:
    env = {**BASE_ENV, "MODEL_THRESHOLD": "0.35", "AWS_DEFAULT_REGION": "us-east-1"}
    del env["AWS_REGION"]
    settings = load_settings(env)
    assert settings.models[0].threshold == 0.35
    assert settings.region == "us-east-1"


def test_multi_model() -> None:
    pd, lgd = load_settings(variant_env("multi_model")).models
    assert (pd.name, pd.objective, pd.package_group, pd.higher_is_better) == ("pd", "binary:logistic", "churn-pd", True)
    assert (lgd.name, lgd.objective, lgd.package_group, lgd.threshold) == ("lgd", "reg:squarederror", "churn-lgd", 0.2)


def test_experiment_branch_name_and_tag() -> None:
    settings = load_settings(variant_env("experiment"))
    assert settings.branch_kind is BranchKind.EXPERIMENT
    assert settings.pipeline_name == "churn-p-abc123def456-build-faster-trees-v2"
    assert settings.tags["branch"] == "experiment/Faster_Trees.v2"


def test_long_branch_name_is_shortened_with_a_hash() -> None:
    name = experiment_pipeline_name("base", "x" * 300)
    assert len(name) == PIPELINE_NAME_MAX
    assert name != experiment_pipeline_name("base", "x" * 301)
    assert name.startswith("base-xxx")


def test_other_branch_is_refused() -> None:
    settings = load_settings({**BASE_ENV, "EXPERIMENT_BRANCH_PREFIX": "experiment/", "SOURCE_BRANCH": "feature/x"})
    assert settings.branch_kind is BranchKind.OTHER
    with pytest.raises(
        ConfigError,
        match=r"^SOURCE_BRANCH: branch 'feature/x' has no pipeline; build 'main' or a branch under 'experiment/'$",
    ):
        _ = settings.pipeline_name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SAGEMAKER_PROJECT_NAME": ""}, "SAGEMAKER_PROJECT_NAME: is not set"),
        ({"ARTIFACT_BUCKET": "Bad_Bucket"}, "ARTIFACT_BUCKET: 'Bad_Bucket' is not an S3 bucket name"),
        ({"SAGEMAKER_PIPELINE_ROLE_ARN": "role"}, "SAGEMAKER_PIPELINE_ROLE_ARN: 'role' is not an IAM role ARN"),
        ({"AWS_REGION": ""}, "AWS_REGION: is not set (nor AWS_DEFAULT_REGION)"),
        ({"MODEL_PACKAGE_GROUPS": "a,b"}, "MODEL_PACKAGE_GROUPS: needs exactly 1 group without MODELS, got 2"),
        ({"MODEL_THRESHOLD": "high"}, "MODEL_THRESHOLD: threshold 'high' is not a number"),
        ({"MODELS": "[{"}, "MODELS: is not valid JSON"),
        (
            {"MODELS": '[{"name":"pd","metric":"auc","threshold":0.7}]', "MODEL_PACKAGE_GROUPS": "a,b"},
            "MODEL_PACKAGE_GROUPS: has 2 group(s) but MODELS has 1 model(s)",
        ),
        (
            {"MODELS": '[{"name":"pd","metric":"logloss","threshold":0.7}]'},
            "MODELS: MODELS[0].metric 'logloss' is not one of",
        ),
        ({"MODELS": '[{"name":"pd","metric":"auc"}]'}, "MODELS: MODELS[0].threshold is missing"),
        ({"MODEL_APPROVAL_STATUS": "Yes"}, "MODEL_APPROVAL_STATUS: 'Yes' is not one of"),
        ({"SUBNET_IDS": "subnet-0a1"}, "SECURITY_GROUP_IDS: is not set, but VPC-only projects need both"),
        ({"SUBNET_IDS": "vpc-1", "SECURITY_GROUP_IDS": "sg-1"}, "SUBNET_IDS: 'vpc-1' is not a subnet id"),
        ({"KMS_KEY_ARN": "my-key"}, "KMS_KEY_ARN: 'my-key' is not a KMS key ARN"),
    ],
)
def test_errors_name_the_variable_on_one_line(change: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({**BASE_ENV, **change})
    text = str(caught.value)
    assert text.startswith(message)
    assert "\n" not in text
