"""synth -> init -> plan -> apply -> destroy for the stacks of an environment, the same for make, CI and tests."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from cdktf_app.config import EnvironmentConfig, load_environment
from cdktf_app.paths import DEFAULT_OUTDIR, ENVIRONMENTS_DIR, MODULES_DIR, REPO_ROOT, stack_dir
from cdktf_app.targets import StackTarget
from glue import emulator
from glue.errors import UserError
from glue.plan_summary import PlanSummary, summarize
from glue.plancheck.check import run_checks
from glue.plancheck.environment_policy import environment_policy
from glue.plancheck.model import Report
from glue.plancheck.output import render
from glue.plancheck.policy import PolicyError
from glue.plancheck.template_checks import check_template, load_template
from glue.terraform import Terraform, base_environment

PLAN_FILE = "tfplan"
PLAN_JSON = "plan.json"
PLAN_META = "plan.meta.json"
COMPLIANCE_STEM = "plancheck"  # plancheck.json, plancheck.sarif, plancheck.txt beside plan.json
DESTROY_PLAN_FILE = "destroy.tfplan"
# Dummy credentials for the emulator; real ones are dropped so that they never leave for it.
EMULATOR_CREDENTIALS = emulator.CREDENTIALS
DROPPED_FOR_EMULATOR = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ROLE_ARN")


EMULATED_ROOT = REPO_ROOT / ".local" / "emulated"


@dataclass(frozen=True)
class Workspace:
    """Where synthesized stacks, local state and the emulator's files go.

    `emulate` plans real environments against the emulator (for review and tests; never applied):
    their stacks and state then live apart, under .local/emulated/.
    """

    outdir: Path = DEFAULT_OUTDIR
    state_root: Path = REPO_ROOT / ".local" / "state"
    environments_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("SMT_ENVIRONMENTS_DIR", ENVIRONMENTS_DIR))
    )
    emulator_state: emulator.EmulatorState = field(default_factory=emulator.EmulatorState.default)
    emulate: bool = False

    @classmethod
    def emulated(cls) -> Workspace:
        return cls(outdir=EMULATED_ROOT / "cdktf.out", state_root=EMULATED_ROOT / "state", emulate=True)

    def stack(self, target: StackTarget) -> Path:
        return stack_dir(self.outdir, target.name)

    def load(self, name: str) -> EnvironmentConfig:
        return load_environment(name, self.environments_dir)

    def on_emulator(self, config: EnvironmentConfig) -> bool:
        return config.emulator or self.emulate


@dataclass(frozen=True)
class PlanResult:
    plan_file: Path
    plan_json: Path
    summary: PlanSummary
    compliance: Report | None = None


def synthesize(configs: list[EnvironmentConfig], workspace: Workspace) -> list[Path]:
    from cdktf_app.app import synth  # imported here: starting jsii costs a second

    return synth(configs, workspace.outdir, emulate=workspace.emulate)


def terraform_for(
    config: EnvironmentConfig, target: StackTarget, workspace: Workspace, echo: bool = False
) -> Terraform:
    extra: dict[str, str] = {}
    on_emulator = workspace.on_emulator(config)
    if on_emulator:
        running = emulator.require(workspace.emulator_state)
        extra = {
            **EMULATOR_CREDENTIALS,
            "TF_VAR_emulator_endpoint": running.endpoint,
            "AWS_EC2_METADATA_DISABLED": "true",
        }
    env = base_environment(extra)
    if on_emulator:
        for name in DROPPED_FOR_EMULATOR:
            env.pop(name, None)
    return Terraform(workdir=workspace.stack(target), env=env, echo=echo)


def init(config: EnvironmentConfig, target: StackTarget, workspace: Workspace, terraform: Terraform) -> None:
    backend_config: list[str] = []
    if config.backend.type == "local" or workspace.emulate:
        state_dir = workspace.state_root / target.name
        state_dir.mkdir(parents=True, exist_ok=True)
        backend_config.append(f"path={state_dir / 'terraform.tfstate'}")
    _install_lock_file(workspace.stack(target))
    terraform.init(backend_config=backend_config)


def plan(config: EnvironmentConfig, target: StackTarget, workspace: Workspace, terraform: Terraform) -> PlanResult:
    """Write tfplan, plan.json and a fingerprint of what was planned."""
    directory = workspace.stack(target)
    plan_file, plan_json = directory / PLAN_FILE, directory / PLAN_JSON
    (directory / PLAN_META).unlink(missing_ok=True)
    terraform.plan(plan_file)
    document = terraform.show_json(plan_file)
    plan_json.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))
    meta = {
        "environment": config.name,
        "stack": target.name,
        "fingerprint": fingerprint(config, target, workspace),
        "endpoint": _endpoint(terraform),
    }
    (directory / PLAN_META).write_bytes(orjson.dumps(meta, option=orjson.OPT_INDENT_2))
    report = check_compliance(config, target, document, directory)
    return PlanResult(plan_file=plan_file, plan_json=plan_json, summary=summarize(document), compliance=report)


def check_compliance(
    config: EnvironmentConfig, target: StackTarget, document: dict[str, Any], directory: Path
) -> Report:
    """glue.plancheck on the plan and on the stack's rendered product templates, with the environment's
    policy; plancheck.json/.sarif/.txt beside plan.json."""
    try:
        policy = environment_policy(config, target.name, tooling=target.is_tooling)
    except PolicyError as error:
        raise UserError(f"{error} (see environments/plancheck/README.md)") from error
    templates = tuple(
        finding
        for path in sorted((directory / "templates").glob("*.yaml"))
        for finding in check_template(load_template(path), f"templates/{path.name}")
    )
    report = run_checks(document, policy, source=str(directory / PLAN_JSON), extra_findings=templates)
    for fmt, suffix in (("json", "json"), ("sarif", "sarif"), ("text", "txt")):
        (directory / f"{COMPLIANCE_STEM}.{suffix}").write_text(
            render(report, fmt, document, directory), encoding="utf-8"
        )
    return report


def check_saved_plan(
    config: EnvironmentConfig, target: StackTarget, workspace: Workspace, terraform: Terraform
) -> None:
    """Refuse (UserError) unless the stack has a saved plan made from today's code, config and emulator."""
    if workspace.emulate:
        raise UserError(
            f"{config.name} is a real AWS environment planned against the emulator for review only: "
            f"nothing is applied that way (run `make apply ENV={config.name}` with credentials for it)"
        )
    directory = workspace.stack(target)
    plan_file, meta_file = directory / PLAN_FILE, directory / PLAN_META
    if not plan_file.exists() or not meta_file.exists():
        raise UserError(f"no saved plan for stack {target.name}: run `make plan ENV={config.name}` first")
    meta = orjson.loads(meta_file.read_bytes())
    if meta.get("fingerprint") != fingerprint(config, target, workspace):
        raise UserError(
            f"the saved plan for stack {target.name} is out of date (environment file, modules or stack changed "
            f"since): run `make plan ENV={config.name}` again"
        )
    if meta.get("endpoint") != _endpoint(terraform):
        raise UserError(f"the emulator restarted since the plan was made: run `make plan ENV={config.name}` again")


def apply(config: EnvironmentConfig, target: StackTarget, workspace: Workspace, terraform: Terraform) -> None:
    """Apply the saved plan only, refusing one made from other code, config or emulator."""
    check_saved_plan(config, target, workspace, terraform)
    directory = workspace.stack(target)
    plan_file, meta_file = directory / PLAN_FILE, directory / PLAN_META
    try:
        terraform.apply(plan_file)
    finally:
        # A saved plan applies once; leaving it would only invite a stale-plan error.
        plan_file.unlink(missing_ok=True)
        meta_file.unlink(missing_ok=True)


def destroy_plan(target: StackTarget, workspace: Workspace, terraform: Terraform) -> PlanResult:
    directory = workspace.stack(target)
    plan_file = directory / DESTROY_PLAN_FILE
    terraform.plan(plan_file, destroy=True)
    document = terraform.show_json(plan_file)
    return PlanResult(plan_file=plan_file, plan_json=plan_file, summary=summarize(document))


def destroy(result: PlanResult, terraform: Terraform) -> None:
    try:
        terraform.apply(result.plan_file)
    finally:
        result.plan_file.unlink(missing_ok=True)


def fingerprint(config: EnvironmentConfig, target: StackTarget, workspace: Workspace) -> str:
    """sha256 over the synthesized stack and its rendered templates, the environment file and every module file."""
    digest = hashlib.sha256()
    directory = workspace.stack(target)
    paths = [directory / "cdk.tf.json", workspace.environments_dir / f"{config.name}.yaml"]
    paths += sorted((directory / "templates").glob("*")) + sorted((directory / "assets").glob("*"))
    paths += sorted(path for path in MODULES_DIR.rglob("*") if path.is_file() and ".terraform" not in path.parts)
    for path in paths:
        digest.update(str(path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path.name).encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def _endpoint(terraform: Terraform) -> str | None:
    return terraform.env.get("TF_VAR_emulator_endpoint")


LOCK_FILE_NAME = ".terraform.lock.hcl"
SHARED_LOCK_FILE = REPO_ROOT / "terraform" / LOCK_FILE_NAME


def _install_lock_file(directory: Path) -> None:
    """Every stack uses the committed provider lock (terraform/.terraform.lock.hcl)."""
    if SHARED_LOCK_FILE.exists():
        target = directory / LOCK_FILE_NAME
        if not target.exists() or target.read_bytes() != SHARED_LOCK_FILE.read_bytes():
            target.write_bytes(SHARED_LOCK_FILE.read_bytes())
