"""Every committed fixture plan was made from the sources beside it (no terraform run here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plancheck.fixture_plans import FIXTURES, fixture_dirs, source_files, sources_digest

FOLDERS = fixture_dirs()


def test_fixtures_exist() -> None:
    families = {folder.parent.name for folder in FOLDERS}
    assert {"tags", "s3", "kms", "endpoints"} <= families


@pytest.mark.parametrize("folder", FOLDERS, ids=[str(folder.relative_to(FIXTURES)) for folder in FOLDERS])
def test_plan_matches_sources(folder: Path) -> None:
    assert (folder / "plan.json").is_file(), f"{folder}: no plan.json; run python -m tests.plancheck.fixture_plans"
    recorded = (folder / "sources.sha256").read_text().strip()
    assert recorded == sources_digest(folder), f"{folder}: sources changed; run python -m tests.plancheck.fixture_plans"


def test_digest_covers_child_modules(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('module "m" {\n  source = "./modules/m"\n}\n')
    child = tmp_path / "modules" / "m"
    child.mkdir(parents=True)
    (child / "main.tf").write_text("# one\n")
    (tmp_path / "plan.json").write_text("{}")
    before = sources_digest(tmp_path)
    assert [path.relative_to(tmp_path).as_posix() for path in source_files(tmp_path)] == [
        "main.tf",
        "modules/m/main.tf",
    ]
    (child / "main.tf").write_text("# two\n")
    changed = sources_digest(tmp_path)
    assert changed != before
    (tmp_path / "plan.json").write_text('{"changed": true}')  # generated files are not sources
    (tmp_path / "sources.sha256").write_text(changed)
    assert sources_digest(tmp_path) == changed
