"""`idefics2-eval import`: a peer's per-sample log as one of our run directories, scored by our
suite, with the peer's own judgement beside ours.

The run directory is a normal one (`report`, `gate` and the comparison tables read it); its
manifest's `imported` says where the generations came from (tool, version, settings, files) and
holds the side-by-side: the peer's headline score, ours, and the samples judged differently
(every one of them in `peer_differences.jsonl`).
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from evals.environment import now
from evals.errors import DataError
from evals.files import atomic_file, json_line
from evals.peers import PeerLog, PeerSample
from evals.peers.joining import join_to_data
from evals.records import SCHEMA_VERSION, Sample, SampleRecord
from evals.scoring import prediction_record, score_rows
from evals.suites import Suite

EXAMPLES = 5  # differently judged samples shown (all of them are in DIFFERENCES)
EXAMPLE_CHARS = 100
DIFFERENCES = "peer_differences.jsonl"


@dataclass
class Imported:
    results: dict[str, Any]
    comparison: dict[str, Any]


def gold_hint(log: PeerLog) -> str:
    return (
        f" (the {log.tool} log does not hold it: pass --data with the suite's data, a local copy or hub id, "
        "so that the gold fields come from it by id)"
    )


def _with_peer_fields(sample: Sample, peer: PeerSample, log: PeerLog) -> tuple[Sample, str]:
    """The sample with what the peer's line adds (its GPT extraction, its error) and the reply as
    the peer scored it."""
    if peer.record.get("extraction") is not None:  # the peer's GPT extraction still applies
        sample = replace(sample, target={**sample.target, "extraction": str(peer.record["extraction"])})
    # the data's own problems with images do not matter here: only the gold fields are used
    error = peer.error or (sample.error if not sample.target else None)
    text = str(peer.record.get("prediction") or "")
    return replace(sample, error=error), text.strip() if log.replies_stripped else text


def pair_samples(suite: Suite, log: PeerLog, split: str, data: str | None) -> list[tuple[Sample, str]]:
    """(sample with its gold target, the model's text) for each logged sample: gold from the log's
    own fields, or from the suite's data (`data`): by id, or for lmms-eval >= 0.4 logs by the
    line's position in the task's split (`doc_id`)."""
    if log.needs_data:
        if data is None:
            where = log.settings.get("dataset_path")
            raise DataError(
                f"{log.files[0]}: lmms-eval 0.4+ lines hold no dataset row, only its position (doc_id); pass "
                f"--data with the task's data ({f'{where}, ' if where else ''}a local copy or the hub id) to join them"
            )
        joined, how = join_to_data(suite, log, split, data)
        log.settings["joined_by"] = how
        return [_with_peer_fields(sample, peer, log) for sample, peer in zip(joined, log.samples, strict=True)]
    gold = {sample.id: sample for sample in suite.load(split, None, data)} if data else None
    rows: list[tuple[Sample, str]] = []
    seen: set[str] = set()
    for number, peer in enumerate(log.samples, start=1):
        where = f"{log.files[0]} sample {number}"
        if gold is None:
            try:
                sample, _ = prediction_record(suite, peer.record, where)
            except DataError as exc:
                raise DataError(f"{exc}{gold_hint(log) if 'missing field' in str(exc) else ''}") from None
        else:
            bare, _ = prediction_record(suite, peer.record, where, gold=False)
            if bare.id not in gold:
                raise DataError(
                    f"{where}: id {bare.id!r} is not in {data} ({split}); is it the same benchmark and split?"
                )
            sample = gold[bare.id]
        if sample.id in seen:
            raise DataError(f"{where}: id {sample.id!r} appears twice in the {log.tool} log")
        seen.add(sample.id)
        rows.append(_with_peer_fields(sample, peer, log))
    return rows


def compare(log: PeerLog, records: list[SampleRecord], ours: float | None) -> tuple[dict[str, Any], list[dict]]:
    """The peer's judgement against ours: headline scores, the samples judged differently (all of
    them, second value), and how many of the peer's GPT extractions had failed."""
    differ = []
    judged = 0
    for record, peer in zip(records, log.samples, strict=True):
        if peer.peer_score is None or record.score is None:
            continue
        judged += 1
        if abs(peer.peer_score - record.score) > 1e-9:
            differ.append(
                {
                    "id": record.id,
                    "generation": record.generation,
                    "answer": record.answer,
                    "ours": record.score,
                    "peer": peer.peer_score,
                    # a reply naming no option: both sides guess (MMMU), and guesses may differ
                    **({"ours_guessed": True} if record.scoring.get("guessed") else {}),
                    **({"peer_extraction_failed": True} if peer.peer_extraction_failed else {}),
                }
            )
    peer_score = log.peer_score
    source = "its results file"
    scores = [peer.peer_score for peer in log.samples]
    if peer_score is None and scores and all(score is not None for score in scores):
        peer_score = round(100 * sum(score for score in scores if score is not None) / len(scores), 4)
        source = "the mean of its per-sample scores"
    comparison = {
        "peer_score": peer_score,
        "peer_score_source": source if peer_score is not None else None,
        "our_score": ours,
        "n": len(records),
        "n_peer_judged": judged,
        "n_judged_differently": len(differ),
        "n_peer_extraction_failed": sum(1 for peer in log.samples if peer.peer_extraction_failed),
        "n_no_reply": sum(1 for peer in log.samples if peer.error),
        "differences_file": DIFFERENCES if differ else None,
        "examples": [
            {**row, "generation": (row["generation"] or "")[:EXAMPLE_CHARS], "answer": (row["answer"] or "")[:100]}
            for row in differ[:EXAMPLES]
        ],
    }
    return comparison, differ


def write_jsonl_atomic(path: Path, rows: list[dict[str, Any]]) -> None:
    """All rows at once, through the store's atomic writer (umask permissions, never through a link)."""
    with atomic_file(path) as handle:
        handle.writelines(json_line(row) for row in rows)


def import_run(
    suite: Suite, log: PeerLog, out: Path, split: str, data: str | None = None, overwrite: bool = False
) -> Imported:
    rows = pair_samples(suite, log, split, data)
    comparison: dict[str, Any] = {}

    def manifest(records: list[SampleRecord], results: dict[str, Any]) -> dict[str, Any]:
        found, differ = compare(log, records, results.get("score"))
        comparison.update(found)
        differences = out / DIFFERENCES
        if differ:
            write_jsonl_atomic(differences, differ)
        else:
            differences.unlink(missing_ok=True)  # an earlier import's, replaced with --overwrite
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
