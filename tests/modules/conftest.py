"""Fixtures for module tests: one initialised test root per test module and worker."""

from __future__ import annotations

from pathlib import Path

import pytest

from glue import emulator
from tests.modules.harness import ModuleRoot, init_test_root


@pytest.fixture(scope="module")
def module_root(
    request: pytest.FixtureRequest, running_emulator: emulator.RunningEmulator, tmp_path_factory: pytest.TempPathFactory
) -> ModuleRoot:
    """tests/modules/<module>/fixture beside the requesting test, initialised once, on the worker's emulator."""
    return ModuleRoot(
        init_test_root(Path(request.path).parent / "fixture", tmp_path_factory), running_emulator.endpoint
    )
