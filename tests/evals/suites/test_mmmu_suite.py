"""MMMU on a local copy in the hub layout (one parquet folder per subject), made here."""

import json
from pathlib import Path

import pytest

from cli import main
from evals.store import iter_jsonl, read_json
from evals.suites import get_suite
from tests.helpers import png_bytes, write_parquet

RED, BLUE = (200, 30, 30), (30, 30, 200)


def mmmu_row(subject: str, number: int, split: str = "validation", hidden: bool = False) -> dict:
    multi = number % 2 == 1
    row = {
        "id": f"{split}_{subject}_{number}",
        "question": "Which is red, <image 1> or <image 2>?" if multi else "How many images are there? <image 1>",
        "options": "['the first', 'the second']" if multi else "[]",
        "answer": "?" if hidden else ("A" if multi else "2"),
        "question_type": "multiple-choice" if multi else "open",
        "topic_difficulty": "Easy",
        "image_1": {"bytes": png_bytes(RED), "path": None},
        "image_2": {"bytes": png_bytes(BLUE), "path": None} if multi else None,
    }
    row.update({f"image_{i}": None for i in range(3, 8)})
    return row


@pytest.fixture
def mmmu_data(tmp_path: Path) -> Path:
    root = tmp_path / "MMMU"
    for subject in ("Art_Theory", "Physics"):
        write_parquet(root / subject, "validation", [mmmu_row(subject, n) for n in (1, 2)])
        write_parquet(root / subject, "test", [mmmu_row(subject, n, "test", hidden=True) for n in (1, 2)])
    return root


def run(tmp_path: Path, data: Path, answers: dict, *extra: str) -> Path:
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"answers": answers, "default": "no idea"}))
    out = tmp_path / "run"
    argv = ["--suite", "mmmu", "--model", f"scripted:{script}", "--data", str(data), "--out", str(out)]
    assert main([*argv, "--no-progress", *extra]) == 0
    return out


def test_loads_subjects_with_images_options_and_disciplines(mmmu_data: Path) -> None:
    samples = list(get_suite("mmmu").load("validation", data=str(mmmu_data)))
    assert [s.id for s in samples] == [
        "validation_Art_Theory_1",
        "validation_Art_Theory_2",
        "validation_Physics_1",
        "validation_Physics_2",
    ]
    first = samples[0]
    assert len(first.images) == 2 and first.question.endswith("(A) the first\n(B) the second")
    options = {"A": "the first", "B": "the second"}
    assert first.target == {"question_type": "multiple-choice", "index2ans": options, "answer": "A"}
    assert first.meta["discipline"] == "Art and Design" and samples[2].meta["discipline"] == "Science"


def test_images_go_where_the_question_names_them_or_first(mmmu_data: Path) -> None:
    suite = get_suite("mmmu")
    sample = next(iter(suite.load("validation", data=str(mmmu_data))))
    kinds = [part["type"] for part in suite.prompt(sample)[0]["content"]]
    assert kinds == ["text", "image", "text", "image", "text"]
    first = suite.prompt(sample, images_first=True)[0]["content"]
    assert [part["type"] for part in first] == ["image", "image", "text"] and "<image 1>" in first[2]["text"]
    assert first[2]["text"].endswith("Answer with the option's letter from the given choices directly.")


def test_run_scores_with_the_official_parser_and_counts_guesses(tmp_path: Path, mmmu_data: Path) -> None:
    answers = {
        "validation_Art_Theory_1": "(A)",
        "validation_Art_Theory_2": "There are 2 images.",
        "validation_Physics_1": "B",
        "validation_Physics_2": "three",
    }
    out = run(tmp_path, mmmu_data, answers, "--images-first")
    results = read_json(out / "results.json")
    assert results["score"] == 50.0 and results["n_guessed"] == 0
    assert results["breakdowns"]["discipline"]["Art and Design"] == {"score": 100.0, "ci": [34.238, 100.0], "n": 2}
    assert read_json(out / "manifest.json")["suite"]["image_placement"] == "first"
    records = {r["id"]: r for _, r in iter_jsonl(out / "samples.jsonl")}
    assert records["validation_Art_Theory_1"]["answer"] == "A"
    assert 2.0 in records["validation_Art_Theory_2"]["scoring"]["parsed"]


def test_test_split_writes_the_evalai_answer_file(tmp_path: Path, mmmu_data: Path) -> None:
    out = run(tmp_path, mmmu_data, {"test_Physics_1": "B"}, "--split", "test")
    submission = read_json(out / "mmmu_test_submission.json")
    assert submission["test_Physics_1"] == "B" and submission["test_Physics_2"] == "no idea"
    assert read_json(out / "results.json")["score"] is None


def test_score_command_on_official_fields(tmp_path: Path) -> None:
    rows = [
        {"id": "validation_Math_1", "question_type": "multiple-choice", "answer": "C", "response": "(C)",
         "index2ans": {"A": "1", "B": "2", "C": "3"}},
        {"id": "validation_Math_2", "question_type": "open", "answer": "['24/7', '3.429']", "response": "It is 3.429"},
    ]  # fmt: skip
    predictions = tmp_path / "p.jsonl"
    predictions.write_text("\n".join(json.dumps(row) for row in rows))
    assert main(["score", "--suite", "mmmu", "--predictions", str(predictions), "--out", str(tmp_path / "s")]) == 0
    results = read_json(tmp_path / "s" / "results.json")
    assert results["score"] == 100.0
    assert results["breakdowns"]["subject"] == {"Math": {"score": 100.0, "ci": [34.238, 100.0], "n": 2}}


def test_a_multiple_choice_gold_that_is_none_of_the_options_is_refused_not_scored_zero(tmp_path, capsys) -> None:
    """QA pass: a VLMEvalKit file with answer 'Z' beside options A and B imported with score 0 and no error."""
    from tests.hostile import assert_one_line_error, cli

    table = tmp_path / "M_MMMU_DEV_VAL.tsv"
    table.write_text(
        "index\tid\tquestion\tA\tB\tanswer\tcategory\tsplit\tprediction\n"
        "0\tvalidation_Art_1\tq\tred\tblue\tZ\tx\tvalidation\t(A)\n"
    )
    said = cli(capsys, "import", "--from", "vlmevalkit", str(table), "--suite", "mmmu", "--out", str(tmp_path / "r"))
    assert_one_line_error(said, "gold answer 'Z' is none of the options A, B")
