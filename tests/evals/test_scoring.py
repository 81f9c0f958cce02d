import json
from pathlib import Path

import pytest

from evals.errors import DataError
from evals.scoring import score_predictions
from evals.store import iter_jsonl, read_json
from evals.suites import get_suite


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_score_predictions_writes_results_and_per_sample_scores(tmp_path: Path) -> None:
    preds = write_jsonl(
        tmp_path / "p.jsonl",
        [
            {"id": "a", "prediction": "Yes", "answer": "yes"},
            {"id": "b", "prediction": "circle", "answer": "triangle"},
            {"id": "c", "prediction": "red", "answer": "red"},
            {"id": "d", "prediction": "no", "answer": "yes"},
        ],
    )
    results = score_predictions(get_suite("easyvqa"), preds, tmp_path / "out")
    assert results["score"] == pytest.approx(50.0)
    assert read_json(tmp_path / "out" / "results.json")["score"] == pytest.approx(50.0)
    lines = [obj for _, obj in iter_jsonl(tmp_path / "out" / "samples.jsonl")]
    assert [(o["id"], o["score"], o["answer"]) for o in lines] == [
        ("a", 1.0, "yes"),
        ("b", 0.0, "circle"),
        ("c", 1.0, "red"),
        ("d", 0.0, "no"),
    ]
    assert results["breakdowns"]["answer_type"]["yes/no"] == {"score": 50.0, "ci": [9.4531, 90.5469], "n": 2}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"prediction": "yes", "answer": "yes"}], "missing field 'id'"),
        ([{"id": "a", "answer": "yes"}], "missing field 'prediction'"),
        ([{"id": "a", "prediction": "yes"}], "missing field"),
        ([{"id": "a", "prediction": "y", "answer": "y"}, {"id": "a", "prediction": "y", "answer": "y"}], "twice"),
        ([], "no predictions"),
    ],
)
def test_malformed_predictions_are_one_line_data_errors(tmp_path: Path, rows: list[dict], message: str) -> None:
    preds = write_jsonl(tmp_path / "p.jsonl", rows)
    with pytest.raises(DataError, match=message):
        score_predictions(get_suite("easyvqa"), preds, tmp_path / "out")
