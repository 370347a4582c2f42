"""`python -m build`: write template-export.yml, <stage>-config.json per stage, manifest.json and test/.

    python -m build                                   # in CodeBuild: settings from SSM, output in dist/
    python -m build --settings-file settings.json --output-dir /tmp/out   # locally (still reads the registry)

Exit status 0 on success, 1 when something needs fixing (the message says what).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import BuildError
from .registry import ModelPackage, container_source, copy_model_data, latest_package
from .settings import BuildEnvironment, Settings, load_settings_file, load_settings_parameter, read_environment
from .stage_config import (
    BATCH_MODEL_SLOTS,
    StageDeployment,
    read_overrides,
    stage_deployment,
    unused_config_files,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "endpoint.yml"
TEMPLATE_EXPORT = "template-export.yml"
MANIFEST = "manifest.json"
SKIPPED_NAMES = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".DS_Store"}


@dataclass(frozen=True)
class Clients:
    """The AWS clients the build uses (tests hand in stubbed ones)."""

    sagemaker: Any
    ssm: Any
    s3: Any


def aws_clients() -> Clients:
    import boto3  # imported late: --help works without it

    session = boto3.session.Session()
    return Clients(sagemaker=session.client("sagemaker"), ssm=session.client("ssm"), s3=session.client("s3"))


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m build", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--settings-file",
        type=Path,
        help="deployment settings JSON (default: the SSM parameter named by DEPLOYMENT_SETTINGS_PARAMETER)",
    )
    parser.add_argument("--output-dir", type=Path, default=Path("dist"), help="where to write (default: dist)")
    parser.add_argument(
        "--repo-root", type=Path, default=REPO_ROOT, help="the model-deploy repository (endpoint.yml, config/, test/)"
    )
    return parser.parse_args(argv)


def model_names(settings: Settings, groups: tuple[str, ...]) -> list[str]:
    """A short name per model package group: the product's model names, or `model` for a single group."""
    if len(settings.models) == len(groups):
        return list(settings.models)
    if len(groups) == 1:
        return ["model"]
    return list(groups)


def _check_hosting(hosting: str, groups: tuple[str, ...]) -> None:
    if len(groups) > 1 and hosting in ("realtime", "serverless", "async"):
        raise BuildError(
            f"hosting {hosting} serves one model, but the project has {len(groups)} model package groups "
            f"({', '.join(groups)}): use hosting multi_model (one endpoint for all) or batch"
        )
    if hosting == "batch" and len(groups) > len(BATCH_MODEL_SLOTS):
        raise BuildError(
            f"endpoint.yml creates at most {len(BATCH_MODEL_SLOTS)} models for batch, the project has {len(groups)} "
            "model package groups: add a model to endpoint.yml (copy ThirdModel) and to BATCH_MODEL_SLOTS"
        )


def prepare_multi_model(
    clients: Clients, env: BuildEnvironment, packages: list[ModelPackage], names: list[str]
) -> dict[str, Any]:
    """Copy every group's model archive under one immutable prefix of the artifact bucket (named after the
    package versions, so a later build never changes what a deployed stage loads) and check that they
    share one container image."""
    sources = [container_source(clients.sagemaker, package) for package in packages]
    images = sorted({source.image for source in sources})
    if len(images) != 1:
        raise BuildError(f"a multi-model endpoint runs one container image; the packages use {images}")
    digest = hashlib.sha256("\n".join(package.arn for package in packages).encode()).hexdigest()[:12]
    prefix_key = f"multi-model/{digest}/"
    targets = []
    for name, source in zip(names, sources, strict=True):
        target = f"{name}.tar.gz"
        copy_model_data(clients.s3, source.model_data_url, env.artifact_bucket, prefix_key + target)
        targets.append(target)
    return {"image": images[0], "prefix": f"s3://{env.artifact_bucket}/{prefix_key}", "target_models": targets}


def _json(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _copy_tree(source: Path, target: Path) -> None:
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if any(part in SKIPPED_NAMES for part in relative.parts) or path.suffix in (".pyc", ".pyo"):
            continue
        if path.is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / relative)


def write_outputs(
    output_dir: Path,
    repo_root: Path,
    env: BuildEnvironment,
    hosting: str,
    deployments: list[StageDeployment],
) -> list[Path]:
    if output_dir.resolve() == repo_root.resolve():
        raise BuildError("--output-dir must not be the repository itself")
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    template = output_dir / TEMPLATE_EXPORT
    shutil.copyfile(repo_root / TEMPLATE, template)
    written.append(template)
    for deployment in deployments:
        path = output_dir / f"{deployment.manifest['name']}-config.json"
        path.write_text(_json({"Parameters": deployment.parameters, "Tags": deployment.tags}), encoding="utf-8")
        written.append(path)
    manifest = {
        "project_name": env.project_name,
        "project_id": env.project_id,
        "tooling_account_id": env.tooling_account_id,
        "artifact_bucket": env.artifact_bucket,
        "hosting": hosting,
        "stages": [deployment.manifest for deployment in deployments],
    }
    path = output_dir / MANIFEST
    path.write_text(_json(manifest), encoding="utf-8")
    written.append(path)
    if (repo_root / "test").is_dir():
        _copy_tree(repo_root / "test", output_dir / "test")
    return written


def build(
    env: BuildEnvironment, settings: Settings, clients: Clients, repo_root: Path, output_dir: Path
) -> list[StageDeployment]:
    hosting = env.hosting or settings.hosting
    if env.hosting and env.hosting != settings.hosting:
        print(
            f"warning: HOSTING={env.hosting} differs from the settings' {settings.hosting}; using {hosting}",
            file=sys.stderr,
        )
    groups = env.model_package_groups
    _check_hosting(hosting, groups)
    packages = [latest_package(clients.sagemaker, group, settings.model_registry_approval) for group in groups]
    for package in packages:
        print(f"model package group {package.group}: version {package.version} ({package.status}) {package.arn}")
    names = model_names(settings, groups)
    multi_model = prepare_multi_model(clients, env, packages, names) if hosting == "multi_model" else None
    config_dir = repo_root / "config"
    for path in unused_config_files(config_dir, settings.stages):
        environment = settings.environment or env.environment
        print(f"warning: {path} names no stage of environment {environment}; ignored", file=sys.stderr)
    deployments = []
    for stage in settings.stages:
        overrides = read_overrides(config_dir, stage.name, hosting)
        deployment = stage_deployment(
            stage, env, settings, hosting, [package.arn for package in packages], overrides, multi_model
        )
        deployments.append(deployment)
        print(
            f"stage {stage.name} (account {stage.account_id}): {hosting}, role "
            f"{deployment.parameters['ExecutionRoleArn']}, suffix {deployment.parameters['ResourceSuffix']}"
        )
    for path in write_outputs(output_dir, repo_root, env, hosting, deployments):
        print(f"wrote {path}")
    return deployments


def main(
    argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None, clients: Clients | None = None
) -> int:
    arguments = _arguments(argv)
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        env = read_environment(os.environ if environ is None else environ)
        if env.deploy_mode != "model":
            raise BuildError(
                f"DEPLOY_MODE={env.deploy_mode}: this seed code deploys model packages (DEPLOY_MODE=model); "
                "promoting a SageMaker pipeline definition needs the pipeline-definition deploy code instead"
            )
        if arguments.settings_file is None and not env.settings_parameter:
            raise BuildError("set DEPLOYMENT_SETTINGS_PARAMETER or pass --settings-file")
        settings = load_settings_file(arguments.settings_file) if arguments.settings_file is not None else None
        clients = clients or aws_clients()
        if settings is None:
            settings = load_settings_parameter(clients.ssm, env.settings_parameter)
        build(env, settings, clients, arguments.repo_root, arguments.output_dir)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except (BotoCoreError, ClientError) as error:
        print(f"error: AWS call failed: {error}", file=sys.stderr)
        return 1
    return 0
