"""Shared fixtures: the repository's Terraform CLI config, one emulator per test worker, workspaces."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cdktf_app.paths import REPO_ROOT
from glue import emulator, workflow
from glue.terraform import CLI_CONFIG_FILE, CLI_CONFIG_SCRIPT, GO_GC_PERCENT


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than cores, since applies spend much of their time waiting on the emulator."""
    return (os.cpu_count() or 1) + 1


# Longest first: applies to the emulator, then Terraform plans, then the rest. Workers then start
# the long tests at once and fill the gaps with short ones, instead of ending on a long tail.
SCHEDULE_ORDER = ("integration", "module", "compliance")
# The longest single tests (2-3 minutes each), started before everything else.
LONGEST_FIRST = (
    "test_local_environment.py",
    "test_sagemaker_template_product.py",
    "test_s3_template_publication.py",
    "test_bootstrap.py",
)


# Fixtures built once per scope and worker: tests sharing one must run on one worker, or each
# worker builds it again (a module fixture is often an init and a Terraform plan).
SHARED_SCOPES = frozenset({"module", "package", "class"})


def shares_a_fixture(item: pytest.Item) -> bool:
    """Whether the test uses a fixture built once for its file (or class, or package)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(definitions and definitions[-1].scope in SHARED_SCOPES for definitions in info.name2fixturedefs.values())


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if shares_a_fixture(item) and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(f"shared:{item.path.relative_to(REPO_ROOT)}"))

    def rank(item: pytest.Item) -> tuple[int, int]:
        marks = {mark.name for mark in item.iter_markers()}
        group = next((index for index, name in enumerate(SCHEDULE_ORDER) if name in marks), len(SCHEDULE_ORDER))
        file_name = item.path.name
        return group, LONGEST_FIRST.index(file_name) if file_name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)


def pytest_configure(config: pytest.Config) -> None:
    # Every Terraform the suite starts (tftest included) installs providers like `make` does.
    if not CLI_CONFIG_FILE.exists():
        subprocess.run(["bash", str(CLI_CONFIG_SCRIPT)], check=True, stdout=subprocess.DEVNULL)
    os.environ["TF_CLI_CONFIG_FILE"] = str(CLI_CONFIG_FILE)
    os.environ.setdefault("TF_IN_AUTOMATION", "1")
    os.environ.setdefault("CHECKPOINT_DISABLE", "1")
    os.environ.setdefault("GOGC", GO_GC_PERCENT)  # see glue.terraform.base_environment
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    # No test may pick up a developer's real AWS credentials.
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.pop(name, None)
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"


@pytest.fixture(scope="session")
def emulator_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[emulator.EmulatorState]:
    """A moto server for this test worker, apart from any a developer runs."""
    state = emulator.EmulatorState(tmp_path_factory.mktemp("emulator"))
    emulator.up(state)
    yield state
    emulator.down(state)


@pytest.fixture(scope="session")
def running_emulator(emulator_state: emulator.EmulatorState) -> emulator.RunningEmulator:
    return emulator.require(emulator_state)


@pytest.fixture
def workspace(tmp_path: Path, emulator_state: emulator.EmulatorState) -> workflow.Workspace:
    """Synth output and local state in a temporary folder, the repository's environment files."""
    return workflow.Workspace(
        outdir=tmp_path / "cdktf.out",
        state_root=tmp_path / "state",
        environments_dir=REPO_ROOT / "environments",
        emulator_state=emulator_state,
    )


def write_environment(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def emulator_client(service: str, running: emulator.RunningEmulator, region: str = "us-east-1") -> Any:
    """A boto3 client for the test worker's emulator, with its dummy credentials."""
    return emulator.clients(running, region)(service)
