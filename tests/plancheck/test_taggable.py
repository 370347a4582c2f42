"""The taggable resource types (TAG001) are the locked AWS provider's, not a hand list that drifts."""

from __future__ import annotations

import json

from glue.plancheck.taggable import DATA_FILE, locked_provider_schema, taggable_from_schema


def test_the_data_file_matches_the_locked_provider_schema() -> None:
    schema, version = locked_provider_schema()
    stored = json.loads(DATA_FILE.read_text())
    assert stored["version"] == version, "refresh: python -m glue.plancheck.taggable"
    assert stored["types"] == taggable_from_schema(schema), "refresh: python -m glue.plancheck.taggable"
    assert stored["types"]["aws_s3_bucket"] == "tags_all"
    assert "aws_s3_bucket_policy" not in stored["types"]
