"""Evaluation job: score one trained XGBoost model on its test split and write evaluation.json.

Runs inside the XGBoost container as a single file. The model is loaded in ``main`` only;
the metrics are pure functions of (labels, predictions) so that tests can call them.

evaluation.json::

    {"metric": "<name>", "metrics": {"<name>": {"value": <float>}, ...}, "rows": <n>}

The pipeline's condition reads ``metrics.<metric>.value`` through a PropertyFile.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import tarfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

LOG = logging.getLogger("evaluate")
CLASSIFICATION = ("auc", "accuracy", "f1")
REGRESSION = ("rmse", "mae", "r2")


def _pair(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    truth = np.asarray(y_true, dtype=float).ravel()
    pred = np.asarray(y_pred, dtype=float).ravel()
    if truth.shape != pred.shape or truth.size == 0:
        raise ValueError(f"need equal, non-empty label and prediction arrays, got {truth.size} and {pred.size}")
    return truth, pred


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    truth, pred = _pair(y_true, y_pred)
    return float(math.sqrt(np.mean((truth - pred) ** 2)))


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    truth, pred = _pair(y_true, y_pred)
    return float(np.mean(np.abs(truth - pred)))


def r2(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    truth, pred = _pair(y_true, y_pred)
    total = float(np.sum((truth - truth.mean()) ** 2))
    if total == 0:
        raise ValueError("r2 is undefined when every label is the same")
    return 1.0 - float(np.sum((truth - pred) ** 2)) / total


def auc(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Area under the ROC curve: the probability that a positive outranks a negative (ties count half)."""
    truth, pred = _pair(y_true, y_pred)
    positives = truth == 1
    n_pos = int(positives.sum())
    n_neg = truth.size - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("auc needs both classes in the labels")
    ranks = pd.Series(pred).rank(method="average").to_numpy()
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    truth, pred = _pair(y_true, y_pred)
    return float(np.mean((pred >= 0.5) == (truth == 1)))


def f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    truth, pred = _pair(y_true, y_pred)
    predicted = pred >= 0.5
    actual = truth == 1
    true_pos = float(np.sum(predicted & actual))
    denominator = float(np.sum(predicted) + np.sum(actual))
    return 0.0 if denominator == 0 else 2 * true_pos / denominator


METRICS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "auc": auc,
    "accuracy": accuracy,
    "f1": f1,
    "rmse": rmse,
    "mae": mae,
    "r2": r2,
}


def evaluation_report(metric: str, y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, object]:
    """The evaluation.json content: the chosen metric and its family's other metrics."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric '{metric}', expected one of {sorted(METRICS)}")
    family = CLASSIFICATION if metric in CLASSIFICATION else REGRESSION
    values = {name: {"value": round(METRICS[name](y_true, y_pred), 6)} for name in family}
    return {"metric": metric, "metrics": values, "rows": int(np.asarray(y_true).size)}


def read_test_split(test_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """Labels (first column) and features of every headerless CSV under ``test_dir``."""
    files = sorted(test_dir.rglob("*.csv"))
    if not files:
        raise SystemExit(f"no .csv file under {test_dir}")
    frame = pd.concat([pd.read_csv(path, header=None) for path in files], ignore_index=True)
    return frame.iloc[:, 0].to_numpy(dtype=float), frame.iloc[:, 1:].to_numpy(dtype=float)


def load_booster(model_dir: Path) -> object:  # pragma: no cover - needs xgboost, runs in the job
    """The Booster from the training job's model.tar.gz (native format; pickled by older containers)."""
    import pickle

    import xgboost

    with tarfile.open(model_dir / "model.tar.gz") as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(model_dir, filter="data")
        else:  # older Python without extraction filters; the archive is our own training output
            tar.extractall(model_dir)  # noqa: S202
    path = model_dir / "xgboost-model"
    booster = xgboost.Booster()
    try:
        booster.load_model(str(path))
    except xgboost.core.XGBoostError:
        with path.open("rb") as handle:
            booster = pickle.load(handle)  # noqa: S301 - written by this pipeline's training job
    return booster


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - exercised in the job
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=Path("/opt/ml/processing/model"))
    parser.add_argument("--test-dir", type=Path, default=Path("/opt/ml/processing/test"))
    parser.add_argument("--output-dir", type=Path, default=Path("/opt/ml/processing/evaluation"))
    parser.add_argument("--metric", required=True, choices=sorted(METRICS))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    import xgboost

    labels, features = read_test_split(args.test_dir)
    booster = load_booster(args.model_dir)
    predictions = booster.predict(xgboost.DMatrix(features))  # type: ignore[attr-defined]
    report = evaluation_report(args.metric, labels, predictions)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    (args.output_dir / "evaluation.json").write_text(json.dumps(report, indent=2, sort_keys=True))
    LOG.info("evaluation: %s", json.dumps(report, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
