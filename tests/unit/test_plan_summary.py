"""Plan summaries count what a plan does the way Terraform's own headline does."""

from glue.plan_summary import summarize


def _change(address: str, *actions: str) -> dict[str, object]:
    return {"address": address, "change": {"actions": list(actions)}}


def test_counts_each_kind_of_change() -> None:
    summary = summarize(
        {
            "resource_changes": [
                _change("aws_s3_bucket.a", "create"),
                _change("aws_s3_bucket.b", "update"),
                _change("aws_kms_key.c", "delete", "create"),
                _change("aws_kms_key.d", "create", "delete"),
                _change("aws_iam_role.e", "delete"),
                _change("aws_iam_role.f", "no-op"),
            ]
        }
    )
    assert summary.has_changes
    assert summary.headline() == "Plan: 1 to add, 1 to change, 2 to replace, 1 to destroy."
    assert summary.lines() == [
        "    - aws_iam_role.e (delete)",
        "  -/+ aws_kms_key.c (replace)",
        "  -/+ aws_kms_key.d (replace)",
        "    + aws_s3_bucket.a (create)",
        "    ~ aws_s3_bucket.b (update)",
    ]


def test_no_changes_when_everything_is_no_op() -> None:
    summary = summarize({"resource_changes": [_change("aws_s3_bucket.a", "no-op"), _change("data.x.y", "read")]})
    assert not summary.has_changes
    assert summary.headline().startswith("No changes.")
    assert not summarize({}).has_changes
