"""TAG001 on a real plan: tags from the provider's default_tags, missing, wrong, empty, unknown."""

from __future__ import annotations

from typing import Any

from glue.plancheck.check import run_checks
from tests.plancheck.verdicts import after, load, messages, policy, verdicts

REQUIRED: dict[str, Any] = {
    "required_tags": {"owner": ["mlops-platform"], "environment": ["dev", "prod"], "data_classification": []}
}


def test_statuses_per_resource() -> None:
    assert verdicts(load("tags/cases"), policy(**REQUIRED), prefix="TAG") == {
        ("TAG001", "aws_sqs_queue.tagged"): "pass",
        ("TAG001", "aws_sqs_queue.untagged"): "fail",
        ("TAG001", "aws_sqs_queue.sandbox"): "fail",
        ("TAG001", "aws_sns_topic.empty"): "fail",
        ("TAG001", "aws_sqs_queue.pending"): "unknown",
        # aws_sqs_queue_policy and terraform_data take no tags: no finding
    }


def test_messages_name_the_problem() -> None:
    found = messages(load("tags/cases"), policy(**REQUIRED))
    assert found[("TAG001", "aws_sqs_queue.untagged")] == "missing data_classification"
    assert found[("TAG001", "aws_sqs_queue.sandbox")] == "environment='sandbox' (allowed: dev, prod)"
    assert found[("TAG001", "aws_sqs_queue.pending")] == "known after apply: data_classification"


def test_default_tags_alone_satisfy_keys_they_carry() -> None:
    only_defaults = policy(required_tags={"owner": [], "environment": ["dev"]})
    found = verdicts(load("tags/cases"), only_defaults, prefix="TAG")
    # sandbox overrides environment; pending's own tags are unknown as a whole, so they may override it too
    assert found == {
        ("TAG001", "aws_sqs_queue.tagged"): "pass",
        ("TAG001", "aws_sqs_queue.untagged"): "pass",
        ("TAG001", "aws_sqs_queue.sandbox"): "fail",
        ("TAG001", "aws_sns_topic.empty"): "pass",
        ("TAG001", "aws_sqs_queue.pending"): "pass",
    }


def test_tags_all_unknown_falls_back_to_own_tags_and_provider_defaults() -> None:
    plan = load("tags/cases")
    change = next(item for item in plan["resource_changes"] if item["address"] == "aws_sqs_queue.tagged")
    change["change"]["after"].pop("tags_all")
    change["change"]["after_unknown"]["tags_all"] = True
    assert verdicts(plan, policy(**REQUIRED), prefix="TAG")[("TAG001", "aws_sqs_queue.tagged")] == "pass"
    after(plan, "aws_sqs_queue.tagged")["tags"] = {}
    assert verdicts(plan, policy(**REQUIRED), prefix="TAG")[("TAG001", "aws_sqs_queue.tagged")] == "fail"


def test_no_required_tags_no_findings() -> None:
    assert verdicts(load("tags/cases"), prefix="TAG") == {}


def test_changed_only_skips_resources_left_alone() -> None:
    plan = load("tags/cases")
    for change in plan["resource_changes"]:
        if change["address"] == "aws_sqs_queue.untagged":
            change["change"]["actions"] = ["no-op"]
    found = run_checks(plan, policy(**REQUIRED), changed_only=True).findings
    assert "aws_sqs_queue.untagged" not in {finding.address for finding in found}
    assert "aws_sqs_queue.sandbox" in {finding.address for finding in found}
