"""Scoring: turn generations into per-sample records and records into results.json.

Kept apart from the runner so a run can be re-scored, and a predictions file made anywhere can be
scored, without a model.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evals.errors import DataError, UserError
from evals.records import SCHEMA_VERSION, Sample, SampleRecord
from evals.store import RunDir, SampleLog, iter_jsonl, lock_run_dir
from evals.suites import Suite
from evals.suites.base import field_id, field_str

# Replies are scored on at most their first million characters. Real replies are a few thousand
# (max_new_tokens bounds them); the cap keeps every scorer's time bounded on hostile input (a
# 10 MB "reply" in a predictions file) and is recorded in the sample's scoring when it applies.
MAX_SCORED_CHARS = 1_000_000


def make_record(
    suite: Suite,
    sample: Sample,
    prompt: str,
    text: str | None,
    error: str | None,
    seconds: float,
    images: Sequence[str] | None = None,
) -> SampleRecord:
    """One log line. `images`: every image the prompt showed (few-shot examples' too), in order;
    the sample's own by default."""
    scoring: dict[str, Any] = {}
    answer = None
    score = None
    if error is None and text is not None:
        scoring = suite.score(sample.target, text[:MAX_SCORED_CHARS])
        if len(text) > MAX_SCORED_CHARS:
            scoring["scored_chars"] = MAX_SCORED_CHARS
        raw = scoring.pop("score")
        score = None if raw is None else float(raw)  # None: a probe that logs without scoring
        answer = scoring.pop("answer", None)
    return SampleRecord(
        id=sample.id,
        suite=suite.name,
        prompt=prompt,
        images=list(sample.images if images is None else images),
        generation=text,
        answer=answer,
        score=score,
        target=sample.target,
        meta=sample.meta,
        error=error,
        seconds=round(seconds, 6),
        scoring=scoring,
    )


def results_for(suite: Suite, split: str, records: Sequence[SampleRecord], **extra: Any) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "suite": suite.name,
        "split": split,
        "metric": suite.metric,
        **suite.aggregate(records),
        **extra,
    }


def load_predictions(suite: Suite, path: Path) -> list[tuple[Sample, str]]:
    """Read a predictions JSONL (DESIGN.md format): `id`, `prediction` and the suite's gold fields.

    Every field is type-checked: a wrong type is an error naming the file, line and field."""
    rows: list[tuple[Sample, str]] = []
    seen: set[str] = set()
    for number, obj in iter_jsonl(path):
        sample, text = prediction_record(suite, obj, f"{path}:{number}")
        if sample.id in seen:
            raise DataError(f"{path}:{number}: id {sample.id!r} appears twice; each id must appear once")
        seen.add(sample.id)
        rows.append((sample, text))
    if not rows:
        raise DataError(f"{path} holds no predictions")
    return rows


def prediction_record(suite: Suite, obj: dict[str, Any], where: str, gold: bool = True) -> tuple[Sample, str]:
    """One predictions record as a sample (its id, question, gold target and metadata) and the
    model's text; `gold=False` reads only the id and the text (the gold comes from elsewhere)."""
    for alias in ("index", "pid"):  # MMBench's and MathVista's own records name their id so
        if "id" not in obj and alias in obj:
            obj = {**obj, "id": obj[alias]}
    if "id" not in obj:
        raise DataError(f"{where}: missing field 'id'")
    sample_id = field_id(obj, "id", where)
    name = "prediction" if "prediction" in obj else "response" if "response" in obj else None
    if name is None:
        raise DataError(f"{where}: missing field 'prediction'")
    text = field_str(obj, name, where)
    question = field_str(obj, "question", where, optional=True) or ""
    if not gold:
        return Sample(id=sample_id, question=question), text
    try:
        target = suite.target_from_record(obj)
        meta = suite.meta_from_record(obj)
    except DataError as exc:
        raise DataError(f"{where}: {exc}") from None
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError) as exc:
        # a shape no check above foresaw: still one line that says where
        detail = f"{type(exc).__name__}: {exc}"[:200]
        raise DataError(f"{where}: cannot read this {suite.name} record ({detail})") from None
    return Sample(id=sample_id, question=question, target=target, meta=meta), text


def score_predictions(
    suite: Suite, predictions: Path, out: Path, split: str = "predictions", overwrite: bool = False
) -> dict[str, Any]:
    """`idefics2-eval score`: score a predictions file, write DIR/samples.jsonl and DIR/results.json.

    A folder that already holds a run or scores is never replaced without `overwrite`."""
    rows = load_predictions(suite, predictions)
    return score_rows(suite, rows, out, split, overwrite, source=str(predictions))[1]


def score_rows(
    suite: Suite,
    rows: Sequence[tuple[Sample, str]],
    out: Path,
    split: str,
    overwrite: bool,
    source: str,
    manifest: Callable[[list[SampleRecord], dict[str, Any]], dict[str, Any]] | None = None,
) -> tuple[list[SampleRecord], dict[str, Any]]:
    """Score (sample, model text) pairs into the run directory `out`: samples.jsonl, results.json
    and, with `manifest` (made from the records and results), manifest.json, all under the run's
    lock. Without one, a model run's manifest there is removed: it no longer describes them."""
    run = RunDir(out)
    with lock_run_dir(run.root):
        if run.holds_run() and not overwrite:
            raise UserError(
                f"{out} already holds a run ({', '.join(p.name for p in run.existing_files())}); "
                "pass --overwrite to replace it, or another --out"
            )
        # a sample that carries its own error (bad data, a peer log line without a reply) is
        # logged with it and counted, never scored as an empty reply
        records = [make_record(suite, sample, "", text, sample.error, 0.0) for sample, text in rows]
        if overwrite:  # a model run's manifest and shard logs no longer describe these scores
            run.manifest_path.unlink(missing_ok=True)
            shutil.rmtree(run.root / "shards", ignore_errors=True)
        SampleLog(run.samples_path, recover=False).rewrite(records)
        results = results_for(suite, split, records, source=source)
        run.write_results(results)
        if manifest is not None:
            run.write_manifest(manifest(records, results))
    return records, results
