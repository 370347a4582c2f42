"""A short human summary of what an environment holds, from its Terraform outputs."""

from __future__ import annotations

from collections.abc import Mapping

from cdktf_app.config import EnvironmentConfig


def environment_summary(config: EnvironmentConfig, outputs: Mapping[str, object]) -> list[str]:
    """Lines a person reads after apply: what exists now and where."""
    where = "local emulator" if config.emulator else f"account {config.account_id}"
    lines = [f"{config.name}: what exists now ({where}, {config.region})"]
    if not outputs:
        return [*lines, "  nothing: the environment is not applied (or was destroyed)"]
    statements = outputs.get("seed_code_bucket_policy_statement_ids")
    denies = outputs.get("seed_code_conditional_denies_included")
    rows = [
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
    width = max(len(label) for label, _ in rows)
    return [*lines, *(f"  {label:<{width}}  {value}" for label, value in rows)]
