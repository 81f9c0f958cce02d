"""`idefics2-eval import`: a peer's per-sample log as one of our run directories, scored by our
suite, with the peer's own judgement beside ours.

The run directory is a normal one (`report`, `gate` and the comparison tables read it); its
manifest's `imported` says where the generations came from (tool, version, settings, files) and
holds the side-by-side: the peer's headline score, ours, and the samples judged differently.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from evals.environment import now
from evals.errors import DataError
from evals.peers import PeerLog
from evals.records import SCHEMA_VERSION, Sample, SampleRecord
from evals.scoring import prediction_record, score_rows
from evals.suites import Suite

EXAMPLES = 5  # differently judged samples shown
EXAMPLE_CHARS = 100


@dataclass
class Imported:
    results: dict[str, Any]
    comparison: dict[str, Any]


def gold_hint(log: PeerLog) -> str:
    return (
        f" (the {log.tool} log does not hold it: pass --data with the suite's data, a local copy or hub id, "
        "so that the gold fields come from it by id)"
    )


def pair_samples(suite: Suite, log: PeerLog, split: str, data: str | None) -> list[tuple[Sample, str]]:
    """(sample with its gold target, the model's text) for each logged sample: gold from the log's
    own fields, or from the suite's data (`data`) by id."""
    gold = {sample.id: sample for sample in suite.load(split, None, data)} if data else None
    rows: list[tuple[Sample, str]] = []
    seen: set[str] = set()
    for number, peer in enumerate(log.samples, start=1):
        where = f"{log.files[0]} sample {number}"
        if gold is None:
            try:
                sample, text = prediction_record(suite, peer.record, where)
            except DataError as exc:
                raise DataError(f"{exc}{gold_hint(log) if 'missing field' in str(exc) else ''}") from None
        else:
            bare, text = prediction_record(suite, peer.record, where, gold=False)
            if bare.id not in gold:
                raise DataError(
                    f"{where}: id {bare.id!r} is not in {data} ({split}); is it the same benchmark and split?"
                )
            sample = gold[bare.id]
            if peer.record.get("extraction") is not None:  # the peer's GPT extraction still applies
                sample = replace(sample, target={**sample.target, "extraction": str(peer.record["extraction"])})
        if sample.id in seen:
            raise DataError(f"{where}: id {sample.id!r} appears twice in the {log.tool} log")
        seen.add(sample.id)
        rows.append((sample, text))
    return rows


def compare(log: PeerLog, records: list[SampleRecord], ours: float | None) -> dict[str, Any]:
    """The peer's judgement against ours: headline scores and the samples judged differently."""
    peer_scores = {str(p.record.get("id")): p.peer_score for p in log.samples}
    differ = []
    judged = 0
    for record in records:
        peer = peer_scores.get(record.id)
        if peer is None or record.score is None:
            continue
        judged += 1
        if abs(peer - record.score) > 1e-9:
            differ.append(record)
    peer_score = log.peer_score
    source = "its results file"
    if peer_score is None and judged and judged == len(records):
        peer_score = round(100 * sum(p for p in peer_scores.values() if p is not None) / judged, 4)
        source = "the mean of its per-sample scores"
    return {
        "peer_score": peer_score,
        "peer_score_source": source if peer_score is not None else None,
        "our_score": ours,
        "n": len(records),
        "n_peer_judged": judged,
        "n_judged_differently": len(differ),
        "examples": [
            {
                "id": r.id,
                "generation": r.generation[:EXAMPLE_CHARS],
                "answer": (r.answer or "")[:EXAMPLE_CHARS],
                "ours": r.score,
                "peer": peer_scores[r.id],
            }
            for r in differ[:EXAMPLES]
        ],
    }


def import_run(
    suite: Suite, log: PeerLog, out: Path, split: str, data: str | None = None, overwrite: bool = False
) -> Imported:
    rows = pair_samples(suite, log, split, data)
    comparison: dict[str, Any] = {}

    def manifest(records: list[SampleRecord], results: dict[str, Any]) -> dict[str, Any]:
        comparison.update(compare(log, records, results.get("score")))
        return {
            "schema_version": SCHEMA_VERSION,
            "created": now(),
            "config": {"suite": suite.name, "split": split, "model": log.model or f"{log.tool} import", "data": data},
            "model": {"backend": "imported", "from": log.tool},
            "imported": {**log.describe(), "comparison": comparison},
            "hardware": {"python": platform.python_version()},
        }

    _, results = score_rows(suite, rows, out, split, overwrite, source=f"{log.tool}: {log.files[0]}", manifest=manifest)
    return Imported(results, comparison)
