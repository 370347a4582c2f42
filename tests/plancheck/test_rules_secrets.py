"""SEC001 on real plans (tests/plancheck/fixtures/secrets/)."""

from __future__ import annotations

import pytest

from glue.plancheck.check import run_checks
from glue.plancheck.policy import CheckPolicy
from glue.plancheck.rules.secrets import literal_secret, secret_name
from tests.plancheck.fixture_plans import FIXTURES, load_plan


def findings(case: str) -> dict[str, tuple[str, str]]:
    report = run_checks(load_plan(FIXTURES / "secrets" / case), CheckPolicy())
    return {
        finding.address: (finding.status, finding.message) for finding in report.findings if finding.rule == "SEC001"
    }


def masked(where: str) -> tuple[str, str]:
    return ("fail", f"secret-looking literal (value masked) at: {where}")


def test_pass_references_arns_and_parameter_names() -> None:
    assert findings("pass") == {"-": ("pass", "no secret-looking literal in 4 resources and 3 outputs")}


def test_fail_literals_also_sensitive_ones_and_outputs() -> None:
    assert findings("fail") == {
        "aws_db_instance.app": masked("password (literal password)"),
        "aws_secretsmanager_secret_version.db": masked("secret_string.password (literal password)"),
        "aws_ssm_parameter.ci_token": masked("value (github_token)"),
        "aws_ssm_parameter.deploy_key": masked("value (private_key)"),
        "output.ci_credentials": masked(
            "ci_credentials.access_key_id (aws_access_key_id); "
            "ci_credentials.secret_access_key (literal secret_access_key, aws_secret_access_key)"
        ),
        "output.slack_webhook_token": masked("slack_webhook_token (slack_token, literal slack_webhook_token)"),
    }


def test_values_never_appear_in_findings() -> None:
    plan = load_plan(FIXTURES / "secrets" / "fail")
    text = " ".join(finding.message for finding in run_checks(plan, CheckPolicy()).findings)
    for secret in ("fixture-password-1", "Tr0ub4dor", "ghp_", "AKIAIOSFODNN7EXAMPLE", "xoxb-", "AAAAfake"):
        assert secret not in text


def test_sensitive_values_are_scanned() -> None:
    plan = load_plan(FIXTURES / "secrets" / "fail")
    changes = {change["address"]: change["change"] for change in plan["resource_changes"]}
    assert changes["aws_ssm_parameter.deploy_key"]["after_sensitive"]["value"] is True
    assert plan["output_changes"]["slack_webhook_token"]["after_sensitive"] is True
    assert findings("fail")["aws_ssm_parameter.deploy_key"][0] == "fail"


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("password", True),
        ("master_password", True),
        ("client_secret", True),
        ("auth_token", True),
        ("private_key", True),
        ("secret_string", True),
        ("token_validity_units", False),
        ("secret_arn", False),
        ("kms_key_id", False),
        ("password_length", False),
        ("username", False),
    ],
)
def test_secret_name(name: str, secret: bool) -> None:
    assert secret_name(name) is secret


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("hunter2", True),
        ("arn:aws:secretsmanager:eu-west-1:111122223333:secret:x", False),
        ("/app/db/password", False),
        ("{{resolve:ssm-secure:/app/db}}", False),
        ("", False),
        ("****", False),
    ],
)
def test_literal_secret(value: str, literal: bool) -> None:
    assert literal_secret(value) is literal
