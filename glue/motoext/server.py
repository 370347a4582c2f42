"""How the extended moto is served: waitress, one request at a time, retries answered once.

moto's own `moto_server` runs werkzeug's development server, which failed the test suite under
load (docs/adr/0010-emulator-server.md). Measured causes, each fixed here:

- it closes the connection after every response, so Terraform opens a TCP connection per API call
  and its accept loop, starved of the GIL by handler threads, overflows the listen queue (SYN
  retransmits, stalls, resets): waitress keeps HTTP/1.1 connections alive and accepts on an
  event loop with a deep backlog;
- it runs requests in parallel threads, but moto's backends are not thread-safe ("dictionary
  changed size during iteration" answers 500 while another request adds a resource):
  `SerializedApplication` runs one request at a time and reads the whole answer inside the lock;
- a client that lost an answer retries a create that already happened and gets AlreadyExists:
  `RetryReplay` answers a retry (same `amz-sdk-invocation-id`, `attempt` above 1) with the
  success the first attempt produced, as if the answer had arrived.

waitress capitalizes response header names (`x-amz-meta-commit` becomes `X-Amz-Meta-Commit`), and
SDKs take S3 user-metadata keys from those names: `preserve_header_names` sends them as moto
wrote them, as S3 and moto's own server do.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# Answers kept for retries; an SDK retries within seconds, so a few hundred suffice.
REPLAY_CAPACITY = 512
# waitress: worker threads (requests are serialized; more threads only hold waiting requests),
# listen backlog, and connections kept at once (several Terraform processes with -parallelism).
WORKER_THREADS = 8
LISTEN_BACKLOG = 2048
CONNECTION_LIMIT = 1000
_ATTEMPT = re.compile(r"attempt=(\d+)")


@dataclass(frozen=True)
class Answer:
    status: str
    headers: list[tuple[str, str]]
    body: bytes


class SerializedApplication:
    """A WSGI application run by one request at a time, its whole answer read inside the lock."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = threading.Lock()

    def answer(self, environ: dict[str, Any]) -> Answer:
        captured: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., Any]:
            captured["status"], captured["headers"] = status, list(headers)
            return lambda data: None

        with self._lock:
            result = self._app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        return Answer(captured["status"], captured["headers"], body)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        answer = self.answer(environ)
        start_response(answer.status, answer.headers)
        return [answer.body]


class RetryReplay:
    """Answers an SDK retry of a request that already succeeded with that success.

    AWS SDKs send one `amz-sdk-invocation-id` for every attempt of one call and count attempts in
    `amz-sdk-request`. A success (2xx) is kept by invocation id; a later attempt of the same call
    gets it back instead of running again. Failures are never replayed: a retry after one runs.
    `/moto-api/reset` forgets every kept answer."""

    def __init__(self, app: SerializedApplication, capacity: int = REPLAY_CAPACITY) -> None:
        self._app = app
        self._capacity = capacity
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._lock = threading.Lock()
        self.replayed = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if str(environ.get("PATH_INFO", "")).startswith("/moto-api/reset"):
            with self._lock:
                self._answers.clear()
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        answer = self._kept(invocation) if invocation and _attempt(environ) > 1 else None
        if answer is None:
            answer = self._app.answer(environ)
            if invocation and answer.status.startswith("2"):
                self._keep(invocation, answer)
        else:
            self.replayed += 1
        start_response(answer.status, answer.headers)
        return [answer.body]

    def _kept(self, invocation: str) -> Answer | None:
        with self._lock:
            return self._answers.get(invocation)

    def _keep(self, invocation: str, answer: Answer) -> None:
        with self._lock:
            self._answers[invocation] = answer
            while len(self._answers) > self._capacity:
                self._answers.popitem(last=False)


def _attempt(environ: dict[str, Any]) -> int:
    match = _ATTEMPT.search(str(environ.get("HTTP_AMZ_SDK_REQUEST", "")))
    return int(match[1]) if match else 1


def emulator_application() -> RetryReplay:
    """moto's dispatcher over every backend (the extended ones installed), serialized, with replay."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return RetryReplay(SerializedApplication(DomainDispatcherApplication(create_backend_app)))


def restore_header_names(head: bytes, names: Iterable[str]) -> bytes:
    """The response head waitress built, each header name spelled as the application wrote it."""
    spelled = {name.lower(): name for name in names}
    lines = head.decode("latin-1").split("\r\n")
    for index, line in enumerate(lines[1:], start=1):
        name, separator, value = line.partition(": ")
        if separator and name.lower() in spelled:
            lines[index] = f"{spelled[name.lower()]}: {value}"
    return "\r\n".join(lines).encode("latin-1")


def preserve_header_names(server: Any) -> None:
    """Make a waitress server send header names unchanged (it capitalizes them by default)."""
    from waitress.channel import HTTPChannel
    from waitress.task import WSGITask

    class CasePreservingTask(WSGITask):  # type: ignore[misc]
        def build_response_header(self) -> bytes:
            names = [name for name, _ in self.response_headers]
            return restore_header_names(super().build_response_header(), names)

    class CasePreservingChannel(HTTPChannel):  # type: ignore[misc]
        task_class = CasePreservingTask

    server.channel_class = CasePreservingChannel


def serve(host: str, port: int) -> None:
    """Serve the emulator with waitress until the process is stopped."""
    import logging

    from waitress.server import create_server

    # "Task queue depth is N" is expected: requests wait for the one lock by design.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)

    server = create_server(
        emulator_application(),
        host=host,
        port=port,
        threads=WORKER_THREADS,
        backlog=LISTEN_BACKLOG,
        connection_limit=CONNECTION_LIMIT,
        ident="moto-emulator",
    )
    preserve_header_names(server)
    server.run()
