"""Request seeds from the public sets users bring, from a local file: FigStep's SafeBench CSV
(`question`, `category_name`), MM-SafetyBench JSON (`Question`, per scenario), HarmBench's
behaviours CSV (`Behavior`, `SemanticCategory`), or any CSV / JSON / JSONL with a request column
(`question`, `request`, `prompt`, `goal`, `behavior`) and optionally a category column; or the
same columns in a hub dataset, named `ORG/NAME[:SPLIT]`."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

from evals.data import iter_rows
from evals.errors import DataError, UserError
from evals.hub import plausible_hub_id
from evals.store import iter_jsonl, read_json

REQUEST_COLUMNS = ("question", "Question", "request", "prompt", "goal", "Behavior", "behavior")
CATEGORY_COLUMNS = ("category_name", "category", "Category", "SemanticCategory", "scenario")


def _rows(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".csv":
        csv.field_size_limit(sys.maxsize)
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                return list(csv.DictReader(handle))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise DataError(f"cannot read {path} as UTF-8 CSV: {exc}") from None
    if path.suffix == ".jsonl":
        return [row for _, row in iter_jsonl(path)]
    data = read_json(path)
    if isinstance(data, dict):  # MM-SafetyBench: {"0": {"Question": ...}, ...}
        data = [dict(value, scenario=path.stem) if isinstance(value, dict) else value for value in data.values()]
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise DataError(f"{path}: expected a list of records")
    return data


def _sources(source: str) -> list[tuple[str, list[dict[str, Any]]]]:
    """(name, rows) of a local file, a folder of files, or a hub dataset `ORG/NAME[:SPLIT]`."""
    path = Path(source).expanduser()
    if path.exists():
        files = (
            sorted(p for p in path.rglob("*") if p.suffix in (".csv", ".json", ".jsonl")) if path.is_dir() else [path]
        )
        return [(str(file), _rows(file)) for file in files]
    repo, _, split = source.partition(":")
    if not plausible_hub_id(repo):
        raise UserError(f"no request file at {source}; give a local CSV / JSON / JSONL or a hub id ORG/NAME[:SPLIT]")
    return [(source, list(iter_rows(repo, split or "train")))]


def load_requests(source: str) -> dict[str, list[str]]:
    """Category -> requests, from a file, a folder of files (MM-SafetyBench keeps one per
    scenario) or a hub dataset."""
    found: dict[str, list[str]] = {}
    for file, rows in _sources(source):
        for number, row in enumerate(rows, start=1):
            request = next((row[c] for c in REQUEST_COLUMNS if isinstance(row.get(c), str) and row[c].strip()), None)
            if request is None:
                present = next((c for c in REQUEST_COLUMNS if c in row), None)
                if present is not None:  # the column is there, its value is not text: say that, not "missing"
                    shown = type(row[present]).__name__ if not isinstance(row[present], str) else "empty text"
                    raise DataError(f"{file} row {number}: '{present}' must be the request as text, got {shown}")
                raise DataError(f"{file} row {number}: no request column ({', '.join(REQUEST_COLUMNS)})")
            category = next((str(row[c]) for c in CATEGORY_COLUMNS if row.get(c) not in (None, "")), "uncategorised")
            found.setdefault(category.strip()[:80], []).append(request.strip()[:2000])
    if not found:
        raise DataError(f"{source} holds no requests")
    return found
