"""Other harnesses' per-sample outputs, read into our predictions records (`idefics2-eval import`).

A reader turns a peer's log into `PeerSample`s: a record in our predictions format (`id`, the
model's `prediction`, the gold fields named as in the benchmark's official data, and, where the
peer ran the official GPT answer extraction, its `extraction`), plus the peer's own judgement of
that sample when its log holds one. `PeerLog` adds where it came from: the tool, its version and
settings, the task, and the peer's own headline score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.errors import UserError

TOOLS = ("lmms-eval", "vlmevalkit")


@dataclass
class PeerSample:
    record: dict[str, Any]
    peer_score: float | None = None  # the peer's own score of this sample in [0, 1], when logged
    # lmms-eval >= 0.4 logs hold no dataset row: the row's position in the task's split, the ids
    # its metric dicts carry, and the prompt text it logged join the line to the data
    doc_id: int | None = None
    logged_ids: tuple[str, ...] = ()
    prompt: str | None = None
    error: str | None = None  # a line without a reply: that sample's error, counted
    peer_extraction_failed: bool = False  # the peer's GPT extraction failed (empty, or its failure text)


@dataclass
class PeerLog:
    tool: str
    files: list[str]
    samples: list[PeerSample]
    task: str | None = None  # the peer's name for the benchmark (lmms-eval task, VLMEvalKit dataset)
    model: str | None = None
    version: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    peer_score: float | None = None  # the peer's headline score, in percent
    needs_data: bool = False  # the lines hold no gold fields: they join to the suite's data by doc_id / id
    replies_stripped: bool = False  # the peer scores the reply with outer whitespace removed, so do we
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> dict[str, Any]:
        return {
            "from": self.tool,
            "files": self.files,
            "task": self.task,
            "model": self.model,
            "version": self.version,
            "settings": self.settings,
            "peer_score": self.peer_score,
            "replies_stripped": self.replies_stripped,
            "warnings": self.warnings,
        }


def read_peer(tool: str, path: Path, suite: str, split: str) -> PeerLog:
    """The peer log at `path` (a file or a folder holding one) for `suite`."""
    if not path.exists():
        raise UserError(f"no {tool} output at {path}")
    if tool == "lmms-eval":
        from evals.peers.lmms_eval import read_lmms_eval

        return read_lmms_eval(path, suite)
    if tool == "vlmevalkit":
        from evals.peers.vlmevalkit import read_vlmevalkit

        return read_vlmevalkit(path, suite, split)
    raise UserError(f"unknown --from {tool!r}; use one of {', '.join(TOOLS)}")


def as_percent(value: Any) -> float | None:
    """A peer's headline score in percent: the tools write fractions or percents. Anything that is
    not a finite number in [0, 100] (NaN, inf, -3, 12345) is no score: None."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    if not 0 <= value <= 100:
        return None
    return round(float(value) * 100, 4) if value <= 1 else float(value)


def headline(value: Any, name: str, file: str, log: PeerLog) -> float | None:
    """`as_percent`, with a warning in the log when a headline is there but is no score."""
    score = as_percent(value)
    if score is None and value is not None:
        log.warnings.append(f"ignored the headline {name} = {str(value)[:40]} in {file}: not a score in [0, 100]")
    return score
