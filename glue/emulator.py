"""The embedded default: a moto server on 127.0.0.1, one per state directory.

The server is moto with the extensions of glue.motoext (Service Catalog products and launches,
SageMaker projects), served by waitress one request at a time (glue/motoext/server.py), started
as `python -m glue.motoext`.

State (pid, port, log) lives in .local/emulator/ unless SMT_EMULATOR_DIR names another folder,
so that the test suite can run its own emulator beside a developer's.
"""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdktf_app.paths import REPO_ROOT
from glue.errors import UserError

HOST = "127.0.0.1"
# Dummy credentials for the emulator; real ones are dropped so that they never leave for it.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "emulator", "AWS_SECRET_ACCESS_KEY": "emulator"}
ClientFactory = Callable[[str], Any]
READY_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class EmulatorState:
    directory: Path

    @classmethod
    def default(cls) -> EmulatorState:
        return cls(Path(os.environ.get("SMT_EMULATOR_DIR", REPO_ROOT / ".local" / "emulator")))

    @property
    def pid_file(self) -> Path:
        return self.directory / "moto.pid"

    @property
    def port_file(self) -> Path:
        return self.directory / "moto.port"

    @property
    def log_file(self) -> Path:
        return self.directory / "moto.log"

    @property
    def lock_file(self) -> Path:
        return self.directory / "moto.lock"


@dataclass(frozen=True)
class RunningEmulator:
    pid: int
    port: int
    log_file: Path

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"


def up(state: EmulatorState | None = None, server: str = "waitress") -> tuple[RunningEmulator, bool]:
    """Start the emulator unless it already runs; return it and whether it was started now.

    `server="werkzeug"` serves it with moto's development server (only for the load test's comparison)."""
    state = state or EmulatorState.default()
    with _locked(state):
        running = _running(state)
        if running is not None:
            return running, False
        port = _free_port()
        state.directory.mkdir(parents=True, exist_ok=True)
        with state.log_file.open("ab") as log:
            process = subprocess.Popen(
                [*_moto_server(), "-H", HOST, "-p", str(port), "--server", server],
                cwd=REPO_ROOT,
                env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        emulator = RunningEmulator(pid=process.pid, port=port, log_file=state.log_file)
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                _terminate(process.pid)
                raise UserError(
                    f"the local emulator did not become ready within {READY_TIMEOUT_S:.0f} s: "
                    f"see {state.log_file} (is moto[server] installed? run `make setup`)"
                )
            time.sleep(0.1)
        state.pid_file.write_text(f"{process.pid}\n")
        state.port_file.write_text(f"{port}\n")
        return emulator, True


def down(state: EmulatorState | None = None) -> RunningEmulator | None:
    """Stop the emulator if it runs; return what was stopped."""
    state = state or EmulatorState.default()
    with _locked(state):
        running = _recorded(state)
        if running is not None and _alive(running.pid):
            _terminate(running.pid)
        for path in (state.pid_file, state.port_file):
            path.unlink(missing_ok=True)
        return running


def status(state: EmulatorState | None = None) -> RunningEmulator | None:
    return _running(state or EmulatorState.default())


def require(state: EmulatorState | None = None) -> RunningEmulator:
    """The running emulator, or a one-line error saying how to start it."""
    running = status(state)
    if running is None:
        raise UserError("the local emulator is not running: start it with `make emulator-up` (or run `make demo`)")
    return running


def clients(running: RunningEmulator, region: str, credentials: Mapping[str, str] | None = None) -> ClientFactory:
    """boto3 clients for the emulator, with its dummy credentials or the given (STS) ones."""
    import boto3  # only the commands that call AWS APIs pay for it

    session = boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"] if credentials else CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=credentials["SecretAccessKey"] if credentials else CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=credentials.get("SessionToken") if credentials else None,
        region_name=region,
    )

    def client(service: str) -> Any:
        return session.client(service, endpoint_url=running.endpoint)

    return client


def reset(emulator: RunningEmulator) -> None:
    """Forget every resource the emulator holds."""
    if http_status(emulator.port, "/moto-api/reset", method="POST", timeout=5) != 200:
        raise UserError(f"the emulator at {emulator.endpoint} refused a reset: see {emulator.log_file}")


def http_status(port: int, path: str, method: str = "GET", timeout: float = 1.0) -> int | None:
    """Status of one request to the loopback emulator, or None when nothing answers."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def _running(state: EmulatorState) -> RunningEmulator | None:
    recorded = _recorded(state)
    if recorded is None or not _alive(recorded.pid) or not _answers(recorded.port):
        return None
    return recorded


def _recorded(state: EmulatorState) -> RunningEmulator | None:
    try:
        pid = int(state.pid_file.read_text().strip())
        port = int(state.port_file.read_text().strip())
    except (OSError, ValueError):
        return None
    return RunningEmulator(pid=pid, port=port, log_file=state.log_file)


@contextlib.contextmanager
def _locked(state: EmulatorState) -> Iterator[None]:
    """Serialize up/down across processes so that two emulators never start for one folder."""
    state.directory.mkdir(parents=True, exist_ok=True)
    with state.lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _moto_server() -> list[str]:
    """moto's server with the extended services, from the interpreter of this virtual environment."""
    if not (Path(sys.executable).parent / "moto_server").exists():
        raise UserError("moto_server is not installed in this virtual environment: run `make setup`")
    return [sys.executable, "-m", "glue.motoext"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    return http_status(port, "/moto-api/") == 200


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _terminate(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            finished, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            finished = 0 if _alive(pid) else pid
        if finished == pid or not _alive(pid):
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
