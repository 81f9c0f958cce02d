"""VQAv2, TextVQA and DocVQA on local copies in the hub datasets' schemas, made here."""

import json
from pathlib import Path

import pytest

from cli import main
from evals.errors import UserError
from evals.store import iter_jsonl, read_json
from evals.suites import get_suite
from tests.helpers import png_bytes, write_parquet

COLORS = [(200, 30, 30), (30, 200, 30), (30, 30, 200), (20, 20, 20)]


def vqa_rows(n: int, hidden: bool = False) -> list[dict]:
    return [
        {
            "question_id": 1000 + i,
            "question": f"what color is thing {i}?",
            "image": {"bytes": png_bytes(COLORS[i % 4]), "path": None},
            "answers": None
            if hidden
            else [{"answer": "red", "answer_id": k, "answer_confidence": "yes"} for k in range(1, 11)],
            "answer_type": "other",
            "question_type": "what color is the",
        }
        for i in range(n)
    ]


def docvqa_rows(n: int) -> list[dict]:
    return [
        {
            "questionId": 50 + i,
            "question": f"what is the date {i}?",
            "image": {"bytes": png_bytes(COLORS[i % 4]), "path": None},
            "answers": ["1990", "March 1990"],
            "question_types": ["layout", "form"],
        }
        for i in range(n)
    ]


def test_vqav2_loads_hub_layout_and_writes_images_to_the_cache(tmp_path: Path) -> None:
    data = write_parquet(tmp_path / "vqav2", "validation", vqa_rows(3))
    samples = list(get_suite("vqav2").load("validation", data=str(data)))
    assert [s.id for s in samples] == ["1000", "1001", "1002"]
    assert samples[0].target == {"answers": ["red"] * 10}
    assert samples[0].meta == {"answer_type": "other", "question_type": "what color is the"}
    assert Path(samples[0].images[0]).is_file() and str(tmp_path / "cache") in samples[0].images[0]


def test_docvqa_uses_question_id_and_first_question_type(tmp_path: Path) -> None:
    data = write_parquet(tmp_path / "doc", "validation", docvqa_rows(2))
    sample = next(iter(get_suite("docvqa").load("validation", data=str(data))))
    assert sample.id == "50" and sample.meta == {"question_type": "layout"}
    assert get_suite("docvqa").score(sample.target, " march 1990 ")["score"] == 1.0


def test_local_json_rows_with_relative_image_paths(tmp_path: Path, image_dir: Path) -> None:
    rows = [{"question_id": 7, "question": "q?", "image": "images/red.png", "answers": ["a"] * 10}]
    (tmp_path / "validation.json").write_text(json.dumps({"data": rows}))
    (sample,) = get_suite("textvqa").load("validation", data=str(tmp_path / "validation.json"))
    assert sample.images == (str(tmp_path / "images" / "red.png"),)


@pytest.mark.parametrize("suite", ["vqav2", "textvqa", "docvqa"])
def test_twenty_sample_run_with_tiny_on_local_fixture_data(tmp_path: Path, suite: str) -> None:
    rows = docvqa_rows(20) if suite == "docvqa" else vqa_rows(20)
    data = write_parquet(tmp_path / suite, "validation", rows)
    out = tmp_path / "run"
    assert (
        main(
            [
                "--suite",
                suite,
                "--model",
                "tiny",
                "--data",
                str(data),
                "--limit",
                "20",
                "--out",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    results = read_json(out / "results.json")
    assert results["n"] == 20 and isinstance(results["score"], float)
    assert len(list(iter_jsonl(out / "samples.jsonl"))) == 20


def test_hidden_split_writes_the_server_submission_file(tmp_path: Path) -> None:
    data = write_parquet(tmp_path / "vqav2", "testdev", vqa_rows(4, hidden=True))
    out = tmp_path / "run"
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"default": "Two dogs."}))
    assert (
        main(
            [
                "--suite",
                "vqav2",
                "--split",
                "testdev",
                "--model",
                f"scripted:{script}",
                "--data",
                str(data),
                "--out",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    results = read_json(out / "results.json")
    assert results["score"] is None and "official evaluation server" in results["note"]
    submission = read_json(out / "vqav2_submission.json")
    assert submission[0] == {"question_id": 1000, "answer": "2 dogs"}  # the processed answer
    assert len(submission) == 4


def test_answers_missing_on_an_answered_split_is_a_clear_error(tmp_path: Path) -> None:
    data = write_parquet(tmp_path / "vqav2", "validation", vqa_rows(2, hidden=True))
    with pytest.raises(UserError, match="has no answers"):
        list(get_suite("vqav2").load("validation", data=str(data)))


@pytest.mark.parametrize(
    ("suite", "split"),
    [("textvqa", "validation"), ("mmmu", "validation"), ("mathvista", "testmini"), ("mmbench", "dev")],
)
def test_offline_hub_dataset_is_a_one_line_error(suite: str, split: str) -> None:
    with pytest.raises(UserError, match=r"cannot load dataset 'nobody/nothing'.*--data PATH"):
        list(get_suite(suite).load(split, data="nobody/nothing"))


@pytest.mark.parametrize(
    ("suite", "prediction", "answers", "expected"),
    [
        ("vqav2", "Two", ["2"] * 10, 1.0),
        ("textvqa", "Two", ["two"] * 3 + ["x"] * 7, 0.9),
        ("docvqa", "helo", ["hello"], 0.8),
    ],
)
def test_score_command_on_predictions(
    tmp_path: Path, suite: str, prediction: str, answers: list[str], expected: float
) -> None:
    preds = tmp_path / "p.jsonl"
    preds.write_text(json.dumps({"id": "1", "prediction": prediction, "answers": answers}) + "\n")
    assert main(["score", "--suite", suite, "--predictions", str(preds), "--out", str(tmp_path / "o")]) == 0
    (line,) = [obj for _, obj in iter_jsonl(tmp_path / "o" / "samples.jsonl")]
    assert line["score"] == pytest.approx(expected)
    assert read_json(tmp_path / "o" / "results.json")["score"] == pytest.approx(100 * expected)


def test_vqav2_official_release_layout(tmp_path: Path, image_dir: Path) -> None:
    (tmp_path / "val2014").mkdir()
    (tmp_path / "val2014" / "COCO_val2014_000000000042.jpg").write_bytes((image_dir / "red.png").read_bytes())
    questions = {"questions": [{"question_id": 420, "image_id": 42, "question": "what color?"}]}
    annotations = {
        "annotations": [
            {
                "question_id": 420,
                "image_id": 42,
                "answer_type": "other",
                "question_type": "what color",
                "answers": [{"answer": "red", "answer_id": i} for i in range(1, 11)],
            }
        ]
    }
    (tmp_path / "v2_OpenEnded_mscoco_val2014_questions.json").write_text(json.dumps(questions))
    (tmp_path / "v2_mscoco_val2014_annotations.json").write_text(json.dumps(annotations))
    (sample,) = get_suite("vqav2").load("validation", data=str(tmp_path))
    assert sample.id == "420" and sample.target == {"answers": ["red"] * 10}
    assert sample.images == (str(tmp_path / "val2014" / "COCO_val2014_000000000042.jpg"),)
    assert sample.meta == {"answer_type": "other", "question_type": "what color"}


def test_textvqa_official_json_with_image_ids(tmp_path: Path) -> None:
    rows = {"data": [{"question_id": 3, "image_id": "abc", "question": "what brand?", "answers": ["x"] * 10}]}
    (tmp_path / "TextVQA_0.5.1_val.json").write_text(json.dumps(rows))
    (sample,) = get_suite("textvqa").load("validation", data=str(tmp_path / "TextVQA_0.5.1_val.json"))
    assert sample.images == (str(tmp_path / "train_images" / "abc.jpg"),)
