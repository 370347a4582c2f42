"""modules/service_catalog_portfolio applied to the emulator: the portfolio alone, read back with boto3,
re-planned (no changes) and destroyed. moto 5.2.5 has no principal associations, TagOptions or shares;
those are covered by the module's mocked `terraform test` and the plan inventories."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from glue import emulator
from tests.modules.harness import init_test_root
from tests.modules.service_catalog_portfolio.test_service_catalog_portfolio import HERE

pytestmark = pytest.mark.integration

NAME = "sagemaker-templates-integration"


def _servicecatalog(running: emulator.RunningEmulator) -> Any:
    return boto3.client(
        "servicecatalog",
        endpoint_url=running.endpoint,
        region_name="us-east-1",
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
    )


def _portfolio_ids(client: Any) -> list[str]:
    return [str(p["Id"]) for p in client.list_portfolios()["PortfolioDetails"] if p["DisplayName"] == NAME]


def test_portfolio_apply_read_back_destroy(
    running_emulator: emulator.RunningEmulator, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tf = init_test_root(HERE / "fixture", tmp_path_factory)
    inputs = {
        "name": NAME,
        "provider_name": "ML Platform Team",
        "description": "Applied by the integration suite.",
        "tags": {"team": "platform"},
    }
    tf_vars = {"emulator_endpoint": running_emulator.endpoint, "module_inputs": inputs}
    client = _servicecatalog(running_emulator)
    tf.apply(tf_vars=tf_vars)
    try:
        (portfolio_id,) = _portfolio_ids(client)
        described = client.describe_portfolio(Id=portfolio_id)
        detail = described["PortfolioDetail"]
        assert detail["DisplayName"] == NAME
        assert detail["ProviderName"] == "ML Platform Team"
        assert detail["Description"] == "Applied by the integration suite."
        assert {tag["Key"]: tag["Value"] for tag in described.get("Tags", [])} == {"team": "platform"}

        replan = tf.plan(output=True, tf_vars=tf_vars)
        changes = [c["address"] for c in replan.resource_changes.values() if c["change"]["actions"] != ["no-op"]]
        assert not changes, changes
    finally:
        tf.destroy(tf_vars=tf_vars)
    assert not _portfolio_ids(client)
