"""`make scan`: the custom checkov checks on passing and failing fixtures, skips with reasons, the command lines."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cdktf_app.config import available_environments, load_environment
from cdktf_app.paths import ENVIRONMENTS_DIR, REPO_ROOT
from cdktf_app.targets import stack_targets
from glue.scan import run as scan

FIXTURES = Path(__file__).parent / "fixtures"
PASSING = FIXTURES / "scan_pass"
FAILING = FIXTURES / "scan_fail"


@pytest.fixture(scope="module")
def fixture_results() -> dict[str, dict[str, str]]:
    """check id -> resource -> PASSED/FAILED, from one checkov run over both fixture files (several -d print a
    JSON document each and lose results; several -f make one report)."""
    assert scan.CHECKOV.exists(), "checkov is missing: run `make setup`"
    env = {
        **os.environ,
        "SMT_SCAN_REQUIRED_TAGS": "owner,cost-center,environment",
        "SMT_SCAN_DEFAULT_TAGS": json.dumps({"environment": "test"}),
        "LOG_LEVEL": "ERROR",
    }
    result = subprocess.run(
        [
            str(scan.CHECKOV),
            *("-f", str(PASSING / "pass.tf"), "-f", str(FAILING / "fail.tf")),
            *("--framework", "terraform", "--skip-download", "--compact", "-o", "json"),
            *("--external-checks-dir", str(scan.CHECKS_DIR), "--check", ",".join(scan.CUSTOM_CHECK_IDS)),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env=env,
        cwd=REPO_ROOT,
    )
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    found: dict[str, dict[str, str]] = {}
    for item in report if isinstance(report, list) else [report]:
        for kind in ("passed_checks", "failed_checks"):
            for check in item["results"][kind]:
                found.setdefault(check["check_id"], {})[check["resource"]] = check["check_result"]["result"]
    return found


@pytest.mark.compliance
@pytest.mark.parametrize(
    ("check_id", "passing", "failing"),
    [
        (
            "CKV_SMT_1",
            ["aws_s3_bucket.pass_tags_with_default_tags", "aws_vpc_endpoint.pass_interface"],
            ["aws_s3_bucket.fail_tags_missing_cost_center"],
        ),
        ("CKV_SMT_2", ["aws_servicecatalog_product.pass_visible"], ["aws_servicecatalog_product.fail_invisible"]),
        (
            "CKV_SMT_3",
            ["aws_vpc_endpoint.pass_interface", "aws_vpc_endpoint.pass_gateway"],
            ["aws_vpc_endpoint.fail_interface_dns_off", "aws_vpc_endpoint.fail_interface_dns_default"],
        ),
    ],
)
def test_custom_check_passes_and_fails_its_fixtures(
    fixture_results: dict[str, dict[str, str]], check_id: str, passing: list[str], failing: list[str]
) -> None:
    results = fixture_results.get(check_id, {})
    assert {resource: results.get(resource) for resource in passing} == dict.fromkeys(passing, "PASSED")
    assert {resource: results.get(resource) for resource in failing} == dict.fromkeys(failing, "FAILED")


def test_every_skipped_check_has_a_reason() -> None:
    config = scan.load_config()
    skips = {**config.skip, **{key: value for kind in config.skip_by_kind.values() for key, value in kind.items()}}
    assert skips, "the shipped config explains at least the modules' tag skip"
    assert all(reason.strip() for reason in skips.values())
    assert set(config.skip_by_kind) <= set(scan.KINDS)


@pytest.mark.parametrize(
    "text",
    ["skip:\n  CKV_AWS_1: ''\n", "skip:\n  CKV_AWS_1:\n", "skip_by_kind:\n  stack:\n    CKV_AWS_1: '  '\n"],
)
def test_a_skip_without_a_reason_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "checkov.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(scan.ScanConfigError, match="needs a reason"):
        scan.load_config(path)


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "checkov.yaml"
    path.write_text("skip_by_kind:\n  stacks:\n    CKV_AWS_1: a reason\n", encoding="utf-8")
    with pytest.raises(scan.ScanConfigError, match="skip_by_kind"):
        scan.load_config(path)


def _stack(outdir: Path, name: str, providers: list[dict[str, Any]]) -> None:
    directory = outdir / "stacks" / name
    (directory / "templates").mkdir(parents=True)
    (directory / "cdk.tf.json").write_text(json.dumps({"provider": {"aws": providers}}), encoding="utf-8")
    (directory / "templates" / "product.yaml").write_text("Resources: {}\n", encoding="utf-8")


def test_targets_cover_modules_every_stack_and_the_templates(tmp_path: Path) -> None:
    configs = [load_environment(name, ENVIRONMENTS_DIR) for name in available_environments(ENVIRONMENTS_DIR)]
    names = [target.name for config in configs for target in stack_targets(config)]
    for name in names:
        _stack(tmp_path, name, [{"default_tags": [{"tags": {"owner": "o", "environment": name}}]}])
    (tmp_path / "stacks" / names[0] / "cdk.tf.json").write_text(
        json.dumps(
            {
                "provider": {"aws": [{"default_tags": [{"tags": {"owner": "o", "environment": names[0]}}]}]},
                "module": {"m": {"source": "../../../modules/seed_code_bucket"}},
            }
        ),
        encoding="utf-8",
    )
    found = scan.targets(configs, tmp_path, hcl_root=tmp_path / "hcl")
    assert [target.name for target in found] == ["modules", *(f"stack {name}" for name in names), "templates"]
    modules, first, templates = found[0], found[1], found[-1]
    assert modules.directories == (scan.MODULES_DIR,)
    assert set(modules.env["SMT_SCAN_REQUIRED_TAGS"].split(",")) >= {"owner", "cost-center", "environment"}
    assert first.directories == (tmp_path / "hcl" / names[0],)
    assert 'module "m"' in (tmp_path / "hcl" / names[0] / "main.tf").read_text(encoding="utf-8")
    assert json.loads(first.env["SMT_SCAN_DEFAULT_TAGS"]) == {"environment": names[0], "owner": "o"}
    assert set(first.env["SMT_SCAN_REQUIRED_TAGS"].split(",")) == set(configs[0].required_tags)
    assert templates.framework == "cloudformation"
    assert len(templates.files) == len(names)


def test_default_tags_of_several_providers_are_their_intersection(tmp_path: Path) -> None:
    _stack(
        tmp_path,
        "x",
        [
            {"default_tags": [{"tags": {"owner": "o", "environment": "dev", "team": "a"}}]},
            {"alias": "other", "default_tags": [{"tags": {"owner": "o", "environment": "prod"}}]},
        ],
    )
    assert scan.provider_default_tags(tmp_path / "stacks" / "x" / "cdk.tf.json") == {"owner": "o"}


def test_checkov_command_lines() -> None:
    config = scan.ScanConfig(
        skip={"CKV_AWS_2": "everywhere"}, skip_by_kind={"modules": {"CKV_SMT_1": "tags come from the root"}}
    )
    modules = scan.Target("modules", "modules", "terraform", directories=(Path("/m"),))
    command = scan.checkov_command(modules, config, Path("/out"), checkov=Path("/bin/checkov"))
    assert command == [
        "/bin/checkov",
        *("-d", "/m", "--framework", "terraform", "--skip-download", "--compact"),
        *("--external-checks-dir", str(scan.CHECKS_DIR)),
        *("--skip-check", "CKV_AWS_2,CKV_SMT_1"),
        *("-o", "json", "-o", "sarif", "--output-file-path", "/out"),
    ]
    templates = scan.Target("templates", "templates", "cloudformation", files=(Path("/a.yaml"), Path("/b.yaml")))
    command = scan.checkov_command(templates, config, Path("/out"), checkov=Path("/bin/checkov"))
    assert command[1:7] == ["-f", "/a.yaml", "-f", "/b.yaml", "--framework", "cloudformation"]
    assert command[command.index("--skip-check") + 1] == "CKV_AWS_2"


def test_results_and_sarif_are_read_and_merged() -> None:
    report = {
        "results": {
            "passed_checks": [{}, {}],
            "skipped_checks": [{}],
            "failed_checks": [
                {
                    "check_id": "CKV_SMT_3",
                    "resource": "aws_vpc_endpoint.x",
                    "file_path": "/main.tf",
                    "file_line_range": [3, 9],
                    "check_name": "private DNS",
                }
            ],
        },
        "summary": {"parsing_errors": 0},
    }
    passed, failures, skipped, errors = scan.read_results([report, {"passed": 0, "failed": 0}])
    assert (passed, skipped, errors) == (2, 1, 0)
    assert failures[0].line_text() == "CKV_SMT_3 aws_vpc_endpoint.x (/main.tf:3): private DNS"
    target = scan.Target("stack dev", "stack", "terraform")
    outcome = scan.Outcome(target, passed, failures, skipped, errors, 1.0, {"runs": [{"tool": {}, "results": []}]})
    assert outcome.summary() == "✗ stack dev (terraform): 2 passed, 1 failed, 1 skipped (1.0 s)"
    merged = scan.merge_sarif([outcome])
    assert merged["version"] == "2.1.0"
    assert merged["runs"] == [{"tool": {}, "results": [], "automationDetails": {"id": "checkov/stack-dev"}}]


def test_a_synthesized_stack_becomes_hcl_with_module_sources_relative_to_the_copy(tmp_path: Path) -> None:
    stack = tmp_path / "cdktf.out" / "stacks" / "dev"
    stack.mkdir(parents=True)
    (tmp_path / "modules" / "bucket").mkdir(parents=True)
    document = {
        "//": {"metadata": {}},
        "provider": {"aws": [{"default_tags": [{"tags": {"owner": "o"}}]}]},
        "variable": {"endpoint": {"type": "string", "default": "http://127.0.0.1:1"}},
        "module": {
            "bucket": {
                "//": {"metadata": {}},
                "source": "../../../modules/bucket",
                "name": "b",
                "tags": {"cost-center": "cc-1"},
                "flags": [True, None, 3],
                "url": "${var.endpoint}",
            }
        },
        "output": {"name": {"value": "${module.bucket.name}"}},
    }
    (stack / "cdk.tf.json").write_text(json.dumps(document), encoding="utf-8")
    copy = scan.write_stack_hcl(stack, tmp_path / "cdktf.out" / "scan" / "hcl")
    text = (copy / "main.tf").read_text(encoding="utf-8")
    assert 'source = "../../../../modules/bucket"' in text
    assert (copy / "../../../../modules/bucket").resolve() == (tmp_path / "modules" / "bucket").resolve()
    assert 'variable "endpoint" {\n  default = "http://127.0.0.1:1"\n}' in text
    assert '"cost-center" = "cc-1"' in text and "true,\n    null,\n    3," in text
    assert 'url = "${var.endpoint}"' in text and 'value = "${module.bucket.name}"' in text
    assert 'provider "' not in text and '"//"' not in text and "metadata" not in text
    (stack / "cdk.tf.json").write_text(json.dumps({"resource": {"aws_s3_bucket": {"x": {}}}}), encoding="utf-8")
    with pytest.raises(ValueError, match="resource blocks are not converted"):
        scan.stack_as_hcl(stack / "cdk.tf.json", copy)
