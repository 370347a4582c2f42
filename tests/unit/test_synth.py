"""Synthesized stacks: one per environment and stage account; provider, backend, wiring, determinism."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from cdktf_app.app import synth
from cdktf_app.config import available_environments, load_environment
from cdktf_app.paths import ENVIRONMENTS_DIR, MODULES_DIR
from cdktf_app.provider import EMULATED_SERVICES
from cdktf_app.targets import stack_targets

ENVIRONMENTS = available_environments(ENVIRONMENTS_DIR)


def _stacks(name: str, outdir: Path, emulate: bool = False, directory: Path = ENVIRONMENTS_DIR) -> dict[str, Any]:
    """Every stack of one environment, by stack name, as synthesized JSON."""
    paths = synth([load_environment(name, directory)], outdir, emulate=emulate)
    return {path.name: json.loads((path / "cdk.tf.json").read_text()) for path in paths}


def _provider(stack: dict[str, Any]) -> dict[str, Any]:
    (provider,) = stack["provider"]["aws"]
    return dict(provider)


def test_every_example_environment_exists() -> None:
    assert {"local", "dev", "staging", "prod"} <= set(ENVIRONMENTS)


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_each_environment_synthesizes_its_stacks(tmp_path: Path, name: str) -> None:
    config = load_environment(name, ENVIRONMENTS_DIR)
    stacks = _stacks(name, tmp_path)
    assert list(stacks) == [target.name for target in stack_targets(config)]
    tooling = stacks[name]
    provider = _provider(tooling)
    assert provider["allowed_account_ids"] == config.effective_allowed_account_ids
    assert provider["default_tags"] == [{"tags": config.default_tags}]
    modules = tooling["module"]
    assert {"seed_code_bucket"} <= set(modules)
    for team in config.teams:
        assert f"team_{team.replace('-', '_')}_roles" in modules
    if config.publishes_to_s3:
        templates = modules["s3_templates"]["templates"]
        assert set(templates) == set(config.products)
        for entry in templates.values():
            assert (tmp_path / "stacks" / name / entry["source_path"]).is_file(), "rendered template is written"
    products = [key for key in modules if key.startswith("product_")]
    if config.publishes_to_service_catalog:
        expected = sum(len(team.products) for team in config.teams.values())
        assert len(products) == expected, "one Service Catalog product per team and product"
    else:
        assert not products
    for stack in stacks.values():
        for module in stack.get("module", {}).values():
            source = module["source"]
            assert not Path(source).is_absolute(), "absolute paths would make synthesis machine-dependent"
            assert (tmp_path / "stacks" / name / source).resolve().parent == MODULES_DIR.resolve()


def test_local_stack_targets_only_the_emulator(tmp_path: Path) -> None:
    stack = _stacks("local", tmp_path)["local"]
    provider = _provider(stack)
    assert provider["allowed_account_ids"] == ["123456789012"]
    (endpoints,) = provider["endpoints"]
    assert set(endpoints) == set(EMULATED_SERVICES)
    assert set(endpoints.values()) == {"${var.emulator_endpoint}"}
    assert provider["max_retries"] == 3
    assert "assume_role" not in provider
    assert stack["terraform"]["backend"] == {"local": {"path": "terraform.tfstate"}}
    module = stack["module"]["seed_code_bucket"]
    assert module["include_conditional_denies"] is False
    assert module["force_destroy"] is True


def test_wiring_between_modules(tmp_path: Path) -> None:
    """Endpoint ids -> bucket policy, roles -> launch constraints, rendered templates -> products."""
    modules = _stacks("prod", tmp_path)["prod"]["module"]
    seed = modules["seed_code_bucket"]
    assert seed["allowed_vpc_endpoint_ids"] == ["${module.vpc_endpoints.s3_gateway_endpoint_id}"]
    assert "depends_on" not in seed, "module-wide depends_on would defer every policy in it to apply time"
    assert "${module.team_risk_models_roles.launch_role_arn}" in seed["reader_principal_arns"]
    endpoints = modules["vpc_endpoints"]
    assert endpoints["vpc_id"] == "vpc-0c1d2e3f4a5b60718"
    assert "arn:aws:s3:::sm-templates-prod-seed-333344445555-eu-west-1" in endpoints["allowed_bucket_arns"]
    product = modules["product_risk_models_async_inference"]
    assert product["launch_role_arn"] == "${module.team_risk_models_roles.launch_role_arn}"
    assert product["portfolio_id"] == "${module.portfolio.portfolio_id}"
    assert product["templates_kms_key_arn"] == "${module.seed_code_bucket.kms_key_arn}"
    assert product["versions"] == {"1.0": {"template_file": "templates/async-inference.yaml"}}
    assert product["team"] == "risk-models"
    shared = modules["product_data_science_build_train_deploy"]
    assert shared["product_name"].endswith("[data-science]"), "a product two teams launch is named per team"
    roles = modules["team_risk_models_roles"]
    types = set(roles["template_resource_types"])
    assert {"AWS::CodePipeline::Pipeline", "AWS::SageMaker::ModelPackageGroup", "AWS::S3::Bucket"} <= types
    assert "AWS::Lambda::Function" in types, "promote-pipeline mirrors a Bitbucket server through a function"
    data_science = modules["team_data_science_roles"]["template_resource_types"]
    assert "AWS::Lambda::Function" not in data_science, "a launch role gets only what its team's templates use"
    assert roles["required_tags"]["data-classification"] == ["internal", "confidential"]
    portfolio = modules["portfolio"]
    assert portfolio["teams"]["risk-models"]["principal_arns"][1] == "arn:aws:iam::333344445555:group/risk-analysts"


def test_created_network_feeds_the_endpoints(tmp_path: Path) -> None:
    modules = _stacks("staging", tmp_path)["staging"]["module"]
    assert modules["network"]["availability_zones"] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert modules["vpc_endpoints"]["subnet_ids"] == "${module.network.subnet_ids}"
    assert modules["vpc_endpoints"]["route_table_ids"] == "${module.network.route_table_ids}"


def test_prod_spans_three_accounts_with_their_own_state(tmp_path: Path) -> None:
    stacks = _stacks("prod", tmp_path)
    assert list(stacks) == ["prod", "prod-555566667777", "prod-777788889999"]
    staging = stacks["prod-555566667777"]
    provider = _provider(staging)
    assert provider["allowed_account_ids"] == ["555566667777"]
    assert provider["assume_role"][0]["role_arn"] == "arn:aws:iam::555566667777:role/mlops-platform-deploy"
    backend = staging["terraform"]["backend"]["s3"]
    assert backend["key"] == "sagemaker-templates/prod/terraform.555566667777.tfstate"
    assert backend["bucket"] == "mlops-platform-tfstate-333344445555-eu-west-1", "state stays in the tooling account"
    (module,) = staging["module"].values()
    assert module["trusted_principal_arns"] == [
        "arn:aws:iam::333344445555:role/smt-prod-data-science-codepipeline",
        "arn:aws:iam::333344445555:role/smt-prod-data-science-cloudformation",
        "arn:aws:iam::333344445555:role/smt-prod-risk-models-codepipeline",
        "arn:aws:iam::333344445555:role/smt-prod-risk-models-cloudformation",
    ]
    sharing = stacks["prod"]["module"]["cross_account_sharing"]["stages"]
    assert sharing["prod"]["account_id"] == "777788889999"
    assert "arn:aws:iam::777788889999:role/smt-prod-prod-sagemaker" in sharing["prod"]["principal_arns"]


def test_emulated_plans_keep_the_role_but_not_the_backend(tmp_path: Path) -> None:
    """--emulate: same accounts (the emulator honours AssumeRole), emulator endpoints, local state."""
    stacks = _stacks("prod", tmp_path, emulate=True)
    for name, stack in stacks.items():
        provider = _provider(stack)
        assert "assume_role" in provider, name
        assert set(provider["endpoints"][0].values()) == {"${var.emulator_endpoint}"}
        assert "local" in stack["terraform"]["backend"], name
    assert stacks["prod"]["module"]["seed_code_bucket"]["include_conditional_denies"] is True


def test_synthesis_is_byte_identical_across_runs(tmp_path: Path) -> None:
    configs = [load_environment(name, ENVIRONMENTS_DIR) for name in ENVIRONMENTS]

    def snapshot(outdir: Path) -> dict[str, bytes]:
        synth(configs, outdir)
        return {
            str(path.relative_to(outdir)): path.read_bytes()
            for path in sorted((outdir / "stacks").rglob("*"))
            if path.is_file()
        }

    first = snapshot(tmp_path / "first")
    assert any(name.endswith(".yaml") for name in first), "rendered templates are part of the output"
    assert first == snapshot(tmp_path / "second")


def test_changing_one_environment_changes_only_its_stacks(tmp_path: Path) -> None:
    directory = tmp_path / "environments"
    shutil.copytree(ENVIRONMENTS_DIR, directory)

    def synthesized() -> dict[str, bytes]:
        configs = [load_environment(name, directory) for name in ENVIRONMENTS]
        return {path.name: (path / "cdk.tf.json").read_bytes() for path in synth(configs, tmp_path / "out")}

    before = synthesized()
    path = directory / "staging.yaml"
    path.write_text(path.read_text().replace("eu-west-1c]", "eu-west-1c]\n  interface_endpoints: [sts]"))
    after = synthesized()
    assert [name for name in before if before[name] != after[name]] == ["staging"]
    assert set(before) == set(after)
