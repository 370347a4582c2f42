"""The command line as users meet it: one-line errors, exit codes, nothing run after bad input."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from cdktf_app.paths import REPO_ROOT
from cdktf_app.targets import stack_targets
from glue import emulator, workflow
from glue.errors import UserError
from glue.terraform import explain_failure
from tests.conftest import write_environment


def _glue(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "glue", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=120,
    )


def test_invalid_environment_fails_before_anything_runs(tmp_path: Path) -> None:
    write_environment(
        tmp_path,
        "broken",
        (REPO_ROOT / "environments" / "local.yaml")
        .read_text()
        .replace("name: local", "name: broken")
        .replace("region: us-east-1", "region: moon"),
    )
    emulated = workflow.Workspace.emulated().emulator_state
    running_before = emulator.status(emulated) is not None
    commands = (
        ["plan", "broken"],
        ["plan", "broken", "--emulate"],
        ["plan-all", "--emulate"],
        ["apply", "broken"],
        ["destroy", "broken", "--yes"],
        ["config-check"],
    )
    for command in commands:
        result = _glue(*command, env={"SMT_ENVIRONMENTS_DIR": str(tmp_path)})
        assert result.returncode == 2, result
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert re.fullmatch(
            r"error: .*broken\.yaml: field 'region': 'moon' is not allowed: expected .*eu-west-1", lines[0]
        )
        assert "Synthesizing" not in result.stdout
    assert not (REPO_ROOT / "cdktf.out" / "stacks" / "broken").exists()
    if not running_before:
        assert emulator.status(emulated) is None, "a broken environment must not start the review emulator"


def test_missing_terraform_is_one_clear_line(tmp_path: Path) -> None:
    result = _glue("plan", "local", env={"PATH": str(tmp_path), "TERRAFORM": "terraform"})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: terraform not found on PATH: install Terraform >= 1.11 or set TERRAFORM=/path/to/terraform"
    )


def test_preflight_names_the_missing_tool(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    assert bash
    result = subprocess.run(
        [bash, "scripts/preflight.sh"],
        cwd=REPO_ROOT,
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: terraform not found on PATH: install Terraform >= 1.11")
    assert len(result.stderr.strip().splitlines()) == 1


def test_make_plan_without_env_says_how_to_call_it() -> None:
    result = subprocess.run(["make", "plan"], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "error: ENV is required, e.g. make plan ENV=local" in result.stderr


def test_readme_lists_every_make_target() -> None:
    help_text = subprocess.run(["make", "help"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    targets = re.findall(r"^  make (\S+)", help_text, flags=re.MULTILINE)
    readme = (REPO_ROOT / "README.md").read_text()
    assert len(targets) > 10
    missing = [target for target in targets if f"`make {target}`" not in readme]
    assert not missing, f"README's target table lacks {missing}"


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("Error: No valid credential sources found", "no AWS credentials found"),
        (
            "Error: AWS account ID not allowed: 444455556666",
            "account 444455556666, which this environment does not allow",
        ),
        ("Error: Saved plan is stale", "run `make plan ENV=<env>` again"),
        ("dial tcp 127.0.0.1:4566: connect: connection refused", "make emulator-up"),
        (
            "something\nError: Unsupported argument\n  on main.tf line 1",
            "terraform apply failed:\nError: Unsupported argument",
        ),
    ],
)
def test_terraform_failures_become_cause_and_fix(output: str, expected: str) -> None:
    assert expected in explain_failure("apply", output)


def test_apply_refuses_a_plan_made_from_other_inputs(workspace: workflow.Workspace) -> None:
    config = workspace.load("local")
    workflow.synthesize([config], workspace)
    (target,) = stack_targets(config)
    terraform = workflow.terraform_for(config, target, workspace)
    stack = workspace.stack(target)
    (stack / workflow.PLAN_FILE).write_bytes(b"not a real plan")
    meta = {"environment": "local", "fingerprint": "0" * 64, "endpoint": terraform.env["TF_VAR_emulator_endpoint"]}
    (stack / workflow.PLAN_META).write_bytes(orjson.dumps(meta))
    with pytest.raises(UserError, match="out of date"):
        workflow.apply(config, target, workspace, terraform)
    meta["fingerprint"] = workflow.fingerprint(config, target, workspace)
    # A rendered template is part of what was planned: changing it makes the plan stale too.
    template = next((stack / "templates").glob("*.yaml"))
    template.write_text(template.read_text() + "# edited\n")
    (stack / workflow.PLAN_META).write_bytes(orjson.dumps(meta))
    with pytest.raises(UserError, match="out of date"):
        workflow.apply(config, target, workspace, terraform)
    meta["fingerprint"] = workflow.fingerprint(config, target, workspace)
    meta["endpoint"] = "http://127.0.0.1:1"
    (stack / workflow.PLAN_META).write_bytes(orjson.dumps(meta))
    with pytest.raises(UserError, match="emulator restarted"):
        workflow.apply(config, target, workspace, terraform)


def test_real_environments_planned_on_the_emulator_are_never_applied(workspace: workflow.Workspace) -> None:
    emulated = dataclasses.replace(workspace, emulate=True)
    config = emulated.load("prod")
    workflow.synthesize([config], emulated)
    for target in stack_targets(config):
        terraform = workflow.terraform_for(config, target, emulated)
        with pytest.raises(UserError, match="for review only"):
            workflow.apply(config, target, emulated, terraform)
