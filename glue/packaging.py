"""Deterministic zips: each seed-code folder, and the Lambda functions with their dependencies.

The same inputs give byte-identical zips on any machine: entries sorted by path, fixed
timestamps (1980-01-01, the zip epoch), fixed permissions (0644, 0755 for executables), entries
stored uncompressed (deflate output depends on the zlib build), no caches or editor droppings,
and a sha256 manifest beside them. Terraform uploads them with the
hash as `source_hash`, so a changed seed shows up in the plan and an unchanged one does not.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from cdktf_app.paths import REPO_ROOT

SEEDCODE_DIR = REPO_ROOT / "seedcode"
LAMBDAS_PACKAGE = REPO_ROOT / "glue" / "lambdas"
# Pure-Python dependencies the functions import, shipped inside their zip.
LAMBDA_DEPENDENCIES = ("dulwich",)
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
EXCLUDED_NAMES = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".DS_Store", ".venv", ".git", "dist"}
EXCLUDED_SUFFIXES = (".pyc", ".pyo", "~", ".swp")
MANIFEST = "manifest.json"
LAMBDAS_NAME = "lambdas"


@dataclass(frozen=True)
class Package:
    name: str
    path: Path
    sha256: str
    files: int


def _included(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return not any(part in EXCLUDED_NAMES or part.endswith(EXCLUDED_SUFFIXES) for part in parts)


def _walk(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and _included(path, root):
            yield path


def write_zip(entries: Iterable[tuple[str, Path]], target: Path) -> int:
    """Write (archive name, file) pairs deterministically; return how many were written."""
    ordered = sorted(entries, key=lambda entry: entry[0])
    target.parent.mkdir(parents=True, exist_ok=True)
    # Stored, not deflated: compressed bytes depend on the zlib build (zlib-ng differs), stored ones do not.
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, source in ordered:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            executable = bool(source.stat().st_mode & stat.S_IXUSR)
            info.external_attr = ((0o100755 if executable else 0o100644) & 0xFFFF) << 16
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # unix, whatever the building machine
            archive.writestr(info, source.read_bytes())
    return len(ordered)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def seed_folders(root: Path = SEEDCODE_DIR) -> list[Path]:
    """Each folder directly under seedcode/ becomes one zip."""
    return sorted(path for path in root.iterdir() if path.is_dir() and _included(path, root)) if root.exists() else []


def package_folder(folder: Path, outdir: Path) -> Package:
    target = outdir / f"{folder.name}.zip"
    count = write_zip(((path.relative_to(folder).as_posix(), path) for path in _walk(folder)), target)
    return Package(folder.name, target, sha256(target), count)


def package_lambdas(outdir: Path) -> Package:
    """glue/lambdas (as the package glue.lambdas) plus its pure-Python dependencies."""
    entries: list[tuple[str, Path]] = [("glue/__init__.py", REPO_ROOT / "glue" / "__init__.py")]
    entries += [
        (f"glue/lambdas/{path.relative_to(LAMBDAS_PACKAGE).as_posix()}", path) for path in _walk(LAMBDAS_PACKAGE)
    ]
    for dependency in LAMBDA_DEPENDENCIES:
        spec = importlib.util.find_spec(dependency)
        if spec is None or spec.origin is None:
            raise RuntimeError(f"{dependency} is not installed: run `make setup`")
        root = Path(spec.origin).parent
        entries += [
            (f"{dependency}/{path.relative_to(root).as_posix()}", path)
            for path in _walk(root)
            if path.suffix not in (".so", ".pyd", ".c")  # pure Python only: the same zip on any machine
        ]
    target = outdir / f"{LAMBDAS_NAME}.zip"
    count = write_zip(entries, target)
    return Package(LAMBDAS_NAME, target, sha256(target), count)


def copy_packages(packages: list[Package], outdir: Path) -> list[Package]:
    """The same packages in another folder (synthesis packages once per run, then copies per stack)."""
    outdir.mkdir(parents=True, exist_ok=True)
    copied = []
    for built in packages:
        shutil.copyfile(built.path, outdir / built.path.name)
        copied.append(Package(built.name, outdir / built.path.name, built.sha256, built.files))
    shutil.copyfile(built.path.parent / MANIFEST, outdir / MANIFEST)
    return copied


def package_all(outdir: Path, seed_root: Path = SEEDCODE_DIR) -> list[Package]:
    """Every seed folder and the Lambda zip, plus manifest.json (name -> sha256, files) in outdir."""
    packages = [package_folder(folder, outdir) for folder in seed_folders(seed_root)]
    packages.append(package_lambdas(outdir))
    manifest = {
        package.name: {"file": package.path.name, "sha256": package.sha256, "files": package.files}
        for package in packages
    }
    (outdir / MANIFEST).write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
    return packages
