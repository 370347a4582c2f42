"""Lambda function: mirror a project's repositories from a Git server AWS does not connect to.

For self-managed GitLab or Bitbucket Server, Azure DevOps, Gitea or any Git server over HTTPS.
EventBridge runs it every five minutes; each run, for each repository in REPOSITORIES:

1. Seed: when the repository has no commits at all, the seed-code zip named in SEED_CODE_KEYS
   becomes one commit on BRANCH (fixed author, message and date: the same zip always gives the same
   commit) pushed over HTTPS with basic auth. A repository that already has BRANCH is never seeded;
   one that has history but not BRANCH is an error (unrelated history), nothing is pushed.
2. Mirror: the tree of BRANCH's head commit, as a deterministic zip, goes to
   s3://TARGET_BUCKET/mirror/<repository>.zip (the pipeline's S3 source action) with the commit
   id in the object's metadata; an object already holding that commit is left alone, so the
   pipeline only starts for a new commit.

Git is spoken by dulwich (pure Python, no git binary). Every failure is a GitMirrorError with a
one-line message; none of them carries the password or token from the secret.
"""

from __future__ import annotations

import calendar
import io
import json
import logging
import os
import re
import socket
import stat
import zipfile
from collections.abc import Iterator, Mapping, Set
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

import boto3
import urllib3.exceptions
from botocore.exceptions import BotoCoreError, ClientError
from dulwich.client import HttpGitClient, HTTPProxyUnauthorized, HTTPUnauthorized
from dulwich.errors import GitProtocolError, NotGitRepository, SendPackError
from dulwich.index import commit_tree
from dulwich.objects import ZERO_SHA, Blob, Commit, ObjectID
from dulwich.pack import UnpackedObject
from dulwich.refs import Ref, check_ref_format
from dulwich.repo import MemoryRepo

LOGGER = logging.getLogger(__name__)
LOGGER.setLevel(logging.INFO)

SEED_IDENTITY = b"SageMaker project seed <seed@sagemaker.invalid>"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
ZIP_EPOCH_SECONDS = calendar.timegm((*ZIP_EPOCH, 0, 0, 0))
MIRROR_PREFIX = "mirror/"
HTTP_TIMEOUT_S = 20.0
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
FILE_MODE = 0o100644
EXECUTABLE_MODE = 0o100755
SYMLINK_MODE = 0o120000
GITLINK_MODE = 0o160000


class GitMirrorError(Exception):
    """What failed and what to do, on one line. `server_wide` ones stop the run: every repository would fail alike."""

    def __init__(self, message: str, *, server_wide: bool = False) -> None:
        super().__init__(" ".join(message.split()))
        self.server_wide = server_wide


@dataclass(frozen=True)
class Settings:
    server_url: str
    secret_arn: str
    repositories: tuple[str, ...]
    branch: str
    target_bucket: str
    seed_bucket: str
    seed_keys: Mapping[str, str]


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class RepositoryResult:
    repository: str
    commit: str
    seeded: bool
    uploaded: bool


@dataclass(frozen=True)
class SeedFile:
    path: str
    mode: int
    data: bytes


# --- settings and credentials ---------------------------------------------------------------


def settings_from_environment(environ: Mapping[str, str]) -> Settings:
    """The function's settings from its environment variables (see cdktf_app/templates/pipelines.py)."""

    def required(name: str) -> str:
        value = environ.get(name, "").strip()
        if not value:
            raise GitMirrorError(f"environment variable {name} is not set")
        return value

    repositories = tuple(_repository_path(item) for item in required("REPOSITORIES").split(",") if item.strip())
    if not repositories:
        raise GitMirrorError("REPOSITORIES names no repository: expected 'build-repo,deploy-repo'")
    return Settings(
        server_url=server_url(required("GIT_SERVER_URL")),
        secret_arn=required("GIT_CREDENTIALS_SECRET_ARN"),
        repositories=repositories,
        branch=branch_name(required("BRANCH")),
        target_bucket=required("TARGET_BUCKET"),
        seed_bucket=environ.get("SEED_CODE_BUCKET", "").strip(),
        seed_keys=parse_seed_keys(environ.get("SEED_CODE_KEYS", "")),
    )


def server_url(value: str) -> str:
    """The server's base URL without a trailing slash: https, or http on a loopback host only."""
    parts = urlsplit(value.strip())
    if parts.username is not None or parts.password is not None:
        # Never echo the URL: it holds a credential.
        raise GitMirrorError("GIT_SERVER_URL must not contain credentials: keep them in the credentials secret")
    if not parts.hostname or parts.query or parts.fragment:
        raise GitMirrorError(f"GIT_SERVER_URL {value!r} is not a base URL like https://git.example.com/scm")
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        raise GitMirrorError(f"GIT_SERVER_URL {value!r} must be an https URL: basic auth is not sent in clear text")
    return value.strip().rstrip("/")


def branch_name(value: str) -> str:
    name = value.removeprefix("refs/heads/")
    if not check_ref_format(Ref(b"refs/heads/" + name.encode("utf-8"))):
        raise GitMirrorError(f"BRANCH {value!r} is not a valid Git branch name")
    return name


def parse_seed_keys(value: str) -> dict[str, str]:
    """'build-repo=seedcode/model-build.zip,deploy-repo=seedcode/model-deploy.zip' -> {repository: key}."""
    keys: dict[str, str] = {}
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        repository, separator, key = item.partition("=")
        if not separator or not repository.strip() or not key.strip():
            raise GitMirrorError(f"SEED_CODE_KEYS item {item!r} is not '<repository>=<s3 key>'")
        keys[_repository_path(repository)] = key.strip()
    return keys


def _repository_path(value: str) -> str:
    path = value.strip().strip("/")
    if not path or any(part in ("", ".", "..") for part in path.split("/")):
        raise GitMirrorError(f"repository path {value!r} is not a path under GIT_SERVER_URL")
    return path


def read_credentials(secrets: Any, secret_arn: str) -> Credentials:
    """Username and password (or token) from the secret's JSON `{"username": ..., "password": ...}`."""
    try:
        response = secrets.get_secret_value(SecretId=secret_arn)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        raise GitMirrorError(
            f"cannot read the Git credentials secret {secret_arn}: {code}", server_wide=True
        ) from error
    except BotoCoreError as error:
        raise GitMirrorError(
            f"cannot read the Git credentials secret {secret_arn}: {error}", server_wide=True
        ) from error
    # The secret's text never goes into a message: it is the credential.
    shape = f'secret {secret_arn} must hold JSON {{"username": ..., "password": ...}}'
    text = response.get("SecretString")
    if not isinstance(text, str):
        raise GitMirrorError(f"{shape}, not binary data", server_wide=True)
    try:
        document = json.loads(text)
    except ValueError:
        raise GitMirrorError(f"{shape}: its value is not JSON", server_wide=True) from None
    if not isinstance(document, dict):
        raise GitMirrorError(f"{shape}: its value is not a JSON object", server_wide=True)
    missing = [key for key in ("username", "password") if not isinstance(document.get(key), str) or not document[key]]
    if missing:
        raise GitMirrorError(f"{shape}; missing or empty: {', '.join(missing)}", server_wide=True)
    username, password = str(document["username"]), str(document["password"])
    if ":" in username:
        raise GitMirrorError(f"{shape}: the username must not contain ':' (HTTP basic auth)", server_wide=True)
    return Credentials(username, password)


# --- Git over HTTPS -------------------------------------------------------------------------


def git_client(base_url: str, credentials: Credentials) -> HttpGitClient:
    return HttpGitClient(base_url, username=credentials.username, password=credentials.password, timeout=HTTP_TIMEOUT_S)


@contextmanager
def git_errors(base_url: str, repository: str, credentials: Credentials, action: str) -> Iterator[None]:
    """Turn dulwich's and urllib3's exceptions into one-line GitMirrorErrors that never hold the password."""
    url = f"{base_url}/{repository}"

    def fail(message: str, *, server_wide: bool = False) -> GitMirrorError:
        return GitMirrorError(_redact(message, credentials), server_wide=server_wide)

    try:
        yield
    except GitMirrorError:
        raise
    except HTTPUnauthorized as error:
        raise fail(
            f"authentication failed while {action} {url}: the server rejected user '{credentials.username}' and "
            "the password/token from the credentials secret (HTTP 401); update the secret",
            server_wide=True,
        ) from error
    except HTTPProxyUnauthorized as error:
        raise fail(f"proxy authentication failed while {action} {url} (HTTP 407)", server_wide=True) from error
    except NotGitRepository as error:
        raise fail(
            f"repository {url} not found (HTTP 404) while {action} it: create it (it may be empty) or fix REPOSITORIES"
        ) from error
    except SendPackError as error:
        raise fail(f"the server refused the push to {url}: {_text(error)}") from error
    except GitProtocolError as error:
        reason = _network_reason(error)
        if reason is not None:
            raise fail(
                f"Git server unreachable while {action} {url}: {reason}; check GIT_SERVER_URL and the function's "
                "network path (VPC subnets, security groups, NAT or proxy, DNS)",
                server_wide=True,
            ) from error
        status = re.search(r"unexpected http resp (\d{3})", _text(error))
        if status is not None and status.group(1) == "403":
            raise fail(
                f"authentication failed while {action} {url}: user '{credentials.username}' is not allowed "
                "(HTTP 403); give the token read and write access to the repository"
            ) from error
        if status is not None:
            raise fail(f"the Git server answered HTTP {status.group(1)} while {action} {url}") from error
        raise fail(f"Git protocol error while {action} {url}: {_text(error)}") from error
    except (urllib3.exceptions.HTTPError, OSError) as error:
        reason = _network_reason(error) or _text(error)
        raise fail(f"Git server unreachable while {action} {url}: {reason}", server_wide=True) from error


def _text(error: BaseException) -> str:
    parts = [arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg) for arg in error.args]
    return " ".join(" ".join(parts).split()) or type(error).__name__


def _redact(text: str, credentials: Credentials) -> str:
    return text.replace(credentials.password, "***") if credentials.password else text


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, urllib3.exceptions.MaxRetryError) and current.reason is not None:
            pending.append(current.reason)
        pending.extend(cause for cause in (current.__cause__, current.__context__) if cause is not None)


def _network_reason(error: BaseException) -> str | None:
    """Why the server could not be reached, if that is what happened."""
    chain = list(_causes(error))

    def found(*types: type[BaseException]) -> bool:
        return any(isinstance(cause, types) for cause in chain)

    def timed_out(cause: BaseException) -> bool:
        # urllib3's NewConnectionError is a ConnectTimeoutError too, whatever the socket error was.
        if isinstance(cause, urllib3.exceptions.NewConnectionError):
            return False
        return isinstance(
            cause, (urllib3.exceptions.ConnectTimeoutError, urllib3.exceptions.ReadTimeoutError, TimeoutError)
        )

    if found(urllib3.exceptions.NameResolutionError, socket.gaierror):
        return "DNS lookup of the host failed"
    if found(ConnectionRefusedError):
        return "connection refused"
    if any(timed_out(cause) for cause in chain):
        return f"timed out after {HTTP_TIMEOUT_S:g} s"
    if found(urllib3.exceptions.SSLError):
        return "TLS handshake failed (certificate not trusted?)"
    if found(urllib3.exceptions.ProxyError):
        return "the HTTP(S) proxy failed"
    os_errors = [cause for cause in chain if isinstance(cause, OSError) and cause.strerror]
    if os_errors:
        return f"network error ({os_errors[0].strerror})"
    if found(urllib3.exceptions.ProtocolError, ConnectionError):
        return "connection lost"
    if found(urllib3.exceptions.HTTPError, OSError):
        return "network error"
    return None


def remote_refs(client: HttpGitClient, repository: str) -> dict[Ref, ObjectID]:
    """The repository's branches and tags (no HEAD, no peeled tags, no placeholder of an empty repository)."""
    result = client.get_refs(repository)
    return {
        name: value
        for name, value in result.refs.items()
        if name.startswith(b"refs/") and not name.endswith(b"^{}") and value is not None and value != ZERO_SHA
    }


def push_commit(client: HttpGitClient, repository: str, branch_ref: Ref, local: MemoryRepo, commit: ObjectID) -> bool:
    """Create BRANCH at `commit` in a repository that has no refs; False when refs appeared meanwhile (no push)."""
    pushed = False

    def update_refs(refs: dict[Ref, ObjectID]) -> dict[Ref, ObjectID]:
        nonlocal pushed
        existing = {name: value for name, value in refs.items() if value != ZERO_SHA and not name.endswith(b"^{}")}
        if existing:
            return refs  # not empty any more: leave it alone
        pushed = True
        return {**refs, branch_ref: commit}

    def generate_pack_data(
        have: Set[ObjectID],
        want: Set[ObjectID],
        *,
        ofs_delta: bool = False,
        progress: Any = None,
    ) -> tuple[int, Iterator[UnpackedObject]]:
        return local.generate_pack_data(set(have), set(want), ofs_delta=ofs_delta)

    result = client.send_pack(repository, update_refs, generate_pack_data)
    if not pushed:
        return False
    errors = {name: status for name, status in (result.ref_status or {}).items() if status is not None}
    if errors:
        raise SendPackError(
            f"{branch_ref.decode('utf-8', 'replace')}: {errors.get(branch_ref, '; '.join(errors.values()))}"
        )
    return True


def fetch_branch(client: HttpGitClient, repository: str, branch_ref: Ref) -> tuple[MemoryRepo, ObjectID]:
    """The branch's head commit and its tree (shallow: no history), in memory."""
    local = MemoryRepo()
    heads: list[ObjectID] = []

    def determine_wants(refs: Mapping[Ref, ObjectID], depth: int | None = None) -> list[ObjectID]:
        head = refs.get(branch_ref)
        if head is None or head == ZERO_SHA:
            return []
        heads.append(head)
        return [head]

    client.fetch(repository, local, determine_wants=determine_wants, depth=1)
    if not heads:
        raise GitMirrorError(
            f"branch {branch_ref.decode('utf-8', 'replace')} of {repository} disappeared while fetching it"
        )
    return local, heads[0]


# --- seed commit ----------------------------------------------------------------------------


def seed_files(archive_bytes: bytes, source: str) -> tuple[list[SeedFile], int]:
    """The seed zip's files (sorted, with Git modes) and the commit time: the newest entry's date."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(archive_bytes))
    except zipfile.BadZipFile:
        raise GitMirrorError(f"seed code {source} is not a zip file") from None
    files: dict[str, SeedFile] = {}
    timestamp = ZIP_EPOCH_SECONDS
    with archive:
        for info in archive.infolist():
            timestamp = max(timestamp, calendar.timegm((*info.date_time, 0, 0, 0)))
            if info.is_dir():
                continue
            parts = info.filename.split("/")
            if info.filename.startswith("/") or any(part in ("", ".", "..", ".git") for part in parts):
                raise GitMirrorError(f"seed code {source} holds an unsafe path {info.filename!r}")
            unix_mode = info.external_attr >> 16
            if stat.S_ISLNK(unix_mode):
                mode = SYMLINK_MODE
            elif unix_mode & 0o111:
                mode = EXECUTABLE_MODE
            else:
                mode = FILE_MODE
            files[info.filename] = SeedFile(info.filename, mode, archive.read(info))
    return [files[name] for name in sorted(files)], timestamp


def seed_commit(archive_bytes: bytes, seed_key: str, source: str) -> tuple[MemoryRepo, ObjectID]:
    """One root commit holding the seed zip's files; the same zip always gives the same commit id."""
    files, timestamp = seed_files(archive_bytes, source)
    local = MemoryRepo()
    store = local.object_store
    entries: list[tuple[bytes, ObjectID, int]] = []
    for item in files:
        blob = Blob.from_string(item.data)
        store.add_object(blob)
        entries.append((item.path.encode("utf-8"), blob.id, item.mode))
    commit = Commit()
    commit.tree = commit_tree(store, entries)
    commit.parents = []
    commit.author = commit.committer = SEED_IDENTITY
    commit.author_time = commit.commit_time = timestamp
    commit.author_timezone = commit.commit_timezone = 0
    commit.message = f"Add the SageMaker project seed code from {seed_key}\n".encode()
    store.add_object(commit)
    return local, commit.id


def read_object(s3: Any, bucket: str, key: str, what: str) -> bytes:
    try:
        body: bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        if code in ("NoSuchKey", "404", "NoSuchBucket"):
            raise GitMirrorError(f"{what} s3://{bucket}/{key} not found ({code})") from error
        raise GitMirrorError(f"cannot read {what} s3://{bucket}/{key}: {code}") from error
    return body


# --- mirror zip -----------------------------------------------------------------------------


def mirror_key(repository: str) -> str:
    return f"{MIRROR_PREFIX}{repository}.zip"


def tree_zip(local: MemoryRepo, commit_id: ObjectID) -> bytes:
    """The commit's tree as a zip: sorted entries, 1980-01-01 dates, 0644/0755 files, symlinks kept, no submodules."""
    commit = local.object_store[commit_id]
    if not isinstance(commit, Commit):
        raise GitMirrorError(f"{commit_id.decode('ascii')} is not a commit")
    entries = sorted(local.object_store.iter_tree_contents(commit.tree), key=lambda entry: entry.path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            if stat.S_IFMT(entry.mode) == GITLINK_MODE:
                LOGGER.warning("skipping submodule %s: its content is not in this repository", entry.path.decode())
                continue
            blob = local.object_store[entry.sha]
            if not isinstance(blob, Blob):
                raise GitMirrorError(f"{entry.path.decode('utf-8', 'replace')} is not a file in {commit_id.decode()}")
            info = zipfile.ZipInfo(entry.path.decode("utf-8", "replace"), date_time=ZIP_EPOCH)
            if stat.S_ISLNK(entry.mode):
                mode = 0o120777
            elif entry.mode & 0o111:
                mode = EXECUTABLE_MODE
            else:
                mode = FILE_MODE
            info.external_attr = mode << 16
            info.create_system = 3  # unix, so that the modes count
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, blob.data)
    return buffer.getvalue()


def mirrored_commit(s3: Any, bucket: str, key: str) -> str | None:
    """The commit id in the mirror object's metadata; None when there is no object yet."""
    try:
        response = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        if code in ("404", "NoSuchKey", "NotFound"):
            return None
        raise GitMirrorError(f"cannot read s3://{bucket}/{key}: {code}") from error
    commit = response.get("Metadata", {}).get("commit")
    return commit if isinstance(commit, str) else None


def upload_mirror(s3: Any, bucket: str, key: str, body: bytes, commit: str, repository: str, branch: str) -> None:
    try:
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentType="application/zip",
            Metadata={"commit": commit, "repository": repository, "branch": branch},
        )
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        raise GitMirrorError(f"cannot write s3://{bucket}/{key}: {code}") from error


# --- one repository, one run ----------------------------------------------------------------


def mirror_repository(
    client: HttpGitClient, settings: Settings, credentials: Credentials, repository: str, s3: Any
) -> RepositoryResult:
    """Seed the repository if it is empty, then mirror BRANCH's head into the bucket if it changed."""
    branch_ref = Ref(f"refs/heads/{settings.branch}".encode())
    url = f"{settings.server_url}/{repository}"
    with git_errors(settings.server_url, repository, credentials, "reading the branches of"):
        refs = remote_refs(client, repository)
    head = refs.get(branch_ref)
    local: MemoryRepo | None = None
    seeded = False
    if head is None:
        _require_empty(refs, url, settings.branch)
        local, commit = _seed(settings, repository, s3)
        with git_errors(settings.server_url, repository, credentials, "pushing the seed code to"):
            seeded = push_commit(client, repository, branch_ref, local, commit)
        if seeded:
            head = commit
            LOGGER.info("seeded %s branch %s with commit %s", url, settings.branch, commit.decode())
        else:  # someone pushed in between: mirror what is there now
            local = None
            with git_errors(settings.server_url, repository, credentials, "reading the branches of"):
                refs = remote_refs(client, repository)
            head = refs.get(branch_ref)
            if head is None:
                _require_empty(refs, url, settings.branch)
                raise GitMirrorError(f"branch {settings.branch} of {url} could not be created: try again")

    key = mirror_key(repository)
    if mirrored_commit(s3, settings.target_bucket, key) == head.decode("ascii"):
        LOGGER.info("s3://%s/%s already holds commit %s", settings.target_bucket, key, head.decode())
        return RepositoryResult(repository, head.decode("ascii"), seeded, uploaded=False)
    if local is None:
        with git_errors(settings.server_url, repository, credentials, "fetching"):
            local, head = fetch_branch(client, repository, branch_ref)
    body = tree_zip(local, head)
    upload_mirror(s3, settings.target_bucket, key, body, head.decode("ascii"), repository, settings.branch)
    LOGGER.info("mirrored %s commit %s to s3://%s/%s", url, head.decode(), settings.target_bucket, key)
    return RepositoryResult(repository, head.decode("ascii"), seeded, uploaded=True)


def _require_empty(refs: Mapping[Ref, ObjectID], url: str, branch: str) -> None:
    if refs:
        names = ", ".join(sorted(name.decode("utf-8", "replace").removeprefix("refs/heads/") for name in refs))
        raise GitMirrorError(
            f"repository {url} has history but no branch {branch} (found: {names}): unrelated history, "
            f"the seed code is not pushed; create {branch} there or set the project's branch to an existing one"
        )


def _seed(settings: Settings, repository: str, s3: Any) -> tuple[MemoryRepo, ObjectID]:
    seed_key = settings.seed_keys.get(repository)
    if not seed_key or not settings.seed_bucket:
        raise GitMirrorError(
            f"repository {settings.server_url}/{repository} is empty and SEED_CODE_BUCKET/SEED_CODE_KEYS name "
            "no seed code for it: push a first commit to it"
        )
    source = f"s3://{settings.seed_bucket}/{seed_key}"
    archive = read_object(s3, settings.seed_bucket, seed_key, "seed code")
    return seed_commit(archive, seed_key, source)


def run(settings: Settings, secrets: Any, s3: Any) -> list[RepositoryResult]:
    """Every repository in turn; raise one GitMirrorError naming all that failed, after trying the others."""
    credentials = read_credentials(secrets, settings.secret_arn)
    client = git_client(settings.server_url, credentials)
    results: list[RepositoryResult] = []
    failures: list[GitMirrorError] = []
    try:
        for repository in settings.repositories:
            try:
                results.append(mirror_repository(client, settings, credentials, repository, s3))
            except GitMirrorError as error:
                if error.server_wide:
                    raise
                failures.append(error)
    finally:
        client.close()
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise GitMirrorError(f"{len(failures)} repositories failed: " + "; ".join(str(error) for error in failures))
    return results


def handler(event: Mapping[str, Any] | None, context: object) -> dict[str, Any]:
    """Lambda entry point (EventBridge schedule): settings from the environment, AWS clients from boto3."""
    # botocore's DEBUG records hold response bodies, the secret's value among them.
    logging.getLogger("botocore").setLevel(logging.INFO)
    settings = settings_from_environment(os.environ)
    results = run(settings, secrets=boto3.client("secretsmanager"), s3=boto3.client("s3"))
    return {"repositories": [asdict(result) for result in results]}
