"""docs/plancheck.md names every rule the registry has (and no rule it lacks)."""

from __future__ import annotations

import re

from cdktf_app.paths import REPO_ROOT
from glue.plancheck.rules import all_rules

DOC = REPO_ROOT / "docs" / "plancheck.md"
META_RULES = {"SUP001", "SUP002"}


def test_every_rule_is_documented_in_the_rules_table() -> None:
    table = {match for match in re.findall(r"^\| ([A-Z][A-Z0-9]{2,6}) \|", DOC.read_text(), flags=re.MULTILINE)}
    assert table == set(all_rules()) | META_RULES
