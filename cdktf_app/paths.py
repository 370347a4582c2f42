"""Where things live in the repository."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MODULES_DIR = REPO_ROOT / "modules"
ENVIRONMENTS_DIR = REPO_ROOT / "environments"
DEFAULT_OUTDIR = REPO_ROOT / "cdktf.out"


def stack_dir(outdir: Path, environment: str) -> Path:
    return outdir / "stacks" / environment
