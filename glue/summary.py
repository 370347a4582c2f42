"""A short human summary of what each stack of an environment holds, from its Terraform outputs."""

from __future__ import annotations

from collections.abc import Mapping

from cdktf_app.config import EnvironmentConfig
from cdktf_app.targets import StackTarget


def environment_summary(config: EnvironmentConfig, target: StackTarget, outputs: Mapping[str, object]) -> list[str]:
    """Lines a person reads after apply: what exists now in one stack, and where."""
    where = "local emulator" if config.emulator else "AWS"
    header = f"{target.name}: what exists now (account {target.account_id} on {where}, {config.region})"
    if not outputs:
        return [header, "  nothing: the stack is not applied (or was destroyed)"]
    rows = _tooling_rows(outputs) if target.is_tooling else []
    known = {key for key in outputs if key.startswith("seed_code_")}
    rows += [(key.replace("_", " "), _shown(value)) for key, value in sorted(outputs.items()) if key not in known]
    width = max(len(label) for label, _ in rows)
    return [header, *(f"  {label:<{width}}  {value}" for label, value in rows)]


def _tooling_rows(outputs: Mapping[str, object]) -> list[tuple[str, str]]:
    statements = outputs.get("seed_code_bucket_policy_statement_ids")
    denies = outputs.get("seed_code_conditional_denies_included")
    return [
        ("seed-code bucket", f"s3://{outputs.get('seed_code_bucket_name')}"),
        ("encryption", f"SSE-KMS with bucket key, key {outputs.get('seed_code_kms_key_alias')}"),
        ("KMS key", str(outputs.get("seed_code_kms_key_arn"))),
        ("bucket policy", ", ".join(map(str, statements)) if isinstance(statements, list) else "none"),
        (
            "TLS/VPC-endpoint denies",
            "in force"
            if denies
            else "left out (the emulator cannot evaluate policy conditions; real environments have them)",
        ),
    ]


def _shown(value: object) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{key}={_shown(item)}" for key, item in sorted(value.items())) or "none"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value) or "none"
    return str(value)
