"""S3001-S3006 on real plans: settings joined to buckets through for_each, count and modules."""

from __future__ import annotations

import json

from tests.plancheck.verdicts import ADMIN_ROLE, after, load, messages, s3_policy, verdicts

RAW = 'aws_s3_bucket.this["raw"]'
CURATED = 'aws_s3_bucket.this["curated"]'
S3_RULES = ("S3001", "S3002", "S3003", "S3004", "S3005", "S3006")


def _row(address: str, *statuses: str) -> dict[tuple[str, str], str]:
    return {(rule, address): status for rule, status in zip(S3_RULES, statuses, strict=True)}


def test_good_buckets_pass_every_rule_through_for_each_joins() -> None:
    assert verdicts(load("s3/good"), s3_policy(), prefix="S3") == {
        **_row(RAW, *["pass"] * 6),
        **_row(CURATED, *["pass"] * 6),
    }


def test_s3006_runs_only_when_required() -> None:
    found = verdicts(load("s3/good"), prefix="S3")
    assert {rule for rule, _ in found} == {"S3001", "S3002", "S3003", "S3004", "S3005"}
    assert verdicts(load("s3/good"), prefix="S3006", require_vpce=True) == {
        ("S3006", RAW): "fail",  # the endpoint the policy names is not allowed without allowed_vpce_ids
        ("S3006", CURATED): "fail",
    }


def test_s3006_exempt_admin_must_be_named_by_the_policy() -> None:
    found = messages(load("s3/good"), s3_policy(exempt_principal_arns=[]))
    assert "exempt_principal_arns do not name: " + ADMIN_ROLE in found[("S3006", RAW)]
    wildcard = s3_policy(exempt_principal_arns=["arn:aws:iam::111122223333:role/platform-*"])
    assert verdicts(load("s3/good"), wildcard, prefix="S3006")[("S3006", RAW)] == "pass"


def test_bad_buckets_fail_every_rule() -> None:
    found = verdicts(load("s3/bad"), s3_policy(), prefix="S3")
    assert found == {
        **_row("aws_s3_bucket.this[0]", *["fail"] * 6),
        **_row("aws_s3_bucket.this[1]", *["fail"] * 6),
        **_row("aws_s3_bucket.bare", *["fail"] * 6),
    }
    text = messages(load("s3/bad"), s3_policy())
    assert "AES256" in text[("S3001", "aws_s3_bucket.this[0]")]
    assert "alias/aws/s3" in text[("S3001", "aws_s3_bucket.this[1]")]
    assert "Suspended" in text[("S3003", "aws_s3_bucket.this[0]")]
    assert text[("S3004", "aws_s3_bucket.this[1]")] == "not true: restrict_public_buckets"
    # The TLS deny covers only objects: listing the bucket without TLS from the allowed endpoint is open.
    assert "s3:ListBucket on arn:aws:s3:::plancheck-logs-111122223333" in text[("S3005", "aws_s3_bucket.this[0]")]
    assert "GetObject" not in text[("S3005", "aws_s3_bucket.this[0]")]
    assert "vpce-0fffffffffffffff0" in text[("S3006", "aws_s3_bucket.this[0]")]
    assert "arn:aws:iam::111122223333:role/*" in text[("S3006", "aws_s3_bucket.this[0]")]
    assert text[("S3005", "aws_s3_bucket.bare")] == "no aws_s3_bucket_policy tied to this bucket"


def test_tls_deny_on_bucket_and_objects_passes_bad_fixture_once_repaired() -> None:
    plan = load("s3/bad")
    values = after(plan, "aws_s3_bucket_policy.this[0]")
    document = json.loads(values["policy"])
    name = "arn:aws:s3:::plancheck-logs-111122223333"
    document["Statement"][0]["Resource"] = [name, f"{name}/*"]
    values["policy"] = json.dumps(document)
    found = verdicts(plan, s3_policy(), prefix="S3005")
    assert found[("S3005", "aws_s3_bucket.this[0]")] == "pass"
    assert found[("S3005", "aws_s3_bucket.this[1]")] == "fail"


def test_unknown_until_apply() -> None:
    assert verdicts(load("s3/unknown"), s3_policy(), prefix="S3") == {
        **_row("aws_s3_bucket.scratch", *["unknown"] * 6),
        # No settings of its own; the versioning configuration that cannot be tied may be its.
        **_row("aws_s3_bucket.other", "fail", "fail", "unknown", "fail", "fail", "fail"),
    }
    text = messages(load("s3/unknown"), s3_policy())
    assert text[("S3003", "aws_s3_bucket.other")].endswith("1 could not be tied to any")
    assert text[("S3004", "aws_s3_bucket.scratch")] == "known only after apply: restrict_public_buckets"


def test_settings_across_modules() -> None:
    features = 'module.store["features"].aws_s3_bucket.this'
    models = 'module.store["models"].aws_s3_bucket.this'
    assert verdicts(load("s3/modules"), s3_policy(), prefix="S3") == {
        # encryption in the root through the module output (each.value.id over module.store)
        **_row(features, "pass", "fail", "pass", "pass", "fail", "fail"),
        **_row(models, "pass", "pass", "pass", "pass", "fail", "fail"),
        # bucket id handed to module.settings as an input variable (name unknown until apply)
        **_row("aws_s3_bucket.landing", "pass", "pass", "pass", "pass", "fail", "fail"),
        # module.archive_settings[count.index] gets aws_s3_bucket.archive[count.index].id
        **_row("aws_s3_bucket.archive[0]", "pass", "pass", "pass", "pass", "fail", "fail"),
        **_row("aws_s3_bucket.archive[1]", "pass", "pass", "fail", "pass", "fail", "fail"),
    }


def test_setting_of_a_bucket_outside_the_plan_does_not_make_others_unknown() -> None:
    plan = load("s3/bad")
    change = next(item for item in plan["resource_changes"] if item["address"] == "aws_s3_bucket_versioning.this[0]")
    change["change"]["after"]["bucket"] = "a-bucket-of-another-stack"
    change["change"]["after_unknown"].pop("bucket", None)
    found = verdicts(plan, s3_policy(), prefix="S3003")
    assert found[("S3003", "aws_s3_bucket.this[0]")] == "fail"
    assert (
        messages(plan, s3_policy())[("S3003", "aws_s3_bucket.this[0]")] == "no aws_s3_bucket_versioning for this bucket"
    )


def test_a_setting_that_resolves_to_several_buckets_is_not_tied_to_all() -> None:
    plan = load("s3/good")
    # `bucket = one(values(aws_s3_bucket.this)).id` style: an unindexed reference to a for_each resource.
    for block in plan["configuration"]["root_module"]["resources"]:
        if block["address"] == "aws_s3_bucket_versioning.this":
            block.pop("for_each_expression")
            block["expressions"]["bucket"] = {"references": ["aws_s3_bucket.this"]}
    plan["resource_changes"] = [
        change for change in plan["resource_changes"] if change["address"] != 'aws_s3_bucket_versioning.this["curated"]'
    ]
    found = verdicts(plan, s3_policy(), prefix="S3003")
    assert found == {("S3003", RAW): "unknown", ("S3003", CURATED): "unknown"}
