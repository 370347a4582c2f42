"""The demo's project lifecycle: which templates it launches, as whom, with which parameters."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdktf_app.config import load_environment
from cdktf_app.paths import ENVIRONMENTS_DIR
from glue.errors import UserError
from glue.motoext.identity import principal_matches, principal_of
from glue.project_lifecycle import PublishedTemplate, published_templates, team_principal, template_parameters

TEMPLATE = """\
Parameters:
  SageMakerProjectName: {Type: String}
  SageMakerProjectId: {Type: String}
  Branch: {Type: String, Default: main}
  ModelBuildRepository: {Type: String, MaxLength: 20}
  Team: {Type: String, AllowedValues: [data-science, risk]}
Resources:
  Bucket: {Type: "AWS::S3::Bucket"}
"""


def test_parameters_without_default_get_values_sagemaker_passes_its_own(tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(TEMPLATE, encoding="utf-8")
    assert template_parameters(template, "demo-sc-churn") == [
        {"Key": "ModelBuildRepository", "Value": "demo-sc-churn-modelb"},
        {"Key": "Team", "Value": "data-science"},
    ]


def test_project_names_fit_sagemaker() -> None:
    long = PublishedTemplate("a-very-long-product-name-for-churn_v2", "t", Path("x"), product_id="prod-abc")
    assert long.project_name == "demo-sc-a-very-long-product-name"
    assert len(long.project_name) <= 32 and not long.project_name.endswith("-")
    s3 = PublishedTemplate("churn", "t", Path("x"), template_url="https://b.s3.amazonaws.com/churn.yaml")
    assert s3.project_name == "demo-s3-churn"


def test_published_templates_follow_the_outputs(tmp_path: Path) -> None:
    config = load_environment("local", ENVIRONMENTS_DIR)
    url = "https://bucket.s3.us-east-1.amazonaws.com/templates/btd.yaml"
    outputs = {
        "product_data_science_build_train_deploy_id": "prod-abcdefghijklm",
        "s3_template_urls": {"build-train-deploy": url},
    }
    found = published_templates(config, tmp_path, outputs)
    assert [(t.product, t.team, t.product_id, t.template_url) for t in found] == [
        ("build-train-deploy", "data-science", "prod-abcdefghijklm", None),
        ("build-train-deploy", "data-science", None, url),
    ]
    assert found[0].template_file == tmp_path / "templates" / "build-train-deploy.yaml"
    assert published_templates(config, tmp_path, {}) == [], "nothing applied, nothing to launch"


def test_the_demo_acts_as_a_role_of_the_team() -> None:
    config = load_environment("local", ENVIRONMENTS_DIR)
    assert team_principal(config, "data-science") == "arn:aws:iam::123456789012:role/data-scientist"
    only_users = config.model_copy(
        update={"teams": {"data-science": config.teams["data-science"].model_copy(update={"principals": []})}}
    )
    with pytest.raises(UserError, match="no role among its principals"):
        team_principal(only_users, "data-science")


@pytest.mark.parametrize(
    ("principal", "kind", "caller", "expected"),
    [
        ("arn:aws:iam::123456789012:role/ds", "IAM", "arn:aws:iam::123456789012:role/ds", True),
        ("arn:aws:iam::123456789012:role/team/ds", "IAM", "arn:aws:iam::123456789012:role/ds", True),
        ("arn:aws:iam::123456789012:role/ds", "IAM", "arn:aws:iam::210987654321:role/ds", False),
        ("arn:aws:iam::123456789012:role/ds", "IAM", "arn:aws:iam::123456789012:role/ds-admin", False),
        ("arn:aws:iam:::role/ds-*", "IAM_PATTERN", "arn:aws:iam::210987654321:role/ds-churn", True),
        ("arn:aws:iam:::role/ds-*", "IAM_PATTERN", "arn:aws:iam::210987654321:role/ml-churn", False),
    ],
)
def test_portfolio_principals_match_callers_like_service_catalog(
    principal: str, kind: str, caller: str, expected: bool
) -> None:
    assert principal_matches(principal, kind, caller) is expected


def test_an_assumed_role_session_calls_as_its_role() -> None:
    session = "arn:aws:sts::123456789012:assumed-role/data-scientist/demo-data-scientist"
    assert principal_of(session) == "arn:aws:iam::123456789012:role/data-scientist"
    assert principal_of("arn:aws:iam::123456789012:user/alice") == "arn:aws:iam::123456789012:user/alice"
