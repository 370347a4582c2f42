"""The CLI contract: exit 0/1/2, one-line errors, --output, --changed-only, --required-tag."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cdktf_app.paths import REPO_ROOT
from glue.plancheck.__main__ import main
from tests.plancheck.verdicts import FIXTURES, load, own

KMS_PASS = str(FIXTURES / "kms" / "pass" / "plan.json")
KMS_FAIL = str(FIXTURES / "kms" / "fail" / "plan.json")


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("plancheck: ")
    return err.strip()


def test_exit_0_without_failing_finding(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([KMS_PASS, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert {finding["status"] for finding in own(document["findings"])} == {"pass"}


def test_exit_1_with_a_failing_finding(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([KMS_FAIL, "--format", "json"]) == 1
    failing = [item for item in own(json.loads(capsys.readouterr().out)["findings"]) if item["status"] == "fail"]
    assert len(failing) == 3


def test_required_tag_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([KMS_PASS, "--required-tag", "owner", "--format", "json"]) == 0
    rules = {finding["rule"] for finding in json.loads(capsys.readouterr().out)["findings"]}
    assert "TAG001" in rules
    assert main([KMS_PASS, "--required-tag", "owner", "--required-tag", "cost_center", "--format", "json"]) == 1
    failing = [
        finding for finding in own(json.loads(capsys.readouterr().out)["findings"]) if finding["status"] == "fail"
    ]
    assert failing == [
        {"rule": "TAG001", "address": "aws_kms_key.this", "status": "fail", "message": "missing cost_center"}
    ]


def test_require_vpce_flag(capsys: pytest.CaptureFixture[str]) -> None:
    plan = str(FIXTURES / "s3" / "good" / "plan.json")
    assert main([plan]) == 0
    capsys.readouterr()
    assert main([plan, "--require-vpce"]) == 1  # the endpoint named is not allowed without a policy
    assert "S3006" in capsys.readouterr().out


def test_policy_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "require_vpce: true\nallowed_vpce_ids: [vpce-0a1b2c3d4e5f60718]\n"
        "exempt_principal_arns: ['arn:aws:iam::111122223333:role/platform-admin']\n"
        "required_tags: {environment: [prod]}\n"
    )
    assert main([str(FIXTURES / "s3" / "good" / "plan.json"), "--policy", str(policy), "--format", "json"]) == 1
    failing = {
        (finding["rule"], finding["address"])
        for finding in own(json.loads(capsys.readouterr().out)["findings"])
        if finding["status"] == "fail"
    }
    # environment=dev everywhere (default_tags); S3006 passes with the policy's endpoint and admin
    assert {rule for rule, _ in failing} == {"TAG001"}


def test_changed_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = load("kms/fail")
    for change in plan["resource_changes"]:
        if change["address"] in ("aws_kms_key.open", "aws_kms_key_policy.shared"):
            change["change"]["actions"] = ["no-op"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    assert main([str(path)]) == 1
    capsys.readouterr()
    assert main([str(path), "--changed-only", "--format", "json"]) == 0
    addresses = {finding["address"] for finding in own(json.loads(capsys.readouterr().out)["findings"])}
    assert addresses == {"aws_kms_key.shared", "aws_kms_key.signing"}


def test_output_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.sarif"
    assert main([KMS_FAIL, "--format", "sarif", "--output", str(target)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert captured.err.count("\n") == 1 and " failing, " in captured.err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "absent.json")]) == 2
    assert _error_line(capsys) == f"plancheck: cannot read {tmp_path / 'absent.json'}: No such file or directory"


def test_not_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.json"
    path.write_text("resource {")
    assert main([str(path)]) == 2
    assert f"{path} is not JSON" in _error_line(capsys)


@pytest.mark.parametrize(
    "document",
    [[], {"resources": []}, {"format_version": "1.2", "resource_changes": {"a": 1}}],
    ids=["list", "no-format-version", "bad-changes"],
)
def test_json_that_is_not_a_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str], document: object) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    assert main([str(path)]) == 2
    assert "not a Terraform plan" in _error_line(capsys)


def test_bad_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main([KMS_PASS, "--format", "xml"])
    assert raised.value.code == 2
    assert "--format" in _error_line(capsys)


def test_bad_policy_names_file_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("required_tags: {owner: [a]}\nsuppressions:\n  - rule: S3001\n    address: '*'\n")
    assert main([KMS_PASS, "--policy", str(policy)]) == 2
    line = _error_line(capsys)
    assert str(policy) in line and "suppressions.0.justification" in line
    policy.write_text("require_vpce: [not, a, bool]\n")
    assert main([KMS_PASS, "--policy", str(policy)]) == 2
    assert "require_vpce" in _error_line(capsys)
    policy.write_text("unknown_setting: 1\n")
    assert main([KMS_PASS, "--policy", str(policy)]) == 2
    assert "unknown_setting" in _error_line(capsys)
    assert main([KMS_PASS, "--policy", str(tmp_path / "absent.yaml")]) == 2
    assert "absent.yaml: cannot read the policy file" in _error_line(capsys)


def test_as_a_subprocess(tmp_path: Path) -> None:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    ran = subprocess.run(
        [sys.executable, "-m", "glue.plancheck", KMS_FAIL, "--format", "json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
    assert ran.returncode == 1, ran.stderr
    failing = [item for item in own(json.loads(ran.stdout)["findings"]) if item["status"] == "fail"]
    assert len(failing) == 3
    missing = subprocess.run(
        [sys.executable, "-m", "glue.plancheck", str(tmp_path / "none.json")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
    assert missing.returncode == 2
    assert missing.stdout == ""
    assert missing.stderr.count("\n") == 1 and missing.stderr.startswith("plancheck: cannot read")
