"""MMBench on an OpenCompass-style TSV (base64 images), made here; CircularEval end to end."""

import base64
import csv
import json
from pathlib import Path

import pytest

from cli import main
from evals.store import iter_jsonl, read_json
from evals.suites import get_suite
from evals.suites.mmbench import ROTATION, rotate
from tests.helpers import png_bytes

QUESTIONS = [
    {"index": 3, "question": "What colour is it?", "hint": "", "A": "red", "B": "green", "C": "blue", "D": "black",
     "answer": "A", "category": "attribute_recognition", "l2-category": "finegrained_perception"},
    {"index": 8, "question": "What shape is it?", "hint": "Look closely.", "A": "circle", "B": "square",
     "C": "triangle", "D": "", "answer": "B", "category": "object_localization", "l2-category": "coarse_perception"},
]  # fmt: skip


def write_tsv(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter="\t")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def tsv(tmp_path: Path) -> Path:
    image = base64.b64encode(png_bytes((200, 30, 30))).decode()
    return write_tsv(tmp_path / "MMBench_DEV_EN.tsv", [{**row, "image": image} for row in QUESTIONS])


def test_rotations_move_the_options_and_follow_the_answer() -> None:
    rotated = rotate(QUESTIONS[0], 1)
    assert rotated["index"] == 3 + ROTATION
    assert [rotated[letter] for letter in "ABCD"] == ["green", "blue", "black", "red"]
    assert rotated["answer"] == "D"
    three = rotate(QUESTIONS[1], 2)  # an absent option D is not rotated in
    assert [three[letter] for letter in "ABC"] == ["triangle", "circle", "square"] and three["answer"] == "C"


def test_loads_a_tsv_and_makes_every_rotation(tsv: Path) -> None:
    samples = list(get_suite("mmbench").load("dev", data=str(tsv)))
    assert sorted(int(s.id) for s in samples) == [3, 8, 1_000_003, 1_000_008, 2_000_003, 2_000_008, 3_000_003]
    shape = next(s for s in samples if s.id == "8")
    assert shape.question == (
        "Hint: Look closely.\nQuestion: What shape is it?\nOptions:\nA. circle\nB. square\nC. triangle"
    )
    assert Path(shape.images[0]).is_file()


def test_data_that_has_rotations_is_used_as_is_and_shares_images(tmp_path: Path) -> None:
    image = base64.b64encode(png_bytes((1, 2, 3))).decode()
    rows = [{**QUESTIONS[0], "image": image}, {**rotate(QUESTIONS[0], 1), "image": "3"}]
    samples = list(get_suite("mmbench").load("dev", data=str(write_tsv(tmp_path / "c.tsv", rows))))
    assert [s.id for s in samples] == ["3", "1000003"] and samples[0].images == samples[1].images


def circular_replies(samples) -> dict:
    """Right on every rotation of question 3; question 8 wrong once and unresolved once."""
    replies = {s.id: s.target["answer"] for s in samples}
    replies["1000008"] = "A"
    replies["2000008"] = "A or B"
    return replies


def test_circular_eval_counts_a_question_only_if_every_rotation_is_right(tmp_path: Path, tsv: Path) -> None:
    samples = list(get_suite("mmbench").load("dev", data=str(tsv)))
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"answers": circular_replies(samples)}))
    out = tmp_path / "run"
    argv = ["--suite", "mmbench", "--model", f"scripted:{script}", "--data", str(tsv), "--out", str(out)]
    assert main([*argv, "--no-progress"]) == 0
    results = read_json(out / "results.json")
    assert results["score"] == 50.0 and results["vanilla_score"] == 100.0
    assert results["n"] == 7 and results["n_questions"] == 2 and results["n_unresolved"] == 1
    assert results["questions"] == {"3": 1, "8": 0}
    assert results["breakdowns"]["category"]["object_localization"] == {"score": 0.0, "ci": [0.0, 79.3451], "n": 1}


def test_score_command_matches_the_run(tmp_path: Path, tsv: Path) -> None:
    samples = list(get_suite("mmbench").load("dev", data=str(tsv)))
    replies = circular_replies(samples)
    lines = [{"index": int(s.id), "answer": s.target["answer"], **s.target["options"], "prediction": replies[s.id]}
             for s in samples]  # fmt: skip
    predictions = tmp_path / "p.jsonl"
    predictions.write_text("\n".join(json.dumps(line) for line in lines))
    assert main(["score", "--suite", "mmbench", "--predictions", str(predictions), "--out", str(tmp_path / "s")]) == 0
    results = read_json(tmp_path / "s" / "results.json")
    assert results["score"] == 50.0 and results["questions"] == {"3": 1, "8": 0}
    scored = {r["id"]: r for _, r in iter_jsonl(tmp_path / "s" / "samples.jsonl")}
    assert scored["2000008"]["scoring"]["rule"] == "several" and scored["2000008"]["score"] == 0.0


def test_test_split_writes_the_upload_file(tmp_path: Path) -> None:
    image = base64.b64encode(png_bytes((9, 9, 9))).decode()
    rows = [{**row, "answer": "", "image": image} for row in QUESTIONS]
    tsv = write_tsv(tmp_path / "MMBench_TEST_EN.tsv", rows)
    out = tmp_path / "run"
    argv = ["--suite", "mmbench", "--split", "test", "--model", "scripted", "--data", str(tsv), "--out", str(out)]
    assert main([*argv, "--no-progress"]) == 0
    with (out / "mmbench_test_submission.tsv").open() as handle:
        upload = list(csv.DictReader(handle, delimiter="\t"))
    assert len(upload) == 7 and {"index", "question", "A", "B", "C", "D", "prediction"} <= set(upload[0])
