"""Plan indexing: address parsing and references through for_each, count and modules."""

from __future__ import annotations

import pytest

from glue.plancheck.plan_index import UNKNOWN, PlanIndex, module_address, parse_address
from tests.plancheck.verdicts import load


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("aws_s3_bucket.this", ((), "managed", "aws_s3_bucket", "this", None)),
        ("aws_s3_bucket.this[3]", ((), "managed", "aws_s3_bucket", "this", 3)),
        ('aws_s3_bucket.this["a.b"]', ((), "managed", "aws_s3_bucket", "this", "a.b")),
        ("data.aws_iam_policy_document.x", ((), "data", "aws_iam_policy_document", "x", None)),
        (
            'module.store["features"].module.inner[0].aws_s3_bucket.this',
            ((("store", "features"), ("inner", 0)), "managed", "aws_s3_bucket", "this", None),
        ),
        ('aws_s3_bucket.this["say \\"hi\\""]', ((), "managed", "aws_s3_bucket", "this", 'say "hi"')),
    ],
)
def test_parse_address(address: str, expected: tuple[object, ...]) -> None:
    assert parse_address(address) == expected


@pytest.mark.parametrize("address", ["", "module.x", "aws_s3_bucket", "aws_s3_bucket.this[", "a.b.c"])
def test_parse_address_rejects(address: str) -> None:
    with pytest.raises(ValueError, match="not a resource address"):
        parse_address(address)


def test_module_address_round_trip() -> None:
    segments = (("store", 'a"b'), ("inner", 2), ("plain", None))
    text = module_address(segments)
    assert text == 'module.store["a\\"b"].module.inner[2].module.plain'
    assert parse_address(text + ".aws_s3_bucket.x")[0] == segments


def test_rejects_what_is_not_a_plan() -> None:
    with pytest.raises(ValueError, match="no format_version"):
        PlanIndex({"resource_changes": []})
    with pytest.raises(ValueError, match="resource_changes"):
        PlanIndex({"format_version": "1.2", "resource_changes": "x"})


def _targets(index: PlanIndex, address: str, attribute: str = "bucket") -> list[str]:
    return sorted(target.address for target in index.referenced(index.resources[address], attribute))


def test_for_each_each_key_and_each_value() -> None:
    index = PlanIndex(load("s3/good"))
    # bucket = aws_s3_bucket.this[each.key].id
    assert _targets(index, 'aws_s3_bucket_server_side_encryption_configuration.this["raw"]') == [
        'aws_s3_bucket.this["raw"]'
    ]
    # for_each = aws_s3_bucket.this, bucket = each.value.id
    assert _targets(index, 'aws_s3_bucket_versioning.this["curated"]') == ['aws_s3_bucket.this["curated"]']


def test_count_index() -> None:
    index = PlanIndex(load("s3/bad"))
    assert _targets(index, "aws_s3_bucket_versioning.this[1]") == ["aws_s3_bucket.this[1]"]


def test_through_module_output_and_input() -> None:
    index = PlanIndex(load("s3/modules"))
    # for_each = module.store, bucket = each.value.id (the module's output "id")
    assert _targets(index, 'aws_s3_bucket_server_side_encryption_configuration.store["models"]') == [
        'module.store["models"].aws_s3_bucket.this'
    ]
    # inside the module, var.bucket_id = aws_s3_bucket.landing.id in the root
    assert _targets(index, "module.settings.aws_s3_bucket_versioning.this") == ["aws_s3_bucket.landing"]
    # module count: var.bucket_id = aws_s3_bucket.archive[count.index].id
    assert _targets(index, "module.archive_settings[1].aws_s3_bucket_versioning.this") == ["aws_s3_bucket.archive[1]"]
    # a nested attribute: the KMS key of the encryption rule, through var.kms_key_arn
    encryption = index.resources["module.settings.aws_s3_bucket_server_side_encryption_configuration.this"]
    path = ("rule", 0, "apply_server_side_encryption_by_default", 0, "kms_master_key_id")
    assert [target.address for target in index.referenced(encryption, *path)] == ["aws_kms_key.s3"]


def test_unknown_values() -> None:
    index = PlanIndex(load("s3/unknown"))
    bucket = index.resources["aws_s3_bucket.scratch"]
    assert bucket.get("bucket") is UNKNOWN
    assert bucket.get("bucket_prefix") == "plancheck-scratch-"
    versioning = index.resources["aws_s3_bucket_versioning.scratch"]
    assert versioning.get("versioning_configuration", 0, "status") is UNKNOWN
    assert versioning.has_unknown("versioning_configuration")
    assert not index.resources["aws_s3_bucket_public_access_block.scratch"].has_unknown("block_public_acls")
    assert repr(UNKNOWN) == "(known after apply)"


def test_reference_to_a_value_not_a_bucket() -> None:
    index = PlanIndex(load("s3/unknown"))
    assert _targets(index, "aws_s3_bucket_versioning.elsewhere") == ["terraform_data.shared_bucket"]
    assert _targets(index, "aws_s3_bucket_versioning.scratch", "expected_bucket_owner") == []


def test_default_tags() -> None:
    assert PlanIndex(load("kms/pass")).default_tags == {"aws": {"environment": "dev", "owner": "mlops-platform"}}
