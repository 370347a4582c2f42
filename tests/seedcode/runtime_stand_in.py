"""A stand-in for the SageMaker runtime HTTP API (and the few S3 calls of an async smoke test) on 127.0.0.1.

It answers what botocore sends for

- InvokeEndpoint: POST /endpoints/<name>/invocations -> `answer` (status, content type, body),
- InvokeEndpointAsync: POST /endpoints/<name>/async-invocations -> 202 with the output and failure
  locations in headers; the answer appears at the output location after `pending_polls` misses,
- S3 PutObject / GetObject with path-style addresses (PUT/GET /<bucket>/<key>),

and records every request (method, path, lower-cased headers, body) for the tests to assert.
Credentials are not checked: clients sign with dummy keys.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

ASYNC_BUCKET = "stand-in-bucket"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class StandIn:
    url: str = ""
    answer: tuple[int, str, bytes] = (200, "text/csv", b"0.42\n0.13\n")
    pending_polls: int = 1
    requests: list[Request] = field(default_factory=list)
    objects: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    misses: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def invocations(self) -> list[Request]:
        return [request for request in self.requests if request.path.startswith("/endpoints/")]


def _decode_chunked(body: bytes) -> bytes:
    """aws-chunked bodies (botocore's trailing checksums): size;chunk-signature=...\\r\\ndata\\r\\n ... 0\\r\\n."""
    out, rest = b"", body
    while rest:
        header, _, rest = rest.partition(b"\r\n")
        size = int(header.split(b";", 1)[0], 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    return out


def _handler(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # quiet
            return

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if "aws-chunked" in (self.headers.get("Content-Encoding") or ""):
                body = _decode_chunked(body)
            return body

        def _send(self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _record(self, body: bytes) -> str:
            path = urlsplit(self.path).path
            with state.lock:
                state.requests.append(
                    Request(self.command, path, {key.lower(): value for key, value in self.headers.items()}, body)
                )
            return path

        def do_POST(self) -> None:
            path = self._record(self._body())
            parts = path.strip("/").split("/")
            if len(parts) == 3 and parts[0] == "endpoints" and parts[2] == "invocations":
                status, content_type, body = state.answer
                if status >= 400:
                    error = json.dumps({"message": body.decode()}).encode()
                    kind = "InternalFailure" if status >= 500 else "ValidationError"
                    self._send(status, "application/json", error, {"x-amzn-ErrorType": kind})
                    return
                self._send(status, content_type, body, {"x-Amzn-Invoked-Production-Variant": "AllTraffic"})
                return
            if len(parts) == 3 and parts[0] == "endpoints" and parts[2] == "async-invocations":
                inference = self.headers.get("X-Amzn-SageMaker-Inference-Id") or str(uuid.uuid4())
                output_key = f"async-inference/output/{inference}.out"
                status, content_type, body = state.answer
                with state.lock:
                    state.objects[f"{ASYNC_BUCKET}/{output_key}"] = (content_type, body)
                    state.misses[f"{ASYNC_BUCKET}/{output_key}"] = state.pending_polls
                self._send(
                    202,
                    "application/json",
                    json.dumps({"InferenceId": inference}).encode(),
                    {
                        "X-Amzn-SageMaker-OutputLocation": f"s3://{ASYNC_BUCKET}/{output_key}",
                        "X-Amzn-SageMaker-FailureLocation": f"s3://{ASYNC_BUCKET}/async-inference/failure/{inference}",
                    },
                )
                return
            self._send(404, "application/json", b'{"message": "no such route"}')

        def do_PUT(self) -> None:
            body = self._body()
            path = self._record(body)
            with state.lock:
                state.objects[unquote(path.lstrip("/"))] = (self.headers.get("Content-Type") or "", body)
            self._send(200, "application/xml", b"", {"ETag": '"stand-in"'})

        def do_GET(self) -> None:
            path = self._record(b"")
            key = unquote(path.lstrip("/"))
            with state.lock:
                found = state.objects.get(key)
                if found is not None and state.misses.get(key, 0) > 0:
                    state.misses[key] -= 1
                    found = None
            if found is None:
                error = b"<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"
                self._send(404, "application/xml", error)
                return
            self._send(200, found[0], found[1])

    return Handler


@contextmanager
def running() -> Iterator[StandIn]:
    """A stand-in listening on 127.0.0.1 (a free port) for the duration of the block."""
    state = StandIn()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
