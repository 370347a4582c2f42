"""Which resource types take tags: read from the AWS provider's schema, not kept by hand.

`terraform providers schema -json` (about 14 MB, 5 s) is reduced to the resource types with a
`tags` attribute, and whether each also has `tags_all` (provider default_tags merged in), and
stored in data/taggable_types.json with the provider version. `python -m glue.plancheck.taggable`
refreshes it from the locked provider (terraform/.terraform.lock.hcl); a test checks it against that provider.
"""

from __future__ import annotations

import json
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).parent / "data" / "taggable_types.json"
AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"


def taggable_from_schema(schema: dict[str, Any]) -> dict[str, str]:
    """resource type -> the attribute holding its effective tags ("tags_all" or "tags")."""
    resources = schema["provider_schemas"][AWS_PROVIDER]["resource_schemas"]
    found = {}
    for type_, resource in resources.items():
        attributes = resource["block"].get("attributes", {})
        if "tags" in attributes:
            found[type_] = "tags_all" if "tags_all" in attributes else "tags"
    return dict(sorted(found.items()))


def read_provider_schema(root: Path) -> dict[str, Any]:
    result = subprocess.run(["terraform", "providers", "schema", "-json"], cwd=root, capture_output=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"terraform providers schema failed in {root}: {result.stderr.decode()[-500:]}")
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def write_data_file(schema: dict[str, Any], provider_version: str, path: Path = DATA_FILE) -> None:
    document = {"provider": AWS_PROVIDER, "version": provider_version, "types": taggable_from_schema(schema)}
    path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def locked_provider_schema() -> tuple[dict[str, Any], str]:
    """(schema, version) of the AWS provider that terraform/.terraform.lock.hcl locks, from an empty root."""
    import re
    import shutil
    import tempfile

    from cdktf_app.paths import REPO_ROOT

    lock = REPO_ROOT / "terraform" / ".terraform.lock.hcl"
    match = re.search(r'provider "registry.terraform.io/hashicorp/aws" \{\s*version\s*=\s*"([^"]+)"', lock.read_text())
    if not match:
        raise RuntimeError(f"{lock}: no hashicorp/aws provider locked")
    version = match[1]
    with tempfile.TemporaryDirectory(prefix="taggable-") as folder:
        root = Path(folder)
        shutil.copy(lock, root / ".terraform.lock.hcl")
        source = {"aws": {"source": "hashicorp/aws", "version": version}}
        (root / "main.tf.json").write_text(json.dumps({"terraform": {"required_providers": source}}))
        init = subprocess.run(
            ["terraform", "init", "-input=false", "-no-color"], cwd=root, capture_output=True, check=False
        )
        if init.returncode != 0:
            raise RuntimeError(f"terraform init failed: {init.stderr.decode()[-500:]}")
        return read_provider_schema(root), version


@cache
def taggable_types() -> dict[str, str]:
    document = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    types: dict[str, str] = document["types"]
    return types


if __name__ == "__main__":
    schema, version = locked_provider_schema()
    write_data_file(schema, version)
    print(f"wrote {DATA_FILE} ({len(taggable_from_schema(schema))} taggable types, hashicorp/aws {version})")
