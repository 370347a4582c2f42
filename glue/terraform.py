"""A small typed runner for the Terraform CLI (docs/adr/0003-terraform-runner.md).

It runs `terraform` with the repository's CLI configuration, never prompts, and turns the
failures users meet most (no credentials, wrong account, emulator down, stale plan) into
one line with the cause and the fix.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from cdktf_app.paths import REPO_ROOT
from glue.errors import UserError

CLI_CONFIG_FILE = REPO_ROOT / "terraform" / "cli" / "terraform.rc"
CLI_CONFIG_SCRIPT = REPO_ROOT / "terraform" / "cli" / "configure.sh"

# (pattern in Terraform's error output, one-line cause and fix)
KNOWN_FAILURES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"No valid credential sources found|failed to refresh cached credentials|NoCredentialProviders"),
        "no AWS credentials found: log in (e.g. `aws sso login`) or export AWS_PROFILE, then retry",
    ),
    (
        re.compile(r"AWS account ID not allowed: (\d+)"),
        "the credentials belong to account {0}, which this environment does not allow "
        "(allowed_account_ids): switch to the environment's account and retry",
    ),
    (
        re.compile(r"ExpiredToken|security token included in the request is expired"),
        "the AWS session has expired: log in again (e.g. `aws sso login`) and retry",
    ),
    (
        re.compile(r"AccessDenied.*sts:AssumeRole|not authorized to perform: sts:AssumeRole"),
        "the credentials may not assume the environment's deploy_role_arn: check the role's trust policy",
    ),
    (
        re.compile(r"Saved plan is stale"),
        "the saved plan is stale (state changed since it was made): run `make plan ENV=<env>` again",
    ),
    (
        re.compile(r"connect: connection refused|dial tcp 127\.0\.0\.1:\d+"),
        "the local emulator does not answer: start it with `make emulator-up` and plan again",
    ),
    (
        re.compile(r"Failed to query available provider packages|could not connect to registry"),
        "Terraform could not install the AWS provider: run `make setup` (it writes terraform/cli/terraform.rc "
        "for the offline mirror) or allow access to the Terraform registry",
    ),
)


class TerraformError(UserError):
    """Terraform failed; the message holds the cause and the fix, or the tail of its output."""


def terraform_binary() -> str:
    binary = os.environ.get("TERRAFORM", "terraform")
    found = shutil.which(binary)
    if found is None:
        raise UserError("terraform not found on PATH: install Terraform >= 1.11 or set TERRAFORM=/path/to/terraform")
    return found


GO_GC_PERCENT = "400"


def base_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment for Terraform: repository CLI config, no prompts, no colour codes in logs."""
    if not CLI_CONFIG_FILE.exists():
        subprocess.run(["bash", str(CLI_CONFIG_SCRIPT)], check=True, stdout=subprocess.DEVNULL)
    env = dict(os.environ)
    # Terraform and the AWS provider spend most of a plan decoding the provider schema; a lazier
    # Go garbage collector cuts their CPU time by about a fifth for ~150 MB more memory.
    env.setdefault("GOGC", GO_GC_PERCENT)
    env.update(
        {
            "TF_CLI_CONFIG_FILE": str(CLI_CONFIG_FILE),
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
            "CHECKPOINT_DISABLE": "1",
        }
    )
    env.update(extra or {})
    return env


@dataclass
class Terraform:
    """Terraform in one working directory."""

    workdir: Path
    env: dict[str, str] = field(default_factory=base_environment)
    echo: bool = False

    def run(self, *args: str, capture: bool = True) -> str:
        command = [terraform_binary(), *args]
        process = subprocess.run(
            command,
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture or not self.echo else None,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        if process.returncode != 0:
            raise TerraformError(explain_failure(args[0], (process.stdout or "") + (process.stderr or "")))
        if process.stderr and self.echo:
            sys.stderr.write(process.stderr)
        return process.stdout or ""

    def init(self, backend_config: Sequence[str] = (), backend: bool = True) -> None:
        args = ["init", "-input=false", "-no-color"]
        args += [f"-backend-config={item}" for item in backend_config]
        if not backend:
            args.append("-backend=false")
        self.run(*args)

    def validate(self) -> None:
        self.run("validate", "-no-color")

    def plan(self, out: Path, destroy: bool = False) -> int:
        """Write a saved plan; return 0 without changes, 2 with changes (Terraform's -detailed-exitcode)."""
        args = ["plan", "-input=false", "-no-color", "-detailed-exitcode", f"-out={out}"]
        if destroy:
            args.append("-destroy")
        process = subprocess.run(
            [terraform_binary(), *args],
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        if process.returncode not in (0, 2):
            raise TerraformError(explain_failure("plan", process.stdout + process.stderr))
        if self.echo:
            sys.stdout.write(process.stdout)
        return process.returncode

    def show_json(self, plan: Path) -> dict[str, object]:
        return dict(orjson.loads(self.run("show", "-json", str(plan))))

    def apply(self, plan: Path) -> None:
        self.run("apply", "-input=false", "-no-color", "-auto-approve", str(plan), capture=not self.echo)

    def outputs(self) -> dict[str, object]:
        raw = orjson.loads(self.run("output", "-json"))
        return {name: value["value"] for name, value in raw.items()}


def explain_failure(step: str, output: str) -> str:
    for pattern, explanation in KNOWN_FAILURES:
        match = pattern.search(output)
        if match:
            return explanation.format(*match.groups())
    return f"terraform {step} failed:\n{_error_tail(output)}"


def _error_tail(output: str, lines: int = 25) -> str:
    """Terraform's error blocks, or its last lines when it printed none."""
    text = output.strip().splitlines()
    start = next((index for index, line in enumerate(text) if line.lstrip("│ ").startswith("Error:")), None)
    kept = text[start:] if start is not None else text[-lines:]
    return "\n".join(kept[:lines])
