"""Joining lmms-eval >= 0.4 log lines to the dataset rows they were made from.

Such a line holds no row, only `doc_id`: the row's position in the task's split as lmms-eval
loaded it (the raw rows, before any de-duplication our suites do). The join is cross-checked
with what the line does say: the ids inside its metric dicts (`mmmu_acc.id`,
`submission.question_id`) and the question, which the prompt text it logged (`input`) contains.
When the ids all name rows of the data but the positions do not fit (the data is the same split
in another order, e.g. MMMU/MMMU read subject by subject where lmms-eval reads lmms-lab/MMMU
whole), the ids join them. Anything else that does not fit is refused with one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from evals.data import iter_rows
from evals.errors import DataError
from evals.peers import PeerLog, PeerSample
from evals.peers.lmms_eval import ID_FIELDS
from evals.records import Sample
from evals.suites import Suite

_IMAGE_TAG = re.compile(r"<image(?: \d+)?>")


def _plain(text: str) -> str:
    """Text compared for containment: image tags out (lmms-eval may rewrite them), spaces collapsed."""
    return " ".join(_IMAGE_TAG.sub(" ", text).split()).lower()


def raw_rows(suite: Suite, split: str, data: str) -> list[tuple[str, str]]:
    """(id, question) of each row of the split, in the order the data holds them."""
    rows_of = getattr(suite, "rows", None)
    rows: Iterable[dict[str, Any]] = rows_of(data, split, None) if rows_of else iter_rows(data, split)
    id_field = ID_FIELDS.get(suite.name, "id")
    found = []
    for row in rows:
        value = row.get(id_field)
        question = row.get("question")
        found.append(("" if value is None else str(value), question if isinstance(question, str) else ""))
    return found


def _fits_by_position(peer: PeerSample, order: list[tuple[str, str]]) -> bool:
    if peer.doc_id is None or peer.doc_id >= len(order):
        return False
    return not peer.logged_ids or order[peer.doc_id][0] in peer.logged_ids


def join_to_data(suite: Suite, log: PeerLog, split: str, data: str) -> tuple[list[Sample], str]:
    """The data's sample for each line of the log, in the log's order, and how they were joined
    ("doc_id" or "id")."""
    where = f"{data} ({split})"
    order = raw_rows(suite, split, data)
    samples = {sample.id: sample for sample in suite.load(split, None, data)}
    file = log.files[0]
    if len(log.samples) > len(order):
        raise DataError(
            f"{file} holds {len(log.samples)} lines but {where} has {len(order)} rows: not the data this log was made "
            "from; pass --data with the task's own data"
        )
    if all(_fits_by_position(peer, order) for peer in log.samples):
        keys = [order[peer.doc_id][0] for peer in log.samples if peer.doc_id is not None]
        how = "doc_id"
    elif all(peer.logged_ids and peer.logged_ids[0] in samples for peer in log.samples):
        keys = [peer.logged_ids[0] for peer in log.samples]
        how = "id"
    else:
        bad = next(peer for peer in log.samples if not _fits_by_position(peer, order))
        number = log.samples.index(bad) + 1
        if bad.doc_id is None or bad.doc_id >= len(order):
            detail = f"doc_id {bad.doc_id} is past the {len(order)} rows of {where}"
        else:
            row = order[bad.doc_id][0]
            detail = f"doc_id {bad.doc_id} is row {row!r} of {where}, the line names {bad.logged_ids[0]!r}"
        raise DataError(f"{file} sample {number}: {detail}; is it the data (and split) lmms-eval ran on?")
    questions = {key: question for key, question in order}
    seen: set[str] = set()
    joined = []
    for number, (peer, key) in enumerate(zip(log.samples, keys, strict=True), start=1):
        if key in seen:
            raise DataError(f"{file} sample {number}: row {key!r} appears twice in the log")
        seen.add(key)
        question = questions.get(key, "")
        if peer.prompt is not None and question and _plain(question) not in _plain(peer.prompt):
            raise DataError(
                f"{file} sample {number}: its prompt does not hold the question of row {key!r} in {where} "
                f"({question[:60]!r}); is it the data lmms-eval ran on?"
            )
        if key not in samples:
            raise DataError(f"{file} sample {number}: row {key!r} of {where} is not a sample our {suite.name} loads")
        joined.append(samples[key])
    return joined, how
