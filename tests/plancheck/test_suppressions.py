"""Suppressions: a live one hides a failure; expired -> SUP001 fail; unused -> SUP002 fail."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from glue.plancheck.__main__ import main
from glue.plancheck.policy import CheckPolicy
from tests.plancheck.verdicts import FIXTURES, load, own, own_report

TODAY = date(2026, 3, 1)


def _suppression(**overrides: Any) -> dict[str, Any]:
    return {
        "rule": "KMS001",
        "address": "aws_kms_key.open",
        "justification": "legacy key, rotated by hand until migrated",
        "owner": "platform-team",
        "expires": "2026-06-30",
        **overrides,
    }


def _policy(*suppressions: dict[str, Any], environment: str = "") -> CheckPolicy:
    return CheckPolicy.model_validate({"environment": environment, "suppressions": list(suppressions)})


def _failing(policy: CheckPolicy) -> set[tuple[str, str]]:
    report = own_report(load("kms/fail"), policy, today=TODAY)
    return {(finding.rule, finding.address) for finding in report.findings if finding.failing}


ALL_FAILING = {
    ("KMS001", "aws_kms_key.open"),
    ("KMS002", "aws_kms_key.open"),
    ("KMS002", "aws_kms_key_policy.shared"),
}


def test_live_suppression_hides_the_failure() -> None:
    assert _failing(_policy()) == ALL_FAILING
    assert _failing(_policy(_suppression())) == ALL_FAILING - {("KMS001", "aws_kms_key.open")}
    report = own_report(load("kms/fail"), _policy(_suppression()), today=TODAY)
    hidden = [finding for finding in report.findings if finding.suppressed_by]
    assert [(finding.rule, finding.status) for finding in hidden] == [("KMS001", "fail")]
    assert report.summary()["suppressed"] == 1
    assert report.summary()["suppressed_findings"][0]["rule"] == "KMS001"


def test_suppressing_every_failure_makes_the_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.yaml"
    suppressions = [  # the CLI judges expiry against today's date
        _suppression(expires="2099-12-31"),
        _suppression(rule="KMS002", address="aws_kms_key*", expires="2099-12-31"),  # the key and the key policy
    ]
    policy.write_text(json.dumps({"suppressions": suppressions}))  # JSON is YAML
    plan = str(FIXTURES / "kms" / "fail" / "plan.json")
    code = main([plan, "--policy", str(policy), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert [item for item in own(document["findings"]) if item["status"] == "fail"] == [
        {
            "rule": "KMS001",
            "address": "aws_kms_key.open",
            "status": "fail",
            "message": "enable_key_rotation is not true",
        },
        {
            "rule": "KMS002",
            "address": "aws_kms_key.open",
            "status": "fail",
            "message": "grants kms:* to every principal without a condition: Everyone",
        },
        {
            "rule": "KMS002",
            "address": "aws_kms_key_policy.shared",
            "status": "fail",
            "message": "grants kms:* to every principal without a condition: AnyoneAnything",
        },
    ]
    assert document["summary"]["suppressed"] == 3
    assert code == 0


def test_expired_suppression_is_sup001_and_does_not_hide() -> None:
    failing = _failing(_policy(_suppression(expires="2026-02-28")))
    assert failing == ALL_FAILING | {("SUP001", "aws_kms_key.open")}
    # the expiry day itself is still live
    assert ("SUP001", "aws_kms_key.open") not in _failing(_policy(_suppression(expires="2026-03-01")))


def test_unused_suppression_is_sup002() -> None:
    unused = _suppression(rule="KMS001", address="aws_kms_key.signing")
    assert _failing(_policy(unused)) == ALL_FAILING | {("SUP002", "aws_kms_key.signing")}
    # a suppression of a rule that passes there is unused too
    passing = _suppression(rule="KMS001", address="aws_kms_key.shared")
    assert ("SUP002", "aws_kms_key.shared") in _failing(_policy(passing))


def test_changed_only_does_not_call_a_suppression_of_an_unchecked_resource_unused() -> None:
    """With --changed-only most resources are not checked; their suppressions are not stale."""
    unused = _suppression(rule="KMS001", address="aws_kms_key.signing")
    report = own_report(load("kms/fail"), _policy(unused), today=TODAY, changed_only=True)
    assert not any(finding.rule == "SUP002" for finding in report.findings)
    expired = _suppression(rule="KMS001", address="aws_kms_key.signing", expires="2026-01-01")
    report = own_report(load("kms/fail"), _policy(expired), today=TODAY, changed_only=True)
    assert any(finding.rule == "SUP001" for finding in report.findings)


def test_environment_pattern() -> None:
    prod_only = _suppression(environment="prod*")
    assert ("KMS001", "aws_kms_key.open") not in _failing(_policy(prod_only, environment="prod-eu"))
    in_dev = _failing(_policy(prod_only, environment="dev"))
    assert ("KMS001", "aws_kms_key.open") in in_dev
    assert ("SUP002", "aws_kms_key.open") in in_dev
    # no environment in the policy: only suppressions for every environment apply
    assert ("KMS001", "aws_kms_key.open") in _failing(_policy(prod_only))
    assert ("KMS001", "aws_kms_key.open") not in _failing(_policy(_suppression()))


@pytest.mark.parametrize(
    ("field", "value"),
    [("rule", "kms1"), ("justification", "short"), ("expires", "someday"), ("address", "")],
)
def test_invalid_suppression_is_rejected(field: str, value: str) -> None:
    with pytest.raises(ValueError, match=field):
        _policy(_suppression(**{field: value}))
