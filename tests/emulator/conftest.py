"""Fixtures of the emulator tests: the worker's emulator with a template bucket of the module's own."""

from __future__ import annotations

import pytest

from glue import emulator
from tests.conftest import emulator_client
from tests.emulator.support import REGION, Emulator, unique


@pytest.fixture(scope="module")
def env(running_emulator: emulator.RunningEmulator) -> Emulator:
    """The shared emulator, with a bucket for this test module's templates (left in place, like the rest)."""
    bucket = unique("smt-emu-templates")
    emulator_client("s3", running_emulator, REGION).create_bucket(Bucket=bucket)
    return Emulator(running_emulator, bucket)
