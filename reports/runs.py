"""Reading what reports and gates work from: a run directory, or a stored results + samples pair.

A "run" here is a folder with `results.json` and `samples.jsonl` (and, when made by `run`, a
`manifest.json`), or the path of such a `results.json`. A folder without `results.json` whose
subfolders are runs stands for all of them (one run per suite, as a CI baseline might keep them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.errors import UserError
from evals.records import SampleRecord
from evals.store import MANIFEST, RESULTS, SAMPLES, iter_jsonl, read_json


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


def load_run(path: str | Path) -> Run:
    path = Path(path)
    root = path.parent if path.name == RESULTS else path
    if not (root / RESULTS).is_file():
        raise UserError(f"{path} is not a run: it has no {RESULTS} (run or score something into it first)")
    if not (root / SAMPLES).is_file():
        raise UserError(f"{root} has {RESULTS} but no {SAMPLES}; reports and gates need the per-sample log")
    results = read_json(root / RESULTS)
    records = [SampleRecord.from_json(row) for _, row in iter_jsonl(root / SAMPLES)]
    manifest = read_json(root / MANIFEST) if (root / MANIFEST).is_file() else {}
    return Run(root=root, results=results, records=records, manifest=manifest)


def load_runs(path: str | Path) -> list[Run]:
    """One run, or every run in the subfolders of a folder that is not itself a run."""
    path = Path(path)
    if path.is_dir() and not (path / RESULTS).exists():
        runs = [load_run(child) for child in sorted(path.iterdir()) if (child / RESULTS).is_file()]
        if not runs:
            raise UserError(f"{path} holds no runs (no {RESULTS} in it or its subfolders)")
        return runs
    if not path.exists():
        raise UserError(f"no run at {path}")
    return [load_run(path)]
