"""checkov (pinned, in .venv-checkov) on every module and root: no failed check, every skip with a reason."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cdktf_app.paths import MODULES_DIR, REPO_ROOT
from glue import module_docs

CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"
# Every module, and every plain-HCL root that provisions something.
SCANNED = [*module_docs.modules_in(MODULES_DIR), REPO_ROOT / "terraform" / "bootstrap"]
INSECURE = Path(__file__).parent / "fixtures" / "insecure_bucket"

pytestmark = pytest.mark.compliance


def run_checkov(directory: Path) -> dict[str, Any]:
    assert CHECKOV.exists(), "checkov is missing: run `make setup`"
    result = subprocess.run(
        [str(CHECKOV), "-d", str(directory), "--framework", "terraform", "--skip-download", "--compact", "-o", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return dict((report[0] if isinstance(report, list) else report)["results"])


@pytest.mark.parametrize("directory", SCANNED, ids=[directory.name for directory in SCANNED])
def test_terraform_passes_checkov(directory: Path) -> None:
    results = run_checkov(directory)
    failed = sorted(
        f"{check['check_id']} {check['resource']}: {check['check_name']}" for check in results["failed_checks"]
    )
    assert not failed, "\n".join(failed)
    assert results["passed_checks"], "checkov evaluated nothing"
    unexplained = [
        f"{check['check_id']} {check['resource']}"
        for check in results["skipped_checks"]
        if not (check.get("check_result") or {}).get("suppress_comment", "").strip()
    ]
    assert not unexplained, f"skips need a reason: {unexplained}"


def test_checkov_fails_a_non_compliant_bucket() -> None:
    failed = {check["check_id"] for check in run_checkov(INSECURE)["failed_checks"]}
    assert {"CKV_AWS_145", "CKV_AWS_21", "CKV2_AWS_6", "CKV_AWS_7"} <= failed
