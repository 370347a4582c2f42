"""Plan fixtures for the plancheck rules: real `terraform plan` output, committed.

Each folder under tests/plancheck/fixtures/<family>/<case>/ holds .tf files (resources only, no
provider block: `provider.tf.json` is added here with dummy credentials and every AWS call
skipped, so planning needs no account and no network). `python -m tests.plancheck.fixture_plans`
(or `make plancheck-fixtures`) plans each folder whose sources changed and writes `plan.json`
beside them (without the volatile timestamp) plus `sources.sha256`; a test checks that every
committed plan.json still matches its sources.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
PROVIDER = {
    "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": ">= 5.100, < 7"}}},
    "provider": {
        "aws": {
            "region": "eu-west-1",
            "access_key": "fixture",
            "secret_key": "fixture",
            "skip_credentials_validation": True,
            "skip_requesting_account_id": True,
            "skip_metadata_api_check": True,
            "skip_region_validation": True,
            "default_tags": {"tags": {"owner": "mlops-platform", "environment": "dev"}},
        }
    },
}


def fixture_dirs(root: Path = FIXTURES) -> list[Path]:
    return sorted(path.parent for path in root.glob("*/*/main.tf"))


GENERATED = ("plan.json", "sources.sha256", "tfplan", "provider.tf.json", ".terraform.lock.hcl")


def source_files(folder: Path) -> list[Path]:
    """The fixture's own files, subfolders (local child modules) included, without generated ones."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and ".terraform" not in path.relative_to(folder).parts
        and path.relative_to(folder).as_posix() not in GENERATED
    )


def sources_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in source_files(folder):
        if path.suffix != ".tf":
            continue
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(json.dumps(PROVIDER, sort_keys=True).encode())
    return digest.hexdigest()


def load_plan(folder: Path) -> dict[str, Any]:
    plan: dict[str, Any] = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    return plan


def plan_fixture(folder: Path, lock_file: Path) -> None:
    """Plan one fixture in a temporary copy (so no .terraform lands in the repository)."""
    with tempfile.TemporaryDirectory(prefix="plancheck-fixture-") as temporary:
        work = Path(temporary) / folder.name
        work.mkdir()
        for path in source_files(folder):
            target = work / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
        (work / "provider.tf.json").write_text(json.dumps(PROVIDER, indent=2))
        shutil.copy(lock_file, work / ".terraform.lock.hcl")
        run = {"cwd": work, "check": True, "capture_output": True}
        subprocess.run(["terraform", "init", "-input=false", "-no-color", "-backend=false"], **run)  # type: ignore[call-overload]
        subprocess.run(["terraform", "plan", "-input=false", "-no-color", "-refresh=false", "-out=tfplan"], **run)  # type: ignore[call-overload]
        shown = subprocess.run(["terraform", "show", "-json", "tfplan"], **run)  # type: ignore[call-overload]
    plan = json.loads(shown.stdout)
    plan.pop("timestamp", None)
    (folder / "plan.json").write_text(json.dumps(plan, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    (folder / "sources.sha256").write_text(sources_digest(folder) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    from cdktf_app.paths import REPO_ROOT

    lock_file = REPO_ROOT / "terraform" / ".terraform.lock.hcl"
    force = "--force" in argv
    for folder in fixture_dirs():
        digest_file = folder / "sources.sha256"
        if not force and digest_file.exists() and digest_file.read_text().strip() == sources_digest(folder):
            continue
        print(f"planning {folder.relative_to(FIXTURES)} ...", flush=True)
        try:
            plan_fixture(folder, lock_file)
        except subprocess.CalledProcessError as error:
            print(f"{folder}: {error.cmd[1]} failed:\n{error.stderr.decode()[-2000:]}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
