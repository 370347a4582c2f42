"""Synthesize the stacks of environments into <outdir>/stacks/<stack>/cdk.tf.json."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from cdktf_app.cdktf_compat import App
from cdktf_app.config import EnvironmentConfig
from cdktf_app.paths import stack_dir
from cdktf_app.stack import EnvironmentStack, StageAccountStack
from cdktf_app.targets import stack_targets
from glue import packaging


def build_app(configs: Iterable[EnvironmentConfig], outdir: Path, emulate: bool = False) -> App:
    """One stack per environment and stage account; `emulate` points real environments at the emulator."""
    app = App(outdir=str(outdir), skip_validation=False)
    configs = list(configs)
    packages = packaging.package_all(outdir / "assets") if configs else []
    for config in configs:
        for target in stack_targets(config):
            if target.is_tooling:
                EnvironmentStack(app, config, target, outdir, packages, emulate)
            else:
                StageAccountStack(app, config, target, outdir, emulate)
    return app


def synth(configs: Iterable[EnvironmentConfig], outdir: Path, emulate: bool = False) -> list[Path]:
    """Write every stack of the environments; return the stack directories, tooling stack first."""
    configs = list(configs)
    outdir.mkdir(parents=True, exist_ok=True)
    build_app(configs, outdir, emulate).synth()
    return [stack_dir(outdir, target.name) for config in configs for target in stack_targets(config)]
