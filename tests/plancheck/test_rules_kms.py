"""KMS001/KMS002 on real plans."""

from __future__ import annotations

from tests.plancheck.verdicts import load, messages, verdicts


def test_pass() -> None:
    assert verdicts(load("kms/pass"), prefix="KMS") == {
        ("KMS001", "aws_kms_key.this"): "pass",
        ("KMS002", "aws_kms_key.this"): "pass",
    }


def test_fail() -> None:
    assert verdicts(load("kms/fail"), prefix="KMS") == {
        ("KMS001", "aws_kms_key.open"): "fail",
        ("KMS001", "aws_kms_key.shared"): "pass",
        # asymmetric: no KMS001 finding; an org-conditioned grant is not open
        ("KMS002", "aws_kms_key.signing"): "pass",
        ("KMS002", "aws_kms_key.open"): "fail",
        # no policy written on the key: AWS's default policy; the separate key policy is judged itself
        ("KMS002", "aws_kms_key.shared"): "pass",
        ("KMS002", "aws_kms_key_policy.shared"): "fail",
    }
    found = messages(load("kms/fail"))
    assert found[("KMS002", "aws_kms_key_policy.shared")].endswith(": AnyoneAnything")
    assert found[("KMS002", "aws_kms_key.open")].endswith(": Everyone")


def test_unknown() -> None:
    assert verdicts(load("kms/unknown"), prefix="KMS") == {
        ("KMS001", "aws_kms_key.app"): "unknown",
        ("KMS002", "aws_kms_key.app"): "unknown",
    }


def test_s3_fixture_keys_without_written_policy_pass_kms002() -> None:
    assert verdicts(load("s3/good"), prefix="KMS") == {
        ("KMS001", "aws_kms_key.s3"): "pass",
        ("KMS002", "aws_kms_key.s3"): "pass",
    }
