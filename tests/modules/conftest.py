"""Fixtures for module tests: one initialised test root per test module and worker."""

from __future__ import annotations

from pathlib import Path

import pytest

from glue import emulator
from tests.modules.harness import ModuleRoot, init_cases_root, inventories, inventory_inputs


@pytest.fixture(scope="module")
def module_root(
    request: pytest.FixtureRequest, running_emulator: emulator.RunningEmulator, tmp_path_factory: pytest.TempPathFactory
) -> ModuleRoot:
    """tests/modules/<module>/fixture beside the requesting test, initialised once, on the worker's emulator.

    The test file's PLAN_INPUTS (default: the variables of the YAML inventories beside it) are
    planned together in one plan, at the first plan a test asks for."""
    folder = Path(request.path).parent
    expected = getattr(request.module, "PLAN_INPUTS", None)
    if expected is None:
        expected = inventory_inputs(inventories(str(request.path)))
    return ModuleRoot(init_cases_root(folder / "fixture", tmp_path_factory), running_emulator.endpoint, list(expected))
