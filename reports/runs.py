"""Reading what reports and gates work from: a run directory, or a stored results + samples pair.

A "run" here is a folder with `results.json` and `samples.jsonl` (and, when made by `run`, a
`manifest.json`), or the path of such a `results.json`. A folder without `results.json` whose
subfolders are runs stands for all of them (one run per suite, as a CI baseline might keep them).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.errors import DataError, UserError
from evals.records import SampleRecord
from evals.store import MANIFEST, RESULTS, SAMPLES, manifest_problem, read_json, read_log

FAMILY_OF_CLASS = {
    "IdeficsForVisionText2Text": "idefics1",
    "Idefics2ForConditionalGeneration": "idefics2",
    "Idefics3ForConditionalGeneration": "idefics3",
    "SmolVLMForConditionalGeneration": "smolvlm",
}


@dataclass
class Run:
    root: Path
    results: dict[str, Any]
    records: list[SampleRecord]
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def suite(self) -> str:
        return str(self.results.get("suite", ""))

    @property
    def split(self) -> str:
        return str(self.results.get("split", ""))

    @property
    def key(self) -> str:
        return f"{self.suite}/{self.split}"

    @property
    def model(self) -> str:
        return str(self.manifest.get("config", {}).get("model") or self.results.get("model") or "predictions")

    @property
    def image_splitting(self) -> bool | None:
        """What the model really ran with (the backend's report), else what was asked."""
        settings = self.manifest.get("model", {})
        if "image_splitting" in settings:
            return settings["image_splitting"]
        return self.manifest.get("config", {}).get("image_splitting")

    @property
    def family(self) -> str | None:
        """The model family the backend reported (older manifests: known from the model class)."""
        settings = self.manifest.get("model", {})
        if settings.get("family"):
            return str(settings["family"])
        return FAMILY_OF_CLASS.get(str(settings.get("class")))

    @property
    def shots(self) -> int:
        shots = self.manifest.get("config", {}).get("shots", 0)
        return shots if isinstance(shots, int) else 0

    def units(self) -> dict[str, float]:
        """Per scoring unit, its score in [0, 1]: the mean of these is the headline score.

        A unit is a sample, except for MMBench's CircularEval where it is a question (all its
        rotations right or not). Errors count as 0, as in `results.json`.
        """
        if self.suite == "mmbench":
            by_question: dict[str, list[float]] = defaultdict(list)
            for record in self.records:
                by_question[str(record.meta.get("question", record.id))].append(record.score or 0.0)
            return {question: float(all(s == 1.0 for s in scores)) for question, scores in by_question.items()}
        return {record.id: float(record.score or 0.0) for record in self.records}


def results_problem(results: Any) -> str | None:
    """What makes a results.json unusable for reports and gates (None when it is fine)."""
    if not isinstance(results, dict):
        return "it is not a JSON object"
    for name in ("suite", "split"):
        if not isinstance(results.get(name), str):
            return f"'{name}' is missing or not a string"
    problem = _cell_problem(results)
    if problem:
        return problem
    breakdowns = results.get("breakdowns", {})
    if not isinstance(breakdowns, dict):
        return "'breakdowns' is not an object"
    for key, groups in breakdowns.items():
        cells = groups.values() if isinstance(groups, dict) else [None]
        if not all(isinstance(c, dict) and _cell_problem(c) is None for c in cells):
            return f"breakdown '{str(key)[:40]}' is not groups of scores"
    return None


def _cell_problem(cell: dict[str, Any]) -> str | None:
    """A score, its interval and n as results.json writes them (percent); exports copy them onto model cards."""
    score, ci, n = cell.get("score"), cell.get("ci"), cell.get("n")
    if not _finite_or_none(score) or (score is not None and not 0 <= score <= 100):
        return f"'score' is {str(score)[:40]}, not a finite percentage (0-100)"
    if ci is not None and not (
        isinstance(ci, list) and len(ci) == 2 and all(_finite_or_none(v) and v is not None for v in ci)
        and 0 <= ci[0] <= ci[1] <= 100
    ):  # fmt: skip
        return f"'ci' is {str(ci)[:40]}, not an interval [low, high] in percent"
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 0):
        return f"'n' is {str(n)[:40]}, not a count"
    return None


def _finite_or_none(value: Any) -> bool:
    if value is None:
        return True
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def load_run(path: str | Path) -> Run:
    """A run as reports and gates read it: every file checked, nothing in the folder changed
    (a torn last line of a run still being written is left out, not cut)."""
    path = Path(path)
    root = path.parent if path.name == RESULTS else path
    if not (root / RESULTS).is_file():
        raise UserError(f"{path} is not a run: it has no {RESULTS} (run or score something into it first)")
    if not (root / SAMPLES).is_file():
        raise UserError(f"{root} has {RESULTS} but no {SAMPLES}; reports and gates need the per-sample log")
    results = read_json(root / RESULTS)
    problem = results_problem(results)
    if problem:
        raise DataError(f"{root / RESULTS} is damaged ({problem}); re-score the run to rewrite it")
    records, _, _ = read_log(root / SAMPLES, SampleRecord.parse)
    seen: set[str] = set()
    for record in records:
        if record.id in seen:
            raise DataError(f"{root / SAMPLES} holds sample id {record.id!r} twice; each sample must be logged once")
        seen.add(record.id)
    manifest = read_json(root / MANIFEST) if (root / MANIFEST).is_file() else {}
    problem = manifest_problem(manifest) if manifest else None
    if problem:
        raise DataError(f"{root / MANIFEST} is damaged ({problem})")
    return Run(root=root, results=results, records=records, manifest=manifest)


def load_runs(path: str | Path) -> list[Run]:
    """One run, or every run in the subfolders of a folder that is not itself a run."""
    path = Path(path)
    if path.is_dir() and not (path / RESULTS).exists():
        runs = [load_run(child) for child in sorted(path.iterdir()) if (child / RESULTS).is_file()]
        if not runs:
            raise UserError(
                f"{path} holds no runs (no {RESULTS} in it or in its immediate subfolders; deeper ones are not "
                "searched): pass the run folders, or the folder that holds them"
            )
        return runs
    if not path.exists():
        raise UserError(f"no run at {path}")
    return [load_run(path)]
