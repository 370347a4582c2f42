"""Smoke test of a deployed stage: send a sample payload to its endpoint and check the answer.

    python test/smoke_test.py --stage staging                      # in the pipeline (reads manifest.json)
    python test/smoke_test.py --endpoint-name NAME --hosting realtime --endpoint-url http://127.0.0.1:8080

What passes: HTTP 200, the content type asked for (Accept), and a body that parses into one
numeric prediction per input row (CSV: one line per row, or one line with one value per row;
JSON: a number, a list, or {"predictions": [...]}).

By hosting option (from manifest.json, written by the deploy build):
- realtime, serverless: InvokeEndpoint;
- multi_model: InvokeEndpoint once per model archive (TargetModel);
- async: the payload is put in S3, InvokeEndpointAsync, then the output location is polled
  until the answer (or a failure) appears;
- batch: no endpoint - the test is skipped (a transform job is the team's run step).

--endpoint-url sends every call (SageMaker runtime and S3) to another address, for example a
stand-in on 127.0.0.1. Standard library and boto3 only. Exit status: 0 pass or skip, 1 fail,
2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CONTENT_TYPES = {".csv": "text/csv", ".json": "application/json"}


class SmokeTestFailure(Exception):
    """The endpoint answered wrongly or not at all."""


@dataclass
class Target:
    """What to invoke, from manifest.json and the command line."""

    stage: str
    hosting: str
    endpoint_name: str
    account_id: str = ""
    tooling_account_id: str = ""
    target_models: list[str] = field(default_factory=list)
    async_input_s3_uri: str = ""


def _base_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def expected_rows(payload: bytes, content_type: str) -> int:
    """How many predictions the payload asks for."""
    if _base_type(content_type) == "application/json":
        document = json.loads(payload)
        if isinstance(document, dict) and isinstance(document.get("instances"), list):
            return len(document["instances"])
        return len(document) if isinstance(document, list) else 1
    return len([line for line in payload.decode("utf-8").splitlines() if line.strip()])


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _prediction(value: object) -> bool:
    """A number, or a non-empty list of numbers (several outputs, class probabilities)."""
    return _number(value) or (isinstance(value, list) and bool(value) and all(_number(item) for item in value))


def parse_predictions(body: bytes, content_type: str, rows: int) -> list[object]:
    """The predictions in `body`, one per input row; ValueError says what is wrong."""
    kind = _base_type(content_type)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError("the body is not UTF-8 text") from error
    if kind == "application/json" or kind.endswith("+json"):
        try:
            document = json.loads(text)
        except ValueError as error:
            raise ValueError(f"the body is not JSON: {text[:200]!r}") from error
        if isinstance(document, dict):
            if "predictions" not in document:
                raise ValueError(f"a JSON object without 'predictions': {text[:200]!r}")
            document = document["predictions"]
        if not isinstance(document, list):
            predictions = [document]
        elif rows == 1 and len(document) != 1 and all(_number(value) for value in document):
            predictions = [document]  # several outputs of the one row
        else:
            predictions = document
        bad = [value for value in predictions if not _prediction(value)]
        if bad:
            raise ValueError(f"predictions that are not numbers: {bad[:3]!r}")
    elif kind == "text/csv":
        lines = [line for line in text.splitlines() if line.strip()]
        if not lines:
            raise ValueError("the body is empty")
        try:
            values = [[float(cell) for cell in line.split(",")] for line in lines]
        except ValueError as error:
            raise ValueError(f"a CSV value is not a number: {text[:200]!r}") from error
        if any(not math.isfinite(value) for line in values for value in line):
            raise ValueError(f"a CSV value is not finite: {text[:200]!r}")
        if len(values) == 1 and len(values[0]) == rows:
            predictions = list(values[0])
        else:
            predictions = [line[0] if len(line) == 1 else line for line in values]
    else:
        raise ValueError(f"cannot read predictions of content type {content_type!r}")
    if len(predictions) != rows:
        raise ValueError(f"{len(predictions)} predictions for {rows} input rows")
    return predictions


def check_answer(status: int, content_type: str, body: bytes, accept: str, rows: int) -> str:
    """The verdict's explanation when the answer is good; SmokeTestFailure otherwise."""
    if status != 200:
        raise SmokeTestFailure(f"HTTP {status}: {body[:300]!r}")
    if _base_type(accept) not in ("*/*", _base_type(content_type)):
        raise SmokeTestFailure(f"content type {content_type!r}, asked for {accept!r}")
    try:
        predictions = parse_predictions(body, content_type, rows)
    except ValueError as error:
        raise SmokeTestFailure(f"malformed prediction: {error}") from error
    return f"{len(predictions)} prediction(s), {content_type}: {predictions[:5]!r}"


def _session(region: str | None, role_arn: str | None) -> Any:
    import boto3

    session = boto3.session.Session(region_name=region)
    if not role_arn:
        return session
    credentials = session.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="smoke-test")["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=session.region_name,
    )


def _clients(arguments: argparse.Namespace) -> tuple[Any, Any]:
    from botocore.config import Config

    session = _session(arguments.region, arguments.role_arn)
    options: dict[str, Any] = {
        "retries": {"mode": "standard", "total_max_attempts": arguments.max_attempts},
        "connect_timeout": 10,
        "read_timeout": arguments.timeout,
    }
    runtime = session.client("sagemaker-runtime", endpoint_url=arguments.endpoint_url, config=Config(**options))
    s3_options = dict(options)
    if arguments.endpoint_url:
        s3_options["s3"] = {"addressing_style": "path"}
    s3 = session.client("s3", endpoint_url=arguments.endpoint_url, config=Config(**s3_options))
    return runtime, s3


def _error_text(error: Exception) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        details = response.get("Error", {})
        return f"HTTP {status} {details.get('Code', '')}: {details.get('Message', '')}".strip()
    return str(error)


def invoke(runtime: Any, target: Target, payload: bytes, content_type: str, accept: str, model: str | None) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    request: dict[str, Any] = {
        "EndpointName": target.endpoint_name,
        "Body": payload,
        "ContentType": content_type,
        "Accept": accept,
    }
    if model:
        request["TargetModel"] = model
    try:
        response = runtime.invoke_endpoint(**request)
    except (BotoCoreError, ClientError) as error:
        raise SmokeTestFailure(_error_text(error)) from error
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    body = response["Body"].read()
    return check_answer(status, response.get("ContentType", ""), body, accept, expected_rows(payload, content_type))


def _split_s3(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://") or "/" not in uri[5:]:
        raise SmokeTestFailure(f"{uri!r} is not an s3://bucket/key location")
    bucket, key = uri[5:].split("/", 1)
    return bucket, key


def _get_object(s3: Any, uri: str) -> tuple[str, bytes] | None:
    """(content type, body) of the object at `uri`, or None while it does not exist."""
    from botocore.exceptions import ClientError

    bucket, key = _split_s3(uri)
    try:
        response = s3.get_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
            return None
        raise SmokeTestFailure(f"reading {uri}: {_error_text(error)}") from error
    return str(response.get("ContentType", "")), response["Body"].read()


def invoke_async(
    runtime: Any,
    s3: Any,
    target: Target,
    payload: bytes,
    content_type: str,
    accept: str,
    poll_interval: float,
    poll_timeout: float,
) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    if not target.async_input_s3_uri:
        raise SmokeTestFailure("no S3 location for the request (async_input_s3_uri in manifest.json)")
    inference_id = str(uuid.uuid4())
    suffix = ".json" if _base_type(content_type) == "application/json" else ".csv"
    input_uri = f"{target.async_input_s3_uri.rstrip('/')}/smoke-test-{inference_id}{suffix}"
    bucket, key = _split_s3(input_uri)
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=payload, ContentType=content_type)
        response = runtime.invoke_endpoint_async(
            EndpointName=target.endpoint_name,
            InputLocation=input_uri,
            ContentType=content_type,
            Accept=accept,
            InferenceId=inference_id,
        )
    except (BotoCoreError, ClientError) as error:
        raise SmokeTestFailure(_error_text(error)) from error
    output, failure = response.get("OutputLocation", ""), response.get("FailureLocation", "")
    if not output:
        raise SmokeTestFailure(f"no output location in the answer: {response!r}")
    print(f"queued {input_uri} as {inference_id}; waiting for {output}")
    deadline = time.monotonic() + poll_timeout
    while True:
        answer = _get_object(s3, output)
        if answer is not None:
            content, body = answer
            return check_answer(200, content, body, accept, expected_rows(payload, content_type))
        failed = _get_object(s3, failure) if failure else None
        if failed is not None:
            raise SmokeTestFailure(f"the endpoint wrote a failure to {failure}: {failed[1][:300]!r}")
        if time.monotonic() >= deadline:
            raise SmokeTestFailure(f"no answer at {output} after {poll_timeout:g} s")
        time.sleep(poll_interval)


def _target(arguments: argparse.Namespace) -> Target:
    stage: dict[str, Any] = {}
    manifest: dict[str, Any] = {}
    if arguments.manifest.is_file():
        manifest = json.loads(arguments.manifest.read_text(encoding="utf-8"))
        stages = {entry["name"]: entry for entry in manifest.get("stages", [])}
        if arguments.stage and arguments.stage not in stages:
            raise SystemExit(f"error: stage {arguments.stage!r} is not in {arguments.manifest}: {sorted(stages)}")
        stage = stages.get(arguments.stage, {})
    elif not arguments.endpoint_name:
        raise SystemExit(f"error: {arguments.manifest} does not exist; pass --endpoint-name and --hosting")
    hosting = arguments.hosting or manifest.get("hosting", "")
    if not hosting:
        raise SystemExit("error: no hosting option: pass --hosting")
    return Target(
        stage=arguments.stage or "",
        hosting=hosting,
        endpoint_name=arguments.endpoint_name or stage.get("endpoint_name") or "",
        account_id=stage.get("account_id", ""),
        tooling_account_id=manifest.get("tooling_account_id", ""),
        target_models=arguments.target_model or stage.get("target_models", []),
        async_input_s3_uri=arguments.async_input_s3_uri or stage.get("async_input_s3_uri", ""),
    )


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--stage", default=os.environ.get("STAGE", ""), help="stage to test (default: $STAGE)")
    parser.add_argument("--manifest", type=Path, default=Path("manifest.json"), help="written by the deploy build")
    parser.add_argument("--endpoint-name", help="instead of the manifest's")
    parser.add_argument("--hosting", choices=("realtime", "serverless", "async", "multi_model", "batch"))
    parser.add_argument("--target-model", action="append", help="multi-model: model archive to invoke (repeatable)")
    parser.add_argument(
        "--payload",
        type=Path,
        default=Path(os.environ.get("SMOKE_TEST_PAYLOAD", HERE / "sample.csv")),
        help="request body (default: $SMOKE_TEST_PAYLOAD or test/sample.csv)",
    )
    parser.add_argument("--content-type", help="default: from the payload's extension (.csv, .json)")
    parser.add_argument("--accept", help="content type of the answer (default: the request's)")
    parser.add_argument("--endpoint-url", help="send SageMaker runtime and S3 calls here (a local stand-in)")
    parser.add_argument("--region", help="default: the environment's (AWS_REGION)")
    parser.add_argument(
        "--role-arn",
        default=os.environ.get("SMOKE_TEST_ROLE_ARN") or None,
        help="role to assume first, for a stage in another account (default: $SMOKE_TEST_ROLE_ARN)",
    )
    parser.add_argument("--async-input-s3-uri", help="async: where to put the request (default: the manifest's)")
    parser.add_argument("--max-attempts", type=int, default=3, help="attempts per call, retries included")
    parser.add_argument("--timeout", type=int, default=60, help="seconds to wait for one answer")
    parser.add_argument("--poll-interval", type=float, default=10.0, help="async: seconds between polls")
    parser.add_argument("--poll-timeout", type=float, default=900.0, help="async: seconds to wait for the answer")
    arguments = parser.parse_args(argv)
    if not arguments.stage and not arguments.endpoint_name:
        parser.error("pass --stage (or set STAGE) or --endpoint-name")
    if arguments.max_attempts < 1:
        parser.error("--max-attempts must be at least 1")
    return arguments


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _arguments(argv)
    target = _target(arguments)
    label = f"{target.hosting} endpoint {target.endpoint_name or '-'} (stage {target.stage or '-'})"
    if target.hosting == "batch":
        print(
            f"SKIP stage {target.stage or '-'}: batch hosting deploys models only; test them with a transform job "
            "(the team's run step), not an endpoint"
        )
        return 0
    if not target.endpoint_name:
        raise SystemExit("error: no endpoint name: pass --endpoint-name")
    payload = arguments.payload.read_bytes()
    content_type = arguments.content_type or CONTENT_TYPES.get(arguments.payload.suffix.lower(), "")
    if not content_type:
        raise SystemExit(f"error: cannot tell the content type of {arguments.payload}: pass --content-type")
    accept = arguments.accept or content_type
    hint = ""
    if (
        target.account_id
        and target.tooling_account_id
        and target.account_id != target.tooling_account_id
        and not arguments.role_arn
        and not arguments.endpoint_url
    ):
        hint = (
            f" (the endpoint is in account {target.account_id}: set SMOKE_TEST_ROLE_ARN to a role there that "
            "may invoke it)"
        )
    runtime, s3 = _clients(arguments)
    failures = 0
    try:
        if target.hosting == "async":
            verdicts = [
                invoke_async(
                    runtime,
                    s3,
                    target,
                    payload,
                    content_type,
                    accept,
                    arguments.poll_interval,
                    arguments.poll_timeout,
                )
            ]
        elif target.hosting == "multi_model":
            if not target.target_models:
                raise SmokeTestFailure("no target model (target_models in manifest.json, or --target-model)")
            verdicts = []
            for model in target.target_models:
                try:
                    verdicts.append(f"{model}: " + invoke(runtime, target, payload, content_type, accept, model))
                except SmokeTestFailure as error:
                    print(f"FAIL {label}, model {model}: {error}{hint}")
                    failures += 1
        else:
            verdicts = [invoke(runtime, target, payload, content_type, accept, None)]
    except SmokeTestFailure as error:
        print(f"FAIL {label}: {error}{hint}")
        return 1
    for verdict in verdicts:
        print(f"PASS {label}: {verdict}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
