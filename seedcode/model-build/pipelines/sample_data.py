"""A deterministic synthetic tabular data set, so the pipeline runs without any public data.

Columns: features ``income``, ``debt_ratio``, ``age``,
``utilisation`` (numeric, a few missing values) and ``segment`` (categorical), then one label
column per model. A classification label is 0/1 drawn from a logistic score; a regression
label is a noisy linear function, squashed into [0, 1] for labels whose metric suggests a rate.
The same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Mapping
from pathlib import Path

import numpy as np

FEATURES = ("income", "debt_ratio", "age", "utilisation", "segment")
SEGMENTS = ("retail", "business", "premium")
KINDS = ("classification", "regression")


def generate(rows: int, labels: Mapping[str, str], seed: int = 7) -> str:
    """CSV text with a header: the features, then ``labels`` (name -> 'classification'|'regression')."""
    if rows < 1:
        raise ValueError("rows must be at least 1")
    for name, kind in labels.items():
        if kind not in KINDS:
            raise ValueError(f"label '{name}': kind '{kind}' is not one of {KINDS}")
        if name in FEATURES:
            raise ValueError(f"label '{name}' clashes with a feature column")
    rng = np.random.default_rng(seed)
    income = rng.lognormal(mean=10.5, sigma=0.4, size=rows)
    debt_ratio = rng.beta(2.0, 5.0, size=rows)
    age = rng.integers(18, 80, size=rows).astype(float)
    utilisation = rng.uniform(0.0, 1.0, size=rows)
    segment = rng.choice(np.array(SEGMENTS), size=rows, p=[0.6, 0.3, 0.1])
    segment_effect = np.select([segment == "business", segment == "premium"], [0.4, -0.6], 0.0)
    score = (
        -1.0
        + 2.5 * debt_ratio
        + 1.5 * utilisation
        - 0.8 * (np.log(income) - 10.5)
        - 0.01 * (age - 45.0)
        + segment_effect
    )
    columns: dict[str, np.ndarray] = {
        "income": np.round(income, 2),
        "debt_ratio": np.round(debt_ratio, 4),
        "age": age,
        "utilisation": np.round(utilisation, 4),
        "segment": segment,
    }
    for name, kind in labels.items():
        noise = rng.normal(0.0, 1.0, size=rows)
        if kind == "classification":
            probability = 1.0 / (1.0 + np.exp(-(score + 0.5 * noise)))
            columns[name] = (rng.uniform(size=rows) < probability).astype(int)
        else:
            columns[name] = np.round(0.5 + 0.3 * np.tanh(score / 2.0) + 0.05 * noise, 4)
    missing = rng.uniform(size=rows) < 0.02
    columns["income"] = np.where(missing, np.nan, columns["income"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(list(columns))
    for index in range(rows):
        writer.writerow(["" if _is_nan(columns[c][index]) else columns[c][index] for c in columns])
    return buffer.getvalue()


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and value != value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the synthetic sample data set as CSV.")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--label",
        action="append",
        default=[],
        metavar="NAME:KIND",
        help="a label column and its kind (classification or regression); default target:regression",
    )
    args = parser.parse_args(argv)
    labels = dict(item.split(":", 1) for item in args.label) if args.label else {"target": "regression"}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(generate(args.rows, labels, args.seed), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
