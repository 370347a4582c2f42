"""Deterministic packaging: the same seed folder gives the same zip bytes whatever the file times,
permissions beyond the executable bit, or caches lying around; the manifest names every hash."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import orjson

from glue import packaging


def _seed(root: Path) -> Path:
    folder = root / "model-build"
    (folder / "pipelines").mkdir(parents=True)
    (folder / "pipelines" / "pipeline.py").write_text("print('build')\n")
    (folder / "README.md").write_text("# model build\n")
    script = folder / "run.sh"
    script.write_text("#!/bin/sh\necho run\n")
    script.chmod(0o755)
    (folder / "pipelines" / "__pycache__").mkdir()
    (folder / "pipelines" / "__pycache__" / "pipeline.cpython-311.pyc").write_bytes(b"cache")
    (folder / "notes.txt~").write_text("editor backup")
    return folder


def test_same_folder_gives_the_same_bytes_on_another_machine(tmp_path: Path) -> None:
    first = _seed(tmp_path / "a")
    second = tmp_path / "b" / "model-build"
    shutil.copytree(first, second)
    # Another checkout: other modification times, other read/write bits, other creation order.
    for path in second.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    (second / "README.md").chmod(0o600)
    one = packaging.package_folder(first, tmp_path / "out1")
    two = packaging.package_folder(second, tmp_path / "out2")
    assert one.path.read_bytes() == two.path.read_bytes()
    assert one.sha256 == two.sha256 == packaging.sha256(two.path)


def test_zip_holds_sorted_sources_with_fixed_times_and_modes(tmp_path: Path) -> None:
    built = packaging.package_folder(_seed(tmp_path), tmp_path / "out")
    with zipfile.ZipFile(built.path) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == ["README.md", "pipelines/pipeline.py", "run.sh"], "no caches or backups, sorted"
    assert {info.date_time for info in infos} == {packaging.ZIP_EPOCH}
    modes = {info.filename: (info.external_attr >> 16) & 0o777 for info in infos}
    assert modes == {"README.md": 0o644, "pipelines/pipeline.py": 0o644, "run.sh": 0o755}


def test_a_changed_file_changes_the_hash(tmp_path: Path) -> None:
    folder = _seed(tmp_path)
    before = packaging.package_folder(folder, tmp_path / "out").sha256
    (folder / "pipelines" / "pipeline.py").write_text("print('changed')\n")
    assert packaging.package_folder(folder, tmp_path / "out").sha256 != before


def test_package_all_writes_the_lambdas_and_a_manifest(tmp_path: Path) -> None:
    seed_root = tmp_path / "seedcode"
    _seed(seed_root)
    packages = packaging.package_all(tmp_path / "out", seed_root)
    assert [package.name for package in packages] == ["model-build", "lambdas"]
    manifest = orjson.loads((tmp_path / "out" / packaging.MANIFEST).read_bytes())
    assert manifest["model-build"]["sha256"] == packages[0].sha256
    with zipfile.ZipFile(packages[1].path) as archive:
        names = archive.namelist()
    assert "glue/lambdas/__init__.py" in names and "glue/__init__.py" in names
    assert any(name.startswith("dulwich/") for name in names), "the Git client ships inside the function"
    assert not any(name.endswith((".so", ".pyc")) for name in names), "pure Python only"
    again = packaging.package_all(tmp_path / "again", seed_root)
    assert [package.sha256 for package in again] == [package.sha256 for package in packages]
