"""The suite's scheduling: tests sharing a fixture built once per file run on one worker.

pytest-xdist 3.8 groups tests by a suffix on their node id, which pytest 9.2 no longer lets it
set (pytest-xdist issue 1386): the groups silently vanish and every worker plans each module
again. This test fails on that combination instead of letting the suite slow down unseen."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="module")
def built_once() -> str:
    return "shared"


def test_a_test_sharing_a_module_fixture_runs_in_its_files_group(
    built_once: str, request: pytest.FixtureRequest
) -> None:
    if "PYTEST_XDIST_WORKER" not in os.environ or not request.config.getvalue("loadgroup"):
        pytest.skip("groups exist only when the suite runs on workers with --dist loadgroup (as `make test` does)")
    assert request.node.nodeid.endswith("@shared:tests/unit/test_suite_scheduling.py")
