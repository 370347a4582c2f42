"""Quality gates on every rendered product template: checkov, golden snapshots, name limits, launch-role coverage.

Each gate runs over every (environment, product) that `cdktf_app.templates` renders, whatever resources the
builders add, and each has a test that proves it can fail. docs/templates.md explains them.
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
import pytest
import yaml
from troposphere import Parameter, Sub, Template, s3

from cdktf_app import templates
from cdktf_app.config import EnvironmentConfig, available_environments, load_environment
from cdktf_app.paths import ENVIRONMENTS_DIR, MODULES_DIR, REPO_ROOT
from glue import template_golden
from tests.templates import names

pytestmark = pytest.mark.compliance

CONFIGS = [load_environment(name, ENVIRONMENTS_DIR) for name in available_environments(ENVIRONMENTS_DIR)]
PRODUCTS = [(config, key) for config in CONFIGS for key in sorted(config.products)]
IDS = [f"{config.name}-{key}" for config, key in PRODUCTS]

CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"
SKIPS_FILE = REPO_ROOT / "glue" / "scan" / "template_skips.yaml"
CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")
RESOURCE_TYPE = re.compile(r"^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+$")
POLICIES_TF = MODULES_DIR / "iam_roles" / "policies.tf"


def _document(config: EnvironmentConfig, key: str) -> dict[str, Any]:
    document: dict[str, Any] = templates.build(key, config.products[key], config).to_dict()
    return document


# ------------------------------------------------------------------------------------------------ checkov


@dataclass(frozen=True)
class Justification:
    """An entry of glue/scan/template_skips.yaml: a check the templates may fail, optionally on some resources only."""

    check: str
    resource_type: str | None
    resources: tuple[str, ...]  # logical ids; empty: any resource (of resource_type)
    reason: str

    def covers(self, failure: dict[str, Any]) -> bool:
        resource_type, logical_id = _resource(failure)
        return (
            failure["check_id"] == self.check
            and self.resource_type in (None, resource_type)
            and (not self.resources or logical_id in self.resources)
        )

    def __str__(self) -> str:
        scope = f" on {self.resource_type}" if self.resource_type else ""
        return self.check + scope + (f" ({', '.join(self.resources)})" if self.resources else "")


def _resource(failure: dict[str, Any]) -> tuple[str, str]:
    """checkov names a CloudFormation resource <type>.<logical id>: (type, logical id)."""
    resource_type, _, logical_id = str(failure["resource"]).rpartition(".")
    return resource_type, logical_id


def load_justifications(path: Path = SKIPS_FILE) -> list[Justification]:
    """Read and validate the justification file: every entry needs a known shape and a written reason."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict) and set(document) == {"skips"}, f"{path.name}: one key, skips"
    entries = document["skips"] or []
    assert isinstance(entries, list), f"{path.name}: skips must be a list"
    justifications = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path.name} entry {number}"
        assert isinstance(entry, dict), f"{where}: not a mapping"
        unknown = set(entry) - {"check", "resource_type", "resources", "reason"}
        assert not unknown, f"{where}: unknown keys {sorted(unknown)}"
        check, resource_type, reason = entry.get("check"), entry.get("resource_type"), entry.get("reason")
        resources = entry.get("resources") or []
        assert isinstance(resources, list) and all(isinstance(item, str) and item.isalnum() for item in resources), (
            f"{where}: resources must be a list of logical ids"
        )
        assert isinstance(check, str) and CHECK_ID.match(check), f"{where}: check must be a checkov id: {check!r}"
        assert resource_type is None or (isinstance(resource_type, str) and RESOURCE_TYPE.match(resource_type)), (
            f"{where}: resource_type must be like AWS::S3::Bucket: {resource_type!r}"
        )
        assert isinstance(reason, str) and len(reason.split()) >= 5, f"{where} ({check}): write the reason out"
        justifications.append(Justification(check, resource_type, tuple(resources), " ".join(reason.split())))
    keys = [(item.check, item.resource_type, item.resources) for item in justifications]
    assert len(keys) == len(set(keys)), f"{path.name}: duplicate entries"
    return justifications


def judge(failures: list[dict[str, Any]], justifications: list[Justification]) -> tuple[list[str], list[Justification]]:
    """(failures that no justification covers, justifications that cover no failure)."""
    unjustified = sorted(
        f"{failure['check_id']} {failure['file_path']} {failure['resource']}: {failure['check_name']}"
        for failure in failures
        if not any(justification.covers(failure) for justification in justifications)
    )
    unused = [item for item in justifications if not any(item.covers(failure) for failure in failures)]
    return unjustified, unused


@dataclass(frozen=True)
class Scan:
    summary: dict[str, Any]
    failed: list[dict[str, Any]]
    passed: int


def run_checkov(directory: Path) -> Scan:
    assert CHECKOV.exists(), "checkov is missing: run `make setup`"
    result = subprocess.run(
        [
            str(CHECKOV),
            *("-d", str(directory), "--framework", "cloudformation"),
            *("--skip-download", "--compact", "-o", "json"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    if isinstance(report, list):
        (report,) = [item for item in report if item.get("check_type") == "cloudformation"]
    # With no resource at all checkov prints only the summary.
    results = report.get("results", {})
    return Scan(report["summary"], list(results.get("failed_checks", [])), len(results.get("passed_checks", [])))


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scan, int]:
    """One checkov run over every rendered template (tmp/<environment>/<product>.yaml); and the resource count."""
    directory = tmp_path_factory.mktemp("rendered")
    for relative, text in template_golden.rendered().items():
        (directory / relative).parent.mkdir(parents=True, exist_ok=True)
        (directory / relative).write_text(text, encoding="utf-8")
    resources = sum(len(templates.build(key, config.products[key], config).resources) for config, key in PRODUCTS)
    return run_checkov(directory), resources


def test_rendered_templates_pass_checkov(scan: tuple[Scan, int]) -> None:
    result, resources = scan
    assert result.summary["parsing_errors"] == 0, f"checkov could not parse some templates: {result.summary}"
    assert result.summary["resource_count"] == resources, f"checkov did not see every resource: {result.summary}"
    unjustified, _ = judge(result.failed, load_justifications())
    assert not unjustified, (
        "failed checkov checks (fix the builder, or justify the check in glue/scan/template_skips.yaml):\n"
        + "\n".join(unjustified)
    )


def test_every_checkov_justification_is_still_needed(scan: tuple[Scan, int]) -> None:
    result, _ = scan
    _, unused = judge(result.failed, load_justifications())
    assert not unused, f"no rendered template fails these any more; remove them from {SKIPS_FILE.name}: {unused}"


def test_checkov_fails_an_insecure_template(tmp_path: Path) -> None:
    """The scan can fail: a bucket without a public access block or versioning fails, and no entry covers it."""
    template = Template()
    template.set_version("2010-09-09")
    template.add_resource(s3.Bucket("Artifacts", BucketName="sagemaker-insecure-artifacts"))
    (tmp_path / "insecure.yaml").write_text(template.to_yaml(long_form=True), encoding="utf-8")
    result = run_checkov(tmp_path)
    failed = {failure["check_id"] for failure in result.failed}
    assert {"CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV_AWS_21"} <= failed
    unjustified, _ = judge(result.failed, [])
    assert len(unjustified) == len(result.failed)
    # A justification covers its check on its resource type only; one that covers nothing is reported.
    versioning = Justification("CKV_AWS_21", "AWS::S3::Bucket", (), "versioning is off on purpose here")
    logging = Justification("CKV_AWS_18", None, ("Artifacts",), "access logging is off on purpose here")
    wrong_type = Justification("CKV_AWS_53", "AWS::SageMaker::Pipeline", (), "a pipeline is not a bucket")
    wrong_resource = Justification("CKV_AWS_54", "AWS::S3::Bucket", ("OtherBucket",), "another bucket")
    unjustified, unused = judge(result.failed, [versioning, logging, wrong_type, wrong_resource])
    assert not any(line.startswith(("CKV_AWS_21 ", "CKV_AWS_18 ")) for line in unjustified)
    assert any(line.startswith("CKV_AWS_53 ") for line in unjustified)
    assert any(line.startswith("CKV_AWS_54 ") for line in unjustified)
    assert unused == [wrong_type, wrong_resource]


def test_the_justification_file_is_well_formed(tmp_path: Path) -> None:
    load_justifications()
    bad = tmp_path / "skips.yaml"
    bad.write_text("skips:\n  - check: CKV_AWS_18\n    reason: no\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="write the reason out"):
        load_justifications(bad)


# ------------------------------------------------------------------------------------------------ golden snapshots


@pytest.mark.parametrize(("config", "key"), PRODUCTS, ids=IDS)
def test_rendered_template_matches_its_golden_snapshot(config: EnvironmentConfig, key: str) -> None:
    relative = template_golden.snapshot_path(config.name, key)
    path = template_golden.GOLDEN_DIR / relative
    fix = f"review the change, then run `{template_golden.UPDATE_COMMAND}` to update the snapshots"
    assert path.is_file(), f"no golden snapshot tests/templates/golden/{relative.as_posix()}: {fix}"
    expected = path.read_text(encoding="utf-8")
    actual = templates.render(key, config.products[key], config)
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), f"golden/{relative.as_posix()}", "rendered", lineterm=""
        )
        lines = list(diff)
        shown = "\n".join(lines[:80]) + (f"\n... {len(lines) - 80} more lines" if len(lines) > 80 else "")
        pytest.fail(f"rendered template differs from its golden snapshot; {fix}:\n{shown}", pytrace=False)


def test_golden_folder_holds_exactly_the_rendered_templates() -> None:
    stale = template_golden.stale()
    assert not stale, (
        f"golden snapshots out of date: {', '.join(map(str, stale))}; run `{template_golden.UPDATE_COMMAND}`"
    )


def test_write_all_writes_rewrites_and_prunes(tmp_path: Path) -> None:
    golden = tmp_path / "golden"
    expected = template_golden.rendered()
    assert {item.change for item in template_golden.stale(golden)} == {template_golden.Change.MISSING}
    orphan = golden / "gone" / "old-product.yaml"
    orphan.parent.mkdir(parents=True)
    orphan.write_text("old", encoding="utf-8")
    (golden / "README.md").write_text("kept", encoding="utf-8")

    written = template_golden.write_all(golden)

    assert {item.path for item in written} == set(expected) | {Path("gone/old-product.yaml")}
    assert not orphan.parent.exists()
    assert (golden / "README.md").exists()
    assert template_golden.stale(golden) == []
    first = next(iter(sorted(expected)))
    (golden / first).write_text(expected[first] + "# edited\n", encoding="utf-8")
    assert template_golden.stale(golden) == [template_golden.StaleSnapshot(first, template_golden.Change.CHANGED)]
    assert template_golden.write_all(golden) == [template_golden.StaleSnapshot(first, template_golden.Change.CHANGED)]
    assert (golden / first).read_text(encoding="utf-8") == expected[first]


# ------------------------------------------------------------------------------------------------ name limits


@pytest.mark.parametrize(("config", "key"), PRODUCTS, ids=IDS)
def test_resource_names_fit_aws_limits_for_the_longest_project(config: EnvironmentConfig, key: str) -> None:
    report = names.check_template(_document(config, key))
    assert not report.problems, (
        f"names too long or invalid for a {names.PROJECT_NAME_MAX}-character project name and a "
        f"{names.PROJECT_ID_MAX}-character project id:\n" + "\n".join(map(str, report.problems))
    )
    assert not report.unbounded, (
        "names built from parameters of any length (give the parameter a MaxLength or AllowedValues):\n"
        + "\n".join(map(str, report.unbounded))
    )


@pytest.mark.parametrize(("config", "key"), PRODUCTS, ids=IDS)
def test_every_name_property_has_a_known_limit(config: EnvironmentConfig, key: str) -> None:
    unlisted = names.check_template(_document(config, key)).unlisted
    assert not unlisted, (
        "name properties without an AWS limit in tests/templates/names.py LIMITS (add the (type, property) with "
        "its limit): "
        + ", ".join(f"{resource_type} {prop} ({logical_id})" for logical_id, resource_type, prop in unlisted)
    )


def test_names_are_resolved_and_unresolvable_ones_counted(record_property: Any) -> None:
    reports = [names.check_template(_document(config, key)) for config, key in PRODUCTS]
    checked = sum(len(report.names) for report in reports)
    skipped = sum(len(report.skipped) for report in reports)
    record_property("names_checked", checked)
    record_property("names_skipped", skipped)
    assert checked > 0, "no resource name was resolved: the check checks nothing"


def _project_template(bucket_name: Any) -> dict[str, Any]:
    template = Template()
    template.add_parameter(
        Parameter(names.PROJECT_NAME, Type="String", MaxLength=32, AllowedPattern="^[a-zA-Z](-*[a-zA-Z0-9])*$")
    )
    template.add_parameter(Parameter(names.PROJECT_ID, Type="String", MaxLength=16))
    template.add_resource(s3.Bucket("Artifacts", BucketName=bucket_name))
    document: dict[str, Any] = template.to_dict()
    return document


def test_a_too_long_bucket_name_is_caught() -> None:
    name = Sub("sagemaker-${SageMakerProjectName}-${SageMakerProjectName}-artifacts")
    report = names.check_template(_project_template(name))
    lengths = {len(problem.value) for problem in report.problems}
    assert lengths == {10 + 32 + 1 + 32 + 10}
    assert all("is 85 characters (allowed 3 to 63)" in problem.problems for problem in report.problems)
    # SageMaker project names may hold upper case, which bucket names may not.
    assert any(any("does not match" in text for text in problem.problems) for problem in report.problems)


def test_a_bucket_name_that_fits_passes() -> None:
    report = names.check_template(_project_template(Sub("sagemaker-${SageMakerProjectId}-${AWS::AccountId}-art")))
    assert [name.value for name in report.names] == ["sagemaker-p-a1b2c3d4e5f6g7-123456789012-art"]
    assert not report.problems


def test_name_resolution_follows_intrinsic_functions() -> None:
    document = {
        "Parameters": {
            names.PROJECT_ID: {"Type": "String", "MaxLength": 16},
            "Stage": {"Type": "String", "AllowedValues": ["dev", "production"]},
            "Free": {"Type": "String"},
        },
        "Mappings": {"Short": {"production": {"Name": "prd"}, "dev": {"Name": "dev"}}},
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": {
                        "Fn::Join": [
                            "-",
                            [
                                {"Fn::Sub": ["${Id}-${!Literal}", {"Id": {"Ref": names.PROJECT_ID}}]},
                                {"Fn::FindInMap": ["Short", {"Ref": "Stage"}, "Name"]},
                                {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]},
                                {"Ref": "AWS::NoValue"},
                            ],
                        ]
                    }
                },
            },
            "Queue": {
                "Type": "AWS::SQS::Queue",
                "Properties": {"QueueName": {"Fn::If": ["Fifo", {"Fn::Sub": "q-${AWS::Region}.fifo"}, "q"]}},
            },
            "Log": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Fn::GetAtt": ["Queue", "Arn"]}}},
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "Queue"}}},
            "Secret": {"Type": "AWS::SecretsManager::Secret", "Properties": {"Name": {"Fn::Sub": "s-${Free}"}}},
            "Other": {"Type": "AWS::Example::Thing", "Properties": {"ThingName": "x"}},
        },
    }
    report = names.check_template(document)
    values = {(name.resource, name.value) for name in report.names}
    stack_uuid = names.STACK_ID.rsplit("/", 1)[1]
    assert values == {
        ("Role", f"p-a1b2c3d4e5f6g7-${{Literal}}-prd-{stack_uuid}"),
        ("Role", f"p-a1b2c3d4e5f6g7-${{Literal}}-dev-{stack_uuid}"),
        ("Queue", "q-ap-southeast-3.fifo"),
        ("Queue", "q"),
    }
    # The role name holds ${ and } (not allowed in role names) and is 68 characters long (at most 64).
    assert {name.resource for name in report.problems} == {"Role"}
    assert sorted(skip.resource for skip in report.skipped) == ["Log", "Secret", "Topic"]
    assert [skip.resource for skip in report.unbounded] == ["Secret"]
    assert report.unlisted == [("Other", "AWS::Example::Thing", "ThingName")]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("/sagemaker-x//settings", "empty path segment"),
        ("/sagemaker-x/settings/", "empty path segment"),
        ("sagemaker-x/settings", "must start with /"),
        ("/aws-x/settings", "reserved"),
        ("/" + "/".join(["a"] * 16), "16 levels"),
        ("/" + "a" * 1000, "with its ARN"),
    ],
)
def test_ssm_parameter_names_are_checked_per_segment(name: str, problem: str) -> None:
    rule = names.LIMITS[("AWS::SSM::Parameter", "Name")]
    assert any(problem in text for text in rule.problems(name)), rule.problems(name)
    assert rule.problems("/sagemaker-x/deployment-settings") == []


# ------------------------------------------------------------------------------------------------ launch-role coverage


def supported_resource_types(policies_tf: Path = POLICIES_TF) -> set[str]:
    """The keys of local.launch_permissions in the iam_roles module: the types the launch role can create."""
    with policies_tf.open(encoding="utf-8") as handle:
        document = hcl2.load(handle)
    maps = [block["launch_permissions"] for block in document.get("locals", []) if "launch_permissions" in block]
    assert len(maps) == 1, f"{policies_tf}: expected one local.launch_permissions map, found {len(maps)}"
    return {key.strip('"') for key in maps[0] if key != "__is_block__"}


SUPPORTED = supported_resource_types()


def test_supported_types_are_read_from_the_module() -> None:
    assert SUPPORTED, "no resource types read from local.launch_permissions"
    assert all(RESOURCE_TYPE.match(resource_type) for resource_type in SUPPORTED), SUPPORTED
    assert {"AWS::SSM::Parameter", "AWS::SageMaker::ModelPackageGroup"} <= SUPPORTED


@pytest.mark.parametrize(("config", "key"), PRODUCTS, ids=IDS)
def test_the_launch_role_can_create_every_rendered_resource_type(config: EnvironmentConfig, key: str) -> None:
    rendered = templates.resource_types(templates.build(key, config.products[key], config))
    uncovered = sorted(rendered - SUPPORTED)
    assert not uncovered, (
        f"{config.name}/{key} creates resource types the iam_roles launch role has no permissions for: "
        f"{', '.join(uncovered)}. Add them to local.launch_permissions in modules/iam_roles/policies.tf."
    )
