"""Command line of the build: ``python -m pipelines.run <command>``.

    definition --out FILE          write the pipeline definition JSON; no AWS call
    upsert [--start] [--seed-sample-data]
                                   create or update the pipeline (uploads the job scripts), then
                                   optionally start an execution and print its ARN
    prune --older-than-days N [--dry-run]
                                   delete stale experiment-branch pipelines
    sample-data --out FILE [--rows N]
                                   write the synthetic sample data set for the configured models

Settings come from the environment (``pipelines.config``). Exit codes: 0 ok, 1 failure,
2 configuration error or refused branch.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from pipelines.config import BranchKind, ConfigError, Settings, load_settings
from pipelines.sample_data import generate

LOG = logging.getLogger("pipelines.run")


def render_definition(settings: Settings, session: Any) -> str:
    """The pipeline definition as stable, pretty JSON (sorted keys, trailing newline)."""
    from pipelines.pipeline import build_pipeline

    text = build_pipeline(settings, session).definition()
    return json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"


def sample_labels(settings: Settings) -> dict[str, str]:
    return {model.label: "classification" if model.is_classifier else "regression" for model in settings.models}


def _refuse_other_branch(settings: Settings) -> None:
    if settings.branch_kind is BranchKind.OTHER:
        raise ConfigError("SOURCE_BRANCH", settings.branch_refusal())


def cmd_definition(settings: Settings, args: argparse.Namespace) -> int:
    _refuse_other_branch(settings)
    from pipelines.sessions import offline_session, prepare_sdk_environment

    prepare_sdk_environment(settings)
    text = render_definition(settings, offline_session(settings))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({settings.pipeline_name}, {len(text.encode('utf-8'))} bytes)")
    return 0


def cmd_upsert(settings: Settings, args: argparse.Namespace) -> int:
    _refuse_other_branch(settings)
    from pipelines.sessions import pipeline_session, prepare_sdk_environment

    prepare_sdk_environment(settings)
    import boto3

    from pipelines.aws import ensure_object, start_execution, upsert_pipeline

    session = pipeline_session(settings)
    definition = render_definition(settings, session)  # uploads the processing scripts
    sagemaker = boto3.client("sagemaker", region_name=settings.region)
    description = f"Model build of project {settings.project_name}"
    if settings.is_experiment:
        description += f", branch {settings.source_branch}"
    arn = upsert_pipeline(sagemaker, settings.pipeline_name, definition, settings.role_arn, settings.tags, description)
    print(f"pipeline: {arn}")
    if args.seed_sample_data:
        s3 = boto3.client("s3", region_name=settings.region)
        body = partial(generate, 2000, sample_labels(settings))
        if ensure_object(s3, settings.default_input_data_url, body, settings.kms_key_arn):
            print(f"uploaded sample data to {settings.default_input_data_url}")
    if args.start:
        print(f"execution: {start_execution(sagemaker, settings.pipeline_name, os.environ.get('CODEBUILD_BUILD_ID'))}")
    return 0


def cmd_prune(settings: Settings, args: argparse.Namespace) -> int:
    import boto3

    from pipelines.aws import prune_experiment_pipelines

    client = boto3.client("sagemaker", region_name=settings.region)
    result = prune_experiment_pipelines(client, settings.base_pipeline_name, args.older_than_days, dry_run=args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    for name in result.deleted:
        print(f"{verb} {name}")
    print(f"{verb} {len(result.deleted)}, kept {len(result.kept)} experiment pipeline(s)")
    return 0


def cmd_sample_data(settings: Settings, args: argparse.Namespace) -> int:
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(generate(args.rows, sample_labels(settings)), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.run", description="Build, upsert and start the pipeline."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    definition = commands.add_parser("definition", help="write the pipeline definition (offline)")
    definition.add_argument("--out", type=Path, required=True)
    definition.set_defaults(handler=cmd_definition)
    upsert = commands.add_parser("upsert", help="create or update the pipeline")
    upsert.add_argument("--start", action="store_true", help="start an execution and print its ARN")
    upsert.add_argument(
        "--seed-sample-data",
        action="store_true",
        help="upload the sample data set when InputDataUrl's default is empty",
    )
    upsert.set_defaults(handler=cmd_upsert)
    prune = commands.add_parser("prune", help="delete stale experiment pipelines")
    prune.add_argument("--older-than-days", type=int, required=True)
    prune.add_argument("--dry-run", action="store_true")
    prune.set_defaults(handler=cmd_prune)
    sample = commands.add_parser("sample-data", help="write the synthetic sample data set")
    sample.add_argument("--out", type=Path, required=True)
    sample.add_argument("--rows", type=int, default=2000)
    sample.set_defaults(handler=cmd_sample_data)
    return parser


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings(os.environ if env is None else env)
        return int(args.handler(settings, args))
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
