"""The plan rules that apply to CloudFormation, on rendered product templates (glue/plancheck/template_checks.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cdktf_app import templates
from cdktf_app.config import available_environments, load_environment
from cdktf_app.paths import ENVIRONMENTS_DIR
from glue.plancheck.model import Finding
from glue.plancheck.template_checks import check_template, load_template, taggable_resource_types

INSECURE = Path(__file__).parent / "templates" / "insecure.yaml"


def _verdicts(findings: list[Finding]) -> dict[tuple[str, str], str]:
    return {(finding.rule, finding.address.split("#")[1]): finding.status for finding in findings}


def test_each_rule_catches_its_flaw_in_a_template() -> None:
    verdicts = _verdicts(check_template(load_template(INSECURE), "insecure.yaml"))
    assert verdicts == {
        ("TAG001", "PlainBucket"): "pass",
        ("S3001", "PlainBucket"): "fail",
        ("S3002", "PlainBucket"): "fail",
        ("S3003", "PlainBucket"): "fail",
        ("S3004", "PlainBucket"): "fail",
        ("S3005", "PlainBucket"): "fail",
        ("TAG001", "ManagedKeyBucket"): "pass",
        ("S3001", "ManagedKeyBucket"): "fail",
        ("S3002", "ManagedKeyBucket"): "fail",
        ("S3003", "ManagedKeyBucket"): "pass",
        ("S3004", "ManagedKeyBucket"): "pass",
        ("S3005", "ManagedKeyBucket"): "fail",
        ("TAG001", "StaticKey"): "fail",
        ("KMS001", "StaticKey"): "fail",
        ("TAG001", "UntaggedRule"): "fail",
    }


def test_taggable_types_come_from_the_resource_schemas() -> None:
    types = taggable_resource_types()
    assert {"AWS::S3::Bucket", "AWS::Events::Rule", "AWS::SageMaker::ModelPackageGroup"} <= types
    assert "AWS::S3::BucketPolicy" not in types and "AWS::Lambda::Permission" not in types


@pytest.mark.parametrize("name", available_environments(ENVIRONMENTS_DIR))
def test_every_rendered_product_template_passes(name: str, tmp_path: Path) -> None:
    config = load_environment(name, ENVIRONMENTS_DIR)
    failing = []
    for key, product in sorted(config.products.items()):
        path = tmp_path / f"{key}.yaml"
        path.write_text(templates.render(key, product, config))
        findings = check_template(load_template(path), path.name)
        assert findings, f"{key}: no finding at all"
        failing += [f"{f.rule} {f.address}: {f.message}" for f in findings if f.status != "pass"]
    assert not failing, "\n".join(failing)


def test_a_file_that_is_not_a_template_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump({"Parameters": {}}))
    with pytest.raises(ValueError, match="not a CloudFormation template"):
        load_template(path)
