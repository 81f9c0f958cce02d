"""Our scorers as Hugging Face `evaluate` metrics, computing exactly what `idefics2-eval score` does.

    import evaluate
    from evals.metrics.hf_evaluate import metric_path
    anls = evaluate.load(metric_path("anls"))
    anls.compute(predictions=["1,250"], references=[["1,250", "1250"]])
    # {"score": 100.0, "scores": [1.0], "n": 1}

Metrics (`metric_path(name)`; `evaluate.load(path, config_name)` where a metric has configs):
- `vqa_accuracy`: references are the ten annotators' answers; config `vqav2` (the official
  vqaEval semantics, the default) or `textvqa` (MMF's TextVQA semantics).
- `anls`: DocVQA's ANLS; references are the accepted answers.
- `mmmu`: references `{"id", "question_type", "answer", "options"}` as in the MMMU data.
- `mathvista`: references `{"pid", "question_type", "answer_type", "answer", "precision", "choices",
  "unit", "extraction"}` (a given `extraction`, e.g. the official GPT one, is used as it is;
  `evaluate` takes no None in text fields, so an empty `unit` / `extraction` / `choices` is absent).
- `mmbench_circular`: CircularEval; references `{"index", "answer", "A", "B", "C", "D"}`, one per
  rotation (a question counts only if every rotation of it is right).

Each returns the headline `score` (percent, as in results.json), the per-sample `scores` and `n`.
Each reference goes through the suite's own typed record reader and each prediction through
`scoring.make_record`, so the values are those `score` writes, sample for sample.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).parent / "evaluate_scripts"
NAMES = ("vqa_accuracy", "anls", "mmmu", "mathvista", "mmbench_circular")
VQA_CONFIGS = {"vqav2": "vqav2", "textvqa": "textvqa", "default": "vqav2"}


def metric_path(name: str) -> str:
    """The script `evaluate.load` takes for metric `name`."""
    if name not in NAMES:
        from evals.errors import UserError

        raise UserError(f"no metric '{name}'; there are {', '.join(NAMES)}")
    return str(SCRIPTS / f"{name}.py")


def _features(name: str) -> Any:
    from datasets import Features, Sequence, Value

    text = Value("string")
    references: Any = {
        "vqa_accuracy": Sequence(text),
        "anls": Sequence(text),
        "mmmu": {"id": text, "question_type": text, "answer": text, "options": Sequence(text)},
        "mathvista": {"pid": text, "question_type": text, "answer_type": text, "answer": text,
                      "precision": Value("float64"), "choices": Sequence(text), "unit": text, "extraction": text},
        "mmbench_circular": {"index": Value("int64"), "answer": text, "A": text, "B": text, "C": text, "D": text},
    }[name]  # fmt: skip
    return Features({"predictions": text, "references": references})


def _suite_name(name: str, config: str) -> str:
    return {"vqa_accuracy": VQA_CONFIGS.get(config, "vqav2"), "anls": "docvqa", "mmmu": "mmmu",
            "mathvista": "mathvista", "mmbench_circular": "mmbench"}[name]  # fmt: skip


def _record(name: str, reference: Any, index: int) -> dict[str, Any]:
    """The reference as the suite's predictions record (its gold fields, named as in its data)."""
    if name in ("vqa_accuracy", "anls"):
        return {"id": str(index), "answers": list(reference)}
    # evaluate's features take no None in a string field: an empty string stands for "absent"
    record = {key: value for key, value in dict(reference).items() if value is not None and value != ""}
    if name == "mathvista" and not record.get("choices"):
        record.pop("choices", None)  # free-form problems have none
    record.setdefault("id", record.get("pid", record.get("index", index)))
    return record


def compute(name: str, config: str, predictions: list[str], references: list[Any]) -> dict[str, Any]:
    from evals.scoring import make_record, prediction_record, results_for
    from evals.suites import get_suite

    suite = get_suite(_suite_name(name, config))
    records = []
    for index, (prediction, reference) in enumerate(zip(predictions, references, strict=True)):
        record = {**_record(name, reference, index), "prediction": prediction}
        sample, text = prediction_record(suite, record, f"{name} reference {index}")
        records.append(make_record(suite, sample, "", text, None, 0.0))
    results = results_for(suite, "evaluate", records)
    return {"score": results["score"], "scores": [r.score for r in records], "n": len(records)}


def metric_for(name: str) -> type:
    """The `evaluate.Metric` class of metric `name` (what its script in evaluate_scripts/ holds)."""
    import evaluate

    class SuiteMetric(evaluate.Metric):
        def _info(self) -> evaluate.MetricInfo:
            return evaluate.MetricInfo(
                description=f"idefics2-eval's {name} scorer, as `idefics2-eval score` computes it",
                citation="",
                inputs_description=__doc__ or "",
                features=_features(name),
            )

        def _compute(self, predictions: list[str], references: list[Any]) -> dict[str, Any]:
            return compute(name, self.config_name, predictions, references)

    SuiteMetric.__name__ = SuiteMetric.__qualname__ = "".join(part.title() for part in name.split("_"))
    return SuiteMetric
