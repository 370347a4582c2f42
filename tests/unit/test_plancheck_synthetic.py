"""The synthetic plan of the plancheck benchmark: deterministic, the requested size, loads, every rule has work."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import orjson
import pytest

from glue.bench import ChildRun, PlancheckMeasurement, plancheck_report
from glue.plancheck.check import run_checks
from glue.plancheck.plan_index import PlanIndex
from glue.plancheck.policy import CheckPolicy
from glue.plancheck.rules import all_rules
from glue.plancheck.synthetic import generate, write_plan

SIZE = 600  # several teams and two VPC endpoint modules; generated in a few milliseconds


@pytest.fixture(scope="module")
def plan() -> dict[str, object]:
    return generate(SIZE)


def _planned_addresses(module: dict[str, object]) -> list[str]:
    found = [str(resource["address"]) for resource in module.get("resources", [])]  # type: ignore[attr-defined]
    for child in module.get("child_modules", []):  # type: ignore[attr-defined]
        found += _planned_addresses(child)
    return found


def test_the_same_seed_gives_the_same_bytes_and_another_seed_another_plan(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    size = write_plan(first, 250, seed=7)
    write_plan(second, 250, seed=7)
    write_plan(other, 250, seed=8)
    assert size == first.stat().st_size
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()


@pytest.mark.parametrize("count", [1, 37, SIZE])
def test_exactly_the_requested_number_of_resources(count: int) -> None:
    document = generate(count)
    changes = document["resource_changes"]
    assert len(changes) == count
    assert len({change["address"] for change in changes}) == count
    assert sorted(_planned_addresses(document["planned_values"]["root_module"])) == sorted(
        change["address"] for change in changes
    )


def test_the_plan_has_the_shape_of_terraform_show_json(plan: dict[str, object]) -> None:
    assert {"format_version", "terraform_version", "planned_values", "resource_changes", "configuration"} <= set(plan)
    assert {"output_changes", "prior_state"} <= set(plan)
    document = orjson.loads(orjson.dumps(plan))
    provider = document["configuration"]["provider_config"]["aws"]
    assert provider["expressions"]["default_tags"][0]["tags"]["constant_value"]
    change = document["resource_changes"][1]
    assert {"actions", "after", "after_unknown", "after_sensitive"} <= set(change["change"])
    actions = Counter(change["change"]["actions"][0] for change in document["resource_changes"])
    assert set(actions) == {"create", "update", "no-op"}
    types = Counter(change["type"] for change in document["resource_changes"])
    for type_ in (
        "aws_s3_bucket",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_policy",
        "aws_kms_key",
        "aws_iam_role",
        "aws_iam_policy",
        "aws_vpc_endpoint",
        "aws_security_group",
        "aws_servicecatalog_product",
    ):
        assert types[type_], type_


def test_loads_in_plan_index_and_settings_reach_their_bucket_through_for_each(plan: dict[str, object]) -> None:
    index = PlanIndex(plan)
    assert len(index.resources) == SIZE
    unnamed = [bucket for bucket in index.of_type("aws_s3_bucket") if bucket.has_unknown("bucket")]
    assert unnamed, "some bucket names are known only after apply"
    settings = [
        setting
        for setting in index.of_type("aws_s3_bucket_versioning")
        if setting.has_unknown("bucket") and setting.index in {bucket.index for bucket in unnamed}
    ]
    assert settings
    for setting in settings:
        (bucket,) = index.referenced(setting, "bucket")
        assert bucket.type == "aws_s3_bucket"
        assert bucket.index == setting.index and bucket.segments == setting.segments


def test_every_rule_family_finds_something(plan: dict[str, object]) -> None:
    policy = CheckPolicy(
        required_tags={"owner": [], "cost-center": [], "environment": []},
        required_interface_endpoints=["sagemaker.api", "sts"],
    )
    report = run_checks(plan, policy, require_vpce=True)
    families = {rule_id.rstrip("0123456789") for rule_id in all_rules()}
    found = Counter(finding.rule.rstrip("0123456789") for finding in report.findings)
    assert {family for family in families if not found[family]} == set()
    statuses = Counter(finding.status for finding in report.findings)
    assert statuses["pass"] and statuses["fail"] and statuses["unknown"], statuses


def test_plancheck_report_states_each_target_next_to_the_numbers() -> None:
    measurement = PlancheckMeasurement(
        resources=10_000,
        file_bytes=20 * 2**20,
        process=[1.2, 1.0, 1.1],
        in_process=[0.5, 0.6, 0.7],
        peak_rss=200 * 2**20,
        baseline_rss=60 * 2**20,
        baseline_seconds=0.5,
        checkov=ChildRun(seconds=110.0, peak_rss=2**30, returncode=1),
    )
    lines = plancheck_report([measurement])
    assert lines[2] == "| 10,000 | 20.0 | 1.10 | 0.60 | 110.00 | 100.0 | 200.0 | 140.0 | 10.0 | 7.0 |"
    text = "\n".join(lines)
    assert "plancheck 1.10 s as a process (NOT met), 0.60 s in-process (met)" in text
    assert "100.0x on 10,000 resources (met)" in text
    assert "total peak RSS 10.0x (NOT met); increase over the empty run 7.0x (NOT met)" in text
