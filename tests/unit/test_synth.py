"""Synthesized stacks: provider by override, tags, account guard, backends, module wiring, determinism."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cdktf_app.app import build_app, synth
from cdktf_app.cdktf_compat import Testing as CdktfTesting
from cdktf_app.config import load_environment
from cdktf_app.paths import ENVIRONMENTS_DIR, MODULES_DIR
from cdktf_app.provider import EMULATED_SERVICES
from cdktf_app.stack import EnvironmentStack


def _synth(name: str, outdir: Path) -> dict[str, Any]:
    config = load_environment(name, ENVIRONMENTS_DIR)
    app = CdktfTesting.app()
    stack = EnvironmentStack(app, config, outdir)
    return dict(json.loads(CdktfTesting.synth(stack)))


def test_local_stack_targets_only_the_emulator(tmp_path: Path) -> None:
    stack = _synth("local", tmp_path)
    (provider,) = stack["provider"]["aws"]
    assert provider["allowed_account_ids"] == ["123456789012"]
    assert provider["default_tags"] == [
        {"tags": {"cost-center": "cc-0000", "environment": "local", "owner": "mlops-platform"}}
    ]
    (endpoints,) = provider["endpoints"]
    assert set(endpoints) == set(EMULATED_SERVICES)
    assert set(endpoints.values()) == {"${var.emulator_endpoint}"}
    assert provider["max_retries"] == 3
    assert "assume_role" not in provider
    assert stack["terraform"]["backend"] == {"local": {"path": "terraform.tfstate"}}
    assert stack["terraform"]["required_providers"]["aws"]["source"] == "hashicorp/aws"
    module = stack["module"]["seed_code_bucket"]
    assert module["include_conditional_denies"] is False
    assert module["force_destroy"] is True


def test_dev_stack_assumes_the_deploy_role_and_locks_state(tmp_path: Path) -> None:
    stack = _synth("dev", tmp_path)
    (provider,) = stack["provider"]["aws"]
    assert provider["allowed_account_ids"] == ["111122223333"]
    assert provider["assume_role"] == [
        {"role_arn": "arn:aws:iam::111122223333:role/mlops-platform-deploy", "session_name": "sagemaker-templates-dev"}
    ]
    assert "endpoints" not in provider
    assert "variable" not in stack, "a real environment has no emulator endpoint"
    backend = stack["terraform"]["backend"]["s3"]
    assert backend["use_lockfile"] is True
    assert backend["encrypt"] is True
    assert backend["kms_key_id"] == "alias/mlops-platform-tfstate"
    assert backend["assume_role"] == {"role_arn": "arn:aws:iam::111122223333:role/mlops-platform-deploy"}
    module = stack["module"]["seed_code_bucket"]
    assert module["include_conditional_denies"] is True
    assert module["allowed_vpc_endpoint_ids"] == ["vpce-0a1b2c3d4e5f60718"]


@pytest.mark.parametrize("name", ["local", "dev"])
def test_module_source_resolves_from_the_stack_folder(tmp_path: Path, name: str) -> None:
    outdir = tmp_path / "cdktf.out"
    (stack_dir,) = synth([load_environment(name, ENVIRONMENTS_DIR)], outdir)
    source = json.loads((stack_dir / "cdk.tf.json").read_text())["module"]["seed_code_bucket"]["source"]
    assert not Path(source).is_absolute(), "absolute paths would make synthesis machine-dependent"
    assert (stack_dir / source).resolve() == (MODULES_DIR / "seed_code_bucket").resolve()


def test_synthesis_is_byte_identical_across_runs(tmp_path: Path) -> None:
    configs = [load_environment(name, ENVIRONMENTS_DIR) for name in ("local", "dev")]
    outdir = tmp_path / "cdktf.out"
    first = {path: (path / "cdk.tf.json").read_bytes() for path in synth(configs, outdir)}
    build_app(configs, outdir).synth()
    second = {path: (path / "cdk.tf.json").read_bytes() for path in first}
    assert first == second


def test_synthesized_dev_stack_is_valid_terraform(tmp_path: Path) -> None:
    """Without credentials the real environment still validates (init without backend, then validate)."""
    (stack_dir,) = synth([load_environment("dev", ENVIRONMENTS_DIR)], tmp_path / "cdktf.out")
    for command in (
        ["terraform", "init", "-backend=false", "-input=false", "-no-color"],
        ["terraform", "validate", "-no-color"],
    ):
        result = subprocess.run(command, cwd=stack_dir, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
