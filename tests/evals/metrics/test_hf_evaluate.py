"""Our scorers through `evaluate.load`: the same per-sample values as `idefics2-eval score`, on the
shared reference outputs (MMMU, MathVista) and on fixtures made here (VQA both ways, ANLS, MMBench)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli import main
from tests.helpers import reference_dir

evaluate = pytest.importorskip("evaluate")


def load(name: str, config: str | None = None):
    from evals.metrics.hf_evaluate import metric_path

    return evaluate.load(metric_path(name), config) if config else evaluate.load(metric_path(name))


def scored(tmp_path: Path, suite: str, records: list[dict]) -> tuple[float, list[float]]:
    """What `idefics2-eval score` writes for these predictions records: headline and per sample."""
    predictions = tmp_path / f"{suite}.jsonl"
    predictions.write_text("".join(json.dumps(record) + "\n" for record in records))
    out = tmp_path / f"{suite}-run"
    assert main(["score", "--suite", suite, "--predictions", str(predictions), "--out", str(out), "--overwrite"]) == 0
    rows = [json.loads(line) for line in (out / "samples.jsonl").open()]
    return json.loads((out / "results.json").read_text())["score"], [row["score"] for row in rows]


@pytest.mark.parametrize("name", ["llava1.5_13b_val", "qwen_vl_val"])
def test_mmmu_metric_matches_score_on_the_reference_outputs(tmp_path: Path, name: str) -> None:
    rows = [json.loads(line) for line in (reference_dir("mmmu") / f"{name}.jsonl").open()]
    references = [{"id": r["id"], "question_type": r["question_type"], "answer": r["answer"],
                   "options": list((r["index2ans"] or {}).values())} for r in rows]  # fmt: skip
    result = load("mmmu").compute(predictions=[r["response"] for r in rows], references=references)
    headline, per_sample = scored(
        tmp_path, "mmmu", [{**ref, "prediction": r["response"]} for ref, r in zip(references, rows, strict=True)]
    )
    assert result["scores"] == per_sample and result["score"] == pytest.approx(headline)


@pytest.mark.parametrize("name", ["bard", "idefics_9b_instruct"])
@pytest.mark.parametrize("given_extraction", [True, False])
def test_mathvista_metric_matches_score_on_the_reference_outputs(tmp_path: Path, name, given_extraction) -> None:
    rows = [json.loads(line) for line in (reference_dir("mathvista") / f"{name}.jsonl").open()]
    references = [
        {"pid": str(r["pid"]), "question_type": r["question_type"], "answer_type": r["answer_type"],
         "answer": r["answer"], "precision": r["precision"], "choices": r["choices"] or [], "unit": r["unit"] or "",
         "extraction": r["extraction"] if given_extraction else ""}
        for r in rows
    ]  # fmt: skip
    result = load("mathvista").compute(predictions=[r["response"] for r in rows], references=references)
    records = [{k: v for k, v in ref.items() if v not in ("", [])} | {"prediction": r["response"]}
               for ref, r in zip(references, rows, strict=True)]  # fmt: skip
    headline, per_sample = scored(tmp_path, "mathvista", records)
    assert result["scores"] == per_sample and result["score"] == pytest.approx(headline)
    if given_extraction:
        assert result["scores"] == [float(r["reference_true_false"]) for r in rows]


def test_vqa_accuracy_has_both_semantics_and_anls_matches_score(tmp_path: Path) -> None:
    answers = [["two"] * 4 + ["2"] * 6, ["red"] * 2 + ["dark red"] * 8, ["yes"] * 10]
    predictions = ["2", "Red", "no"]
    for config in ("vqav2", "textvqa"):
        result = load("vqa_accuracy", config).compute(predictions=predictions, references=answers)
        pairs = enumerate(zip(answers, predictions, strict=True))
        records = [{"id": str(i), "answers": a, "prediction": p} for i, (a, p) in pairs]
        headline, per_sample = scored(tmp_path, config, records)
        assert result["scores"] == per_sample and result["score"] == pytest.approx(headline)
    docs = [["1,250", "1250"], ["Acme Corp."], ["x"]]
    result = load("anls").compute(predictions=["1,250", "acme corp", "zzz"], references=docs)
    records = [
        {"id": str(i), "answers": a, "prediction": p}
        for i, (a, p) in enumerate(zip(docs, ["1,250", "acme corp", "zzz"], strict=True))
    ]
    headline, per_sample = scored(tmp_path, "docvqa", records)
    assert result["scores"] == per_sample and result["score"] == pytest.approx(headline) and per_sample[0] == 1.0


def test_mmbench_circular_counts_a_question_only_when_every_rotation_is_right(tmp_path: Path) -> None:
    from evals.suites.mmbench import ROTATION

    options = {"A": "red", "B": "green", "C": "blue", "D": "black"}
    references, predictions = [], []
    for question in (1, 2):  # the first is answered right in every rotation, the second always "A"
        for rotation in range(4):
            letters = list(options)
            rotated = {letters[(i + rotation) % 4]: text for i, text in enumerate(options.values())}
            answer = next(letter for letter, text in rotated.items() if text == "red")
            references.append({"index": question + rotation * ROTATION, "answer": answer, **rotated})
            predictions.append(answer if question == 1 else "A")
    result = load("mmbench_circular").compute(predictions=predictions, references=references)
    headline, per_sample = scored(
        tmp_path, "mmbench", [{**r, "prediction": p} for r, p in zip(references, predictions, strict=True)]
    )
    assert result["scores"] == per_sample and result["score"] == pytest.approx(headline) == 50.0


def test_an_unknown_metric_is_a_clear_error() -> None:
    from evals.errors import UserError
    from evals.metrics.hf_evaluate import metric_path

    with pytest.raises(UserError, match="no metric 'bleu'; there are vqa_accuracy"):
        metric_path("bleu")
