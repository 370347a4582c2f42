"""`make bench` helpers: the generated environments are valid, and the report states ratios to the baseline."""

from __future__ import annotations

from pathlib import Path

from cdktf_app.config import load_environment
from glue.bench import Measurement, environment_copies, report


def test_sixteen_environment_copies_are_valid_and_distinct(tmp_path: Path) -> None:
    names = environment_copies(16, tmp_path)
    assert len(set(names)) == 16
    configs = [load_environment(name, tmp_path) for name in names]
    assert len({config.seed_code_bucket_name for config in configs}) == 16, "no two copies collide on a bucket"


def test_report_gives_ratios_against_the_first_measurement() -> None:
    lines = report(
        [
            Measurement("terraform plan (baseline)", [10.0, 12.0, 11.0]),
            Measurement("synth, 1 environment", [1.0, 1.2, 1.1]),
            Measurement("synth, 16 environments", [2.2, 2.2, 2.2]),
        ]
    )
    assert "| terraform plan (baseline) | 11.00 | 3 | 1.00 |" in lines
    assert "| synth, 1 environment | 1.10 | 3 | 0.10 |" in lines
    assert "| synth, 16 environments | 2.20 | 3 | 0.20 |" in lines
    assert lines[-1].startswith("CDKTF overhead for one environment: synth + plan = 1.10 x plain terraform plan")
