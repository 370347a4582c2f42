"""Plan comments on real plans: Terraform's built-in terraform_data, applied to a local state, then changed."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from cdktf_app.paths import REPO_ROOT
from glue import plan_comment
from glue.errors import UserError
from glue.plan_comment import GITHUB_COMMENT_LIMIT, build, comment_for, parse_findings, render_markdown, render_text

CLI_CONFIG = REPO_ROOT / "terraform" / "cli" / "terraform.rc"
APPLIED = 150  # terraform_data.item instances in the state (applying is the slow part)
BULK = 1000  # instances the large plan creates (no apply needed)

MAIN_TF = """
variable "n" { type = number }
variable "v" { type = string }
variable "r" { type = string }
variable "s" { type = string }
variable "m" { type = number }
variable "bulk" { type = number }

resource "terraform_data" "item" {
  count            = var.n
  input            = var.v
  triggers_replace = count.index < 20 ? var.r : "fixed"
}

resource "terraform_data" "single" {
  triggers_replace = var.s
}

# A name as long as real resource addresses are, so that the large plan does not fit in one comment.
# (count, not for_each: Terraform plans a for_each over 1,000 keys some 40 times slower.)
resource "terraform_data" "sagemaker_project_template_launch_artifact" {
  count = var.bulk
  input = count.index
}

module "extra" {
  source = "./extra"
  m      = var.m
}
"""

EXTRA_TF = """
variable "m" { type = number }

resource "terraform_data" "thing" {
  count = var.m
  input = "x"
}
"""

APPLIED_VARS = {"n": APPLIED, "v": "a", "r": "a", "s": "a", "m": 2, "bulk": 0}


@dataclass(frozen=True)
class Plans:
    none: Path
    one: Path
    large: Path


def _terraform(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(CLI_CONFIG),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        "TF_INPUT": "0",
    }
    done = subprocess.run(
        ["terraform", *args], cwd=root, env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, f"terraform {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _vars(values: dict[str, Any]) -> list[str]:
    return [f"-var={name}={value}" for name, value in sorted(values.items())]


def _plan(root: Path, name: str, **changed: Any) -> Path:
    values = _vars({**APPLIED_VARS, **changed})
    _terraform(root, "plan", "-no-color", "-refresh=false", "-parallelism=50", f"-out={name}.tfplan", *values)
    path = root / f"{name}.json"
    path.write_text(_terraform(root, "show", "-json", f"{name}.tfplan"), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def plans(tmp_path_factory: pytest.TempPathFactory) -> Plans:
    root = tmp_path_factory.mktemp("plan_comment")
    (root / "main.tf").write_text(MAIN_TF, encoding="utf-8")
    (root / "extra").mkdir()
    (root / "extra" / "main.tf").write_text(EXTRA_TF, encoding="utf-8")
    _terraform(root, "init", "-no-color")
    _terraform(root, "apply", "-auto-approve", "-no-color", "-parallelism=50", *_vars(APPLIED_VARS))
    return Plans(
        none=_plan(root, "none"),
        one=_plan(root, "one", s="b"),  # one replace
        # 50 deletes (count lowered), 20 replaces, 80 updates, 1,000 + 3 creates
        large=_plan(root, "large", n=APPLIED - 50, v="b", r="b", m=5, bulk=BULK),
    )


def _load(path: Path) -> dict[str, Any]:
    plan: dict[str, Any] = orjson.loads(path.read_bytes())
    return plan


FINDINGS = {
    "findings": [
        {"rule": "TAG001", "address": "terraform_data.single", "status": "fail", "message": "missing tag | owner"},
        {"rule": "S3001", "address": "terraform_data.item[0]", "status": "fail", "message": "<b>not</b> encrypted"},
        {"rule": "S3002", "address": "terraform_data.item[1]", "status": "fail", "message": "accepted"},
        {"rule": "KMS001", "address": "terraform_data.item[2]", "status": "unknown", "message": "computed"},
        {"rule": "KMS002", "address": "terraform_data.item[3]", "status": "pass", "message": "ok"},
    ],
    "summary": {
        "fail": 2,
        "unknown": 1,
        "pass": 1,
        "suppressed": 1,
        "suppressed_findings": [{"rule": "S3002", "address": "terraform_data.item[1]", "by": "ticket-1"}],
    },
}


def test_no_changes_plan_says_so(plans: Plans) -> None:
    body = comment_for(plans.none, title="local/app")
    lines = body.splitlines()
    assert lines[0] == "<!-- sagemaker-templates-plan: local/app -->"
    assert lines[1] == "### Terraform plan: local/app"
    assert "No changes. The infrastructure matches the configuration." in body
    assert "<details>" not in body
    assert "WARNING" not in body
    assert "No changes" in comment_for(plans.none, fmt="text")


def test_one_replace_is_called_out_first(plans: Plans) -> None:
    body = comment_for(plans.one, title="dev")
    assert body.splitlines()[0] == "<!-- sagemaker-templates-plan: dev -->"
    assert "**Plan: 0 to add, 0 to change, 1 to replace, 0 to destroy.**" in body
    warning = body.index("> [!WARNING]")
    assert "destroys 0** and **replaces 1** resource;" in body
    assert body.index("- **replace** `terraform_data.single`") > warning
    assert warning < body.index("#### Per module") < body.index("#### Per resource type") < body.index("<details>")
    assert "| `(root)` | 0 | 0 | 1 | 0 |" in body
    assert "| `terraform_data` | 0 | 0 | 1 | 0 |" in body
    assert "<details><summary>All 1 changes</summary>" in body
    assert "  -/+ terraform_data.single (replace)" in body


def test_large_plan_destroys_and_replaces_first_with_counts(plans: Plans) -> None:
    comment = build(_load(plans.large), "staging/app")
    counts = comment.summary.counts
    assert (counts["create"], counts["update"], counts["replace"], counts["delete"]) == (BULK + 3, 80, 20, 50)
    assert len(comment.changes) > 1000
    body = render_markdown(comment)
    assert len(body) <= GITHUB_COMMENT_LIMIT
    # Destroys (sorted) then replaces, before any table.
    listed = [line for line in body.splitlines() if line.startswith("- **")]
    assert len(listed) == 70
    assert listed[0] == "- **delete** `terraform_data.item[100]`"
    assert listed[50] == "- **replace** `terraform_data.item[0]`"
    assert all(line.startswith("- **delete**") for line in listed[:50])
    assert all(line.startswith("- **replace**") for line in listed[50:])
    assert listed[50:] == sorted(listed[50:])
    assert body.index(listed[-1]) < body.index("#### Per module")
    assert "| `(root)` | 1000 | 80 | 20 | 50 |" in body
    assert "| `module.extra` | 3 | 0 | 0 | 0 |" in body
    assert "| `terraform_data` | 1003 | 80 | 20 | 50 |" in body
    # 1,153 changes do not fit: the collapsed list is cut, with the note after it.
    assert "<details><summary>All 1,153 changes</summary>" in body
    assert 0 < _entries(body) < 1153
    assert f"**{1153 - _entries(body):,} more changes not shown; the full plan is in the workflow artifact.**" in body
    assert body.rstrip().endswith("the full plan is in the workflow artifact.**")
    # Deterministic.
    assert render_markdown(build(_load(plans.large), "staging/app")) == body


def _entries(body: str) -> int:
    block = body.split("```text\n", 1)[1].split("\n```", 1)[0]
    return len(block.splitlines())


def test_large_plan_fits_whole_without_the_limit(plans: Plans) -> None:
    body = render_markdown(build(_load(plans.large), "x"), limit=10_000_000)
    assert _entries(body) == 1153
    assert "not shown" not in body


def test_findings_failing_first_and_counts(plans: Plans, tmp_path: Path) -> None:
    findings = tmp_path / "plancheck.json"
    findings.write_bytes(orjson.dumps(FINDINGS))
    body = comment_for(plans.one, findings_path=findings, title="dev")
    section = body[body.index("#### Compliance (plancheck)") :]
    assert body.index("#### Per resource type") < body.index("#### Compliance") < body.index("<details>")
    assert "❌ **2 failing findings**; 1 unknown, 1 suppressed, 1 passed." in section
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows == [
        "| `S3001` | `terraform_data.item[0]` | &lt;b&gt;not&lt;/b&gt; encrypted |",
        "| `TAG001` | `terraform_data.single` | missing tag \\| owner |",
    ]
    assert "S3002" not in body  # suppressed: counted, not listed
    text = comment_for(plans.one, fmt="text", findings_path=findings, title="dev")
    assert "Compliance: 2 failing, 1 unknown, 1 suppressed, 1 passed" in text
    assert "  FAIL TAG001 terraform_data.single: missing tag | owner" in text


def test_no_failing_findings_says_so(plans: Plans) -> None:
    compliance = parse_findings({"findings": [], "summary": {}}, "plancheck.json")
    body = render_markdown(build(_load(plans.none), "dev", compliance))
    assert "✅ **No failing findings**; 0 unknown, 0 suppressed, 0 passed." in body


def test_small_limit_truncates_the_list_but_keeps_destroys_and_failing(plans: Plans) -> None:
    compliance = parse_findings(FINDINGS, "plancheck.json")
    comment = build(_load(plans.large), "staging/app", compliance)
    limit = len(render_markdown(comment, limit=10_000_000).split("<details>")[0]) + 400
    body = render_markdown(comment, limit=limit)
    assert len(body) <= limit
    assert sum(1 for line in body.splitlines() if line.startswith("- **")) == 70
    assert "❌ **2 failing findings**" in body
    assert "| `TAG001` | `terraform_data.single` |" in body
    assert "more changes not shown; the full plan is in the workflow artifact." in body


def test_tiny_limit_gives_way_in_order_and_keeps_the_headlines(plans: Plans) -> None:
    compliance = parse_findings(FINDINGS, "plancheck.json")
    comment = build(_load(plans.large), "staging/app", compliance)
    body = render_markdown(comment, limit=2_500)
    assert len(body) <= 2_500
    assert body.startswith("<!-- sagemaker-templates-plan: staging/app -->\n")
    assert "destroys 50** and **replaces 20**" in body
    assert "❌ **2 failing findings**" in body
    assert "1,153 more changes not shown" in body
    with pytest.raises(ValueError, match="cannot fit"):
        render_markdown(comment, limit=100)


def test_marker_cannot_be_closed_by_the_title() -> None:
    assert plan_comment.marker("a --> b\nc --- d") == "<!-- sagemaker-templates-plan: a -> b c - d -->"


def test_text_format_lists_everything(plans: Plans) -> None:
    text = render_text(build(_load(plans.large), "staging/app"))
    headline = "Plan: 1003 to add, 80 to change, 20 to replace, 50 to destroy."
    assert text.startswith(f"Terraform plan: staging/app\n{headline}\n")
    assert "WARNING: 70 resources are destroyed or replaced:" in text
    assert text.count("\n") > 1153


def test_not_a_plan_is_a_user_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(UserError, match="cannot read"):
        comment_for(missing)
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match="is not JSON"):
        comment_for(garbage)
    state = tmp_path / "state.json"
    state.write_text('{"format_version": "1.0", "values": {}}', encoding="utf-8")
    with pytest.raises(UserError, match="is not a plan"):
        comment_for(state)
    with pytest.raises(UserError, match="not plancheck output"):
        parse_findings([], "x.json")


def test_cli_writes_the_comment_and_fails_in_one_line(plans: Plans, tmp_path: Path) -> None:
    out = tmp_path / "comment.md"
    done = _glue("plan-summary", str(plans.one), "--title", "dev", "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == comment_for(plans.one, title="dev")
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    done = _glue("plan-summary", str(bad))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert done.stderr.startswith("error: ") and "is not a plan" in done.stderr


def _glue(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "glue", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=120,
    )
