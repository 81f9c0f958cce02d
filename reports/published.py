"""The published Idefics2 numbers, kept as data (`reports/data/published_idefics2.json`, with its
source), and which of their columns and rows a run compares with."""

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
    row: dict[str, Any] | None  # the Idefics2 row with the run's image-splitting setting

    @property
    def published(self) -> float | None:
        return self.row["scores"].get(self.column["key"]) if self.row else None


def column_for(run: Run) -> dict[str, Any] | None:
    return next((c for c in table()["columns"] if c["key"] == run.key), None)


def match(run: Run) -> Match | None:
    """The published column of the run's suite and split, and the Idefics2 row for its image
    splitting (as its manifest records it; without a record, the row with splitting off)."""
    column = column_for(run)
    if column is None:
        return None
    splitting = bool(run.image_splitting)
    row = next((r for r in table()["rows"] if r.get("idefics2") and r["image_splitting"] == splitting), None)
    return Match(column, row)


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
            label = f"{run.model} (this run{splitting})"
            row = ours.setdefault(label, {"model": label, "published": False, "scores": {}})
            row["scores"][run.key] = run.results["score"]
    return {"columns": columns, "rows": rows + list(ours.values()), "source": table()["source"]}
