"""modules/sagemaker_template_product applied to the emulator, with its prerequisites (a KMS-encrypted
templates bucket, a portfolio with a team and a TagOption, a launch role Service Catalog may assume):
two versions, read back with boto3, re-planned (no changes); then the added version deprecated by a
second apply; then destroyed (no product, constraint or association left).

Root: tests/integration/fixtures/sagemaker_template_product (the harness adds the emulator provider).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from glue import emulator
from tests.conftest import emulator_client
from tests.modules.harness import init_test_root

pytestmark = pytest.mark.integration

FIXTURE = Path(__file__).parent / "fixtures" / "sagemaker_template_product"
TEMPLATES = FIXTURE / "templates"


def _changes(plan: Any) -> list[str]:
    return sorted(c["address"] for c in plan.resource_changes.values() if c["change"]["actions"] != ["no-op"])


def _error_code(call: Any, **kwargs: Any) -> str:
    """The AWS error code the call fails with (the test fails when it succeeds)."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return str(caught.value.response["Error"]["Code"])


def test_product_apply_add_version_deprecate_destroy(
    running_emulator: emulator.RunningEmulator, tmp_path_factory: pytest.TempPathFactory
) -> None:
    name = f"smt-tpl-{uuid.uuid4().hex[:10]}"
    versions: dict[str, dict[str, Any]] = {
        "1.0.0": {"template_file": str(TEMPLATES / "model_build_1.yaml"), "description": "First release."},
        "1.1.0": {"template_file": str(TEMPLATES / "model_build_2.yaml")},
    }
    tf_vars: dict[str, Any] = {
        "emulator_endpoint": running_emulator.endpoint,
        "name": name,
        "versions": versions,
        "initial_version": "1.0.0",
    }
    catalog, s3 = emulator_client("servicecatalog", running_emulator), emulator_client("s3", running_emulator)
    tf = init_test_root(FIXTURE, tmp_path_factory)
    tf.apply(tf_vars=tf_vars)
    try:
        outputs = tf.output()
        product_id, portfolio_id = str(outputs["product_id"]), str(outputs["portfolio_id"])
        launch_role_arn = str(outputs["launch_role_arn"])

        product = catalog.describe_product_as_admin(Id=product_id)
        summary = product["ProductViewDetail"]["ProductViewSummary"]
        assert (summary["Name"], summary["Owner"]) == (name, "ML Platform Team")
        assert summary["ShortDescription"] == "Model building, applied by the integration suite."
        assert product["ProductViewDetail"]["Status"] == "CREATED"
        tags = {tag["Key"]: tag["Value"] for tag in product["Tags"]}
        assert tags == {"sagemaker:studio-visibility": "true", "team": "data-science", "owner": "platform"}

        # Both versions, their ids as the provisioning_artifacts data source and the added resource give them.
        artifacts = catalog.list_provisioning_artifacts(ProductId=product_id)["ProvisioningArtifactDetails"]
        by_name = {a["Name"]: a for a in artifacts}
        assert sorted(by_name) == ["1.0.0", "1.1.0"]
        assert outputs["provisioning_artifact_ids"] == {version: by_name[version]["Id"] for version in by_name}
        assert by_name["1.0.0"]["Description"] == "First release."
        assert all(a["Active"] and a["Guidance"] == "DEFAULT" for a in artifacts), artifacts
        for version, artifact in by_name.items():
            described = catalog.describe_provisioning_artifact(
                ProductId=product_id, ProvisioningArtifactId=artifact["Id"]
            )
            assert described["Info"]["TemplateUrl"] == outputs["template_urls"][version]
        key = outputs["template_urls"]["1.1.0"].split(".amazonaws.com/", 1)[1]
        head = s3.head_object(Bucket=f"{name}-templates", Key=key)
        assert head["ServerSideEncryption"] == "aws:kms"

        assert [p["Id"] for p in catalog.list_portfolios_for_product(ProductId=product_id)["PortfolioDetails"]] == [
            portfolio_id
        ]
        constraints = catalog.list_constraints_for_portfolio(PortfolioId=portfolio_id, ProductId=product_id)
        (constraint,) = constraints["ConstraintDetails"]
        assert constraint["ConstraintId"] == outputs["launch_constraint_id"]
        assert constraint["Type"] == "LAUNCH"
        described_constraint = catalog.describe_constraint(Id=constraint["ConstraintId"])
        assert json.loads(described_constraint["ConstraintParameters"]) == {"RoleArn": launch_role_arn}

        (tag_option_id,) = outputs["tag_option_ids"].values()
        on_products = catalog.list_resources_for_tag_option(TagOptionId=tag_option_id, ResourceType="Product")
        assert [r["Id"] for r in on_products["ResourceDetails"]] == [product_id]
        assert [o["Id"] for o in product["TagOptions"]] == [tag_option_id]

        # What the apply built is launchable: the team's role sees the product through the portfolio.
        scientist_paths = _as_role(running_emulator, str(outputs["scientist_arn"])).list_launch_paths(
            ProductId=product_id
        )["LaunchPathSummaries"]
        assert [path["Id"] for path in scientist_paths] == [portfolio_id]

        assert _changes(tf.plan(output=True, tf_vars=tf_vars)) == []

        # Deprecate the added version: UpdateProvisioningArtifact on the existing artifact, nothing replaced.
        versions["1.1.0"] = {**versions["1.1.0"], "active": False, "guidance": "DEPRECATED"}
        tf.apply(tf_vars=tf_vars)
        deprecated = catalog.describe_provisioning_artifact(
            ProductId=product_id, ProvisioningArtifactId=by_name["1.1.0"]["Id"]
        )["ProvisioningArtifactDetail"]
        assert (deprecated["Active"], deprecated["Guidance"]) == (False, "DEPRECATED")
        first = catalog.describe_provisioning_artifact(
            ProductId=product_id, ProvisioningArtifactId=by_name["1.0.0"]["Id"]
        )
        assert (first["ProvisioningArtifactDetail"]["Active"], first["ProvisioningArtifactDetail"]["Guidance"]) == (
            True,
            "DEFAULT",
        )
        artifacts = catalog.list_provisioning_artifacts(ProductId=product_id)["ProvisioningArtifactDetails"]
        assert sorted(a["Id"] for a in artifacts) == sorted(a["Id"] for a in by_name.values()), "no version replaced"
        assert tf.output()["product_id"] == product_id
    finally:
        tf.destroy(tf_vars=tf_vars)

    assert _error_code(catalog.describe_product_as_admin, Id=product_id) == "ResourceNotFoundException"
    assert _error_code(catalog.describe_constraint, Id=constraint["ConstraintId"]) == "ResourceNotFoundException"
    assert _error_code(catalog.describe_portfolio, Id=portfolio_id) == "ResourceNotFoundException"
    assert _error_code(catalog.describe_tag_option, Id=tag_option_id) == "ResourceNotFoundException"
    assert not catalog.search_products_as_admin(Filters={"FullTextSearch": [name]})["ProductViewDetails"]
    assert f"{name}-templates" not in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]


def _as_role(running: emulator.RunningEmulator, role_arn: str) -> Any:
    """A Service Catalog client signing as an STS session of the role."""
    credentials = emulator_client("sts", running).assume_role(RoleArn=role_arn, RoleSessionName="integration")[
        "Credentials"
    ]
    return boto3.client(
        "servicecatalog",
        endpoint_url=running.endpoint,
        region_name="us-east-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
