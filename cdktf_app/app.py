"""Synthesize environment stacks into <outdir>/stacks/<environment>/cdk.tf.json."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cdktf_app.cdktf_compat import App
from cdktf_app.config import EnvironmentConfig
from cdktf_app.paths import stack_dir
from cdktf_app.stack import EnvironmentStack


def build_app(configs: Iterable[EnvironmentConfig], outdir: Path) -> App:
    app = App(outdir=str(outdir), skip_validation=False)
    for config in configs:
        EnvironmentStack(app, config, outdir)
    return app


def synth(configs: Iterable[EnvironmentConfig], outdir: Path) -> list[Path]:
    """Write one stack per environment; return the stack directories."""
    configs = list(configs)
    build_app(configs, outdir).synth()
    return [stack_dir(outdir, config.name) for config in configs]
