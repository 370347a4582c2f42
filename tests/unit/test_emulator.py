"""The embedded emulator: one per folder, on loopback, stoppable, with clear errors when absent."""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import pytest

from glue import emulator
from glue.errors import UserError


def test_up_is_idempotent_and_down_stops_it(tmp_path: Path) -> None:
    state = emulator.EmulatorState(tmp_path)
    first, started = emulator.up(state)
    try:
        assert started
        assert first.endpoint.startswith("http://127.0.0.1:")
        assert emulator.http_status(first.port, "/moto-api/") == 200
        again, started_again = emulator.up(state)
        assert (again, started_again) == (first, False)
        assert emulator.status(state) == first
    finally:
        stopped = emulator.down(state)
    assert stopped == first
    assert emulator.status(state) is None
    assert not state.pid_file.exists()


def test_concurrent_starts_share_one_emulator(tmp_path: Path) -> None:
    state = emulator.EmulatorState(tmp_path)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
            results = list(pool.map(lambda _: emulator.up(state), range(3)))
        assert len({running.pid for running, _ in results}) == 1
        assert sum(started for _, started in results) == 1
    finally:
        emulator.down(state)


def test_require_says_how_to_start_it(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not running: start it with `make emulator-up`"):
        emulator.require(emulator.EmulatorState(tmp_path))


def test_stale_pid_file_is_not_mistaken_for_a_running_emulator(tmp_path: Path) -> None:
    state = emulator.EmulatorState(tmp_path)
    state.pid_file.write_text("999999\n")
    state.port_file.write_text("1\n")
    assert emulator.status(state) is None
    assert emulator.down(state) is not None
    assert not state.port_file.exists()
