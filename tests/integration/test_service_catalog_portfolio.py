"""modules/service_catalog_portfolio applied to the emulator: the portfolio with a team's principals (an
IAM role and an IAM_PATTERN) and its TagOption library, read back with boto3, re-planned (no changes)
and destroyed (no portfolio, no TagOption left). Shares need AWS Organizations and other accounts:
they are covered by the module's mocked `terraform test` and the plan inventories."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from glue import emulator
from tests.conftest import emulator_client
from tests.modules.harness import init_test_root
from tests.modules.service_catalog_portfolio.test_service_catalog_portfolio import HERE

pytestmark = pytest.mark.integration


def _portfolio_ids(client: Any, name: str) -> list[str]:
    return [str(p["Id"]) for p in client.list_portfolios()["PortfolioDetails"] if p["DisplayName"] == name]


def _tag_options(client: Any, key: str) -> dict[str, str]:
    """The account's TagOptions with this key: value -> id."""
    return {o["Value"]: o["Id"] for o in client.list_tag_options(Filters={"Key": key})["TagOptionDetails"]}


def test_portfolio_apply_read_back_destroy(
    running_emulator: emulator.RunningEmulator, tmp_path_factory: pytest.TempPathFactory
) -> None:
    suffix = uuid.uuid4().hex[:10]
    name = f"sagemaker-templates-integration-{suffix}"
    role = f"arn:aws:iam::123456789012:role/smt-portfolio-{suffix}-scientist"
    pattern = f"arn:aws:iam:::role/smt-portfolio-{suffix}-*"
    tag_key = f"cost-center-{suffix}"
    tf = init_test_root(HERE / "fixture", tmp_path_factory)
    inputs = {
        "name": name,
        "provider_name": "ML Platform Team",
        "description": "Applied by the integration suite.",
        "tags": {"team": "platform"},
        "teams": {"data-science": {"principal_arns": [role, pattern]}},
        "tag_options": {tag_key: ["cc-1", "cc-2"]},
    }
    tf_vars = {"emulator_endpoint": running_emulator.endpoint, "module_inputs": inputs}
    client = emulator_client("servicecatalog", running_emulator)
    tf.apply(tf_vars=tf_vars)
    try:
        (portfolio_id,) = _portfolio_ids(client, name)
        described = client.describe_portfolio(Id=portfolio_id)
        detail = described["PortfolioDetail"]
        assert detail["DisplayName"] == name
        assert detail["ProviderName"] == "ML Platform Team"
        assert detail["Description"] == "Applied by the integration suite."
        assert {tag["Key"]: tag["Value"] for tag in described.get("Tags", [])} == {"team": "platform"}

        principals = client.list_principals_for_portfolio(PortfolioId=portfolio_id)["Principals"]
        assert {(p["PrincipalARN"], p["PrincipalType"]) for p in principals} == {
            (role, "IAM"),
            (pattern, "IAM_PATTERN"),
        }
        assert len(principals) == 2

        options = _tag_options(client, tag_key)
        assert sorted(options) == ["cc-1", "cc-2"]
        assert sorted((o["Key"], o["Value"], o["Active"]) for o in described["TagOptions"]) == [
            (tag_key, "cc-1", True),
            (tag_key, "cc-2", True),
        ]
        for option_id in options.values():
            resources = client.list_resources_for_tag_option(TagOptionId=option_id, ResourceType="Portfolio")
            assert [r["Id"] for r in resources["ResourceDetails"]] == [portfolio_id]

        replan = tf.plan(output=True, tf_vars=tf_vars)
        changes = [
            c["address"]
            for c in replan.resource_changes.values()
            if c["change"]["actions"] not in (["no-op"], ["read"])
        ]
        assert not changes, changes
    finally:
        tf.destroy(tf_vars=tf_vars)
    assert not _portfolio_ids(client, name)
    assert _tag_options(client, tag_key) == {}
