"""Golden snapshots of the rendered product templates: tests/templates/golden/<environment>/<product>.yaml.

Each snapshot is the exact text `cdktf_app.templates.render` produces for one (environment, product), so a
change to a builder or an environment file shows up as a reviewable diff. `glue templates-golden` (`make golden`)
rewrites them with `write_all`; `--check` and the test suite compare them with `stale`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from cdktf_app import templates
from cdktf_app.config import available_environments, load_environment
from cdktf_app.paths import ENVIRONMENTS_DIR, REPO_ROOT

GOLDEN_DIR = REPO_ROOT / "tests" / "templates" / "golden"
UPDATE_COMMAND = "make golden"
SUFFIX = ".yaml"


class Change(StrEnum):
    """What `write_all` does (or, from `stale`, would do) to one snapshot file."""

    MISSING = "missing"  # an (environment, product) without a snapshot: written
    CHANGED = "changed"  # a snapshot that differs from the rendered text: rewritten
    ORPHANED = "orphaned"  # a snapshot of an (environment, product) that no longer exists: removed


@dataclass(frozen=True)
class StaleSnapshot:
    path: Path  # relative to the golden folder: <environment>/<product>.yaml
    change: Change

    def __str__(self) -> str:
        return f"{self.path.as_posix()} ({self.change.value})"


def snapshot_path(environment: str, product: str) -> Path:
    """Where the snapshot of one (environment, product) lives, relative to the golden folder."""
    return Path(environment) / f"{product}{SUFFIX}"


def rendered(environments_dir: Path = ENVIRONMENTS_DIR) -> dict[Path, str]:
    """Every product template of every environment, rendered: relative snapshot path -> YAML text."""
    texts: dict[Path, str] = {}
    for name in available_environments(environments_dir):
        config = load_environment(name, environments_dir)
        for key in sorted(config.products):
            texts[snapshot_path(config.name, key)] = templates.render(key, config.products[key], config)
    return texts


def _snapshots(golden_dir: Path) -> set[Path]:
    if not golden_dir.is_dir():
        return set()
    return {path.relative_to(golden_dir) for path in golden_dir.rglob(f"*{SUFFIX}") if path.is_file()}


def _compare(golden_dir: Path, texts: dict[Path, str]) -> list[StaleSnapshot]:
    found: list[StaleSnapshot] = []
    for relative, text in texts.items():
        path = golden_dir / relative
        if not path.is_file():
            found.append(StaleSnapshot(relative, Change.MISSING))
        elif path.read_bytes() != text.encode("utf-8"):
            found.append(StaleSnapshot(relative, Change.CHANGED))
    found += [StaleSnapshot(relative, Change.ORPHANED) for relative in _snapshots(golden_dir) - texts.keys()]
    return sorted(found, key=lambda stale: stale.path.as_posix())


def stale(golden_dir: Path = GOLDEN_DIR, environments_dir: Path = ENVIRONMENTS_DIR) -> list[StaleSnapshot]:
    """Snapshots that are missing, differ from the rendered templates, or belong to nothing any more.

    Empty means the golden folder is up to date. Raises ConfigError when an environment file is invalid.
    """
    return _compare(golden_dir, rendered(environments_dir))


def write_all(golden_dir: Path = GOLDEN_DIR, environments_dir: Path = ENVIRONMENTS_DIR) -> list[StaleSnapshot]:
    """Bring the golden folder up to date; returns what was written or removed (empty: nothing to do).

    Only snapshot files (*.yaml) are removed, and then the environment folders they leave empty.
    """
    texts = rendered(environments_dir)
    changes = _compare(golden_dir, texts)
    for change in changes:
        path = golden_dir / change.path
        if change.change is Change.ORPHANED:
            path.unlink()
            for parent in path.relative_to(golden_dir).parents:
                folder = golden_dir / parent
                if folder != golden_dir and folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(texts[change.path].encode("utf-8"))
    return changes
