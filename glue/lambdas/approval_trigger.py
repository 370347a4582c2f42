"""Model approval trigger: start a deployment when a model package version is approved.

EventBridge invokes this function with "SageMaker Model Package State Change" events (source
`aws.sagemaker`). When a package of one of the watched model package groups is Approved, it starts
the template's deployment on one target:

- `codepipeline`: StartPipelineExecution of `PIPELINE_NAME`;
- `github`: a `workflow_dispatch` of a GitHub Actions workflow, with the inputs
  `model_package_arn`, `model_package_group_name` and `model_package_version` (strings; the
  workflow must declare them, GitHub answers 422 otherwise);
- `gitlab`: a pipeline trigger, with the variables `MODEL_PACKAGE_ARN`, `MODEL_PACKAGE_GROUP_NAME`
  and `MODEL_PACKAGE_VERSION`.

Every other event is ignored: the function returns `{"action": "ignored", "reason": ...}` and logs
one line. Errors of the target (an HTTP status outside 2xx, an unreachable host, a CodePipeline
API error) raise TargetError naming the target and the HTTP status; a token never appears in it.

Configuration (environment variables):

    MODEL_PACKAGE_GROUPS             comma-separated model package group names to act on (required)
    TARGET                           codepipeline | github | gitlab (required)
    PIPELINE_NAME                    codepipeline: the deploy pipeline (required)
    PIPELINE_MODEL_PACKAGE_VARIABLE  codepipeline: a pipeline-level variable (V2 pipelines only) set
                                     to the package ARN; unset: no variables are passed
    GITHUB_API_URL                   github: default https://api.github.com (GHES: https://host/api/v3)
    GITHUB_REPOSITORY                github: owner/name (required)
    GITHUB_WORKFLOW                  github: workflow file name (deploy.yml) or id (required)
    GITHUB_REF                       github: branch or tag to run the workflow on, default main
    GITHUB_TOKEN_SECRET_ARN          github: Secrets Manager secret holding the token (required)
    GITLAB_API_URL                   gitlab: the instance, default https://gitlab.com
    GITLAB_PROJECT_ID                gitlab: numeric id or full path group/project (required)
    GITLAB_REF                       gitlab: branch or tag, default main
    GITLAB_TRIGGER_TOKEN_SECRET_ARN  gitlab: Secrets Manager secret holding the trigger token (required)
    STATE_PARAMETER_PREFIX           SSM path of the trigger records, default
                                     /approval-trigger/<AWS_LAMBDA_FUNCTION_NAME>
    HTTP_TIMEOUT_SECONDS             timeout of each CI API call, default 10
    LOG_LEVEL                        default INFO

A secret holds the token as plain text, or as JSON `{"token": "..."}`. API URLs must be https
(http is accepted for loopback hosts only, for local tests); redirects are not followed, so a token
is never forwarded to another host.

Transitions and idempotency. The event carries the package's current status only, no previous
one, and SageMaker may send several events for one change; metadata updates of an approved
package send Approved again. So the function acts on the state "Approved" (with ModelPackageStatus
Completed or absent), once per package, and keeps a record per package version in an SSM parameter
`<prefix>/<group>/<version>` (JSON: state, model_package_arn, event_id, modified_ms, at):

- Approved, no record: the record is created with Overwrite=False as an atomic claim (state
  `pending`), so of two concurrent duplicates only one triggers; on success the record becomes
  `triggered`; on failure the previous record is restored (or the claim deleted) and the error is
  raised, so that Lambda's retry of the same event triggers again.
- Approved, record `triggered`: ignored (duplicate event, metadata update, ...).
- Approved, record `pending`: ignored while another invocation holds the claim; taken over when the
  claim is this event's own (a retry after a crash) or older than CLAIM_TIMEOUT_S.
- Any other status (Rejected, PendingManualApproval) or a ModelPackageStatus other than Completed
  (Deleting, Failed) for a `triggered` record: the record becomes `withdrawn` when the event is
  newer than the approval (LastModifiedTime), so a later re-approval deploys again.
- Approved, record `withdrawn`: triggers again, unless the event is not newer than the withdrawal
  (an out-of-order approval event delivered late must not redeploy a rejected package).

Events of other groups touch neither SSM nor the target. For CodePipeline the EventBridge event id
is also passed as clientRequestToken, so a retried invocation of one event starts one execution.
Not covered: two concurrent events of one package whose record is `withdrawn` (a re-approval
delivered twice at the same instant) may both trigger; reserved concurrency 1 closes that gap.

IAM: ssm:GetParameter, ssm:PutParameter, ssm:DeleteParameter on the prefix; codepipeline:
StartPipelineExecution on the pipeline, or secretsmanager:GetSecretValue on the token secret.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from typing import IO, Any, ClassVar, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

LOGGER = logging.getLogger(__name__)

EVENT_SOURCE = "aws.sagemaker"
EVENT_DETAIL_TYPE = "SageMaker Model Package State Change"
APPROVED = "Approved"
COMPLETED = "Completed"
TARGETS = ("codepipeline", "github", "gitlab")
DEFAULT_GITHUB_API_URL = "https://api.github.com"
DEFAULT_GITLAB_API_URL = "https://gitlab.com"
DEFAULT_REF = "main"
DEFAULT_HTTP_TIMEOUT_S = 10.0
GITHUB_API_VERSION = "2022-11-28"
USER_AGENT = "sagemaker-project-templates-approval-trigger"
# A pending claim older than Lambda's longest timeout belongs to an invocation that died.
CLAIM_TIMEOUT_S = 900
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_PARAMETER_PATH = re.compile(r"(/[A-Za-z0-9_.\-]+)+")
_REQUEST_TOKEN = re.compile(r"[A-Za-z0-9-]{1,128}")
_EXCERPT_CHARS = 300

State = Literal["pending", "triggered", "withdrawn"]


class ConfigurationError(ValueError):
    """An environment variable is missing or invalid; the message names it."""


class TargetError(RuntimeError):
    """The deployment target refused or could not be reached. The message never contains a token."""

    def __init__(self, target: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.target = target
        self.status = status


# --- configuration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CodePipelineTarget:
    pipeline_name: str
    model_package_variable: str | None = None
    name: ClassVar[str] = "codepipeline"


@dataclass(frozen=True)
class GitHubTarget:
    api_url: str
    repository: str  # owner/name
    workflow: str
    ref: str
    token_secret_arn: str
    name: ClassVar[str] = "github"


@dataclass(frozen=True)
class GitLabTarget:
    api_url: str
    project_id: str
    ref: str
    token_secret_arn: str
    name: ClassVar[str] = "gitlab"


Target = CodePipelineTarget | GitHubTarget | GitLabTarget


@dataclass(frozen=True)
class Settings:
    model_package_groups: frozenset[str]
    target: Target
    state_parameter_prefix: str
    http_timeout_s: float = DEFAULT_HTTP_TIMEOUT_S


def _required(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"{name} is not set")
    return value


def _api_url(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, "").strip() or default
    parts = urllib.parse.urlsplit(value)
    if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        raise ConfigurationError(f"{name} must use https (http only for loopback hosts): {value}")
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(f"{name} must not carry credentials (tokens come from Secrets Manager)")
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigurationError(f"{name} must be an https URL without query or fragment: {value}")
    return value.rstrip("/")


def settings_from_env(env: Mapping[str, str]) -> Settings:
    """Read the configuration; raise ConfigurationError naming the first bad variable."""
    groups = frozenset(name.strip() for name in env.get("MODEL_PACKAGE_GROUPS", "").split(",") if name.strip())
    if not groups:
        raise ConfigurationError("MODEL_PACKAGE_GROUPS is not set (comma-separated model package group names)")
    kind = env.get("TARGET", "").strip().lower()
    target: Target
    if kind == "codepipeline":
        target = CodePipelineTarget(
            pipeline_name=_required(env, "PIPELINE_NAME"),
            model_package_variable=env.get("PIPELINE_MODEL_PACKAGE_VARIABLE", "").strip() or None,
        )
    elif kind == "github":
        repository = _required(env, "GITHUB_REPOSITORY")
        owner, _, repo = repository.partition("/")
        if not owner or not repo or "/" in repo:
            raise ConfigurationError(f"GITHUB_REPOSITORY must be owner/name: {repository}")
        target = GitHubTarget(
            api_url=_api_url(env, "GITHUB_API_URL", DEFAULT_GITHUB_API_URL),
            repository=repository,
            workflow=_required(env, "GITHUB_WORKFLOW"),
            ref=env.get("GITHUB_REF", "").strip() or DEFAULT_REF,
            token_secret_arn=_required(env, "GITHUB_TOKEN_SECRET_ARN"),
        )
    elif kind == "gitlab":
        api_url = _api_url(env, "GITLAB_API_URL", DEFAULT_GITLAB_API_URL)
        target = GitLabTarget(
            api_url=api_url.removesuffix("/api/v4"),
            project_id=_required(env, "GITLAB_PROJECT_ID"),
            ref=env.get("GITLAB_REF", "").strip() or DEFAULT_REF,
            token_secret_arn=_required(env, "GITLAB_TRIGGER_TOKEN_SECRET_ARN"),
        )
    else:
        raise ConfigurationError(f"TARGET must be one of {', '.join(TARGETS)}, not {kind or 'nothing'}")

    prefix = env.get("STATE_PARAMETER_PREFIX", "").strip().rstrip("/")
    if not prefix:
        function_name = env.get("AWS_LAMBDA_FUNCTION_NAME", "").strip()
        if not function_name:
            raise ConfigurationError("STATE_PARAMETER_PREFIX is not set (nor AWS_LAMBDA_FUNCTION_NAME)")
        prefix = f"/approval-trigger/{function_name}"
    if not _PARAMETER_PATH.fullmatch(prefix):
        raise ConfigurationError(f"STATE_PARAMETER_PREFIX must be an SSM path like /a/b: {prefix}")

    raw_timeout = env.get("HTTP_TIMEOUT_SECONDS", "").strip()
    try:
        timeout = float(raw_timeout) if raw_timeout else DEFAULT_HTTP_TIMEOUT_S
    except ValueError:
        raise ConfigurationError(f"HTTP_TIMEOUT_SECONDS must be a number: {raw_timeout}") from None
    if not timeout > 0:
        raise ConfigurationError(f"HTTP_TIMEOUT_SECONDS must be positive: {raw_timeout}")
    return Settings(groups, target, prefix, timeout)


# --- the event -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelPackageChange:
    event_id: str
    group: str
    arn: str
    version: int
    approval_status: str
    package_status: str | None
    modified_ms: int | None  # LastModifiedTime, else CreationTime (epoch milliseconds)

    @property
    def actionable(self) -> bool:
        return self.approval_status == APPROVED and self.package_status in (None, COMPLETED)


class UnexpectedEvent(ValueError):
    """Not a model package state change this function can act on; the message says why."""


def _epoch_ms(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str) and value:
        try:
            return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)
        except ValueError:
            return None
    return None


def parse_event(event: Mapping[str, Any]) -> ModelPackageChange:
    """The fields this function uses; raise UnexpectedEvent for anything else."""
    if event.get("source") != EVENT_SOURCE or event.get("detail-type") != EVENT_DETAIL_TYPE:
        raise UnexpectedEvent(
            f"not a model package state change (source {event.get('source')!r}, "
            f"detail-type {event.get('detail-type')!r})"
        )
    detail = event.get("detail")
    if not isinstance(detail, Mapping):
        raise UnexpectedEvent("malformed event: no detail")
    fields = {name: detail.get(name) for name in ("ModelPackageGroupName", "ModelPackageArn", "ModelApprovalStatus")}
    missing = sorted(name for name, value in fields.items() if not isinstance(value, str) or not value)
    raw_version = detail.get("ModelPackageVersion")
    version = raw_version if isinstance(raw_version, int) and not isinstance(raw_version, bool) else None
    if version is None:
        missing.append("ModelPackageVersion")
    if missing or version is None:
        raise UnexpectedEvent(f"malformed event: detail lacks {', '.join(missing)}")
    package_status = detail.get("ModelPackageStatus")
    modified = _epoch_ms(detail.get("LastModifiedTime"))
    return ModelPackageChange(
        event_id=str(event.get("id") or ""),
        group=str(fields["ModelPackageGroupName"]),
        arn=str(fields["ModelPackageArn"]),
        version=version,
        approval_status=str(fields["ModelApprovalStatus"]),
        package_status=package_status if isinstance(package_status, str) and package_status else None,
        modified_ms=modified if modified is not None else _epoch_ms(detail.get("CreationTime")),
    )


@dataclass(frozen=True)
class Outcome:
    action: Literal["triggered", "ignored"]
    reason: str
    model_package_arn: str | None = None
    target: str | None = None
    run: str | None = None  # the pipeline execution id / GitLab pipeline id, when the target returns one

    def as_dict(self) -> dict[str, str]:
        return {key: value for key, value in vars(self).items() if value is not None}


# --- trigger records in SSM --------------------------------------------------------------------


def _error_code(error: Any) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))


def record_name(prefix: str, change: ModelPackageChange) -> str:
    return f"{prefix}/{change.group}/{change.version}"


def _read_record(ssm: Any, name: str) -> dict[str, Any] | None:
    try:
        value = ssm.get_parameter(Name=name)["Parameter"]["Value"]
    except ClientError as error:
        if _error_code(error) == "ParameterNotFound":
            return None
        raise
    try:
        record = json.loads(value)
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def _write_record(
    ssm: Any, name: str, state: State, change: ModelPackageChange, now: float, *, overwrite: bool = True
) -> None:
    record = {
        "state": state,
        "model_package_arn": change.arn,
        "event_id": change.event_id,
        "modified_ms": change.modified_ms,
        "at": int(now),
    }
    ssm.put_parameter(
        Name=name,
        Value=json.dumps(record, sort_keys=True),
        Type="String",
        Overwrite=overwrite,
        Description="approval trigger record of one model package version",
    )


def _newer(event_ms: int | None, record_ms: object) -> bool:
    """Whether the event comes after the record; unknown times count as newer."""
    return event_ms is None or not isinstance(record_ms, int) or event_ms > record_ms


def _approved_skip_reason(record: Mapping[str, Any], change: ModelPackageChange, now: float) -> str | None:
    """Why an Approved event must not trigger given the existing record, or None to (re)claim it."""
    if record.get("model_package_arn") != change.arn:
        return None  # a record of a deleted and recreated group: start over
    state = record.get("state")
    if state == "triggered":
        return f"already triggered for this package (event {record.get('event_id') or 'unknown'})"
    if state == "withdrawn":
        if _newer(change.modified_ms, record.get("modified_ms")):
            return None
        return "approval event predates the package's later status change (delivered out of order)"
    if state == "pending":
        at = record.get("at")
        stale = not isinstance(at, int) or now - at > CLAIM_TIMEOUT_S
        if record.get("event_id") == change.event_id or stale:
            return None
        return "another invocation is triggering this package"
    return None


def _claim(ssm: Any, name: str, change: ModelPackageChange, now: float) -> tuple[str | None, dict[str, Any] | None]:
    """Claim the package for this invocation: (skip reason or None, the record it replaced)."""
    try:
        _write_record(ssm, name, "pending", change, now, overwrite=False)
        return None, None
    except ClientError as error:
        if _error_code(error) != "ParameterAlreadyExists":
            raise
    previous = _read_record(ssm, name)
    if previous is not None:
        reason = _approved_skip_reason(previous, change, now)
        if reason is not None:
            return reason, previous
    _write_record(ssm, name, "pending", change, now)
    return None, previous


def _release(ssm: Any, name: str, previous: Mapping[str, Any] | None) -> None:
    """Undo a claim after a failed trigger, so that a retry triggers again. Best effort."""
    try:
        if previous is None:
            ssm.delete_parameter(Name=name)
        else:
            ssm.put_parameter(Name=name, Value=json.dumps(previous, sort_keys=True), Type="String", Overwrite=True)
    except ClientError:
        LOGGER.exception("could not release the trigger record %s", name)


def _withdraw(ssm: Any, name: str, change: ModelPackageChange, now: float) -> bool:
    """Mark a triggered package as no longer approved, so that a re-approval triggers again."""
    record = _read_record(ssm, name)
    if (
        record is None
        or record.get("state") != "triggered"
        or record.get("model_package_arn") != change.arn
        or not _newer(change.modified_ms, record.get("modified_ms"))
    ):
        return False
    _write_record(ssm, name, "withdrawn", change, now)
    return True


# --- targets -----------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx becomes an HTTPError: urllib would otherwise resend the Authorization header to the new host."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


def _redact(text: str, secret: str) -> str:
    if not secret:
        return text
    forms = {secret, urllib.parse.quote_plus(secret), urllib.parse.quote(secret, safe="")}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return text


def _post(target: str, url: str, body: bytes, headers: Mapping[str, str], timeout: float, secret: str) -> bytes:
    """POST with the standard library; a status outside 2xx or a network error raises TargetError."""
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):  # settings allow no other scheme
        raise TargetError(target, f"{target}: refusing to POST to {url}")
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")  # noqa: S310 (checked)
    opener = urllib.request.build_opener(_NoRedirects())
    try:
        with opener.open(request, timeout=timeout) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as error:
        try:
            answer = error.read().decode("utf-8", "replace")
        except OSError:
            answer = ""
        excerpt = _redact(" ".join(answer.split()), secret)[:_EXCERPT_CHARS]
        message = f"{target}: POST {url} answered HTTP {error.code}" + (f": {excerpt}" if excerpt else "")
        raise TargetError(target, message, status=error.code) from None
    except urllib.error.URLError as error:
        reason = _redact(str(error.reason), secret)
        raise TargetError(target, f"{target}: POST {url} failed: {reason}") from None
    except (TimeoutError, OSError) as error:
        raise TargetError(target, f"{target}: POST {url} failed: {_redact(str(error), secret)}") from None


def secret_token(secretsmanager: Any, secret_arn: str) -> str:
    """The token in a secret: its plain text, or the `token` key of a JSON object."""
    value = secretsmanager.get_secret_value(SecretId=secret_arn).get("SecretString")
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"secret {secret_arn} has no SecretString")
    value = value.strip()
    if value.startswith("{"):
        try:
            document = json.loads(value)
        except ValueError:
            document = None
        token = document.get("token") if isinstance(document, dict) else None
        if not isinstance(token, str) or not token:
            raise ConfigurationError(f"secret {secret_arn} is JSON without a string `token` key")
        return token
    return value


def trigger_codepipeline(codepipeline: Any, target: CodePipelineTarget, change: ModelPackageChange) -> str:
    """Start the deploy pipeline; return the execution id."""
    request_token = change.event_id if _REQUEST_TOKEN.fullmatch(change.event_id) else None
    if request_token is None:
        request_token = hashlib.sha256(f"{change.arn}@{change.modified_ms}".encode()).hexdigest()
    arguments: dict[str, Any] = {"name": target.pipeline_name, "clientRequestToken": request_token}
    if target.model_package_variable:
        arguments["variables"] = [{"name": target.model_package_variable, "value": change.arn}]
    try:
        response = codepipeline.start_pipeline_execution(**arguments)
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        details = error.response.get("Error", {})
        raise TargetError(
            target.name,
            f"codepipeline: StartPipelineExecution of {target.pipeline_name} answered HTTP {status}: "
            f"{details.get('Code', 'error')}: {details.get('Message', '')}".rstrip(": "),
            status=status if isinstance(status, int) else None,
        ) from None
    return str(response["pipelineExecutionId"])


def _inputs(change: ModelPackageChange) -> dict[str, str]:
    return {
        "model_package_arn": change.arn,
        "model_package_group_name": change.group,
        "model_package_version": str(change.version),
    }


def trigger_github(target: GitHubTarget, token: str, change: ModelPackageChange, timeout: float) -> str:
    """POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches; GitHub answers 204 without an id."""
    owner, _, repo = target.repository.partition("/")
    quote = urllib.parse.quote
    url = (
        f"{target.api_url}/repos/{quote(owner, safe='')}/{quote(repo, safe='')}"
        f"/actions/workflows/{quote(target.workflow, safe='')}/dispatches"
    )
    body = json.dumps({"ref": target.ref, "inputs": _inputs(change)}).encode()
    headers = {
        "Accept": "application/vnd.github+json",
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-GitHub-Api-Version": GITHUB_API_VERSION,
    }
    _post(target.name, url, body, headers, timeout, token)
    return ""


def trigger_gitlab(target: GitLabTarget, token: str, change: ModelPackageChange, timeout: float) -> str:
    """POST /api/v4/projects/{id}/trigger/pipeline (form-encoded); return the pipeline id."""
    url = f"{target.api_url}/api/v4/projects/{urllib.parse.quote(target.project_id, safe='')}/trigger/pipeline"
    fields = [("token", token), ("ref", target.ref)]
    fields += [(f"variables[{name.upper()}]", value) for name, value in _inputs(change).items()]
    headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT}
    answer = _post(target.name, url, urllib.parse.urlencode(fields).encode(), headers, timeout, token)
    try:
        pipeline = json.loads(answer)
    except ValueError:
        return ""
    return str(pipeline.get("id", "")) if isinstance(pipeline, dict) else ""


def trigger(
    settings: Settings, change: ModelPackageChange, *, codepipeline: Any = None, secretsmanager: Any = None
) -> str:
    """Start the deployment on the configured target; return its run id ('' when the target gives none)."""
    target = settings.target
    if isinstance(target, CodePipelineTarget):
        if codepipeline is None:
            raise ValueError("the codepipeline target needs a CodePipeline client")
        return trigger_codepipeline(codepipeline, target, change)
    if secretsmanager is None:
        raise ValueError(f"the {target.name} target needs a Secrets Manager client")
    token = secret_token(secretsmanager, target.token_secret_arn)
    if isinstance(target, GitHubTarget):
        return trigger_github(target, token, change, settings.http_timeout_s)
    return trigger_gitlab(target, token, change, settings.http_timeout_s)


# --- the function ------------------------------------------------------------------------------


def process(
    event: Mapping[str, Any],
    settings: Settings,
    *,
    ssm: Any,
    codepipeline: Any = None,
    secretsmanager: Any = None,
    clock: Callable[[], float] = time.time,
) -> Outcome:
    """Decide on one event and act on it; log one line."""
    outcome = _decide(event, settings, ssm, codepipeline, secretsmanager, clock)
    LOGGER.info("approval trigger %s", json.dumps(outcome.as_dict(), sort_keys=True))
    return outcome


def _decide(
    event: Mapping[str, Any],
    settings: Settings,
    ssm: Any,
    codepipeline: Any,
    secretsmanager: Any,
    clock: Callable[[], float],
) -> Outcome:
    try:
        change = parse_event(event)
    except UnexpectedEvent as error:
        return Outcome("ignored", str(error))
    if change.group not in settings.model_package_groups:
        return Outcome("ignored", f"model package group {change.group} is not watched", change.arn)

    name = record_name(settings.state_parameter_prefix, change)
    now = clock()
    if not change.actionable:
        status = change.approval_status
        if change.package_status not in (None, COMPLETED):
            status = f"{status} (ModelPackageStatus {change.package_status})"
        reason = f"status {status}: only Approved triggers"
        if _withdraw(ssm, name, change, now):
            reason += "; the earlier trigger is withdrawn, a re-approval triggers again"
        return Outcome("ignored", reason, change.arn)

    skip, previous = _claim(ssm, name, change, now)
    if skip is not None:
        return Outcome("ignored", skip, change.arn)
    try:
        run = trigger(settings, change, codepipeline=codepipeline, secretsmanager=secretsmanager)
    except BaseException:
        _release(ssm, name, previous)
        raise
    try:
        _write_record(ssm, name, "triggered", change, clock())
    except ClientError:
        # The target has started: raising now would make Lambda retry and deploy twice.
        LOGGER.exception("triggered, but could not record it in %s", name)
    return Outcome("triggered", f"approved: started {settings.target.name}", change.arn, settings.target.name, run)


def handler(event: Mapping[str, Any], context: object) -> dict[str, str]:
    """Lambda entry point: configuration from the environment, clients from boto3."""
    LOGGER.setLevel(os.environ.get("LOG_LEVEL", "INFO").upper())
    botocore_logger = logging.getLogger("botocore")
    if botocore_logger.getEffectiveLevel() < logging.INFO:  # its DEBUG records hold response bodies: the token
        botocore_logger.setLevel(logging.INFO)
    settings = settings_from_env(os.environ)
    config = Config(connect_timeout=5, read_timeout=10, retries={"mode": "standard", "max_attempts": 3})
    needs_codepipeline = isinstance(settings.target, CodePipelineTarget)
    outcome = process(
        event,
        settings,
        ssm=boto3.client("ssm", config=config),
        codepipeline=boto3.client("codepipeline", config=config) if needs_codepipeline else None,
        secretsmanager=None if needs_codepipeline else boto3.client("secretsmanager", config=config),
    )
    return outcome.as_dict()
