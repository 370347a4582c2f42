"""Preprocessing job: split the input CSV and write one XGBoost-ready data set per model.

Runs inside the processing container as a single file (it is uploaded alone), so it imports
only pandas and numpy. Input: one or more CSV files with a header row. Label columns are the
names passed in ``--labels``; every other column is a feature. Numeric features are filled
with the training median and standardised; text columns are one-hot encoded with the
categories seen in training. Output, for each label ``<label>``::

    <output-dir>/train/<label>/train.csv
    <output-dir>/validation/<label>/validation.csv
    <output-dir>/test/<label>/test.csv

without a header, the label first (what the built-in XGBoost algorithm reads).
Rows whose label is missing are dropped for that model only.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

LOG = logging.getLogger("preprocess")
SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class FeatureSpec:
    """What was learned from the training rows: column order, fill values, scales, categories."""

    numeric: dict[str, tuple[float, float, float]] = field(default_factory=dict)  # median, mean, std
    categorical: dict[str, tuple[str, ...]] = field(default_factory=dict)


def read_input(input_dir: Path) -> pd.DataFrame:
    files = sorted(input_dir.rglob("*.csv"))
    if not files:
        raise SystemExit(f"no .csv file under {input_dir}")
    return pd.concat([pd.read_csv(path) for path in files], ignore_index=True)


def split_indices(rows: int, seed: int, validation_fraction: float, test_fraction: float) -> dict[str, np.ndarray]:
    """Shuffle 0..rows-1 with ``seed`` and cut it into train, validation and test (in that order)."""
    if not 0 < validation_fraction + test_fraction < 1:
        raise ValueError("validation and test fractions must be positive and sum to less than 1")
    order = np.random.default_rng(seed).permutation(rows)
    n_validation = round(rows * validation_fraction)
    n_test = round(rows * test_fraction)
    n_train = rows - n_validation - n_test
    if min(n_train, n_validation, n_test) < 1:
        raise ValueError(f"{rows} rows are too few to split into train, validation and test")
    return {
        "train": np.sort(order[:n_train]),
        "validation": np.sort(order[n_train : n_train + n_validation]),
        "test": np.sort(order[n_train + n_validation :]),
    }


def fit_features(train: pd.DataFrame, feature_columns: list[str]) -> FeatureSpec:
    spec = FeatureSpec()
    for column in feature_columns:
        values = train[column]
        if pd.api.types.is_numeric_dtype(values):
            numbers = values.astype(float)
            median = float(numbers.median()) if numbers.notna().any() else 0.0
            filled = numbers.fillna(median)
            std = float(filled.std(ddof=0))
            spec.numeric[column] = (median, float(filled.mean()), std if std > 0 else 1.0)
        else:
            spec.categorical[column] = tuple(sorted(values.dropna().astype(str).unique()))
    return spec


def transform(frame: pd.DataFrame, spec: FeatureSpec) -> pd.DataFrame:
    """Apply ``spec``: the same columns in the same order for every split."""
    columns: dict[str, pd.Series] = {}
    for column, (median, mean, std) in spec.numeric.items():
        columns[column] = (frame[column].astype(float).fillna(median) - mean) / std
    for column, categories in spec.categorical.items():
        text = frame[column].astype("string")
        for category in categories:
            columns[f"{column}_{category}"] = (text == category).fillna(False).astype(float)
    return pd.DataFrame(columns, index=frame.index)


def build_datasets(
    frame: pd.DataFrame,
    labels: list[str],
    seed: int = 42,
    validation_fraction: float = 0.15,
    test_fraction: float = 0.15,
) -> dict[str, dict[str, pd.DataFrame]]:
    """``{label: {split: frame}}`` where each frame is the label column followed by the features."""
    missing = [label for label in labels if label not in frame.columns]
    if missing:
        raise ValueError(f"label column(s) {missing} not in the input (columns: {list(frame.columns)})")
    feature_columns = [column for column in frame.columns if column not in labels]
    if not feature_columns:
        raise ValueError("the input has no feature columns")
    parts = split_indices(len(frame), seed, validation_fraction, test_fraction)
    spec = fit_features(frame.iloc[parts["train"]], feature_columns)
    features = transform(frame, spec)
    datasets: dict[str, dict[str, pd.DataFrame]] = {}
    for label in labels:
        datasets[label] = {}
        for split in SPLITS:
            rows = frame.index[parts[split]]
            part = pd.concat([frame.loc[rows, [label]].astype(float), features.loc[rows]], axis=1)
            datasets[label][split] = part.dropna(subset=[label]).reset_index(drop=True)
    return datasets


def write_datasets(datasets: dict[str, dict[str, pd.DataFrame]], output_dir: Path) -> list[Path]:
    written = []
    for label, splits in datasets.items():
        for split, part in splits.items():
            path = output_dir / split / label / f"{split}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            part.to_csv(path, header=False, index=False, float_format="%.6g")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input-dir", type=Path, default=Path("/opt/ml/processing/input/data"))
    parser.add_argument("--output-dir", type=Path, default=Path("/opt/ml/processing"))
    parser.add_argument("--labels", required=True, help="comma-separated label columns, one per model")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--validation-fraction", type=float, default=0.15)
    parser.add_argument("--test-fraction", type=float, default=0.15)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    labels = [label.strip() for label in args.labels.split(",") if label.strip()]
    frame = read_input(args.input_dir)
    LOG.info("read %d rows, %d columns", len(frame), frame.shape[1])
    datasets = build_datasets(frame, labels, args.seed, args.validation_fraction, args.test_fraction)
    for path in write_datasets(datasets, args.output_dir):
        LOG.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
