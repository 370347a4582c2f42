"""Environment files: the shipped ones validate; broken ones name the file, the field and what is allowed."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import orjson
import pytest
import yaml

from cdktf_app.config import SCHEMA_FILE_NAME, ConfigError, available_environments, json_schema, load_environment
from cdktf_app.paths import ENVIRONMENTS_DIR
from tests.conftest import write_environment

LOCAL = """\
name: {name}
account_id: "123456789012"
region: us-east-1
emulator: true
backend: {{type: local}}
publish_mode: s3
required_tags:
  environment: {{value: local, allowed: [local, dev]}}
"""

REAL = """\
name: {name}
account_id: "111122223333"
region: eu-west-1
deploy_role_arn: arn:aws:iam::111122223333:role/deploy
backend:
  type: s3
  bucket: state-bucket-111122223333
  key: envs/{name}/terraform.tfstate
  region: eu-west-1
  kms_key_id: alias/state
required_tags:
  environment: {{value: dev}}
seed_code_bucket:
  allowed_vpc_endpoint_ids: [vpce-0123456789abcdef0]
"""


@pytest.mark.parametrize("name", available_environments(ENVIRONMENTS_DIR))
def test_shipped_environments_are_valid(name: str) -> None:
    config = load_environment(name, ENVIRONMENTS_DIR)
    assert config.name == name
    assert config.default_tags, "every environment tags its resources"


def test_shipped_environments_include_local_and_dev() -> None:
    assert {"local", "dev"} <= set(available_environments(ENVIRONMENTS_DIR))


def test_minimal_files_are_valid(tmp_path: Path) -> None:
    write_environment(tmp_path, "sandbox", LOCAL.format(name="sandbox"))
    write_environment(tmp_path, "qa", REAL.format(name="qa"))
    assert load_environment("sandbox", tmp_path).emulator
    real = load_environment("qa", tmp_path)
    assert real.effective_allowed_account_ids == ["111122223333"]
    assert real.seed_code_bucket_name == "sm-templates-qa-seed-111122223333-eu-west-1"


BROKEN = [
    # (base, old text, new text, expected fragments of the error)
    ("local", "region: us-east-1", "region: mars-1", ["field 'region'", "'mars-1'", "eu-west-1"]),
    ("local", 'account_id: "123456789012"', "account_id: 123456789012", ["field 'account_id'", "quoted"]),
    ("local", "emulator: true", "emulator: true\ncolour: blue", ["field 'colour'", "unknown key", "allowed keys here"]),
    (
        "real",
        "kms_key_id: alias/state",
        "kms_key_id: alias/state\n  lockfile: true",
        ["field 'backend.lockfile'", "unknown key", "bucket, key, kms_key_id"],
    ),
    ("local", "backend: {type: local}", "backend: {type: gcs}", ["field 'backend'", "'local', 's3'"]),
    (
        "local",
        "{value: local, allowed: [local, dev]}",
        "{value: prod, allowed: [local, dev]}",
        ["field 'required_tags.environment'", "'prod'", "['local', 'dev']"],
    ),
    ("local", "environment:", "aws:environment:", ["field 'required_tags'", "reserved"]),
    (
        "local",
        "backend: {type: local}",
        "backend: {type: s3, bucket: b-b-b, key: a.tfstate, region: us-east-1, kms_key_id: alias/k}",
        ["field 'backend.type'", "must be 'local' when emulator is true"],
    ),
    (
        "real",
        "deploy_role_arn: arn:aws:iam::111122223333:role/deploy\n",
        "",
        ["field 'deploy_role_arn'", "required for a real AWS environment"],
    ),
    (
        "real",
        "deploy_role_arn: arn:aws:iam::111122223333:role/deploy",
        "deploy_role_arn: arn:aws:iam::444455556666:role/deploy",
        ["field 'deploy_role_arn'", "111122223333"],
    ),
    (
        "real",
        "  allowed_vpc_endpoint_ids: [vpce-0123456789abcdef0]",
        "  allowed_vpc_endpoint_ids: []",
        ["field 'seed_code_bucket.allowed_vpc_endpoint_ids'", "at least one"],
    ),
    (
        "real",
        "  allowed_vpc_endpoint_ids: [vpce-0123456789abcdef0]",
        "  allowed_vpc_endpoint_ids: [vpc-1]",
        ["field 'seed_code_bucket.allowed_vpc_endpoint_ids.0'", "vpce-0123456789abcdef0"],
    ),
    (
        "real",
        "seed_code_bucket:",
        "seed_code_bucket:\n  bucket_name: " + "a" * 64,
        ["field 'seed_code_bucket.bucket_name'", "over S3's 63"],
    ),
    (
        "real",
        "seed_code_bucket:",
        "seed_code_bucket:\n  name_prefix: Platform_Templates",
        ["field 'seed_code_bucket.name_prefix'", "lowercase"],
    ),
    ("real", "required_tags:\n  environment: {value: dev}\n", "", ["field 'required_tags'", "required but missing"]),
]


@pytest.mark.parametrize(("base", "old", "new", "fragments"), BROKEN, ids=[case[3][0] for case in BROKEN])
def test_broken_files_name_file_field_and_allowed(
    tmp_path: Path, base: str, old: str, new: str, fragments: list[str]
) -> None:
    text = (LOCAL if base == "local" else REAL).format(name="broken")
    assert old in text, "the case must change the file"
    write_environment(tmp_path, "broken", text.replace(old, new))
    with pytest.raises(ConfigError) as raised:
        load_environment("broken", tmp_path)
    message = str(raised.value)
    assert "broken.yaml" in message
    for fragment in fragments:
        assert fragment in message, message
    assert all(line.count("broken.yaml") == 1 for line in message.splitlines()), "each line names the file once"


def test_name_must_match_the_file(tmp_path: Path) -> None:
    write_environment(tmp_path, "one", LOCAL.format(name="two"))
    with pytest.raises(ConfigError, match=r"one.yaml: field 'name': 'two' must equal the file name 'one'"):
        load_environment("one", tmp_path)


def test_missing_file_lists_the_available_environments(tmp_path: Path) -> None:
    write_environment(tmp_path, "local", LOCAL.format(name="local"))
    with pytest.raises(ConfigError, match=r"nope.yaml: no such environment file \(available environments: local\)"):
        load_environment("nope", tmp_path)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    write_environment(tmp_path, "bad", "name: bad\nregion: [unclosed\n")
    with pytest.raises(ConfigError, match=r"bad.yaml: line \d+"):
        load_environment("bad", tmp_path)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    write_environment(tmp_path, "bad", "- a\n- b\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_environment("bad", tmp_path)


def test_committed_json_schema_is_current_and_accepts_the_shipped_files() -> None:
    committed = orjson.loads((ENVIRONMENTS_DIR / SCHEMA_FILE_NAME).read_bytes())
    assert committed == json_schema(), "environments/environment.schema.json is stale: run `make schema`"
    for name in available_environments(ENVIRONMENTS_DIR):
        jsonschema.validate(yaml.safe_load((ENVIRONMENTS_DIR / f"{name}.yaml").read_text()), committed)
    with pytest.raises(jsonschema.ValidationError, match="colour"):
        document = yaml.safe_load((ENVIRONMENTS_DIR / "local.yaml").read_text())
        jsonschema.validate({**document, "colour": "blue"}, committed)


# Broken variants of the shipped prod file (network, stages, teams, products): (old, new, fragments).
PROD_BROKEN = [
    (
        "    mode: existing",
        "    mode: existing\n    cidr_block: 10.0.0.0/16",
        ["field 'network.vpc.cidr_block'", "unknown key", "cidr_blocks, mode, route_table_ids"],
    ),
    ("    mode: existing", "    mode: borrowed", ["field 'network.vpc'", "'borrowed'", "'existing', 'create'"]),
    ("vpc_id: vpc-0c1d2e3f4a5b60718", "vpc_id: vpc-XYZ", ["field 'network.vpc.vpc_id'", "'vpc-XYZ'", "vpc-0123"]),
    ("hosting: async", "hosting: edge", ["field 'products.async-inference.hosting'", "'edge'", "'serverless'"]),
    (
        "provider: gitlab_self_managed",
        "provider: gitea",
        ["field 'products.async-inference.scm'", "needs server_url and credentials_secret_arn"],
    ),
    (
        "    deploy_role_arn: arn:aws:iam::777788889999:role/mlops-platform-deploy\n",
        "",
        ["field 'stages.prod.deploy_role_arn'", "another account (777788889999)"],
    ),
    (
        "arn:aws:iam::777788889999:role/mlops-platform-deploy",
        "arn:aws:iam::555566667777:role/mlops-platform-deploy",
        ["field 'stages.prod.deploy_role_arn'", "stage's account 777788889999"],
    ),
    (
        "    stages: [staging, prod]\n    approvals:\n      manual:\n        prod: [{name: ReleaseApproval",
        "    stages: [staging, qa]\n    approvals:\n      manual:\n        prod: [{name: ReleaseApproval",
        ["field 'products.async-inference.stages.1'", "'qa'", "['staging', 'prod']"],
    ),
    (
        "products: [build-train-deploy, async-inference, credit-models, promote-pipeline]",
        "products: [build-train-deploy, batch-scoring, credit-models, promote-pipeline]",
        ["field 'teams.risk-models.products.1'", "'batch-scoring'", "field 'products.async-inference'", "no team"],
    ),
    ("  risk-models:\n", "  Risk_Models:\n", ["field 'teams.Risk_Models'", "is not allowed", "lowercase"]),
    (
        '    principals: ["arn:aws:iam:::role/data-scientist"]',
        '    principals: ["data-scientist"]',
        ["field 'teams.data-science.principals.0'", "'data-scientist'", "IAM role, user or group ARN"],
    ),
    ("publish_mode: both", "publish_mode: catalog", ["field 'publish_mode'", "'catalog'", "'service_catalog'"]),
    (
        "      - {name: lgd, metric: rmse, threshold: 0.2, higher_is_better: false}\n",
        "",
        ["field 'products.credit-models'", "at least two entries in models"],
    ),
    (
        "    kind: promotion",
        "    kind: multi_branch",
        ["field 'products.promote-pipeline'", "'multi_branch' needs a CodeConnections provider"],
    ),
    (
        "    subnet_ids: [subnet-05a6b7c8d9e0f1a21, subnet-05a6b7c8d9e0f1a22]\n",
        "",
        ["field 'stages.staging'", "VPC-only product 'async-inference'"],
    ),
]


@pytest.mark.parametrize(("old", "new", "fragments"), PROD_BROKEN, ids=[case[2][0] for case in PROD_BROKEN])
def test_broken_sections_name_file_field_and_allowed(tmp_path: Path, old: str, new: str, fragments: list[str]) -> None:
    text = (ENVIRONMENTS_DIR / "prod.yaml").read_text()
    assert old in text, "the case must change the file"
    write_environment(tmp_path, "prod", text.replace(old, new, 1))
    with pytest.raises(ConfigError) as raised:
        load_environment("prod", tmp_path)
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message, message
    assert all(line.count("prod.yaml") == 1 for line in message.splitlines()), "each line names the file once"


def test_availability_zones_must_be_in_the_region(tmp_path: Path) -> None:
    text = (ENVIRONMENTS_DIR / "staging.yaml").read_text().replace("eu-west-1c]", "us-east-1a]")
    write_environment(tmp_path, "staging", text)
    with pytest.raises(ConfigError, match=r"field 'network.vpc.availability_zones.2': 'us-east-1a' is not in"):
        load_environment("staging", tmp_path)


def test_the_emulator_environment_publishes_both_ways() -> None:
    """The emulator's Service Catalog (glue/motoext) takes products, so local publishes as real environments do."""
    config = load_environment("local", ENVIRONMENTS_DIR)
    assert config.publishes_to_service_catalog and config.publishes_to_s3


def test_role_names_must_fit_iam(tmp_path: Path) -> None:
    text = (
        (ENVIRONMENTS_DIR / "prod.yaml")
        .read_text()
        .replace("publish_mode: both", "name_prefix: platform-mlops01\npublish_mode: both")
    )
    text = text.replace("  data-science:\n", "  data-science-platform-team-x:\n")
    write_environment(tmp_path, "prod", text)
    with pytest.raises(ConfigError, match=r"field 'teams.data-science-platform-team-x': role names .* at most 49"):
        load_environment("prod", tmp_path)
