"""The processing scripts' pure functions, on small generated data."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pipelines import evaluate, preprocess, sample_data

LABELS = {"pd": "classification", "lgd": "regression"}


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(sample_data.generate(400, LABELS, seed=3)))


def test_sample_data_is_deterministic_and_shaped(frame: pd.DataFrame) -> None:
    assert sample_data.generate(50, LABELS) == sample_data.generate(50, LABELS)
    assert sample_data.generate(50, LABELS, seed=1) != sample_data.generate(50, LABELS, seed=2)
    assert list(frame.columns) == [*sample_data.FEATURES, "pd", "lgd"]
    assert set(frame["pd"].unique()) == {0, 1}
    assert frame["lgd"].between(0, 1).all()
    assert not pd.api.types.is_numeric_dtype(frame["segment"])
    assert frame["income"].isna().any()


def test_sample_data_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind 'ordinal'"):
        sample_data.generate(10, {"y": "ordinal"})


def test_split_is_deterministic_disjoint_and_complete() -> None:
    parts = preprocess.split_indices(100, seed=5, validation_fraction=0.2, test_fraction=0.1)
    assert [len(parts[s]) for s in preprocess.SPLITS] == [70, 20, 10]
    assert sorted(np.concatenate(list(parts.values()))) == list(range(100))
    again = preprocess.split_indices(100, seed=5, validation_fraction=0.2, test_fraction=0.1)
    assert all((parts[s] == again[s]).all() for s in preprocess.SPLITS)
    with pytest.raises(ValueError, match="too few"):
        preprocess.split_indices(3, seed=5, validation_fraction=0.2, test_fraction=0.1)


def test_features_are_learned_from_train_only() -> None:
    train = pd.DataFrame({"x": [1.0, 3.0, None], "c": ["a", "b", "a"]})
    spec = preprocess.fit_features(train, ["x", "c"])
    assert spec.numeric["x"] == (2.0, 2.0, pytest.approx(np.sqrt(2 / 3)))
    assert spec.categorical["c"] == ("a", "b")
    out = preprocess.transform(pd.DataFrame({"x": [None, 2.0], "c": ["z", "b"]}), spec)
    assert list(out.columns) == ["x", "c_a", "c_b"]
    assert out.to_numpy().tolist() == [[0.0, 0.0, 0.0], [0.0, 0.0, 1.0]]


def test_datasets_put_the_label_first_per_model(frame: pd.DataFrame, tmp_path: Path) -> None:
    datasets = preprocess.build_datasets(frame, ["pd", "lgd"], seed=1)
    assert set(datasets) == {"pd", "lgd"}
    train = datasets["pd"]["train"]
    assert train.columns[0] == "pd" and "lgd" not in train.columns
    assert not train.isna().any().any()
    assert sum(len(datasets["pd"][s]) for s in preprocess.SPLITS) == len(frame)
    written = preprocess.write_datasets(datasets, tmp_path)
    assert tmp_path / "train" / "lgd" / "train.csv" in written
    first = (tmp_path / "test" / "pd" / "test.csv").read_text().splitlines()[0].split(",")
    assert first[0] in {"0", "1"} and len(first) == train.shape[1]


def test_missing_label_is_a_clear_error(frame: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"label column\(s\) \['target'\] not in the input"):
        preprocess.build_datasets(frame, ["target"])


def test_preprocess_main_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "data.csv").write_text(sample_data.generate(120, {"target": "regression"}))
    assert (
        preprocess.main(
            ["--input-dir", str(tmp_path / "in"), "--output-dir", str(tmp_path / "out"), "--labels", "target"]
        )
        == 0
    )
    labels, features = evaluate.read_test_split(tmp_path / "out" / "test")
    assert labels.shape == (18,) and features.shape[0] == 18


@pytest.mark.parametrize(
    ("metric", "truth", "pred", "expected"),
    [
        ("rmse", [1, 2, 3], [1, 2, 5], np.sqrt(4 / 3)),
        ("mae", [1, 2, 3], [2, 2, 5], 1.0),
        ("r2", [1, 2, 3], [1, 2, 3], 1.0),
        ("auc", [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.75),
        ("auc", [0, 1], [0.5, 0.5], 0.5),
        ("accuracy", [0, 1, 1, 0], [0.2, 0.7, 0.4, 0.6], 0.5),
        ("f1", [1, 1, 0, 0], [0.9, 0.1, 0.8, 0.2], 0.5),
    ],
)
def test_metrics(metric: str, truth: list[float], pred: list[float], expected: float) -> None:
    assert evaluate.METRICS[metric](np.array(truth), np.array(pred)) == pytest.approx(expected)


def test_metric_errors() -> None:
    with pytest.raises(ValueError, match="both classes"):
        evaluate.auc(np.array([1, 1]), np.array([0.2, 0.3]))
    with pytest.raises(ValueError, match="equal, non-empty"):
        evaluate.rmse(np.array([1.0]), np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="unknown metric"):
        evaluate.evaluation_report("logloss", np.array([1.0]), np.array([1.0]))


def test_evaluation_report_is_what_the_condition_reads() -> None:
    report = evaluate.evaluation_report("auc", np.array([0, 1, 1, 0]), np.array([0.1, 0.9, 0.6, 0.4]))
    assert report["metric"] == "auc"
    metrics = json.loads(json.dumps(report))["metrics"]
    assert metrics["auc"]["value"] == 1.0  # path metrics.auc.value
    assert set(metrics) == {"auc", "accuracy", "f1"}
