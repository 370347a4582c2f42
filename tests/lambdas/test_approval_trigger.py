"""The model approval trigger with recorded EventBridge events (tests/lambdas/fixtures/approval_trigger).

The codepipeline target runs against CodePipeline on the emulator (moto implements
StartPipelineExecution; botocore's Stubber checks the request's exact parameters, clientRequestToken
included, which moto accepts but does not keep). The github and gitlab targets post to a local HTTP
stand-in on 127.0.0.1 that records every request; tokens live in Secrets Manager on the emulator
and trigger records in its SSM. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import boto3
import pytest
from botocore.stub import Stubber

from glue import emulator
from glue.lambdas import approval_trigger as trigger
from tests.conftest import emulator_client

FIXTURES = Path(__file__).parent / "fixtures" / "approval_trigger"
GROUP = "customer-churn-p-7hbqzl3vxw2n"
OTHER_GROUP = "fraud-detection-p-2kd9w1ms0qzx"
PACKAGE_ARN = f"arn:aws:sagemaker:us-east-1:123456789012:model-package/{GROUP}/3"
APPROVED_EVENT_ID = "0f4c9b2e-6a1d-4e57-9c3b-8d2f7a61e5b4"
TOKEN = "ghp_s3cr3tT0kenValue+/=42"  # characters that change under URL encoding
ALL_FIXTURES = (
    "approved.json",
    "approved_metadata_update.json",
    "rejected.json",
    "pending_new_version.json",
    "other_group_approved.json",
)
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return document


def reapproval() -> dict[str, Any]:
    """A second approval of version 3 after its rejection: a new event, a later LastModifiedTime."""
    event = load("approved.json")
    event["id"] = "e2b7c4d1-3f8a-4a6e-b590-7c1d2e3f4a5b"
    event["time"] = "2024-06-11T08:00:01Z"
    event["detail"]["LastModifiedTime"] = 1718092800000
    return event


def _prefix() -> str:
    return f"/approval-trigger-test/{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib and botocore honour proxy variables: requests for 127.0.0.1 must go straight there."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


class _NoCalls:
    """A client that fails the test on any use."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"unexpected client call: {name}")


# --- the local HTTP stand-in ---------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode(), strict_parsing=True)


@dataclass
class StandIn:
    """Answers every request with `status` and `answer` (plus `headers`) and records it."""

    url: str = ""
    status: int = 204
    answer: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    state = StandIn()

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}  # names are case-insensitive
            state.requests.append(Recorded(self.command, self.path, headers, body))
            self.send_response(state.status)
            for name, value in state.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(state.answer)))
            self.end_headers()
            self.wfile.write(state.answer)

        do_POST = do_GET = _record

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- unit: events and settings -------------------------------------------------------------------


def test_fixtures_follow_the_documented_event_shape() -> None:
    for name in ALL_FIXTURES:
        event = load(name)
        assert event["source"] == "aws.sagemaker" and event["detail-type"] == "SageMaker Model Package State Change"
        detail = event["detail"]
        assert event["resources"] == [detail["ModelPackageArn"]]
        assert detail["ModelPackageArn"].endswith(
            f":model-package/{detail['ModelPackageGroupName']}/{detail['ModelPackageVersion']}"
        )
        assert isinstance(detail["CreationTime"], int), "epoch milliseconds, as SageMaker sends it"

    changes = {name: trigger.parse_event(load(name)) for name in ALL_FIXTURES}
    assert changes["approved.json"] == trigger.ModelPackageChange(
        event_id=APPROVED_EVENT_ID,
        group=GROUP,
        arn=PACKAGE_ARN,
        version=3,
        approval_status="Approved",
        package_status="Completed",
        modified_ms=1718010000000,
    )
    assert [name for name, change in changes.items() if change.actionable] == [
        "approved.json",
        "approved_metadata_update.json",
        "other_group_approved.json",
    ], "the event carries no previous status: a metadata update of an approved package is Approved too"
    assert changes["pending_new_version.json"].modified_ms == 1718040000000, "no LastModifiedTime: CreationTime"
    assert changes["rejected.json"].modified_ms == 1718030000000
    deleting = load("approved.json")
    deleting["detail"]["ModelPackageStatus"] = "Deleting"
    assert not trigger.parse_event(deleting).actionable, "deleting an approved package deploys nothing"


def _env(**values: str) -> dict[str, str]:
    return {"MODEL_PACKAGE_GROUPS": f" {GROUP}, {OTHER_GROUP} ,", "STATE_PARAMETER_PREFIX": "/p/x/", **values}


def test_settings_for_each_target_with_defaults() -> None:
    pipeline = trigger.settings_from_env(_env(TARGET="codepipeline", PIPELINE_NAME="deploy"))
    assert pipeline.model_package_groups == {GROUP, OTHER_GROUP}
    assert pipeline.target == trigger.CodePipelineTarget("deploy", None)
    assert (pipeline.state_parameter_prefix, pipeline.http_timeout_s) == ("/p/x", 10.0)

    github = trigger.settings_from_env(
        _env(TARGET="GitHub", GITHUB_REPOSITORY="acme/churn", GITHUB_WORKFLOW="deploy.yml", GITHUB_TOKEN_SECRET_ARN="a")
    )
    assert github.target == trigger.GitHubTarget("https://api.github.com", "acme/churn", "deploy.yml", "main", "a")

    env = _env(
        TARGET="gitlab",
        GITLAB_API_URL="https://gitlab.example.com/api/v4/",
        GITLAB_PROJECT_ID="ml/churn",
        GITLAB_TRIGGER_TOKEN_SECRET_ARN="b",
        HTTP_TIMEOUT_SECONDS="2.5",
        AWS_LAMBDA_FUNCTION_NAME="churn-approval-trigger",
    )
    del env["STATE_PARAMETER_PREFIX"]
    gitlab = trigger.settings_from_env(env)
    assert gitlab.target == trigger.GitLabTarget("https://gitlab.example.com", "ml/churn", "main", "b")
    assert (gitlab.state_parameter_prefix, gitlab.http_timeout_s) == ("/approval-trigger/churn-approval-trigger", 2.5)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TARGET": "codepipeline", "PIPELINE_NAME": "p", "MODEL_PACKAGE_GROUPS": " , "}, "MODEL_PACKAGE_GROUPS"),
        (_env(TARGET="jenkins"), "TARGET must be one of codepipeline, github, gitlab"),
        (_env(TARGET="codepipeline"), "PIPELINE_NAME is not set"),
        (
            _env(TARGET="github", GITHUB_REPOSITORY="acme", GITHUB_WORKFLOW="w", GITHUB_TOKEN_SECRET_ARN="a"),
            "owner/name",
        ),
        (
            _env(
                TARGET="gitlab",
                GITLAB_API_URL="http://gitlab.example.com",
                GITLAB_PROJECT_ID="1",
                GITLAB_TRIGGER_TOKEN_SECRET_ARN="b",
            ),
            "GITLAB_API_URL must use https",
        ),
        (_env(TARGET="gitlab", GITLAB_API_URL="file:///etc", GITLAB_PROJECT_ID="1"), "GITLAB_API_URL must be an https"),
        (
            _env(
                TARGET="github",
                GITHUB_API_URL="https://x:ghp_1@ghe.example.com/api/v3",
                GITHUB_REPOSITORY="acme/churn",
                GITHUB_WORKFLOW="w",
                GITHUB_TOKEN_SECRET_ARN="a",
            ),
            "GITHUB_API_URL must not carry credentials",
        ),
        (_env(TARGET="codepipeline", PIPELINE_NAME="p", STATE_PARAMETER_PREFIX="no-slash"), "STATE_PARAMETER_PREFIX"),
        (_env(TARGET="codepipeline", PIPELINE_NAME="p", HTTP_TIMEOUT_SECONDS="soon"), "HTTP_TIMEOUT_SECONDS"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(trigger.ConfigurationError, match=message):
        trigger.settings_from_env(env)


def test_events_to_ignore_touch_nothing(caplog: pytest.LogCaptureFixture) -> None:
    settings = trigger.settings_from_env(
        _env(TARGET="codepipeline", PIPELINE_NAME="deploy", MODEL_PACKAGE_GROUPS=GROUP)
    )
    malformed = load("approved.json")
    del malformed["detail"]["ModelPackageArn"]
    cases = {
        "other_group": (load("other_group_approved.json"), f"model package group {OTHER_GROUP} is not watched"),
        "other_type": ({**load("approved.json"), "detail-type": "SageMaker Model State Change"}, "not a model package"),
        "malformed": (malformed, "malformed event: detail lacks ModelPackageArn"),
    }
    for name, (event, reason) in cases.items():
        caplog.clear()
        with caplog.at_level(logging.INFO, logger=trigger.__name__):
            outcome = trigger.process(event, settings, ssm=_NoCalls(), codepipeline=_NoCalls())
        assert outcome.action == "ignored", name
        assert reason in outcome.reason, name
        assert len(caplog.records) == 1 and reason in caplog.records[0].getMessage(), name


# --- unit: the requests ------------------------------------------------------------------------------


def _offline_codepipeline() -> Any:
    return boto3.client(
        "codepipeline",
        endpoint_url="http://127.0.0.1:9",
        region_name="us-east-1",
        aws_access_key_id="unit",
        aws_secret_access_key="unit",
    )


def test_codepipeline_request_carries_the_event_id_as_client_request_token() -> None:
    client = _offline_codepipeline()
    target = trigger.CodePipelineTarget("churn-deploy", "MODEL_PACKAGE_ARN")
    change = trigger.parse_event(load("approved.json"))
    with Stubber(client) as stub:
        stub.add_response(
            "start_pipeline_execution",
            {"pipelineExecutionId": "6f1e0c9a-7d3b-4b2e-9a51-0c8d7e6f5a4b"},
            {
                "name": "churn-deploy",
                "clientRequestToken": APPROVED_EVENT_ID,
                "variables": [{"name": "MODEL_PACKAGE_ARN", "value": PACKAGE_ARN}],
            },
        )
        stub.add_client_error(
            "start_pipeline_execution",
            service_error_code="PipelineNotFoundException",
            service_message="Account '123456789012' does not have a pipeline with name 'churn-deploy'",
            http_status_code=400,
        )
        assert trigger.trigger_codepipeline(client, target, change) == "6f1e0c9a-7d3b-4b2e-9a51-0c8d7e6f5a4b"
        with pytest.raises(
            trigger.TargetError, match=r"^codepipeline: .* HTTP 400: PipelineNotFoundException"
        ) as raised:
            trigger.trigger_codepipeline(client, target, change)
        assert raised.value.status == 400
        stub.assert_no_pending_responses()


def _github(url: str) -> trigger.GitHubTarget:
    return trigger.GitHubTarget(url, "acme/churn-model", "deploy.yml", "release", "unused")


def test_an_unreachable_target_raises_naming_it() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    change = trigger.parse_event(load("approved.json"))
    with pytest.raises(trigger.TargetError, match=r"^github: POST http://127\.0\.0\.1:\d+/repos/.* failed") as raised:
        trigger.trigger_github(_github(f"http://127.0.0.1:{port}"), TOKEN, change, timeout=2)
    assert TOKEN not in str(raised.value) and raised.value.status is None


def test_redirects_are_not_followed(stand_in: StandIn) -> None:
    """urllib would resend Authorization to wherever a 3xx points: the trigger stops at the 3xx instead."""
    stand_in.status = 302
    stand_in.headers = {"Location": f"{stand_in.url}/elsewhere"}
    change = trigger.parse_event(load("approved.json"))
    with pytest.raises(trigger.TargetError, match="answered HTTP 302") as raised:
        trigger.trigger_github(_github(stand_in.url), TOKEN, change, timeout=5)
    assert raised.value.status == 302
    assert [request.path for request in stand_in.requests] == [
        "/repos/acme/churn-model/actions/workflows/deploy.yml/dispatches"
    ]


# --- integration: the emulator -------------------------------------------------------------------


def _pipeline(running: emulator.RunningEmulator) -> str:
    iam, codepipeline = emulator_client("iam", running), emulator_client("codepipeline", running)
    name = f"churn-deploy-{uuid.uuid4().hex[:8]}"
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "codepipeline.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    action = {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"}
    codepipeline.create_pipeline(
        pipeline={
            "name": name,
            "roleArn": role,
            "pipelineType": "V2",
            "artifactStore": {"type": "S3", "location": "churn-artifacts"},
            "variables": [{"name": "MODEL_PACKAGE_ARN", "defaultValue": "none"}],
            "stages": [
                {
                    "name": "Source",
                    "actions": [
                        {
                            "name": "Source",
                            "actionTypeId": action,
                            "configuration": {"S3Bucket": "churn-artifacts", "S3ObjectKey": "deploy.zip"},
                            "outputArtifacts": [{"name": "deploy"}],
                        }
                    ],
                },
                {
                    "name": "Deploy",
                    "actions": [
                        {
                            "name": "Deploy",
                            "actionTypeId": {
                                "category": "Build",
                                "owner": "AWS",
                                "provider": "CodeBuild",
                                "version": "1",
                            },
                            "configuration": {"ProjectName": "churn-deploy"},
                            "inputArtifacts": [{"name": "deploy"}],
                        }
                    ],
                },
            ],
        }
    )
    return name


@pytest.mark.integration
def test_codepipeline_target_starts_once_per_approval(running_emulator: emulator.RunningEmulator) -> None:
    ssm, codepipeline = emulator_client("ssm", running_emulator), emulator_client("codepipeline", running_emulator)
    name = _pipeline(running_emulator)
    prefix = _prefix()
    settings = trigger.Settings(
        frozenset({GROUP}), trigger.CodePipelineTarget(name, "MODEL_PACKAGE_ARN"), prefix, http_timeout_s=5
    )

    def run(event: dict[str, Any]) -> trigger.Outcome:
        return trigger.process(event, settings, ssm=ssm, codepipeline=codepipeline)

    def executions() -> list[dict[str, Any]]:
        summaries: list[dict[str, Any]] = codepipeline.list_pipeline_executions(pipelineName=name)[
            "pipelineExecutionSummaries"
        ]
        return summaries

    assert run(load("pending_new_version.json")).reason == "status PendingManualApproval: only Approved triggers"
    assert run(load("other_group_approved.json")).action == "ignored"
    assert executions() == []

    approved = run(load("approved.json"))
    assert (approved.action, approved.target, approved.model_package_arn) == ("triggered", "codepipeline", PACKAGE_ARN)
    (execution,) = executions()
    assert execution["pipelineExecutionId"] == approved.run
    started = codepipeline.get_pipeline_execution(pipelineName=name, pipelineExecutionId=approved.run)
    assert started["pipelineExecution"]["variables"] == [{"name": "MODEL_PACKAGE_ARN", "resolvedValue": PACKAGE_ARN}]
    record = json.loads(ssm.get_parameter(Name=f"{prefix}/{GROUP}/3")["Parameter"]["Value"])
    assert record["state"] == "triggered" and record["event_id"] == APPROVED_EVENT_ID

    # The same event again (SageMaker may send several) and a metadata update that stays Approved.
    assert run(load("approved.json")).reason.startswith("already triggered for this package")
    assert run(load("approved_metadata_update.json")).reason.startswith("already triggered for this package")
    assert len(executions()) == 1

    # Rejected: nothing starts, and the record is withdrawn so that a re-approval deploys again.
    rejected = run(load("rejected.json"))
    assert rejected.action == "ignored" and "re-approval triggers again" in rejected.reason
    assert "out of order" in run(load("approved.json")).reason, "the old approval, delivered late, stays ignored"
    assert len(executions()) == 1
    again = run(reapproval())
    assert again.action == "triggered" and again.run != approved.run
    assert len(executions()) == 2


@pytest.mark.integration
def test_github_target_dispatches_the_workflow(
    running_emulator: emulator.RunningEmulator, stand_in: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    ssm, secrets = emulator_client("ssm", running_emulator), emulator_client("secretsmanager", running_emulator)
    secret = secrets.create_secret(
        Name=f"github-token-{uuid.uuid4().hex[:8]}", SecretString=json.dumps({"token": TOKEN})
    )
    settings = trigger.Settings(
        frozenset({GROUP}),
        trigger.GitHubTarget(stand_in.url, "acme/churn-model", "deploy.yml", "main", secret["ARN"]),
        _prefix(),
        http_timeout_s=5,
    )
    sequence = [
        "pending_new_version.json",
        "other_group_approved.json",
        "approved.json",
        "approved.json",  # SageMaker may deliver one change more than once
        "approved_metadata_update.json",
        "rejected.json",
    ]
    with caplog.at_level(logging.INFO, logger=trigger.__name__):
        outcomes = [trigger.process(load(name), settings, ssm=ssm, secretsmanager=secrets) for name in sequence]
    assert len(caplog.records) == len(sequence), "one log line per event"
    assert [outcome.action for outcome in outcomes] == ["ignored", "ignored", "triggered", *["ignored"] * 3]

    (request,) = stand_in.requests
    assert (request.method, request.path) == ("POST", "/repos/acme/churn-model/actions/workflows/deploy.yml/dispatches")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["accept"] == "application/vnd.github+json"
    assert request.headers["x-github-api-version"] == "2022-11-28"
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "ref": "main",
        "inputs": {"model_package_arn": PACKAGE_ARN, "model_package_group_name": GROUP, "model_package_version": "3"},
    }


@pytest.mark.integration
def test_gitlab_target_triggers_a_pipeline(running_emulator: emulator.RunningEmulator, stand_in: StandIn) -> None:
    ssm, secrets = emulator_client("ssm", running_emulator), emulator_client("secretsmanager", running_emulator)
    secret = secrets.create_secret(Name=f"gitlab-trigger-{uuid.uuid4().hex[:8]}", SecretString=f"{TOKEN}\n")
    settings = trigger.Settings(
        frozenset({GROUP}), trigger.GitLabTarget(stand_in.url, "ml-platform/churn", "release", secret["ARN"]), _prefix()
    )
    stand_in.status, stand_in.answer = 201, json.dumps({"id": 4242, "web_url": "https://gitlab/p/4242"}).encode()

    for name in ("pending_new_version.json", "other_group_approved.json", "rejected.json"):
        assert trigger.process(load(name), settings, ssm=ssm, secretsmanager=secrets).action == "ignored"
    assert stand_in.requests == [], "nothing is sent for ignored events"

    outcome = trigger.process(load("approved.json"), settings, ssm=ssm, secretsmanager=secrets)
    assert (outcome.action, outcome.target, outcome.run) == ("triggered", "gitlab", "4242")
    (request,) = stand_in.requests
    assert (request.method, request.path) == ("POST", "/api/v4/projects/ml-platform%2Fchurn/trigger/pipeline")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "authorization" not in request.headers
    assert request.form() == {
        "token": [TOKEN],
        "ref": ["release"],
        "variables[MODEL_PACKAGE_ARN]": [PACKAGE_ARN],
        "variables[MODEL_PACKAGE_GROUP_NAME]": [GROUP],
        "variables[MODEL_PACKAGE_VERSION]": ["3"],
    }
    trigger.process(load("approved_metadata_update.json"), settings, ssm=ssm, secretsmanager=secrets)
    assert len(stand_in.requests) == 1


@pytest.mark.integration
@pytest.mark.parametrize(("target", "status"), [("github", 422), ("gitlab", 404)])
def test_a_refusal_raises_without_the_token_and_a_retry_triggers(
    running_emulator: emulator.RunningEmulator, stand_in: StandIn, target: str, status: int
) -> None:
    ssm, secrets = emulator_client("ssm", running_emulator), emulator_client("secretsmanager", running_emulator)
    secret = secrets.create_secret(Name=f"{target}-token-{uuid.uuid4().hex[:8]}", SecretString=TOKEN)["ARN"]
    chosen: trigger.Target = (
        trigger.GitHubTarget(stand_in.url, "acme/churn-model", "deploy.yml", "main", secret)
        if target == "github"
        else trigger.GitLabTarget(stand_in.url, "42", "main", secret)
    )
    settings = trigger.Settings(frozenset({GROUP}), chosen, _prefix(), http_timeout_s=5)
    # A server that echoes what it got, token included, in its error.
    stand_in.status = status
    stand_in.answer = json.dumps(
        {"message": "refused", "echo": [TOKEN, "token=ghp_s3cr3tT0kenValue%2B%2F%3D42"]}
    ).encode()

    with pytest.raises(trigger.TargetError) as raised:
        trigger.process(load("approved.json"), settings, ssm=ssm, secretsmanager=secrets)
    message = str(raised.value)
    assert message.startswith(f"{target}: POST {stand_in.url}/") and f"answered HTTP {status}" in message
    assert (raised.value.target, raised.value.status) == (target, status)
    assert "refused" in message and "***" in message
    assert TOKEN not in message and "s3cr3t" not in message

    # The claim was released: Lambda's retry of the same event triggers once the target accepts.
    stand_in.status, stand_in.answer = 204 if target == "github" else 201, b""
    assert trigger.process(load("approved.json"), settings, ssm=ssm, secretsmanager=secrets).action == "triggered"
    assert len(stand_in.requests) == 2


@pytest.mark.integration
def test_claims_of_other_invocations(running_emulator: emulator.RunningEmulator, stand_in: StandIn) -> None:
    ssm, secrets = emulator_client("ssm", running_emulator), emulator_client("secretsmanager", running_emulator)
    secret = secrets.create_secret(Name=f"gitlab-trigger-{uuid.uuid4().hex[:8]}", SecretString=TOKEN)["ARN"]
    prefix = _prefix()
    settings = trigger.Settings(frozenset({GROUP}), trigger.GitLabTarget(stand_in.url, "42", "main", secret), prefix)
    stand_in.status = 201
    pending = {"state": "pending", "model_package_arn": PACKAGE_ARN, "event_id": "another-delivery", "at": 1_000_000}
    ssm.put_parameter(Name=f"{prefix}/{GROUP}/3", Value=json.dumps(pending), Type="String")

    def run(at: float) -> trigger.Outcome:
        return trigger.process(load("approved.json"), settings, ssm=ssm, secretsmanager=secrets, clock=lambda: at)

    busy = run(1_000_000 + 60)
    assert (busy.action, busy.reason) == ("ignored", "another invocation is triggering this package")
    assert stand_in.requests == []
    assert run(1_000_000 + trigger.CLAIM_TIMEOUT_S + 1).action == "triggered", "an abandoned claim is taken over"
    assert len(stand_in.requests) == 1


@pytest.mark.integration
def test_handler_reads_the_environment(
    running_emulator: emulator.RunningEmulator, stand_in: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = emulator_client("secretsmanager", running_emulator)
    secret = secrets.create_secret(Name=f"github-token-{uuid.uuid4().hex[:8]}", SecretString=TOKEN)["ARN"]
    environment = {
        "AWS_ENDPOINT_URL": running_emulator.endpoint,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "emulator",
        "AWS_SECRET_ACCESS_KEY": "emulator",
        "AWS_LAMBDA_FUNCTION_NAME": f"approval-trigger-{uuid.uuid4().hex[:8]}",
        "MODEL_PACKAGE_GROUPS": f"{OTHER_GROUP},{GROUP}",
        "TARGET": "github",
        "GITHUB_API_URL": stand_in.url,
        "GITHUB_REPOSITORY": "acme/churn-model",
        "GITHUB_WORKFLOW": "1234567",
        "GITHUB_TOKEN_SECRET_ARN": secret,
        "HTTP_TIMEOUT_SECONDS": "5",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    assert trigger.handler(load("pending_new_version.json"), None) == {
        "action": "ignored",
        "reason": "status PendingManualApproval: only Approved triggers",
        "model_package_arn": f"arn:aws:sagemaker:us-east-1:123456789012:model-package/{GROUP}/4",
    }
    result = trigger.handler(load("other_group_approved.json"), None)
    assert result["action"] == "triggered" and result["target"] == "github" and result["run"] == ""
    (request,) = stand_in.requests
    assert request.path == "/repos/acme/churn-model/actions/workflows/1234567/dispatches"
    assert request.json()["ref"] == "main" and request.json()["inputs"]["model_package_version"] == "7"
