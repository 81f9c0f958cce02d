"""The published Idefics2 numbers, kept as data (`reports/data/published_idefics2.json`, with its
source), and which of their columns and rows a run compares with: an Idefics1 run the "Idefics1
instruct (32-shot)" row, an Idefics2 run (or a run whose model family is not recorded) the Idefics2
row with its image-splitting setting; other families have no published row there."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reports.runs import Run

DATA = Path(__file__).parent / "data" / "published_idefics2.json"


@cache
def table() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Match:
    column: dict[str, Any]  # the published column the run belongs to (suite and split)
    row: dict[str, Any] | None  # the row of the run's model family (and image splitting, for Idefics2)
    shots: int = 0  # the run's in-context examples

    @property
    def published(self) -> float | None:
        return self.row["scores"].get(self.column["key"]) if self.row else None

    @property
    def caveat(self) -> str | None:
        """What differs between the run's set-up and the published row's, said plainly."""
        if self.row is None or self.row.get("shots", 0) == self.shots:
            return None
        return f"published {self.row['shots']}-shot, this run {self.shots}-shot"


def column_for(run: Run) -> dict[str, Any] | None:
    return next((c for c in table()["columns"] if c["key"] == run.key), None)


def row_for(family: str | None, image_splitting: bool | None) -> dict[str, Any] | None:
    """The published row of a model family: Idefics2's by image splitting (off when not recorded)."""
    family = family or "idefics2"
    rows = [r for r in table()["rows"] if r.get("family") == family]
    if family == "idefics2":
        rows = [r for r in rows if r["image_splitting"] == bool(image_splitting)]
    return rows[0] if rows else None


def match(run: Run) -> Match | None:
    """The published column of the run's suite and split, and the row of its model family."""
    column = column_for(run)
    if column is None:
        return None
    return Match(column, row_for(run.family, run.image_splitting), run.shots)


def comparison(runs: list[Run]) -> dict[str, Any]:
    """The published table restricted to the columns the runs cover, with the runs as rows."""
    keys = [c["key"] for c in table()["columns"] if any(run.key == c["key"] for run in runs)]
    columns = [c for c in table()["columns"] if c["key"] in keys]
    rows = [
        {"model": r["model"], "published": True, "scores": {k: r["scores"].get(k) for k in keys}}
        for r in table()["rows"]
        if any(r["scores"].get(k) is not None for k in keys)
    ]
    ours: dict[str, dict[str, Any]] = {}
    for run in runs:
        if run.key in keys and run.results.get("score") is not None:
            splitting = {True: ", image splitting", False: ", no image splitting"}.get(run.image_splitting, "")
            if run.family == "idefics1":
                splitting = ""  # Idefics1 has no image splitting to speak of
            shots = f", {run.shots}-shot" if run.shots else ""
            label = f"{run.model} (this run{shots}{splitting})"
            row = ours.setdefault(label, {"model": label, "published": False, "scores": {}})
            row["scores"][run.key] = run.results["score"]
    return {"columns": columns, "rows": rows + list(ours.values()), "source": table()["source"]}
