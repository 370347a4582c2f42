"""The Git mirror function against a real Git smart-HTTP server on 127.0.0.1 and the S3/Secrets Manager emulator."""

from __future__ import annotations

import base64
import calendar
import io
import json
import logging
import socket
import traceback
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import boto3
import pytest
import urllib3.exceptions
from dulwich import porcelain
from dulwich.errors import GitProtocolError, SendPackError
from dulwich.objects import Commit
from dulwich.refs import Ref
from dulwich.repo import Repo

from glue import emulator
from glue.lambdas import git_mirror
from glue.lambdas.git_mirror import GitMirrorError, Settings
from tests.lambdas.git_server import GitServer

pytestmark = pytest.mark.integration

USERNAME = "mirror-bot"
PASSWORD = "pa55-Wd-7f3a9c-do-not-leak"
BRANCH = "main"
MAIN = Ref(b"refs/heads/main")
HEADS = Ref(b"refs/heads")
BUILD, DEPLOY = "build-repo", "deploy-repo"
BUILD_SEED = {
    "README.md": (b"# Model build\n", 0o100644),
    "pipelines/run_pipeline.py": (b"print('run')\n", 0o100644),
    "scripts/build.sh": (b"#!/bin/sh\necho build\n", 0o100755),
}
DEPLOY_SEED = {"README.md": (b"# Model deploy\n", 0o100644), "endpoint-config.json": (b"{}\n", 0o100644)}
SEED_DATE = (2024, 5, 17, 12, 30, 0)


def seed_zip(files: dict[str, tuple[bytes, int]], date_time: tuple[int, int, int, int, int, int] = SEED_DATE) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, (data, mode) in files.items():
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.external_attr = mode << 16
            info.create_system = 3
            archive.writestr(info, data)
    return buffer.getvalue()


def _client(service: str, running: emulator.RunningEmulator) -> Any:
    return boto3.client(
        service,
        endpoint_url=running.endpoint,
        region_name="us-east-1",
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
    )


@dataclass
class Harness:
    server: GitServer
    settings: Settings
    s3: Any
    secrets: Any

    def run(self, settings: Settings | None = None) -> dict[str, git_mirror.RepositoryResult]:
        results = git_mirror.run(settings or self.settings, secrets=self.secrets, s3=self.s3)
        return {result.repository: result for result in results}

    def mirror(self, repository: str) -> tuple[dict[str, str], zipfile.ZipFile]:
        response = self.s3.get_object(Bucket=self.settings.target_bucket, Key=f"mirror/{repository}.zip")
        return response["Metadata"], zipfile.ZipFile(io.BytesIO(response["Body"].read()))

    def mirror_versions(self, repository: str) -> list[dict[str, Any]]:
        key = f"mirror/{repository}.zip"
        response = self.s3.list_object_versions(Bucket=self.settings.target_bucket, Prefix=key)
        return [version for version in response.get("Versions", []) if version["Key"] == key]

    def secret(self, value: str) -> str:
        return str(self.secrets.create_secret(Name=f"git-{uuid.uuid4().hex[:8]}", SecretString=value)["ARN"])

    def clone(self, repository: str, target: Path) -> Repo:
        return porcelain.clone(
            f"{self.server.url}/{repository}",
            str(target),
            branch=BRANCH,
            username=USERNAME,
            password=PASSWORD,
            errstream=io.BytesIO(),
        )


@pytest.fixture
def harness(tmp_path: Path, running_emulator: emulator.RunningEmulator) -> Iterator[Harness]:
    s3, secrets = _client("s3", running_emulator), _client("secretsmanager", running_emulator)
    suffix = uuid.uuid4().hex[:8]
    target, seeds = f"artifacts-{suffix}", f"seed-code-{suffix}"
    for bucket in (target, seeds):
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=target, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=seeds, Key="seedcode/model-build.zip", Body=seed_zip(BUILD_SEED))
    s3.put_object(Bucket=seeds, Key="seedcode/model-deploy.zip", Body=seed_zip(DEPLOY_SEED))
    secret = secrets.create_secret(
        Name=f"git-{suffix}", SecretString=json.dumps({"username": USERNAME, "password": PASSWORD})
    )["ARN"]
    with GitServer(tmp_path / "server", USERNAME, PASSWORD) as server:
        server.create_repository(BUILD)
        server.create_repository(DEPLOY)
        settings = Settings(
            server_url=server.url,
            secret_arn=secret,
            repositories=(BUILD, DEPLOY),
            branch=BRANCH,
            target_bucket=target,
            seed_bucket=seeds,
            seed_keys={BUILD: "seedcode/model-build.zip", DEPLOY: "seedcode/model-deploy.zip"},
        )
        yield Harness(server, settings, s3, secrets)


def _assert_secret_absent(error: BaseException | None, *texts: str, password: str = PASSWORD) -> None:
    everything = "".join(texts) + ("".join(traceback.format_exception(error)) if error is not None else "")
    for secret in (password, base64.b64encode(f"{USERNAME}:{password}".encode()).decode()):
        assert secret not in everything


def _logs(caplog: pytest.LogCaptureFixture) -> str:
    """Every record but botocore's: at DEBUG it logs response bodies, the secret's too (the handler stops that)."""
    return "\n".join(
        record.getMessage() for record in caplog.records if not record.name.startswith(("botocore", "boto3"))
    )


def test_seed_push_into_empty_repositories_then_clone(harness: Harness, tmp_path: Path) -> None:
    results = harness.run()

    assert {name: (result.seeded, result.uploaded) for name, result in results.items()} == {
        BUILD: (True, True),
        DEPLOY: (True, True),
    }
    clone = harness.clone(BUILD, tmp_path / "clone")
    head = clone.refs[MAIN]
    assert head.decode() == results[BUILD].commit
    for name, (data, mode) in BUILD_SEED.items():
        assert (tmp_path / "clone" / name).read_bytes() == data
        assert bool((tmp_path / "clone" / name).stat().st_mode & 0o100) == (mode == 0o100755)
    commit = clone[head]
    assert isinstance(commit, Commit)
    assert commit.parents == []
    assert commit.author == commit.committer == b"SageMaker project seed <seed@sagemaker.invalid>"
    assert commit.commit_time == commit.author_time == calendar.timegm((*SEED_DATE, 0, 0, 0))
    assert b"seedcode/model-build.zip" in commit.message
    clone.close()


def test_second_run_creates_no_commit_and_uploads_nothing(harness: Harness) -> None:
    first = harness.run()
    second = harness.run()

    for repository in (BUILD, DEPLOY):
        assert second[repository].commit == first[repository].commit
        assert (second[repository].seeded, second[repository].uploaded) == (False, False)
        server_repo = harness.server.repository(repository)
        assert list(server_repo.refs.as_dict(HEADS)) == [b"main"]
        assert len(list(server_repo.get_walker([server_repo.refs[MAIN]]))) == 1, "one commit, the seed"
        assert len(harness.mirror_versions(repository)) == 1, "the mirror object was put once"


def test_mirror_zip_holds_the_tree_and_the_commit(harness: Harness) -> None:
    results = harness.run()

    for repository, files in ((BUILD, BUILD_SEED), (DEPLOY, DEPLOY_SEED)):
        metadata, archive = harness.mirror(repository)
        assert metadata["commit"] == results[repository].commit
        assert metadata["branch"] == BRANCH
        infos = archive.infolist()
        assert [info.filename for info in infos] == sorted(files)
        for info in infos:
            data, mode = files[info.filename]
            assert archive.read(info) == data
            assert info.external_attr >> 16 == mode
            assert info.date_time == (1980, 1, 1, 0, 0, 0)


def test_new_commit_is_mirrored_on_the_next_run(harness: Harness, tmp_path: Path) -> None:
    first = harness.run()
    work = tmp_path / "work"
    clone = harness.clone(BUILD, work)
    (work / "train.py").write_text("print('train')\n", encoding="utf-8")
    porcelain.add(clone, [str(work / "train.py")])
    identity = b"Data Scientist <ds@example.invalid>"
    new_head = porcelain.commit(clone, message=b"Add training", author=identity, committer=identity)
    porcelain.push(
        clone, f"{harness.server.url}/{BUILD}", "main", username=USERNAME, password=PASSWORD, errstream=io.BytesIO()
    )
    clone.close()

    second = harness.run()

    assert second[BUILD].commit == new_head.decode() != first[BUILD].commit
    assert (second[BUILD].seeded, second[BUILD].uploaded) == (False, True)
    assert (second[DEPLOY].seeded, second[DEPLOY].uploaded) == (False, False)
    metadata, archive = harness.mirror(BUILD)
    assert metadata["commit"] == new_head.decode()
    assert archive.read("train.py") == b"print('train')\n"
    assert sorted(archive.namelist()) == archive.namelist() == sorted([*BUILD_SEED, "train.py"])
    assert len(harness.mirror_versions(BUILD)) == 2
    assert len(harness.mirror_versions(DEPLOY)) == 1


def test_seed_commit_and_zip_are_deterministic() -> None:
    archive = seed_zip(BUILD_SEED)
    one, first = git_mirror.seed_commit(archive, "seedcode/model-build.zip", "s3://seeds/seedcode/model-build.zip")
    two, second = git_mirror.seed_commit(archive, "seedcode/model-build.zip", "s3://seeds/seedcode/model-build.zip")
    assert first == second
    assert git_mirror.tree_zip(one, first) == git_mirror.tree_zip(two, second)
    # Entries at the zip epoch: the commit is dated 1980-01-01, whatever day it is made.
    _, dated = git_mirror.seed_commit(seed_zip(BUILD_SEED, (1980, 1, 1, 0, 0, 0)), "k", "s")
    _, again = git_mirror.seed_commit(seed_zip(BUILD_SEED, (1980, 1, 1, 0, 0, 0)), "k", "s")
    assert dated == again != first


def test_unsafe_seed_paths_are_refused() -> None:
    with pytest.raises(GitMirrorError, match=r"unsafe path '\.\./evil'"):
        git_mirror.seed_commit(seed_zip({"../evil": (b"x", 0o100644)}), "k", "s3://seeds/k")
    with pytest.raises(GitMirrorError, match="not a zip file"):
        git_mirror.seed_commit(b"not a zip", "k", "s3://seeds/k")


def test_wrong_password_is_an_authentication_error_without_the_password(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "wrong-" + PASSWORD
    settings = replace(
        harness.settings, secret_arn=harness.secret(json.dumps({"username": USERNAME, "password": wrong}))
    )
    caplog.set_level(logging.DEBUG)

    with pytest.raises(GitMirrorError, match=r"authentication failed .*HTTP 401") as caught:
        harness.run(settings)

    assert "\n" not in str(caught.value)
    assert caught.value.server_wide
    assert caplog.records, "dulwich and urllib3 logged at DEBUG"
    _assert_secret_absent(caught.value, _logs(caplog), password=wrong)
    _assert_secret_absent(caught.value, _logs(caplog))
    assert harness.server.repository(BUILD).refs.as_dict(HEADS) == {}, "nothing pushed"
    assert harness.mirror_versions(BUILD) == []


def test_forbidden_repository_is_an_authentication_error(harness: Harness) -> None:
    harness.server.forbid(BUILD)

    with pytest.raises(GitMirrorError, match=r"authentication failed .*build-repo.*HTTP 403") as caught:
        harness.run()

    _assert_secret_absent(caught.value)
    # 403 is about one repository: the other one was still seeded and mirrored.
    assert len(harness.mirror_versions(DEPLOY)) == 1


def test_server_down_is_unreachable(harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    harness.server.stop()
    caplog.set_level(logging.DEBUG)

    with pytest.raises(GitMirrorError, match=r"Git server unreachable .*connection refused") as caught:
        harness.run()

    assert "\n" not in str(caught.value)
    _assert_secret_absent(caught.value, _logs(caplog))


def _refused_dns() -> Exception:
    return urllib3.exceptions.NameResolutionError("git.example.invalid", cast(Any, None), socket.gaierror(-2, "no"))


@pytest.mark.parametrize(
    ("raised", "message", "server_wide"),
    [
        (
            GitProtocolError("max retries"),
            r"unreachable while fetching https://git\.example\.com/scm/r: DNS lookup of the host failed",
            True,
        ),
        (urllib3.exceptions.ConnectTimeoutError("slow"), r"unreachable .*: timed out after 20 s", True),
        (urllib3.exceptions.SSLError("bad cert"), r"unreachable .*: TLS handshake failed", True),
        (GitProtocolError("unexpected http resp 502 for x"), r"answered HTTP 502 while fetching", False),
        (SendPackError(b"pre-receive hook declined"), r"refused the push to .*: pre-receive hook declined", False),
        (GitProtocolError(f"echo {PASSWORD} back"), r"Git protocol error while fetching .*: echo \*\*\* back", False),
    ],
    ids=["dns", "timeout", "tls", "http-502", "push-refused", "password-redacted"],
)
def test_git_errors_are_one_line_messages(raised: Exception, message: str, server_wide: bool) -> None:
    """Failures the loopback server cannot stage (DNS, timeouts, TLS) are classified from dulwich's exceptions."""
    if isinstance(raised, GitProtocolError) and raised.args == ("max retries",):
        raised.__cause__ = urllib3.exceptions.MaxRetryError(cast(Any, None), "/scm/r", _refused_dns())
    credentials = git_mirror.Credentials(USERNAME, PASSWORD)

    with (
        pytest.raises(GitMirrorError, match=message) as caught,
        git_mirror.git_errors("https://git.example.com/scm", "r", credentials, "fetching"),
    ):
        raise raised

    assert caught.value.server_wide is server_wide
    assert "\n" not in str(caught.value)
    assert PASSWORD not in str(caught.value)
    assert PASSWORD not in repr(credentials)


def test_unrelated_history_is_refused_and_nothing_pushed(harness: Harness) -> None:
    develop = harness.server.commit_directly(BUILD, "develop", {"notes.txt": b"older work\n"}, "Earlier work")

    with pytest.raises(GitMirrorError, match=r"build-repo has history but no branch main \(found: develop\)") as err:
        harness.run()

    assert "unrelated history" in str(err.value)
    assert harness.server.repository(BUILD).refs.as_dict(HEADS) == {b"develop": develop}
    assert harness.mirror_versions(BUILD) == []
    # One repository's problem does not stop the other.
    assert harness.server.repository(DEPLOY).refs.as_dict(HEADS).keys() == {b"main"}
    assert len(harness.mirror_versions(DEPLOY)) == 1


def test_existing_branch_is_never_seeded(harness: Harness) -> None:
    head = harness.server.commit_directly(BUILD, BRANCH, {"app.py": b"print('mine')\n"}, "Own code")

    results = harness.run()

    assert (results[BUILD].commit, results[BUILD].seeded, results[BUILD].uploaded) == (head.decode(), False, True)
    assert len(list(harness.server.repository(BUILD).get_walker([head]))) == 1
    _, archive = harness.mirror(BUILD)
    assert archive.namelist() == ["app.py"]


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        (json.dumps({"username": USERNAME}), r"missing or empty: password"),
        (json.dumps({"password": PASSWORD}), r"missing or empty: username"),
        (json.dumps({"username": USERNAME, "password": ""}), r"missing or empty: password"),
        ("token " + PASSWORD, r"its value is not JSON"),
    ],
    ids=["no-password", "no-username", "empty-password", "not-json"],
)
def test_secret_without_username_and_password(harness: Harness, secret: str, message: str) -> None:
    settings = replace(harness.settings, secret_arn=harness.secret(secret))

    with pytest.raises(GitMirrorError, match=message) as caught:
        harness.run(settings)

    assert settings.secret_arn in str(caught.value)
    _assert_secret_absent(caught.value)


def test_missing_secret(harness: Harness) -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:absent-AbCdEf"
    with pytest.raises(GitMirrorError, match=r"cannot read the Git credentials secret .*absent.*ResourceNotFound"):
        harness.run(replace(harness.settings, secret_arn=arn))


def test_settings_from_environment() -> None:
    environ = {
        "GIT_SERVER_URL": "https://git.example.com/scm/",
        "GIT_CREDENTIALS_SECRET_ARN": "arn:secret",
        "REPOSITORIES": " build-repo , group/deploy-repo ",
        "BRANCH": "main",
        "TARGET_BUCKET": "artifacts",
        "SEED_CODE_BUCKET": "seeds",
        "SEED_CODE_KEYS": "build-repo=seedcode/model-build.zip,group/deploy-repo=seedcode/model-deploy.zip",
    }
    settings = git_mirror.settings_from_environment(environ)
    assert settings.server_url == "https://git.example.com/scm"
    assert settings.repositories == ("build-repo", "group/deploy-repo")
    assert settings.seed_keys == {
        "build-repo": "seedcode/model-build.zip",
        "group/deploy-repo": "seedcode/model-deploy.zip",
    }
    assert git_mirror.mirror_key("group/deploy-repo") == "mirror/group/deploy-repo.zip"

    with pytest.raises(GitMirrorError, match="TARGET_BUCKET is not set"):
        git_mirror.settings_from_environment({**environ, "TARGET_BUCKET": ""})
    with pytest.raises(GitMirrorError, match="must be an https URL"):
        git_mirror.settings_from_environment({**environ, "GIT_SERVER_URL": "http://git.example.com/scm"})
    with pytest.raises(GitMirrorError, match="not a valid Git branch name"):
        git_mirror.settings_from_environment({**environ, "BRANCH": "bad..name"})
    with pytest.raises(GitMirrorError, match="is not '<repository>=<s3 key>'"):
        git_mirror.settings_from_environment({**environ, "SEED_CODE_KEYS": "build-repo"})
    with pytest.raises(GitMirrorError, match="must not contain credentials") as caught:
        git_mirror.settings_from_environment({**environ, "GIT_SERVER_URL": f"https://me:{PASSWORD}@git.example.com"})
    _assert_secret_absent(caught.value)


@pytest.fixture
def botocore_log_level() -> Iterator[None]:
    """The handler quiets botocore's logger; give the other tests theirs back."""
    logger = logging.getLogger("botocore")
    level = logger.level
    yield
    logger.setLevel(level)


@pytest.mark.usefixtures("botocore_log_level")
def test_handler_reads_the_environment(
    harness: Harness,
    running_emulator: emulator.RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = harness.settings
    caplog.set_level(logging.DEBUG)
    for name, value in {
        "AWS_ENDPOINT_URL": running_emulator.endpoint,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "emulator",
        "AWS_SECRET_ACCESS_KEY": "emulator",
        "GIT_SERVER_URL": settings.server_url,
        "GIT_CREDENTIALS_SECRET_ARN": settings.secret_arn,
        "REPOSITORIES": ",".join(settings.repositories),
        "BRANCH": settings.branch,
        "TARGET_BUCKET": settings.target_bucket,
        "SEED_CODE_BUCKET": settings.seed_bucket,
        "SEED_CODE_KEYS": ",".join(f"{repo}={key}" for repo, key in settings.seed_keys.items()),
    }.items():
        monkeypatch.setenv(name, value)

    first = git_mirror.handler({"source": "aws.events"}, None)
    second = git_mirror.handler({"source": "aws.events"}, None)

    assert [(r["repository"], r["seeded"], r["uploaded"]) for r in first["repositories"]] == [
        (BUILD, True, True),
        (DEPLOY, True, True),
    ]
    assert [(r["seeded"], r["uploaded"]) for r in second["repositories"]] == [(False, False), (False, False)]
    assert [r["commit"] for r in second["repositories"]] == [r["commit"] for r in first["repositories"]]
    _assert_secret_absent(None, caplog.text)
