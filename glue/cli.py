"""`python -m glue`: the one command line of the harness. The Makefile calls it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from cdktf_app.config import SCHEMA_FILE_NAME, ConfigError, EnvironmentConfig, available_environments, json_schema
from cdktf_app.paths import MODULES_DIR, REPO_ROOT
from cdktf_app.targets import StackTarget, stack_targets
from glue import emulator, module_docs, template_golden, workflow
from glue.errors import UserError
from glue.plan_summary import PlanSummary, summarize
from glue.plancheck.model import Report
from glue.progress import console, err_console, step
from glue.summary import environment_summary
from glue.terraform import Terraform, TerraformError, terraform_binary

if TYPE_CHECKING:
    from glue.project_lifecycle import ProjectRun

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__, pretty_exceptions_enable=False)
emulator_app = typer.Typer(no_args_is_help=True, help="Start, stop or show the local AWS emulator (moto server).")
app.add_typer(emulator_app, name="emulator")

EnvArg = Annotated[str, typer.Argument(help="Environment name: a file environments/<name>.yaml")]
EnvList = Annotated[list[str] | None, typer.Argument(help="Environment names; all when left out")]
Stack = tuple[StackTarget, Terraform]
EmulateOption = Annotated[
    bool,
    typer.Option(
        "--emulate",
        help="Plan a real AWS environment against the local emulator (review only; never applied)",
    ),
]


def _load(names: list[str], workspace: workflow.Workspace) -> list[EnvironmentConfig]:
    """Validate every named environment before anything runs; report all problems at once."""
    configs, problems = [], []
    for name in names:
        try:
            configs.append(workspace.load(name))
        except ConfigError as error:
            problems.append(str(error))
    if problems:
        raise ConfigError("\n".join(problems))
    return configs


def _print_lines(lines: list[str]) -> None:
    for line in lines:
        console.print(line, soft_wrap=True, markup=False)


def _all_or(names: list[str] | None, workspace: workflow.Workspace) -> list[str]:
    return names or available_environments(workspace.environments_dir)


@app.command("config-check")
def config_check(names: EnvList = None) -> None:
    """Validate environment files; print one line per problem naming file and field."""
    workspace = workflow.Workspace()
    configs = _load(_all_or(names, workspace), workspace)
    for config in configs:
        where = "local emulator" if config.emulator else f"account {config.account_id}"
        console.print(f"[green]✓[/] environments/{config.name}.yaml ({where}, {config.region})")


@app.command()
def synth(names: EnvList = None, emulate: EmulateOption = False) -> None:
    """Synthesize the stacks of environments into cdktf.out/stacks/<stack>/."""
    workspace = _workspace(emulate)
    configs = _load(_all_or(names, workspace), workspace)
    with step(f"Synthesizing {', '.join(config.name for config in configs)}"):
        paths = workflow.synthesize(configs, workspace)
    for path in paths:
        console.print(f"  {_shown(path) / 'cdk.tf.json'}")


def _workspace(emulate: bool) -> workflow.Workspace:
    return workflow.Workspace.emulated() if emulate else workflow.Workspace()


def _connect(name: str, workspace: workflow.Workspace) -> tuple[EnvironmentConfig, list[Stack]]:
    """Validate the environment and the tools, then a Terraform runner per stack (emulator checked)."""
    (config,) = _load([name], workspace)
    terraform_binary()
    return config, [(target, workflow.terraform_for(config, target, workspace)) for target in stack_targets(config)]


def _synthesized_and_initialized(name: str, workspace: workflow.Workspace) -> tuple[EnvironmentConfig, list[Stack]]:
    config, stacks = _connect(name, workspace)
    with step(f"Synthesizing {name} ({len(stacks)} stack{'s' if len(stacks) > 1 else ''})"):
        workflow.synthesize([config], workspace)
    for target, terraform in stacks:
        with step(f"terraform init ({target.name})"):
            workflow.init(config, target, workspace, terraform)
    return config, stacks


def _plan_environment(name: str, workspace: workflow.Workspace) -> list[tuple[str, PlanSummary]]:
    if workspace.emulate:
        # Review plans need no state of their own on the emulator: start it when it is down, once
        # the environment is known to be valid (a broken file starts nothing).
        _load([name], workspace)
        emulator.up(workspace.emulator_state)
    config, stacks = _synthesized_and_initialized(name, workspace)
    results = []
    failing = 0
    for target, terraform in stacks:
        with step(f"terraform plan ({target.name}, account {target.account_id})"):
            result = workflow.plan(config, target, workspace, terraform)
        _print_lines(result.summary.lines())
        console.print(f"[bold]{target.name}: {result.summary.headline()}[/]")
        console.print(f"Saved plan: {_shown(result.plan_file)} (JSON: {result.plan_json.name})")
        if result.compliance is not None:
            _print_compliance(target.name, result.compliance, result.plan_json.parent)
            failing += sum(1 for finding in result.compliance.findings if finding.failing)
        results.append((target.name, result.summary))
    if failing:
        raise UserError(
            f"compliance: {failing} failing finding(s) in the plans of {name} (listed above; plancheck.txt beside "
            f"each plan.json). Fix them, or suppress with a justification in environments/plancheck/{name}.yaml"
        )
    if workspace.emulate:
        console.print(f"Planned against the emulator for review: {name} is never applied from these plans.")
    elif any(summary.has_changes for _, summary in results):
        console.print(f"Apply exactly these plans with: make apply ENV={name}")
    return results


def _print_compliance(stack: str, report: Report, directory: Path) -> None:
    summary = report.summary()
    failing = [finding for finding in report.sorted() if finding.failing]
    for finding in failing:
        console.print(f"  [red]✗ {finding.rule}[/] {finding.address}: {finding.message}", soft_wrap=True)
    console.print(
        f"{stack}: compliance {summary['fail']} failing, {summary['unknown']} unknown until apply, "
        f"{summary['pass']} passing, {summary['suppressed']} suppressed ({_shown(directory / 'plancheck.txt')})"
    )


@app.command()
def plan(name: EnvArg, emulate: EmulateOption = False) -> None:
    """Synthesize, init and plan every stack of one environment: tfplan and plan.json in each stack folder."""
    _plan_environment(name, _workspace(emulate))


@app.command("plan-all")
def plan_all(emulate: EmulateOption = False) -> None:
    """Plan every environment, one after the other; a table of the results at the end."""
    workspace = _workspace(emulate)
    names = available_environments(workspace.environments_dir)
    _load(names, workspace)
    rows: list[tuple[str, str]] = []
    failed = []
    for name in names:
        console.rule(name)
        try:
            rows += [(stack, summary.headline()) for stack, summary in _plan_environment(name, workspace)]
        except (UserError, TerraformError) as error:
            failed.append(name)
            err_console.print(f"error: {name}: {error}", markup=False)
            rows.append((name, "FAILED (see above)"))
    console.rule("summary")
    width = max(len(stack) for stack, _ in rows)
    _print_lines([f"  {stack:<{width}}  {headline}" for stack, headline in rows])
    if failed:
        raise UserError(f"planning failed for: {', '.join(failed)}")


@app.command()
def apply(name: EnvArg) -> None:
    """Apply the saved plans of every stack of one environment (never new ones), tooling account first."""
    workspace = workflow.Workspace()
    config, stacks = _connect(name, workspace)
    # Check every stack first, so that a stale plan of the last one stops the apply before anything changes.
    for target, terraform in stacks:
        workflow.check_saved_plan(config, target, workspace, terraform)
    for target, terraform in stacks:
        with step(f"terraform apply of the saved plan ({target.name})"):
            workflow.apply(config, target, workspace, terraform)
    _print_summaries(config, stacks)


def _print_summaries(config: EnvironmentConfig, stacks: list[Stack]) -> None:
    for target, terraform in stacks:
        _print_lines(environment_summary(config, target, terraform.outputs()))


@app.command()
def output(name: EnvArg) -> None:
    """Show what exists in one environment now, per stack, from the Terraform outputs."""
    config, stacks = _connect(name, workflow.Workspace())
    _print_summaries(config, stacks)


@app.command()
def destroy(
    name: EnvArg,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation (make destroy CONFIRM=yes)")] = False,
) -> None:
    """Plan the destruction of every stack of one environment, show it, confirm once, then destroy."""
    workspace = workflow.Workspace()
    _, stacks = _synthesized_and_initialized(name, workspace)
    # Stage accounts first: the tooling account's grants outlive the roles that use them.
    planned = []
    for target, terraform in reversed(stacks):
        with step(f"terraform plan -destroy ({target.name})"):
            result = workflow.destroy_plan(target, workspace, terraform)
        if result.summary.has_changes:
            _print_lines(result.summary.lines())
            console.print(f"[bold]{target.name}: {result.summary.headline()}[/]")
            planned.append((target, terraform, result))
        else:
            result.plan_file.unlink(missing_ok=True)

    def discard() -> None:
        for _, _, result in planned:
            result.plan_file.unlink(missing_ok=True)

    if not planned:
        console.print(f"Nothing to destroy in {name}.")
        return
    if not yes:
        if not sys.stdin.isatty():
            discard()
            raise UserError(
                f"refusing to destroy {name} without confirmation: run `make destroy ENV={name} CONFIRM=yes`"
            )
        if not typer.confirm(f"Destroy everything above in {name}?", default=False):
            discard()
            raise UserError("destroy cancelled; nothing was changed")
    for target, terraform, result in planned:
        with step(f"terraform destroy ({target.name})"):
            workflow.destroy(result, terraform)
    console.print(f"[bold]{name} is destroyed.[/]")


def _shown(path: Path) -> Path:
    return path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path


@app.command()
def demo(name: Annotated[str, typer.Option(help="Emulator environment to run")] = "local") -> None:
    """The main job on the embedded default: emulator up, synth, plan, apply, summary."""
    workspace = workflow.Workspace()
    (config,) = _load([name], workspace)
    if not config.emulator:
        raise UserError(f"demo runs only on an emulator environment; {name} has emulator: false")
    with step("Starting the local AWS emulator"):
        running, started = emulator.up(workspace.emulator_state)
    console.print(f"  emulator at {running.endpoint} ({'started' if started else 'already running'})")
    plan(name)
    apply(name)
    _project_lifecycle(config, workspace, running)
    console.print(
        f"Tear down with: [bold]make destroy ENV={name}[/] (and `make emulator-down` to stop the emulator)",
        soft_wrap=True,
    )


def _project_lifecycle(
    config: EnvironmentConfig, workspace: workflow.Workspace, running: emulator.RunningEmulator
) -> list[ProjectRun]:
    """As a team's data scientist: a project from every published template, its resources, its deletion."""
    # Loaded only here: the stack module starts jsii's node process, which the other commands do without.
    from cdktf_app.stack import module_id
    from glue import project_lifecycle as lifecycle

    target, terraform = next((t, tf) for t, tf in _connect(config.name, workspace)[1] if t.is_tooling)
    outputs = terraform.outputs()
    admin = emulator.clients(running, config.region)
    failed, runs = [], []
    for template in lifecycle.published_templates(config, workspace.stack(target), outputs):
        principal = lifecycle.team_principal(config, template.team)
        launch_role = outputs.get(module_id("team", template.team, "launch_role_arn"))
        with step(f"SageMaker project from {template.label}, as {principal}"):
            scientist = lifecycle.act_as(admin, running, config.region, principal)
            run = lifecycle.run_project(
                template, config, admin, scientist, principal, launch_role if isinstance(launch_role, str) else None
            )
        _print_lines(run.lines())
        runs.append(run)
        failed += [] if run.succeeded else [f"{template.label}: {run.status} {run.status_message}".strip()]
    if failed:
        raise UserError("the project lifecycle failed on the emulator: " + "; ".join(failed))
    return runs


@app.command()
def package(
    outdir: Annotated[Path, typer.Option(help="Where the zips and manifest.json go")] = REPO_ROOT
    / "cdktf.out"
    / "assets",
) -> None:
    """Zip every seedcode/ folder and the Lambda functions deterministically, with a sha256 manifest."""
    from glue import packaging

    with step("Packaging seed code and Lambda functions"):
        packages = packaging.package_all(outdir)
    for built in packages:
        console.print(f"  {_shown(built.path)}  {built.files} files  sha256 {built.sha256}", markup=False)


@app.command("project-teardown")
def project_teardown(
    project_id: Annotated[str, typer.Argument(help="SageMaker project id (p-...) of a deleted project")],
    region: Annotated[str, typer.Option(help="Region of the project")] = "us-east-1",
    yes: Annotated[bool, typer.Option("--yes", help="Really remove; without it, only show what would go")] = False,
    on_emulator: Annotated[bool, typer.Option("--emulator", help="Act on the local emulator, not AWS")] = False,
) -> None:
    """Remove the artifact bucket and KMS key a deleted project retained (dry run unless --yes)."""
    import boto3

    from glue import project_teardown as retained

    client = (
        emulator.clients(emulator.require(), region)
        if on_emulator
        else boto3.session.Session(region_name=region).client
    )
    report = retained.teardown(project_id, client("s3"), client("kms"), dry_run=not yes)
    _print_lines(report.lines(dry_run=not yes))
    if not yes and (report.buckets or report.keys):
        console.print(f"Run again with --yes to remove them: glue project-teardown {project_id} --yes")


@app.command("templates-golden")
def templates_golden(
    check: Annotated[
        bool, typer.Option("--check", help="Fail (exit 1) when a golden template snapshot is out of date")
    ] = False,
) -> None:
    """Write tests/templates/golden/<environment>/<product>.yaml: every product template as rendered now."""
    changes = template_golden.stale() if check else template_golden.write_all()
    if check and changes:
        listed = ", ".join(map(str, changes))
        err_console.print(
            f"error: golden template snapshots out of date: {listed}; run `{template_golden.UPDATE_COMMAND}`",
            markup=False,
        )
        raise typer.Exit(1)
    for change in changes:
        verb = "removed" if change.change is template_golden.Change.ORPHANED else "wrote"
        console.print(f"{verb} {_shown(template_golden.GOLDEN_DIR / change.path)} ({change.change})", markup=False)
    if not changes:
        console.print("golden template snapshots are up to date")


@app.command()
def bench(
    repeat: Annotated[int, typer.Option(min=1, max=20, help="Runs of each step (the median is reported)")] = 3,
    synth: Annotated[bool, typer.Option("--synth/--no-synth", help="The synthesis benchmark")] = True,
    plancheck_sizes: Annotated[
        str, typer.Option(help="Resources per synthetic plan for the plancheck benchmark, comma-separated; '' skips it")
    ] = "1000,10000",
    checkov: Annotated[bool, typer.Option("--checkov/--no-checkov", help="Time checkov on the same plans")] = True,
) -> None:
    """Benchmarks: synthesis of 1, 4 and 16 environments as ratios against a plain terraform plan; plancheck
    against checkov on synthetic plans of 1,000 and 10,000 resources."""
    from glue import bench as benchmarks

    try:
        sizes = tuple(int(size) for size in plancheck_sizes.replace(" ", "").split(",") if size)
    except ValueError as error:
        raise UserError(
            f"--plancheck-sizes takes whole numbers separated by commas, not {plancheck_sizes!r}"
        ) from error
    if any(size < 1 for size in sizes):
        raise UserError("--plancheck-sizes: every size must be at least 1")
    if synth:
        terraform_binary()
        with step(f"Benchmarks ({repeat} runs each; the emulator is started if needed)"):
            measurements = benchmarks.run(repeat=repeat)
        _print_lines(benchmarks.report(measurements))
    if sizes:
        what = "plancheck and checkov" if checkov else "plancheck"
        with step(f"{what} on synthetic plans of {', '.join(f'{size:,}' for size in sizes)} resources"):
            try:
                checks = benchmarks.run_plancheck(sizes, repeat=repeat, checkov=checkov)
            except RuntimeError as error:
                raise UserError(str(error)) from error
        _print_lines(benchmarks.plancheck_report(checks))


@app.command()
def scan(
    names: EnvList = None,
    resynth: Annotated[
        bool, typer.Option("--resynth", help="Synthesize the environments even when their stacks exist")
    ] = False,
    jobs: Annotated[int, typer.Option(min=1, max=8, help="checkov runs at a time")] = 2,
) -> None:
    """checkov over modules/, the synthesized stacks and the rendered templates (custom checks included);
    SARIF in cdktf.out/scan/checkov.sarif, a line per target; exit 1 when a check fails."""
    from glue.scan import run as scanning

    workspace = workflow.Workspace()
    configs = _load(_all_or(names, workspace), workspace)
    missing = [
        config.name
        for config in configs
        for target in stack_targets(config)
        if not (workspace.stack(target) / "cdk.tf.json").exists()
    ]
    if resynth or missing:
        with step(f"Synthesizing {', '.join(config.name for config in configs)}"):
            workflow.synthesize(configs, workspace)
    try:
        config = scanning.load_config()
    except scanning.ScanConfigError as error:
        raise UserError(str(error)) from error
    try:
        targets = scanning.targets(configs, workspace.outdir)
    except ValueError as error:
        raise UserError(str(error)) from error
    report_root = workspace.outdir / "scan"
    with step(f"checkov on {len(targets)} targets ({jobs} at a time)"):
        try:
            outcomes = scanning.scan(targets, report_root, config, jobs=jobs)
        except RuntimeError as error:
            raise UserError(str(error)) from error
    for outcome in outcomes:
        console.print(outcome.summary(), markup=False, soft_wrap=True)
    failures = [failure for outcome in outcomes for failure in outcome.failed]
    for failure in failures:
        err_console.print(f"  {failure.line_text()}", markup=False, soft_wrap=True)
    console.print(f"SARIF: {_shown(report_root / 'checkov.sarif')}", markup=False)
    if not all(outcome.ok for outcome in outcomes):
        raise typer.Exit(1)


@app.command("plan-summary")
def plan_summary(
    plan_json: Annotated[Path, typer.Argument(help="A plan as JSON: the output of `terraform show -json PLANFILE`")],
    fmt: Annotated[str, typer.Option("--format", help="markdown (a pull-request comment body) or text")] = "markdown",
    findings: Annotated[
        Path | None, typer.Option("--findings", help="plancheck.json to add the compliance findings")
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Environment/stack named in the heading and the hidden marker")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Write here instead of standard output")] = None,
) -> None:
    """Summarize a saved plan: destroys and replaces first, counts per module and type, findings, every change
    (markdown stays under GitHub's 65,536-character comment limit)."""
    from glue import plan_comment

    body = plan_comment.comment_for(plan_json, fmt=fmt, findings_path=findings, title=title)
    if output is None:
        sys.stdout.write(body)
        return
    try:
        output.write_text(body, encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot write {output}: {error.strerror or error}") from error


@app.command()
def schema(
    check: Annotated[
        bool, typer.Option("--check", help="Fail (exit 1) when the committed schema is out of date")
    ] = False,
) -> None:
    """Write environments/environment.schema.json (JSON Schema of environment files) for editor completion."""
    workspace = workflow.Workspace()
    target = workspace.environments_dir / SCHEMA_FILE_NAME
    fresh = orjson.dumps(json_schema(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    if check:
        if not target.exists() or target.read_bytes() != fresh:
            err_console.print(f"error: {target.name} is out of date; run `make schema`", markup=False)
            raise typer.Exit(1)
        console.print(f"{target.name} is up to date")
        return
    target.write_bytes(fresh)
    console.print(f"wrote {target.relative_to(REPO_ROOT)}")


@app.command()
def docs(
    check: Annotated[bool, typer.Option("--check", help="Fail (exit 1) when a README is out of date")] = False,
) -> None:
    """Regenerate the inputs/outputs tables in every module README from variables.tf and outputs.tf."""
    stale = []
    for module in module_docs.modules_in(MODULES_DIR):
        current, fresh = module_docs.updated_readme(module)
        if current == fresh:
            continue
        stale.append(module.name)
        if not check:
            (module / "README.md").write_text(fresh, encoding="utf-8")
            console.print(f"updated modules/{module.name}/README.md")
    if check and stale:
        err_console.print(f"error: module READMEs out of date: {', '.join(stale)}; run `make docs`", markup=False)
        raise typer.Exit(1)
    if not stale:
        console.print("module READMEs are up to date")


@emulator_app.command("up")
def emulator_up() -> None:
    """Start the emulator on a free loopback port unless it already runs."""
    running, started = emulator.up()
    state = "started" if started else "already running"
    console.print(f"emulator {state} at {running.endpoint} (pid {running.pid}, log {running.log_file})")


@emulator_app.command("down")
def emulator_down() -> None:
    """Stop the emulator; everything it held is gone."""
    stopped = emulator.down()
    console.print(f"emulator at {stopped.endpoint} stopped" if stopped else "emulator was not running")


@emulator_app.command("status")
def emulator_status() -> None:
    """Say whether the emulator runs, and where; exit 1 when it does not."""
    running = emulator.status()
    if running is None:
        console.print("emulator is not running (start it with `make emulator-up`)")
        raise typer.Exit(1)
    console.print(f"emulator running at {running.endpoint} (pid {running.pid})")


@emulator_app.command("load-test")
def emulator_load_test(
    clients: Annotated[int, typer.Option(min=1, max=512, help="Parallel clients")] = 128,
    seconds: Annotated[float, typer.Option(min=1, max=600, help="How long the load runs per server")] = 15,
    compare: Annotated[
        bool, typer.Option("--compare/--no-compare", help="Also run against moto's own server (werkzeug)")
    ] = True,
) -> None:
    """Load test and retry replay on temporary emulators (loopback, stop by themselves); exit 1 when the
    emulator (waitress) fails either. With --compare, moto's own server runs the same first, for contrast."""
    from rich.table import Table

    from glue import emulator_load

    table = Table("server", "retry replay", "clients", "cycles", "calls", "failed calls", "p99 s", "listen overflows")
    passed = True
    for server in ("werkzeug", "waitress") if compare else ("waitress",):
        title = f"{server}: retry replay, then {clients} clients for {seconds:.0f} s"
        with step(title), emulator_load.temporary_emulator(server) as running:
            replay = emulator_load.replay_create_retry(running, server)
            load = emulator_load.run_load(running, server, clients, seconds)
        overflows = "n/a" if load.listen_overflows is None else str(load.listen_overflows)
        table.add_row(
            server,
            "pass" if replay.passed else f"FAIL: {replay.outcome}",
            str(clients),
            str(load.cycles),
            str(load.calls),
            str(sum(load.errors.values())),
            f"{load.percentile(0.99):.2f}",
            overflows,
        )
        for error, count in load.errors.most_common(5):
            console.print(f"  {server}: {count} x {error}")
        if server == "waitress":
            passed = replay.passed and load.passed
    console.print(table)
    console.print("listen overflows: the kernel's count for every socket on this machine during the load")
    if not passed:
        raise typer.Exit(1)


@app.command()
def stacks(name: EnvArg) -> None:
    """Print the stack names of one environment, one a line (tooling stack first); for scripts and make."""
    workspace = workflow.Workspace()
    (config,) = _load([name], workspace)
    for target in stack_targets(config):
        print(target.name)


DRIFT_PLAN_FILE = "drift.tfplan"


@app.command()
def drift(
    name: EnvArg,
    report: Annotated[
        Path | None, typer.Option("--output", help="Also write the drift report (markdown) to this file")
    ] = None,
) -> None:
    """terraform plan -detailed-exitcode on every stack of one environment, against what exists now;
    exit 2 when any stack has changes (drift, or code not applied yet). Saved plans (tfplan) are left alone."""
    workspace = workflow.Workspace()
    config, stacks = _synthesized_and_initialized(name, workspace)
    lines = [f"## Drift of {name}", ""]
    drifted = []
    for target, terraform in stacks:
        plan_file = workspace.stack(target) / DRIFT_PLAN_FILE
        try:
            with step(f"terraform plan -detailed-exitcode ({target.name}, account {target.account_id})"):
                code = terraform.plan(plan_file)
            summary = summarize(terraform.show_json(plan_file)) if code == 2 else None
        finally:
            plan_file.unlink(missing_ok=True)
        if summary is not None and summary.has_changes:
            drifted.append(target.name)
            _print_lines(summary.lines())
            console.print(f"[bold red]{target.name}: drift: {summary.headline()}[/]")
            lines += [f"### {target.name}: {summary.headline()}", "", "```", *summary.lines(), "```", ""]
        else:
            console.print(f"[green]✓[/] {target.name}: no changes")
            lines += [f"- {target.name}: no changes", ""]
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text("\n".join(lines), encoding="utf-8")
    if drifted:
        err_console.print(
            f"drift: {', '.join(drifted)} differ from the code of {config.name} "
            f"(review with `make plan ENV={config.name}`)",
            markup=False,
        )
        raise typer.Exit(2)


def _planned_changes(plan_json: Path) -> dict[str, str]:
    try:
        document = orjson.loads(plan_json.read_bytes())
    except (OSError, orjson.JSONDecodeError) as error:
        raise UserError(f"cannot read the plan {plan_json}: {error}") from error
    return {change.address: change.action for change in summarize(document).changes if change.action != "no-op"}


@app.command("plan-compare")
def plan_compare(
    reviewed: Annotated[Path, typer.Argument(help="plan.json that was reviewed (e.g. from the pull request)")],
    current: Annotated[Path, typer.Argument(help="plan.json made now")],
) -> None:
    """Compare the resource changes (address and action) of two plan.json files; exit 1 when they differ."""
    before, now = _planned_changes(reviewed), _planned_changes(current)
    differences = [
        f"  {address}: reviewed {before.get(address, 'nothing')}, now {now.get(address, 'nothing')}"
        for address in sorted(before.keys() | now.keys())
        if before.get(address) != now.get(address)
    ]
    if differences:
        _print_lines([f"{current} differs from the reviewed plan {reviewed}:", *differences])
        raise typer.Exit(1)
    console.print(f"{current}: the same resource changes as the reviewed plan ({len(now)})", markup=False)


def main() -> None:
    debug = "--debug" in sys.argv
    if debug:
        sys.argv.remove("--debug")
    try:
        # Without standalone mode click returns (not raises) the code of a typer.Exit in a command.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except TerraformError as error:
        if debug:
            raise
        err_console.print(f"error: {error}", markup=False)
        sys.exit(1)
    except (UserError, ConfigError) as error:
        if debug:
            raise
        err_console.print(f"error: {error}", markup=False)
        sys.exit(2)
    except typer.Abort:
        err_console.print("aborted", markup=False)
        sys.exit(130)
    except Exception as error:  # click usage errors arrive here in standalone_mode=False
        import click

        if isinstance(error, click.ClickException):
            error.show()
            sys.exit(2)
        raise
