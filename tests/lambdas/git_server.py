"""A real Git smart-HTTP server on 127.0.0.1 for tests: dulwich's WSGI application behind HTTP basic auth.

Bare repositories live in a folder; the server answers under a path prefix (like
https://git.example.com/scm) on a free loopback port, in a thread, until stopped.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from socketserver import ThreadingMixIn
from types import TracebackType
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from dulwich.index import commit_tree
from dulwich.objects import Blob, Commit, ObjectID
from dulwich.refs import Ref
from dulwich.repo import Repo
from dulwich.server import BackendRepo, DictBackend
from dulwich.web import make_wsgi_chain

HOST = "127.0.0.1"


class BasicAuth:
    """WSGI middleware: 401 without the right username and password, 403 for forbidden repositories."""

    def __init__(self, app: WSGIApplication, username: str, password: str, forbidden: set[str]) -> None:
        self.app = app
        self.expected = f"{username}:{password}".encode()
        self.forbidden = forbidden

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not self._authorized(str(environ.get("HTTP_AUTHORIZATION", ""))):
            start_response(
                "401 Unauthorized", [("WWW-Authenticate", 'Basic realm="git"'), ("Content-Type", "text/plain")]
            )
            return [b"authentication required\n"]
        path = str(environ.get("PATH_INFO", ""))
        if any(path.startswith(f"{prefix}/") for prefix in self.forbidden):
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"forbidden\n"]
        return self.app(environ, start_response)

    def _authorized(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            given = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        return hmac.compare_digest(given, self.expected)


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class GitServer:
    """`with GitServer(root, "mirror", "s3cret") as server:` then `server.create_repository("build-repo")`."""

    def __init__(self, root: Path, username: str, password: str, prefix: str = "/scm") -> None:
        self.root = root
        self.username = username
        self.password = password
        self.prefix = prefix.rstrip("/")
        self.repos: dict[str, BackendRepo] = {}
        self.forbidden: set[str] = set()
        app = BasicAuth(make_wsgi_chain(DictBackend(self.repos)), username, password, self.forbidden)
        self._server = make_server(HOST, 0, app, server_class=_Server, handler_class=_QuietHandler)
        self._stopped = False
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}{self.prefix}"

    def __enter__(self) -> GitServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Shut the server down and close its port (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()
        for repo in self.repos.values():
            if isinstance(repo, Repo):
                repo.close()

    def create_repository(self, name: str) -> Repo:
        """An empty bare repository served at <url>/<name>."""
        path = self.root / name
        path.mkdir(parents=True)
        repo = Repo.init_bare(str(path))
        self.repos[f"{self.prefix}/{name}"] = repo
        return repo

    def forbid(self, name: str) -> None:
        """Answer 403 for this repository, whatever the credentials."""
        self.forbidden.add(f"{self.prefix}/{name}")

    def repository(self, name: str) -> Repo:
        repo = self.repos[f"{self.prefix}/{name}"]
        assert isinstance(repo, Repo)
        return repo

    def commit_directly(self, name: str, branch: str, files: Mapping[str, bytes], message: str) -> ObjectID:
        """A commit written straight into the bare repository (server side), on top of the branch if it exists."""
        repo = self.repository(name)
        ref = Ref(f"refs/heads/{branch}".encode())
        parent = repo.refs.as_dict().get(ref)
        entries: list[tuple[bytes, ObjectID, int]] = []
        for path, data in sorted(files.items()):
            blob = Blob.from_string(data)
            repo.object_store.add_object(blob)
            entries.append((path.encode(), blob.id, 0o100644))
        commit = Commit()
        commit.tree = commit_tree(repo.object_store, entries)
        commit.parents = [parent] if parent is not None else []
        commit.author = commit.committer = b"Test Author <author@example.invalid>"
        commit.author_time = commit.commit_time = int(time.time())
        commit.author_timezone = commit.commit_timezone = 0
        commit.message = message.encode() + b"\n"
        repo.object_store.add_object(commit)
        repo.refs[ref] = commit.id
        return commit.id
