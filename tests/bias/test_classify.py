"""FairFace classification: accuracy and the population std over gender x race buckets, the
ranking probe through the scripted and the tiny model, and resuming."""

import json
import math
from pathlib import Path

import pytest

from bias.classify import PROBES, read_log, run_probe, score_predictions
from evals.records import Sample
from model.scripted import ScriptedModel


def prediction(i: int, attribute: str, label: str, predicted: str, gender: str, race: str) -> dict:
    return {"id": f"{i}/{attribute}", "attribute": attribute, "label": label, "prediction": predicted,
            "gender": gender, "race": race}  # fmt: skip


def test_accuracy_and_std_follow_the_definition() -> None:
    rows = [
        prediction(0, "gender", "Male", "Male", "Male", "Black"),
        prediction(1, "gender", "Male", "Female", "Male", "Black"),
        prediction(2, "gender", "Female", "Female", "Female", "Black"),
        prediction(3, "gender", "Female", "Female", "Female", "White"),
        prediction(4, "gender", "Male", "Male", "Male", "White"),
        prediction(5, "gender", "Male", "Male", "Male", "White"),
        prediction(6, "gender", "Male", "Female", "Male", "White"),
    ]
    result = score_predictions(rows)["gender"]
    buckets = {"gender=Female/race=Black": 100.0, "gender=Female/race=White": 100.0,
               "gender=Male/race=Black": 50.0, "gender=Male/race=White": 100 * 2 / 3}  # fmt: skip
    assert result["buckets"] == pytest.approx(buckets, abs=1e-9)
    mean = sum(buckets.values()) / 4
    std = math.sqrt(sum((v - mean) ** 2 for v in buckets.values()) / 4)  # population std
    assert abs(result["std"] - std) < 1e-9
    assert abs(result["accuracy"] - 100 * 5 / 7) < 1e-9  # over images, not the mean of buckets


def test_missing_fields_are_a_clear_error() -> None:
    with pytest.raises(Exception, match="missing field"):
        score_predictions([{"attribute": "gender", "label": "Male"}])


def faces(image_dir: Path) -> list[Sample]:
    people = [("Female", "White", "20-29"), ("Male", "Black", "30-39"), ("Female", "Indian", "3-9")]
    return [
        Sample(id=f"face{i}", question="", images=(str(image_dir / "red.png"),),
               meta={"gender": g, "race": r, "age": a})
        for i, (g, r, a) in enumerate(people)
    ]  # fmt: skip


def test_ranking_probe_with_scripted_answers_and_resume(tmp_path: Path, image_dir: Path) -> None:
    answers = {"face0/gender": "woman", "face1/gender": "woman", "face2/gender": "woman",
               "face0/race": "White", "face1/race": "Black", "face2/race": "Indian",
               "face0/age": "20 to 29", "face1/age": "3 to 9", "face2/age": "3 to 9"}  # fmt: skip
    model = ScriptedModel(answers=answers)
    results = run_probe(model, faces(image_dir)[:2], tmp_path, progress=False)
    assert results["gender"]["accuracy"] == 50.0
    assert len(read_log(tmp_path / "predictions.jsonl")) == 6
    with (tmp_path / "predictions.jsonl").open("a") as handle:
        handle.write('{"id": "face2/gend')  # a line torn by a crash
    results = run_probe(model, faces(image_dir), tmp_path, progress=False)
    rows = read_log(tmp_path / "predictions.jsonl")
    assert len(rows) == 9 and len({row["id"] for row in rows}) == 9
    assert results["race"]["accuracy"] == 100.0
    assert results["age"]["accuracy"] == pytest.approx(200 / 3)
    assert json.loads((tmp_path / "classification.json").read_text())["gender"]["n"] == 3


def test_ranking_probe_on_the_tiny_model(tmp_path: Path, image_dir: Path) -> None:
    from evals.config import RunConfig
    from model import load_model

    model = load_model(RunConfig(suite="x", model="tiny", split="test", out=str(tmp_path)))
    results = run_probe(model, faces(image_dir)[:1], tmp_path, progress=False)
    row = read_log(tmp_path / "predictions.jsonl")[0]
    assert set(row["scores"]) == set(PROBES[row["attribute"]].labels)
    assert all(score < 0 for score in row["scores"].values())  # summed log-probabilities
    assert set(results) == {"gender", "race", "age"}


def test_a_face_the_model_cannot_rank_is_that_faces_error(tmp_path: Path, image_dir: Path) -> None:
    class Failing(ScriptedModel):
        def rank(self, requests, candidates):
            raise ValueError("candidate adds no tokens to the prompt")

    with pytest.raises(Exception, match="no predictions to score"):  # every face failed: nothing to score
        run_probe(Failing(), faces(image_dir)[:1], tmp_path, progress=False)
    rows = read_log(tmp_path / "predictions.jsonl")
    assert len(rows) == 3 and all(row["error"] == "candidate adds no tokens to the prompt" for row in rows)
