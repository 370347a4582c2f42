"""How the emulator is served (glue/motoext/server.py): one request at a time, retries answered once,
keep-alive connections; and the load test and replay that showed moto's own server failing."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from glue import emulator, emulator_load
from glue.motoext.server import RetryReplay, SerializedApplication, restore_header_names
from tests.conftest import emulator_client


class CountingApp:
    """A WSGI app that answers `status` and counts its calls and its most concurrent calls."""

    def __init__(self, status: str = "200 OK", pause: float = 0.0) -> None:
        self.status = status
        self.pause = pause
        self.calls = 0
        self.running = 0
        self.most_running = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self._lock:
            self.calls += 1
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        time.sleep(self.pause)
        with self._lock:
            self.running -= 1
        start_response(self.status, [("Content-Type", "text/plain")])
        return [f"answer {self.calls}".encode()]


def _call(app: Any, invocation: str | None = None, attempt: int = 1, path: str = "/") -> tuple[str, bytes]:
    environ: dict[str, Any] = {"PATH_INFO": path, "REQUEST_METHOD": "POST"}
    if invocation:
        environ["HTTP_AMZ_SDK_INVOCATION_ID"] = invocation
        environ["HTTP_AMZ_SDK_REQUEST"] = f"ttl=20261206T000000Z; attempt={attempt}; max=3"
    status: list[str] = []
    body = b"".join(app(environ, lambda s, headers, exc_info=None: status.append(s)))
    return status[0], body


def test_a_retry_of_a_success_is_answered_with_that_success_without_running_again() -> None:
    inner = CountingApp()
    app = RetryReplay(SerializedApplication(inner))
    first = _call(app, "call-1", attempt=1)
    retry = _call(app, "call-1", attempt=2)
    assert retry == first == ("200 OK", b"answer 1")
    assert inner.calls == 1
    assert app.replayed == 1


def test_first_attempts_calls_without_invocation_id_and_failures_always_run() -> None:
    inner = CountingApp()
    app = RetryReplay(SerializedApplication(inner))
    _call(app, "call-1", attempt=1)
    _call(app, "call-1", attempt=1)  # not a retry: runs again
    _call(app)
    _call(app)
    assert inner.calls == 4
    failing = CountingApp(status="400 Bad Request")
    app = RetryReplay(SerializedApplication(failing))
    assert _call(app, "call-2", attempt=1)[0] == "400 Bad Request"
    assert _call(app, "call-2", attempt=2)[0] == "400 Bad Request"
    assert failing.calls == 2
    assert app.replayed == 0


def test_reset_forgets_kept_answers_and_the_oldest_go_first() -> None:
    inner = CountingApp()
    app = RetryReplay(SerializedApplication(inner), capacity=2)
    for invocation in ("a", "b", "c"):
        _call(app, invocation)
    _call(app, "a", attempt=2)  # pushed out by c: runs again
    assert inner.calls == 4
    _call(app, "c", attempt=2)
    assert inner.calls == 4
    _call(app, path="/moto-api/reset")
    _call(app, "c", attempt=2)
    assert inner.calls == 6


def test_requests_never_run_in_parallel() -> None:
    inner = CountingApp(pause=0.01)
    app = SerializedApplication(inner)
    threads = [threading.Thread(target=_call, args=(app,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert inner.calls == 8
    assert inner.most_running == 1


def test_the_workers_emulator_is_served_by_waitress_with_keep_alive(
    running_emulator: emulator.RunningEmulator,
) -> None:
    connection = http.client.HTTPConnection(emulator.HOST, running_emulator.port, timeout=5)
    try:
        for _ in range(3):  # three requests on one connection
            connection.request("GET", "/moto-api/")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            assert response.getheader("Server") == "moto-emulator"
            assert (response.getheader("Connection") or "").lower() != "close"
    finally:
        connection.close()


def test_header_names_keep_the_applications_spelling() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Amz-Meta-Commit: abc\r\nX-Amz-Meta-Note: a: b\r\n\r\n"
    restored = restore_header_names(head, ["x-amz-meta-commit", "x-amz-meta-note"])
    assert (
        restored == b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nx-amz-meta-commit: abc\r\nx-amz-meta-note: a: b\r\n\r\n"
    )


def test_s3_user_metadata_reads_back_with_the_key_as_written(running_emulator: emulator.RunningEmulator) -> None:
    """S3 answers user metadata in `x-amz-meta-*` headers; SDKs take the key from the header name."""
    s3 = emulator_client("s3", running_emulator)
    s3.create_bucket(Bucket="header-spelling")
    s3.put_object(Bucket="header-spelling", Key="k", Body=b"x", Metadata={"commit": "abc", "description": "d"})
    assert s3.head_object(Bucket="header-spelling", Key="k")["Metadata"] == {"commit": "abc", "description": "d"}


@pytest.mark.parametrize(
    ("server", "outcome"), [("werkzeug", "retry answered AlreadyExistsException"), ("waitress", "ok")]
)
def test_replay_of_a_lost_create_answer(server: str, outcome: str) -> None:
    """moto's own server answers the SDK's retry of a processed CreateAlias with AlreadyExists; ours does not."""
    with emulator_load.temporary_emulator(server) as running:
        result = emulator_load.replay_create_retry(running, server)
    assert result.outcome == outcome


def test_load_on_the_emulator_fails_no_call() -> None:
    with emulator_load.temporary_emulator("waitress") as running:
        result = emulator_load.run_load(running, "waitress", clients=16, seconds=3)
    assert not result.errors, result.errors.most_common(3)
    assert result.cycles > 0
    assert result.calls == 8 * result.cycles


def test_the_load_test_counts_a_failed_call() -> None:
    """A load test that cannot fail proves nothing: an emulator that is stopped mid-run fails calls."""
    with emulator_load.temporary_emulator("waitress") as running:
        stopper = threading.Timer(1.0, emulator.down, args=(emulator.EmulatorState(running.log_file.parent),))
        stopper.start()
        result = emulator_load.run_load(running, "waitress", clients=4, seconds=3)
        stopper.join()
    assert result.errors
    assert not result.passed
