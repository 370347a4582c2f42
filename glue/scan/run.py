"""`make scan` (`python -m glue scan`): checkov over modules/, the synthesized stacks and the rendered templates.

Targets, one checkov run each (checkov from .venv-checkov, `--skip-download`):
- `modules`: every module under modules/ (framework terraform);
- `stack <name>`: each synthesized stack of the shipped environments (cdktf.out/stacks/<name>/cdk.tf.json
  and the modules it calls, with the stack's inputs), framework terraform. checkov does not load modules
  from .tf.json, so each stack's module calls are written as HCL first (cdktf.out/scan/hcl/<name>/main.tf);
- `templates`: the rendered product templates (cdktf.out/stacks/*/templates/*.yaml), framework cloudformation.

The custom checks in glue/scan/checkov_checks are loaded with --external-checks-dir. checkov does not
merge the provider's default_tags into resources, so each stack run gets them (and the environment's
required tag keys) in environment variables the custom tag check reads. glue/scan/checkov.yaml maps
every skipped check id to its reason; the skips become --skip-check (the templates target also
drops the failures that a resource-scoped entry of template_skips.yaml covers). Reports go to cdktf.out/scan/:
one SARIF file for all targets (checkov.sarif) and each run's own JSON and SARIF.

Nothing here imports checkov: it is not in the main venv.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cdktf_app.config import EnvironmentConfig
from cdktf_app.paths import REPO_ROOT
from cdktf_app.targets import stack_targets

SCAN_DIR = Path(__file__).parent
CONFIG_FILE = SCAN_DIR / "checkov.yaml"
TEMPLATE_SKIPS_FILE = SCAN_DIR / "template_skips.yaml"
CHECKS_DIR = SCAN_DIR / "checkov_checks"
CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"
MODULES_DIR = REPO_ROOT / "modules"
KINDS = ("modules", "stack", "templates")
CUSTOM_CHECK_IDS = ("CKV_SMT_1", "CKV_SMT_2", "CKV_SMT_3")


class ScanConfigError(ValueError):
    """glue/scan/checkov.yaml is unusable; the message names the file and the entry."""


@dataclass(frozen=True)
class ScanConfig:
    """Check id -> reason, for every target and per kind of target (modules, stack, templates)."""

    skip: dict[str, str] = field(default_factory=dict)
    skip_by_kind: dict[str, dict[str, str]] = field(default_factory=dict)

    def skips_for(self, kind: str) -> dict[str, str]:
        return {**self.skip, **self.skip_by_kind.get(kind, {})}


def _reasons(document: Any, where: str) -> dict[str, str]:
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ScanConfigError(f"{where}: a mapping of check id -> reason")
    found = {}
    for check_id, reason in document.items():
        if not isinstance(reason, str) or not reason.strip():
            raise ScanConfigError(f"{where}.{check_id}: every skipped check needs a reason (got {reason!r})")
        found[str(check_id)] = " ".join(reason.split())
    return found


def load_config(path: Path = CONFIG_FILE) -> ScanConfig:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ScanConfigError(f"{path}: {error}") from error
    if not isinstance(document, dict) or set(document) - {"skip", "skip_by_kind"}:
        raise ScanConfigError(f"{path}: expected only the keys skip and skip_by_kind")
    by_kind = document.get("skip_by_kind") or {}
    if not isinstance(by_kind, dict) or set(by_kind) - set(KINDS):
        raise ScanConfigError(f"{path}: skip_by_kind takes the kinds {', '.join(KINDS)}")
    return ScanConfig(
        skip=_reasons(document.get("skip"), f"{path.name}: skip"),
        skip_by_kind={kind: _reasons(value, f"{path.name}: skip_by_kind.{kind}") for kind, value in by_kind.items()},
    )


@dataclass(frozen=True)
class Target:
    name: str
    kind: str
    framework: str
    directories: tuple[Path, ...] = ()
    files: tuple[Path, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.name.replace(" ", "-")


def provider_default_tags(stack_json: Path) -> dict[str, str]:
    """The default_tags every aws provider block of a synthesized stack applies (their intersection)."""
    document = json.loads(stack_json.read_text(encoding="utf-8"))
    providers = (document.get("provider") or {}).get("aws") or []
    found: dict[str, str] | None = None
    for provider in providers if isinstance(providers, list) else [providers]:
        tags: dict[str, str] = {}
        for block in provider.get("default_tags") or []:
            tags.update(block.get("tags") or {})
        found = tags if found is None else {key: value for key, value in found.items() if tags.get(key) == value}
    return found or {}


def required_tag_keys(configs: Iterable[EnvironmentConfig]) -> list[str]:
    """The tag keys every one of these environments requires."""
    sets = [set(config.required_tags) for config in configs]
    return sorted(set.intersection(*sets)) if sets else []


def targets(configs: list[EnvironmentConfig], outdir: Path, hcl_root: Path | None = None) -> list[Target]:
    """modules, then each stack of each environment (synthesized into `outdir`; scanned as HCL written
    under `hcl_root`, by default outdir/scan/hcl), then the templates."""
    hcl_root = hcl_root or outdir / "scan" / "hcl"
    found = [
        Target(
            "modules",
            "modules",
            "terraform",
            directories=(MODULES_DIR,),
            env={"SMT_SCAN_REQUIRED_TAGS": ",".join(required_tag_keys(configs))},
        )
    ]
    templates: list[Path] = []
    for config in configs:
        for stack in stack_targets(config):
            directory = outdir / "stacks" / stack.name
            stack_json = directory / "cdk.tf.json"
            found.append(
                Target(
                    f"stack {stack.name}",
                    "stack",
                    "terraform",
                    directories=(write_stack_hcl(directory, hcl_root),),
                    env={
                        "SMT_SCAN_REQUIRED_TAGS": ",".join(sorted(config.required_tags)),
                        "SMT_SCAN_DEFAULT_TAGS": json.dumps(provider_default_tags(stack_json), sort_keys=True),
                    },
                )
            )
            templates += sorted((directory / "templates").glob("*.yaml"))
    if templates:
        found.append(Target("templates", "templates", "cloudformation", files=tuple(templates)))
    return found


def checkov_command(target: Target, config: ScanConfig, report_dir: Path, checkov: Path = CHECKOV) -> list[str]:
    """The checkov command line of one target: JSON and SARIF reports written into `report_dir`."""
    command = [str(checkov)]
    for directory in target.directories:
        command += ["-d", str(directory)]
    for file in target.files:
        command += ["-f", str(file)]
    command += [
        "--framework",
        target.framework,
        "--skip-download",
        "--compact",
        "--external-checks-dir",
        str(CHECKS_DIR),
    ]
    skips = config.skips_for(target.kind)
    if skips:
        command += ["--skip-check", ",".join(sorted(skips))]
    command += ["-o", "json", "-o", "sarif", "--output-file-path", str(report_dir)]
    return command


@dataclass(frozen=True)
class Failure:
    check_id: str
    resource: str
    file: str
    line: int
    name: str

    def line_text(self) -> str:
        return f"{self.check_id} {self.resource} ({self.file}:{self.line}): {self.name}"


@dataclass(frozen=True)
class Outcome:
    target: Target
    passed: int
    failed: list[Failure]
    skipped: int
    parsing_errors: int
    seconds: float
    sarif: dict[str, Any] | None

    @property
    def ok(self) -> bool:
        return not self.failed and not self.parsing_errors

    def summary(self) -> str:
        mark = "✓" if self.ok else "✗"
        text = (
            f"{mark} {self.target.name} ({self.target.framework}): {self.passed} passed, {len(self.failed)} failed, "
            f"{self.skipped} skipped"
        )
        if self.parsing_errors:
            text += f", {self.parsing_errors} files not parsed"
        return f"{text} ({self.seconds:.1f} s)"


@dataclass(frozen=True)
class TemplateSkip:
    """An entry of template_skips.yaml: a check the rendered templates may fail, on some resources only."""

    check: str
    resource_type: str | None
    resources: tuple[str, ...]

    def covers(self, failure: Failure) -> bool:
        resource_type, _, logical_id = failure.resource.rpartition(".")
        return (
            failure.check_id == self.check
            and self.resource_type in (None, resource_type)
            and (not self.resources or logical_id in self.resources)
        )


def template_skips(path: Path = TEMPLATE_SKIPS_FILE) -> list[TemplateSkip]:
    """The resource-scoped skips of the templates target (also what tests/templates checks against)."""
    entries = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("skips") or []
    return [
        TemplateSkip(str(entry["check"]), entry.get("resource_type"), tuple(entry.get("resources") or ()))
        for entry in entries
    ]


def read_results(report: Any) -> tuple[int, list[Failure], int, int]:
    """(passed, failures, skipped, parsing errors) of a checkov JSON report (one framework or several)."""
    reports = report if isinstance(report, list) else [report]
    passed = skipped = errors = 0
    failures: list[Failure] = []
    for item in reports:
        summary = item.get("summary") or {}
        errors += int(summary.get("parsing_errors", item.get("parsing_errors", 0)) or 0)
        results = item.get("results")
        if not results:
            continue
        passed += len(results.get("passed_checks") or [])
        skipped += len(results.get("skipped_checks") or [])
        for check in results.get("failed_checks") or []:
            failures.append(
                Failure(
                    check_id=str(check.get("check_id")),
                    resource=str(check.get("resource")),
                    file=str(check.get("file_abs_path") or check.get("file_path")),
                    line=int((check.get("file_line_range") or [0])[0]),
                    name=str(check.get("check_name")),
                )
            )
    return passed, failures, skipped, errors


def scan_target(target: Target, config: ScanConfig, report_root: Path, checkov: Path = CHECKOV) -> Outcome:
    report_dir = report_root / target.slug
    report_dir.mkdir(parents=True, exist_ok=True)
    for old in report_dir.glob("results_*"):
        old.unlink()
    env = {**os.environ, **target.env, "LOG_LEVEL": "ERROR"}
    started = time.perf_counter()
    result = subprocess.run(
        checkov_command(target, config, report_dir, checkov),
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=REPO_ROOT,
        timeout=1800,
    )
    seconds = time.perf_counter() - started
    json_report = report_dir / "results_json.json"
    if result.returncode not in (0, 1) or not json_report.exists():
        raise RuntimeError(f"checkov failed on {target.name} (exit {result.returncode}): {result.stderr[-1500:]}")
    passed, failures, skipped, errors = read_results(json.loads(json_report.read_text(encoding="utf-8")))
    if target.kind == "templates":
        covered = [failure for failure in failures if any(entry.covers(failure) for entry in template_skips())]
        failures = [failure for failure in failures if failure not in covered]
        skipped += len(covered)
    sarif_file = report_dir / "results_sarif.sarif"
    sarif = json.loads(sarif_file.read_text(encoding="utf-8")) if sarif_file.exists() else None
    return Outcome(target, passed, failures, skipped, errors, seconds, sarif)


def merge_sarif(outcomes: Iterable[Outcome]) -> dict[str, Any]:
    """One SARIF log with a run per target (each run's automation id names the target)."""
    runs = []
    for outcome in outcomes:
        for run in (outcome.sarif or {}).get("runs", []):
            runs.append({**run, "automationDetails": {"id": f"checkov/{outcome.target.slug}"}})
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": runs}


def scan(targets_: list[Target], report_root: Path, config: ScanConfig | None = None, jobs: int = 2) -> list[Outcome]:
    """Run checkov on every target (`jobs` at a time); write the merged SARIF to report_root/checkov.sarif."""
    if not CHECKOV.exists():
        raise RuntimeError(f"{CHECKOV} is missing: run `make setup`")
    config = config or load_config()
    report_root.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        outcomes = list(pool.map(lambda target: scan_target(target, config, report_root), targets_))
    (report_root / "checkov.sarif").write_text(json.dumps(merge_sarif(outcomes), indent=1) + "\n", encoding="utf-8")
    return outcomes


# ---------------------------------------------------------------- cdk.tf.json as HCL for checkov

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _hcl(value: Any, indent: int = 1) -> str:
    """A JSON value as an HCL expression (strings keep their ${...} interpolations)."""
    pad = "  " * indent
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value).replace("%{", "%%{")
    if isinstance(value, list):
        if not value:
            return "[]"
        items = "".join(f"{pad}{_hcl(item, indent + 1)},\n" for item in value)
        return f"[\n{items}{'  ' * (indent - 1)}]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = "".join(
            f"{pad}{json.dumps(str(key))} = {_hcl(item, indent + 1)}\n" for key, item in value.items() if key != "//"
        )
        return f"{{\n{items}{'  ' * (indent - 1)}}}"
    raise TypeError(f"not a JSON value: {value!r}")


def stack_as_hcl(stack_json: Path, target_dir: Path) -> str:
    """The module calls and outputs of a synthesized stack as HCL (checkov cannot load modules from
    .tf.json): local module sources are rewritten relative to `target_dir`. Providers and the backend are
    left out (the provider's default_tags reach the custom tag check through SMT_SCAN_DEFAULT_TAGS)."""
    document = json.loads(stack_json.read_text(encoding="utf-8"))
    blocks = []
    for kind in ("locals", "data", "resource"):
        if document.get(kind):
            raise ValueError(f"{stack_json}: top-level {kind} blocks are not converted; extend stack_as_hcl")
    for name, variable in (document.get("variable") or {}).items():
        # Only the default matters to checkov; `type` is an HCL type expression, not a string.
        body = "".join(f"  {key} = {_hcl(variable[key], 2)}\n" for key in ("default", "description") if key in variable)
        blocks.append(f'variable "{name}" {{\n{body}}}')
    for name, call in (document.get("module") or {}).items():
        lines = [f'module "{name}" {{']
        for key, value in call.items():
            if key == "//":
                continue
            if key == "source" and isinstance(value, str) and value.startswith((".", "/")):
                module = (stack_json.parent / value).resolve()
                value = os.path.relpath(module, target_dir.resolve())
                value = value if value.startswith(".") else f"./{value}"
            if not _IDENTIFIER.match(key):
                raise ValueError(f"{stack_json}: module {name}: argument {key!r} is not an HCL identifier")
            lines.append(f"  {key} = {_hcl(value, 2)}")
        blocks.append("\n".join([*lines, "}"]))
    for name, output in (document.get("output") or {}).items():
        body = "\n".join(f"  {key} = {_hcl(value, 2)}" for key, value in output.items() if key != "//")
        blocks.append(f'output "{name}" {{\n{body}\n}}')
    return "\n\n".join(blocks) + "\n"


def write_stack_hcl(stack_dir: Path, hcl_root: Path) -> Path:
    """cdk.tf.json of `stack_dir` as hcl_root/<stack>/main.tf; the folder checkov scans for that stack."""
    target_dir = hcl_root / stack_dir.name
    target_dir.mkdir(parents=True, exist_ok=True)
    (target_dir / "main.tf").write_text(stack_as_hcl(stack_dir / "cdk.tf.json", target_dir), encoding="utf-8")
    return target_dir
