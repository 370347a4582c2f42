"""Run inside .venv-seedcode (the SageMaker SDK's own environment): write the model-build pipeline
definition for each case of a JSON file, offline, with every socket of this process refused.

    python model_build_driver.py CASES.json OUTDIR

CASES.json: [{"id": "...", "env": {...CodeBuild variables...}}]. For each case, OUTDIR/<id>.json
(the definition, when written) and OUTDIR/<id>.result.json: {"exit": code, "problems": [...] from
pipelines.check_definition, "stderr": "..."}. Standard library and the seed code only: this file
is not imported by the main test environment.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

SEED = Path(__file__).resolve().parents[2] / "seedcode" / "model-build"


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise OSError(f"network access attempted while writing a definition offline: {args[1:] or args}")


def block_network() -> None:
    socket.socket.connect = _refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = _refuse  # type: ignore[method-assign]
    socket.getaddrinfo = _refuse
    socket.create_connection = _refuse


def main(cases_file: str, outdir: str) -> int:
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "offline",
            "AWS_SECRET_ACCESS_KEY": "offline",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
    )
    os.environ.pop("AWS_PROFILE", None)
    cases = json.loads(Path(cases_file).read_text(encoding="utf-8"))
    os.environ.setdefault("AWS_DEFAULT_REGION", cases[0]["env"].get("AWS_REGION", "us-east-1"))
    sys.path.insert(0, str(SEED))
    block_network()
    run = importlib.import_module("pipelines.run")
    check_definition = importlib.import_module("pipelines.check_definition")

    out = Path(outdir)
    for case in cases:
        target = out / f"{case['id']}.json"
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            code = run.main(["definition", "--out", str(target)], case["env"])
        problems = check_definition.check_text(target.read_text(encoding="utf-8")) if target.exists() else []
        result = {"exit": code, "problems": problems, "stderr": stderr.getvalue()}
        (out / f"{case['id']}.result.json").write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
