"""A short human summary of what an environment holds, from its Terraform outputs."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table

from cdktf_app.config import EnvironmentConfig


def environment_summary(config: EnvironmentConfig, outputs: Mapping[str, object]) -> Table:
    where = "local emulator" if config.emulator else f"account {config.account_id}"
    table = Table(title=f"{config.name}: what exists now ({where}, {config.region})", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", overflow="fold")
    if not outputs:
        table.add_row("nothing", "no outputs: the environment is not applied (or was destroyed)")
        return table
    denies = outputs.get("seed_code_conditional_denies_included")
    statements = outputs.get("seed_code_bucket_policy_statement_ids") or []
    table.add_row("seed-code bucket", f"s3://{outputs.get('seed_code_bucket_name')}")
    table.add_row("encryption", f"SSE-KMS with bucket key, {outputs.get('seed_code_kms_key_alias')}")
    table.add_row("KMS key", str(outputs.get("seed_code_kms_key_arn")))
    table.add_row("bucket policy", ", ".join(str(sid) for sid in statements) if isinstance(statements, list) else "")
    table.add_row(
        "TLS / VPC-endpoint denies",
        "in force"
        if denies
        else "left out (the emulator cannot evaluate policy conditions; real environments have them)",
    )
    return table
