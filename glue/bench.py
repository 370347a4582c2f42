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
