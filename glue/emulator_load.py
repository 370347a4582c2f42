"""Load test and retry replay of the local emulator (`python -m glue emulator load-test`).

Both run against emulators this module starts on loopback in temporary folders, and stop by
themselves: the load test after a fixed time, the replay after one call.

- Load: N clients in parallel, each repeating create/read/delete cycles of SSM parameters and KMS
  keys with aliases for a fixed time, every call made once (no SDK retries, so none hides a
  failure). Any failed call fails the test.
- Replay: the sequence that broke the suite. A client sends CreateAlias, the connection drops
  before the answer arrives (the request was processed), and the SDK retries the same call: the
  emulator must answer the retry with success, as AWS's answer to the first attempt would have been.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from glue import emulator

REGION = "us-east-1"
DROP_WAIT_S = 10.0
# A call unanswered this long on loopback counts as failed (a connection lost in a full listen queue).
CALL_TIMEOUT_S = 20


@dataclass
class LoadResult:
    server: str
    clients: int
    seconds: float
    cycles: int = 0
    calls: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    listen_overflows: int | None = None

    @property
    def passed(self) -> bool:
        """No failed call, and no connection dropped by a full listen queue (when the kernel counts them)."""
        return not self.errors and self.cycles > 0 and not self.listen_overflows

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class ReplayResult:
    server: str
    outcome: str

    @property
    def passed(self) -> bool:
        return self.outcome == "ok"


@contextmanager
def temporary_emulator(server: str) -> Iterator[emulator.RunningEmulator]:
    """An emulator served by `server` in a temporary folder, stopped on exit."""
    with tempfile.TemporaryDirectory(prefix=f"emulator-{server}-") as directory:
        state = emulator.EmulatorState(Path(directory))
        running, _ = emulator.up(state, server=server)
        try:
            yield running
        finally:
            emulator.down(state)


def _session() -> Any:
    import boto3

    return boto3.session.Session(
        aws_access_key_id=emulator.CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=emulator.CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    )


def _client(running: emulator.RunningEmulator, service: str, max_attempts: int, session: Any | None = None) -> Any:
    """A client of the emulator; clients of one session share its loaded service models (a session
    is not thread-safe: build clients in one thread, use them in any)."""
    import botocore.config

    config = botocore.config.Config(
        retries={"max_attempts": max_attempts, "mode": "standard"}, connect_timeout=10, read_timeout=CALL_TIMEOUT_S
    )
    return (session or _session()).client(service, endpoint_url=running.endpoint, config=config)


def run_load(running: emulator.RunningEmulator, server: str, clients: int, seconds: float) -> LoadResult:
    """`clients` threads doing create/read/delete cycles for `seconds`; every call made once."""
    result = LoadResult(server=server, clients=clients, seconds=seconds)
    lock = threading.Lock()
    # One key for every alias: moto generates RSA key material for each key, which is CPU, not serving.
    session = _session()
    key_id = _client(running, "kms", max_attempts=1, session=session).create_key()["KeyMetadata"]["KeyId"]
    # Clients are built first, in this thread (a session is not thread-safe); the clock starts when
    # every thread is ready.
    pairs = [
        (
            _client(running, "ssm", max_attempts=1, session=session),
            _client(running, "kms", max_attempts=1, session=session),
        )
        for _ in range(clients)
    ]
    deadline = [0.0]
    overflows_before: list[int | None] = []

    def start_clock() -> None:
        deadline[0] = time.monotonic() + seconds
        overflows_before.append(listen_overflows())

    ready = threading.Barrier(clients + 1, action=start_clock)

    def one_client(number: int) -> None:
        ssm, kms = pairs[number]
        ready.wait()
        while time.monotonic() < deadline[0]:
            calls = _cycle_calls(ssm, kms, f"load-{number}-{uuid.uuid4().hex[:12]}", key_id)
            if not _run_cycle(calls, result, lock):
                return

    threads = [threading.Thread(target=one_client, args=(number,), daemon=True) for number in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    for thread in threads:
        thread.join()
    overflows_after = listen_overflows()
    if overflows_before[0] is not None and overflows_after is not None:
        result.listen_overflows = overflows_after - overflows_before[0]
    return result


def _cycle_calls(ssm: Any, kms: Any, name: str, key_id: str) -> list[tuple[str, Any]]:
    """One create/read/delete cycle: an SSM parameter, then a KMS alias on the shared key."""
    return [
        ("ssm:PutParameter", lambda: ssm.put_parameter(Name=f"/{name}", Value="v", Type="String")),
        ("ssm:DescribeParameters", lambda: ssm.describe_parameters(MaxResults=50)),
        ("ssm:GetParameter", lambda: ssm.get_parameter(Name=f"/{name}")),
        ("ssm:DeleteParameter", lambda: ssm.delete_parameter(Name=f"/{name}")),
        ("kms:CreateAlias", lambda: kms.create_alias(AliasName=f"alias/{name}", TargetKeyId=key_id)),
        ("kms:ListAliases", lambda: kms.list_aliases()),
        ("kms:DescribeKey", lambda: kms.describe_key(KeyId=f"alias/{name}")),
        ("kms:DeleteAlias", lambda: kms.delete_alias(AliasName=f"alias/{name}")),
    ]


def _run_cycle(calls: list[tuple[str, Any]], result: LoadResult, lock: threading.Lock) -> bool:
    """Make the calls in order, each once; count them; False at the first failure (the cycle stops)."""
    for operation, call in calls:
        started = time.monotonic()
        try:
            call()
        except Exception as error:  # every failure is counted, whatever its kind
            with lock:
                result.calls += 1
                result.errors[f"{operation}: {_one_line(error)}"] += 1
            return False
        with lock:
            result.calls += 1
            result.latencies.append(time.monotonic() - started)
    with lock:
        result.cycles += 1
    return True


def replay_create_retry(running: emulator.RunningEmulator, server: str) -> ReplayResult:
    """CreateAlias whose first answer is lost after the emulator processed it, then the SDK's retry."""
    import botocore.exceptions

    kms = _client(running, "kms", max_attempts=3)
    observer = _client(running, "kms", max_attempts=1)
    alias = f"alias/replay-{uuid.uuid4().hex[:12]}"
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    attempts: list[str] = []

    def drop_first_answer(request: Any, **_: Any) -> None:
        attempts.append(str(request.headers.get("amz-sdk-request", b""), "ascii", "replace"))
        if len(attempts) > 1:
            return  # the retry goes out as the SDK sends it
        with _sent(running.endpoint, request):  # hung up without reading once the emulator made the alias
            _wait_until(lambda: any(entry["AliasName"] == alias for entry in observer.list_aliases()["Aliases"]))
        raise botocore.exceptions.ConnectionClosedError(endpoint_url=running.endpoint)

    kms.meta.events.register("before-send.kms.CreateAlias", drop_first_answer)
    try:
        kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    except botocore.exceptions.ClientError as error:
        return ReplayResult(server, f"retry answered {error.response['Error']['Code']}")
    if len(attempts) < 2:
        return ReplayResult(server, "the SDK did not retry (the drop was not simulated)")
    return ReplayResult(server, "ok")


@contextmanager
def _sent(endpoint: str, request: Any) -> Iterator[None]:
    """Send a prepared request on a new connection; on exit, close it without reading the answer."""
    address = urlsplit(endpoint)
    path = urlsplit(request.url).path or "/"
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    headers = {
        str(name): value.decode() if isinstance(value, bytes) else str(value) for name, value in request.headers.items()
    }
    headers["Host"] = address.netloc
    headers["Content-Length"] = str(len(body))
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    with socket.create_connection((address.hostname or emulator.HOST, address.port or 80), timeout=5) as connection:
        connection.sendall(f"{request.method} {path} HTTP/1.1\r\n{head}\r\n".encode() + body)
        yield


def _wait_until(condition: Any) -> None:
    deadline = time.monotonic() + DROP_WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the emulator did not process the dropped request within {DROP_WAIT_S:.0f} s")
        time.sleep(0.02)


def listen_overflows() -> int | None:
    """The kernel's count of connections dropped because a listen queue was full (Linux; all sockets)."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            return int(table["ListenOverflows"]) if "ListenOverflows" in table else None
    return None


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:140]}"
