"""Results as data: CSV for spreadsheets, JSON with the changes between runs, and the Hugging Face model
card `model-index` YAML.

Every number is the one `results.json` holds (score and `ci` in percent); changes and their paired
intervals come from `reports.pairing`, the same ones the HTML page and `gate` show. CSV text cells pass
through `spreadsheet_safe`: group names and model names are data, and a cell starting with `=` would be
a live formula in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from evals.cells import spreadsheet_safe
from evals.errors import UserError
from evals.terminal import printable
from reports.compare import by_suite, labels
from reports.pairing import Group, changes, flips, scores
from reports.runs import Run

CSV_COLUMNS = ("run", "label", "model", "suite", "split", "group_key", "group", "n", "score", "ci_low", "ci_high")
INTERVALS = (
    "95% Wilson intervals of each score (percent); changes: candidate minus baseline (the first run of its suite "
    "and split) in points over the samples both scored, with Newcombe's paired interval"
)
# The model card's task types (Hub pipeline tags) and dataset names; `type` is the Hub dataset id.
TASK_TYPES = {"docvqa": ("document-question-answering", "Document Question Answering")}
DEFAULT_TASK = ("visual-question-answering", "Visual Question Answering")
DATASET_NAMES = {
    "vqav2": "VQAv2",
    "textvqa": "TextVQA",
    "docvqa": "DocVQA",
    "mmmu": "MMMU",
    "mathvista": "MathVista",
    "mmbench": "MMBench",
    "easyvqa": "easy-VQA",
}
DATASET_TYPES = {"easyvqa": "easy-vqa"}  # on PyPI, not the Hub


def _number(value: float) -> float | None:
    return None if math.isnan(value) else value


def _ci(group: Group) -> list[float] | None:
    s = group.score
    return None if math.isnan(s.low) else [s.low, s.high]


def to_csv(runs: list[Run]) -> str:
    """One row per run and breakdown group; the headline row has an empty group key and group."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for run, label in zip(runs, labels(runs), strict=True):
        for group in scores(run):
            ci = _ci(group)
            text = [str(run.root), label, run.model, run.suite, run.split, group.key, group.name]
            numbers = [group.n, _number(group.score.estimate), *(ci or [None, None])]
            # escapes and bidi controls in names from data are shown, not obeyed, when the file is cat or opened
            writer.writerow([spreadsheet_safe(printable(t)) for t in text] + ["" if v is None else v for v in numbers])
    return buffer.getvalue()


def _change_json(c: Any) -> dict[str, Any]:
    d = c.difference
    return {"n": c.n, "baseline": c.baseline, "candidate": c.candidate, "delta": d.estimate, "ci": [d.low, d.high]}


def to_json(runs: list[Run]) -> str:
    """The CSV's figures per run, and for each run after the first of its suite and split: the change of
    the headline and of each group with its paired interval, and the ids of the samples that flipped."""
    named = dict(zip((id(r) for r in runs), labels(runs), strict=True))
    first = {key: group[0] for key, group in by_suite(runs).items()}
    out = []
    for run in runs:
        found = scores(run)
        entry: dict[str, Any] = {
            "run": str(run.root),
            "label": named[id(run)],
            "model": run.model,
            "suite": run.suite,
            "split": run.split,
            "metric": run.results.get("metric"),
            "n": found[0].n,
            "score": _number(found[0].score.estimate),
            "ci": _ci(found[0]),
            "groups": [
                {"key": g.key, "group": g.name, "n": g.n, "score": _number(g.score.estimate), "ci": _ci(g)}
                for g in found[1:]
            ],
        }
        baseline = first[run.key]
        if baseline is not run and baseline.results.get("score") is not None and run.results.get("score") is not None:
            headline, *groups = changes(baseline, run)
            regressed, improved = flips(baseline, run)
            entry.update(
                baseline=str(baseline.root),
                delta=_change_json(headline),
                group_deltas=[{"key": c.key, "group": c.name, **_change_json(c)} for c in groups],
                regressed=[f.id for f in regressed],
                improved=[f.id for f in improved],
            )
        out.append(entry)
    return json.dumps({"intervals": INTERVALS, "runs": out}, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def model_index(runs: list[Run], source_url: str | None = None) -> list[dict[str, Any]]:
    """The `model-index` of a model card: one entry per model, one result per scored run."""
    from evals.suites import get_suite

    named = dict(zip((id(r) for r in runs), labels(runs), strict=True))
    by_model: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        score = run.results.get("score")
        if score is None:
            continue  # a hidden split: the number comes from the benchmark's server
        task_type, task_name = TASK_TYPES.get(run.suite, DEFAULT_TASK)
        try:
            hub_id = str(getattr(get_suite(run.suite), "default_data", "") or "")
        except UserError:
            hub_id = ""
        metric: dict[str, Any] = {"type": str(run.results.get("metric") or "accuracy"), "value": round(score, 2)}
        if named[id(run)] != run.model:
            metric["name"] = f"{metric['type']} ({named[id(run)]})"
        ci = run.results.get("ci")
        if isinstance(ci, list) and len(ci) == 2:
            metric["args"] = {"ci95": [round(float(ci[0]), 2), round(float(ci[1]), 2)], "n": run.results.get("n")}
        result: dict[str, Any] = {
            "task": {"type": task_type, "name": task_name},
            "dataset": {
                "name": DATASET_NAMES.get(run.suite, run.suite),
                "type": DATASET_TYPES.get(run.suite, hub_id or run.suite),
                "split": run.split,
            },
            "metrics": [metric],
        }
        if source_url:
            result["source"] = {"name": "idefics2-eval", "url": source_url}
        by_model.setdefault(run.model, []).append(result)
    if not by_model:
        raise UserError("none of these runs has a score for a model card (hidden splits are scored by their servers)")
    return [{"name": model, "results": results} for model, results in by_model.items()]


def to_model_index(runs: list[Run], source_url: str | None = None) -> str:
    """The YAML block for the top of a model card's README.md, checked with huggingface_hub's own parser."""
    import yaml
    from huggingface_hub import ModelCardData

    text = yaml.safe_dump({"model-index": model_index(runs, source_url)}, sort_keys=False, allow_unicode=True)
    card = ModelCardData(**yaml.safe_load(text))  # raises when the Hub would not read it
    if not card.eval_results:
        raise UserError("the model-index written has no results the Hub can read")
    return text
