"""Report formats: the JSON contract, SARIF 2.1.0 (structure, .tf locations, suppressions), JUnit, text."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from datetime import date
from typing import Any

from glue.plancheck.model import Report
from glue.plancheck.output import as_junit, as_text, render
from glue.plancheck.policy import CheckPolicy
from tests.plancheck.verdicts import FIXTURES, load, own_report, s3_policy

KMS_FAIL_DIR = FIXTURES / "kms" / "fail"


def _report(case: str, policy: CheckPolicy | None = None) -> Report:
    return own_report(load(case), policy or CheckPolicy(), today=date(2026, 1, 1))


def test_json_contract() -> None:
    document = json.loads(render(_report("kms/fail"), "json"))
    assert set(document) == {"findings", "summary"}
    assert document["findings"]
    for finding in document["findings"]:
        assert set(finding) == {"rule", "address", "status", "message"}
        assert finding["status"] in ("fail", "pass", "unknown")
        assert all(isinstance(value, str) for value in finding.values())
    assert document["findings"][0] == {
        "rule": "KMS001",
        "address": "aws_kms_key.open",
        "status": "fail",
        "message": "enable_key_rotation is not true",
    }
    statuses = [finding["status"] for finding in document["findings"]]
    assert statuses == sorted(statuses, key=["fail", "unknown", "pass"].index)  # failures first
    summary = document["summary"]
    assert (summary["fail"], summary["unknown"], summary["pass"], summary["suppressed"]) == (3, 0, 3, 0)
    assert summary["rules"] == ["KMS001", "KMS002"]


def _check_sarif_structure(document: dict[str, Any]) -> None:
    """A minimal structural check of SARIF 2.1.0 (no downloaded schema)."""
    assert document["version"] == "2.1.0"
    assert document["$schema"].endswith("sarif-2.1.0.json")
    assert isinstance(document["runs"], list) and len(document["runs"]) == 1
    run = document["runs"][0]
    driver = run["tool"]["driver"]
    assert isinstance(driver["name"], str)
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    for rule in driver["rules"]:
        assert isinstance(rule["shortDescription"]["text"], str)
    for result in run["results"]:
        assert result["ruleId"] in ids
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in ("none", "note", "warning", "error")
        assert isinstance(result["message"]["text"], str) and result["message"]["text"]
        assert isinstance(result["locations"], list) and result["locations"]
        for location in result["locations"]:
            assert "physicalLocation" in location or "logicalLocations" in location
            if "physicalLocation" in location:
                physical = location["physicalLocation"]
                assert isinstance(physical["artifactLocation"]["uri"], str)
                assert physical["region"]["startLine"] >= 1
        for suppression in result.get("suppressions", []):
            assert suppression["kind"] in ("inSource", "external")


def test_sarif_structure_and_locations() -> None:
    document = json.loads(render(_report("kms/fail"), "sarif", load("kms/fail"), KMS_FAIL_DIR))
    _check_sarif_structure(document)
    results = document["runs"][0]["results"]
    assert [(result["ruleId"], result["level"]) for result in results] == [
        ("KMS001", "error"),
        ("KMS002", "error"),
        ("KMS002", "error"),
    ]  # passes are not results
    open_key = results[0]["locations"][0]
    assert open_key["physicalLocation"] == {
        "artifactLocation": {"uri": "tests/plancheck/fixtures/kms/fail/main.tf"},
        "region": {"startLine": 4},
    }
    assert open_key["logicalLocations"] == [{"fullyQualifiedName": "aws_kms_key.open", "kind": "resource"}]
    driver_ids = {rule["id"] for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    assert {"KMS001", "S3001", "TAG001", "VPE003"} <= driver_ids


def test_sarif_locations_inside_local_modules_and_unknown_level() -> None:
    report = _report("s3/modules", s3_policy())
    document = json.loads(render(report, "sarif", load("s3/modules"), FIXTURES / "s3" / "modules"))
    _check_sarif_structure(document)
    located = {
        (result["ruleId"], result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]): result["locations"][0]
        for result in document["runs"][0]["results"]
    }
    inside = located[("S3002", 'module.store["features"].aws_s3_bucket.this')]["physicalLocation"]
    assert inside == {
        "artifactLocation": {"uri": "tests/plancheck/fixtures/s3/modules/modules/bucket/main.tf"},
        "region": {"startLine": 6},
    }
    # a plan-level finding has no file
    unknown = json.loads(
        render(_report("s3/unknown", s3_policy()), "sarif", load("s3/unknown"), FIXTURES / "s3" / "unknown")
    )
    levels = {result["level"] for result in unknown["runs"][0]["results"]}
    assert levels == {"error", "warning"}


def test_sarif_marks_suppressions() -> None:
    policy = CheckPolicy.model_validate(
        {
            "suppressions": [
                {
                    "rule": "KMS001",
                    "address": "aws_kms_key.open",
                    "justification": "legacy key, rotated by hand",
                    "owner": "platform",
                    "expires": "2026-06-30",
                }
            ]
        }
    )
    document = json.loads(render(_report("kms/fail", policy), "sarif", load("kms/fail"), KMS_FAIL_DIR))
    _check_sarif_structure(document)
    suppressed = [result for result in document["runs"][0]["results"] if "suppressions" in result]
    assert len(suppressed) == 1 and suppressed[0]["ruleId"] == "KMS001"
    assert suppressed[0]["suppressions"][0]["kind"] == "external"
    assert "platform" in suppressed[0]["suppressions"][0]["justification"]


def test_junit_parses_and_counts() -> None:
    root = ElementTree.fromstring(as_junit(_report("kms/fail")))  # noqa: S314 (our own output)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("6", "3")
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert set(suites) == {"KMS001", "KMS002"}
    assert (suites["KMS002"].get("tests"), suites["KMS002"].get("failures")) == ("4", "2")
    failures = [str(case.get("name")) for case in root.iter("testcase") if case.find("failure") is not None]
    assert sorted(failures) == ["aws_kms_key.open", "aws_kms_key.open", "aws_kms_key_policy.shared"]
    unknown = ElementTree.fromstring(as_junit(_report("kms/unknown")))  # noqa: S314 (our own output)
    assert [suite.get("skipped") for suite in unknown.iter("testsuite")] == ["1", "1"]


def test_text_table() -> None:
    text = as_text(_report("kms/fail"))
    lines = text.splitlines()
    assert any("status" in line and "rule" in line and "address" in line for line in lines)
    assert any("fail" in line and "KMS001" in line and "aws_kms_key.open" in line for line in lines)
    assert not any("aws_kms_key.signing" in line for line in lines)  # passes are counted, not listed
    assert lines[-1] == "3 failing, 0 unknown until apply, 3 passing, 0 suppressed; 2 rules over 4 resources"
    assert as_text(_report("kms/pass")).splitlines() == [
        "0 failing, 0 unknown until apply, 2 passing, 0 suppressed; 2 rules over 1 resources"
    ]
