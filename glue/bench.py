"""`make bench`: what CDKTF costs, as ratios against a plain `terraform plan` measured in the same run.

Synthesis runs in a fresh Python process each time (as `make synth` does: jsii and node start every
time) for 1, 4 and 16 environments; the baseline is `terraform plan` of the synthesized local stack
on the emulator, i.e. Terraform planning the same modules without any CDKTF in the loop.
"""

from __future__ import annotations

import functools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cdktf_app.config import available_environments
from cdktf_app.paths import ENVIRONMENTS_DIR, REPO_ROOT
from cdktf_app.targets import stack_targets
from glue import emulator, workflow

SYNTH_SCRIPT = (
    "import sys; from pathlib import Path; "
    "from cdktf_app.app import synth; from cdktf_app.config import available_environments, load_environment; "
    "d = Path(sys.argv[1]); synth([load_environment(n, d) for n in available_environments(d)], Path(sys.argv[2]))"
)


@dataclass(frozen=True)
class Measurement:
    name: str
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def environment_copies(count: int, target: Path, source: Path = ENVIRONMENTS_DIR) -> list[str]:
    """`count` valid environment files in `target`, cycling through the shipped ones under new names."""
    target.mkdir(parents=True, exist_ok=True)
    shipped = available_environments(source)
    names = []
    for index in range(count):
        base = shipped[index % len(shipped)]
        name = base if index < len(shipped) else f"{base[:14]}-{index:02d}"
        text = (source / f"{base}.yaml").read_text(encoding="utf-8")
        text = text.replace(f"name: {base}\n", f"name: {name}\n", 1)
        (target / f"{name}.yaml").write_text(text, encoding="utf-8")
        names.append(name)
    return names


def _timed(action: Callable[[], object], repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return seconds


def _synth_process(directory: Path, outdir: Path) -> None:
    shutil.rmtree(outdir, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    subprocess.run([sys.executable, "-c", SYNTH_SCRIPT, str(directory), str(outdir)], check=True, env=env)


def run(repeat: int = 3, sizes: tuple[int, ...] = (1, 4, 16)) -> list[Measurement]:
    """Measure the baseline plan and synthesis of each size; the baseline first."""
    emulator.up()
    with tempfile.TemporaryDirectory(prefix="smt-bench-") as scratch:
        root = Path(scratch)
        workspace = workflow.Workspace(
            outdir=root / "plain" / "cdktf.out", state_root=root / "plain" / "state", environments_dir=ENVIRONMENTS_DIR
        )
        config = workspace.load("local")
        workflow.synthesize([config], workspace)
        (target,) = stack_targets(config)
        terraform = workflow.terraform_for(config, target, workspace)
        workflow.init(config, target, workspace, terraform)
        plan_file = workspace.stack(target) / "bench.tfplan"
        measurements = [
            Measurement("terraform plan, local stack (baseline)", _timed(lambda: terraform.plan(plan_file), repeat))
        ]
        for size in sizes:
            directory = root / f"environments-{size}"
            if size == 1:
                directory.mkdir()
                shutil.copy(ENVIRONMENTS_DIR / "local.yaml", directory / "local.yaml")
            else:
                environment_copies(size, directory)
            outdir = root / f"synth-{size}"
            seconds = _timed(functools.partial(_synth_process, directory, outdir), repeat)
            measurements.append(Measurement(f"synth, {size} environment{'s' if size > 1 else ''}", seconds))
    return measurements


def report(measurements: list[Measurement]) -> list[str]:
    """A Markdown table: median seconds and the ratio to the baseline (the first measurement)."""
    baseline = measurements[0].median
    lines = ["| step | median s | runs | ratio to baseline |", "| --- | ---: | ---: | ---: |"]
    for measurement in measurements:
        lines.append(
            f"| {measurement.name} | {measurement.median:.2f} | {len(measurement.seconds)} "
            f"| {measurement.median / baseline:.2f} |"
        )
    one = next((m for m in measurements if m.name.startswith("synth, 1 ")), None)
    if one is not None:
        overhead = (one.median + baseline) / baseline
        lines.append("")
        lines.append(
            f"CDKTF overhead for one environment: synth + plan = {overhead:.2f} x plain terraform plan "
            f"({one.median:.2f} s synth on top of {baseline:.2f} s plan)."
        )
    return lines


# ---------------------------------------------------------------- plancheck against checkov

PLANCHECK_SIZES = (1_000, 10_000)
# Required tags and the VPC-endpoint rule are switched on so that every rule family has work.
PLANCHECK_ARGS: tuple[str, ...] = ("--format", "json", "--require-vpce")
PLANCHECK_ARGS += ("--required-tag", "owner", "--required-tag", "cost-center", "--required-tag", "environment")
CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"
TARGET_SECONDS_10K = 1.0
TARGET_SPEEDUP = 50.0
TARGET_MEMORY_FACTOR = 3.0


@dataclass(frozen=True)
class ChildRun:
    """One child process: wall seconds, peak resident memory (bytes) and exit code."""

    seconds: float
    peak_rss: int
    returncode: int


@dataclass(frozen=True)
class PlancheckMeasurement:
    resources: int
    file_bytes: int
    process: list[float]  # python -m glue.plancheck, wall seconds per run
    in_process: list[float]  # orjson load + run_checks in this process
    peak_rss: int  # max over the runs
    baseline_rss: int  # the same command on a one-resource plan
    baseline_seconds: float  # its wall seconds (interpreter start and imports)
    checkov: ChildRun | None = None

    @property
    def seconds(self) -> float:
        return statistics.median(self.process)

    @property
    def rss_increase(self) -> int:
        return max(self.peak_rss - self.baseline_rss, 0)


def run_child(command: list[str], env: dict[str, str] | None = None, timeout: float = 1800) -> ChildRun:
    """Run `command` with output discarded; its own peak RSS from wait4's rusage (Linux: ru_maxrss in KiB)."""
    started = time.perf_counter()
    with subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=REPO_ROOT
    ) as process:
        assert process.stderr is not None
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                raise RuntimeError(f"timed out after {timeout:.0f} s: {' '.join(command)}")
            time.sleep(0.005)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        errors = process.stderr.read().decode(errors="replace")
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}: {errors[-800:]}")
    return ChildRun(seconds, usage.ru_maxrss * 1024, process.returncode)


def _plancheck_command(plan: Path) -> list[str]:
    return [sys.executable, "-m", "glue.plancheck", str(plan), *PLANCHECK_ARGS]


def _checkov_command(plan: Path) -> list[str]:
    return [str(CHECKOV), "-f", str(plan), "--framework", "terraform_plan", "--skip-download", "--quiet", "-o", "json"]


def _in_process(plan: Path) -> float:
    import orjson

    from glue.plancheck.check import run_checks
    from glue.plancheck.policy import CheckPolicy

    started = time.perf_counter()
    document = orjson.loads(plan.read_bytes())
    policy = CheckPolicy(required_tags={"owner": [], "cost-center": [], "environment": []})
    run_checks(document, policy, require_vpce=True)
    return time.perf_counter() - started


def run_plancheck(
    sizes: tuple[int, ...] = PLANCHECK_SIZES, repeat: int = 3, checkov: bool = True
) -> list[PlancheckMeasurement]:
    """Write a synthetic plan per size; time plancheck (a process, and in-process) and checkov on it."""
    from glue.plancheck.synthetic import write_plan

    if checkov and not CHECKOV.exists():
        raise RuntimeError(f"{CHECKOV} is missing: run `make setup`, or pass --no-checkov")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    measurements = []
    with tempfile.TemporaryDirectory(prefix="smt-plancheck-bench-") as scratch:
        empty = Path(scratch) / "plan-1.json"
        write_plan(empty, 1)
        empty_runs = [run_child(_plancheck_command(empty), env) for _ in range(max(repeat, 2))]
        baseline = max(run.peak_rss for run in empty_runs)
        baseline_seconds = statistics.median(run.seconds for run in empty_runs)
        for size in sizes:
            plan = Path(scratch) / f"plan-{size}.json"
            file_bytes = write_plan(plan, size)
            runs = [run_child(_plancheck_command(plan), env) for _ in range(repeat)]
            in_process = [_in_process(plan) for _ in range(repeat)]
            checked = run_child(_checkov_command(plan), {**os.environ}) if checkov else None
            measurements.append(
                PlancheckMeasurement(
                    resources=size,
                    file_bytes=file_bytes,
                    process=[run.seconds for run in runs],
                    in_process=in_process,
                    peak_rss=max(run.peak_rss for run in runs),
                    baseline_rss=baseline,
                    baseline_seconds=baseline_seconds,
                    checkov=checked,
                )
            )
    return measurements


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f}"


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def plancheck_report(measurements: list[PlancheckMeasurement]) -> list[str]:
    """A Markdown table per plan size, then each target with the measured value next to it."""
    lines = [
        "| resources | plan MiB | plancheck s (process) | run_checks s (in-process) | checkov s "
        "| checkov / plancheck | peak RSS MiB | RSS over empty run MiB | peak RSS / plan | over empty run / plan |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for item in measurements:
        checkov = f"{item.checkov.seconds:.2f}" if item.checkov else "skipped"
        ratio = f"{item.checkov.seconds / item.seconds:.1f}" if item.checkov else "-"
        lines.append(
            f"| {item.resources:,} | {_mib(item.file_bytes)} | {item.seconds:.2f} "
            f"| {statistics.median(item.in_process):.2f} | {checkov} | {ratio} | {_mib(item.peak_rss)} "
            f"| {_mib(item.rss_increase)} | {item.peak_rss / item.file_bytes:.1f} "
            f"| {item.rss_increase / item.file_bytes:.1f} |"
        )
    if measurements:
        lines += [
            "",
            f"Empty-run baseline (plancheck on a one-resource plan): {_mib(measurements[0].baseline_rss)} MiB.",
        ]
    largest = max(measurements, key=lambda item: item.resources, default=None)
    if largest is None:
        return lines
    label = f"{largest.resources:,} resources"
    lines.append(
        f"Target: {label} under {TARGET_SECONDS_10K:.0f} s: plancheck {largest.seconds:.2f} s as a process "
        f"({_met(largest.seconds < TARGET_SECONDS_10K)}), "
        f"{statistics.median(largest.in_process):.2f} s in-process "
        f"({_met(statistics.median(largest.in_process) < TARGET_SECONDS_10K)})."
    )
    if largest.checkov:
        speedup = largest.checkov.seconds / largest.seconds
        lines.append(
            f"Target: at least {TARGET_SPEEDUP:.0f}x faster than checkov: {speedup:.1f}x on {label} "
            f"({_met(speedup >= TARGET_SPEEDUP)})."
        )
    total = largest.peak_rss / largest.file_bytes
    increase = largest.rss_increase / largest.file_bytes
    lines.append(
        f"Target: peak memory under {TARGET_MEMORY_FACTOR:.0f}x the plan file ({_mib(largest.file_bytes)} MiB) "
        f"on {label}: total peak RSS {total:.1f}x ({_met(total < TARGET_MEMORY_FACTOR)}); "
        f"increase over the empty run {increase:.1f}x ({_met(increase < TARGET_MEMORY_FACTOR)})."
    )
    return lines
