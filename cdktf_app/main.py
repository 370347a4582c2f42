"""CDKTF entry point (`python -m cdktf_app.main [ENV...]`): synthesizes the named environments, or all."""

from __future__ import annotations

import sys

from cdktf_app.app import synth
from cdktf_app.config import ConfigError, available_environments, load_environment
from cdktf_app.paths import DEFAULT_OUTDIR, ENVIRONMENTS_DIR


def main(argv: list[str]) -> int:
    names = argv or available_environments(ENVIRONMENTS_DIR)
    try:
        configs = [load_environment(name, ENVIRONMENTS_DIR) for name in names]
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in synth(configs, DEFAULT_OUTDIR):
        print(path / "cdk.tf.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
