"""The plan-check policy of each shipped environment, and its suppression files."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdktf_app.config import available_environments, load_environment
from cdktf_app.paths import ENVIRONMENTS_DIR
from glue.plancheck.environment_policy import SUPPRESSIONS_DIR, default_interface_endpoints, environment_policy
from glue.plancheck.policy import PolicyError

SUPPRESSION = """suppressions:
  - rule: S3006
    address: "module.s3_templates.*"
    justification: read by the service, not through our endpoints
    owner: platform
    expires: 2030-01-01
  - rule: TAG001
    address: "*"
    stack: "prod-*"
    justification: stage stacks are tagged by the stage account's own policy
    owner: platform
    expires: 2030-01-01
"""


def test_real_environments_require_their_tag_values_and_vpc_endpoint_only_buckets() -> None:
    prod = environment_policy(load_environment("prod", ENVIRONMENTS_DIR))
    assert prod.environment == "prod"
    assert prod.required_tags["environment"] == ["prod"]
    assert prod.required_tags["data-classification"] == ["confidential"]
    assert prod.require_vpce is True
    assert prod.required_interface_endpoints == list(default_interface_endpoints())
    assert "sagemaker.api" in prod.required_interface_endpoints


def test_the_emulator_environment_does_not_require_vpc_endpoint_denies() -> None:
    local = environment_policy(load_environment("local", ENVIRONMENTS_DIR))
    assert local.require_vpce is False


def test_stage_stacks_do_not_own_the_network_endpoints() -> None:
    config = load_environment("prod", ENVIRONMENTS_DIR)
    assert environment_policy(config, "prod-555566667777", tooling=False).required_interface_endpoints == []


def test_suppressions_apply_to_the_stacks_they_name(tmp_path: Path) -> None:
    config = load_environment("prod", ENVIRONMENTS_DIR)
    (tmp_path / "prod.yaml").write_text(SUPPRESSION)
    tooling = environment_policy(config, "prod", directory=tmp_path)
    stage = environment_policy(config, "prod-555566667777", tooling=False, directory=tmp_path)
    assert [item.rule for item in tooling.suppressions] == ["S3006"]
    assert [item.rule for item in stage.suppressions] == ["TAG001"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("suppressions:\n  - rule: S3006\n    address: x\n", "suppressions.0.justification: Field required"),
        ("other: 1\n", "only `suppressions:`"),
        (SUPPRESSION.replace("2030-01-01", "someday", 1), "suppressions.0.expires"),
    ],
)
def test_a_broken_suppression_file_names_the_file_and_the_field(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "dev.yaml").write_text(text)
    with pytest.raises(PolicyError) as raised:
        environment_policy(load_environment("dev", ENVIRONMENTS_DIR), directory=tmp_path)
    assert str(tmp_path / "dev.yaml") in str(raised.value)
    assert expected in str(raised.value)


@pytest.mark.parametrize("name", available_environments(ENVIRONMENTS_DIR))
def test_shipped_suppression_files_load_and_say_why(name: str) -> None:
    config = load_environment(name, ENVIRONMENTS_DIR)
    suppressions = environment_policy(config).suppressions
    assert (SUPPRESSIONS_DIR / f"{name}.yaml").exists()
    assert all(len(item.justification) > 40 and item.owner for item in suppressions)
