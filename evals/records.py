"""Serialised records: the sample log line, the run manifest and the results file.

These are public formats (documented in README.md) and carry a schema version, so that a run
directory written today can still be read, re-scored and reported on later.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from evals.errors import DataError

SCHEMA_VERSION = 1
TRANSPORT = "transport"  # SampleRecord.error_kind of a failure that was the server's, not the sample's


@dataclass(frozen=True)
class Sample:
    """One benchmark item as a suite loads it: references to images, never pixels."""

    id: str
    question: str
    images: tuple[str, ...] = ()
    target: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    # A problem with this sample's own data (an image outside the dataset folder, bad base64):
    # the sample is logged with this error, without running the model, and the run goes on.
    error: str | None = None


@dataclass
class SampleRecord:
    """One line of `samples.jsonl`: everything needed to re-score or report without the model."""

    id: str
    suite: str
    prompt: str
    images: list[str]
    generation: str | None
    answer: str | None
    score: float | None
    target: dict[str, Any]
    meta: dict[str, Any]
    error: str | None
    seconds: float
    scoring: dict[str, Any] = field(default_factory=dict)
    # "transport" when the model server or the network failed rather than the sample (refused,
    # timed out, 429/5xx after the retries): such a sample is not done, and the next run retries it.
    error_kind: str | None = None

    @property
    def transport_failed(self) -> bool:
        return self.error is not None and self.error_kind == TRANSPORT

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SampleRecord:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)

    @classmethod
    def parse(cls, data: dict[str, Any], where: str) -> SampleRecord:
        """A record read back from a log, every field checked: a line that is JSON but not a
        record (`{}`, an edited field, a score outside [0, 1]) is a DataError naming the field."""
        problem = record_problem(data)
        if problem:
            raise DataError(f"{where} is not a sample record ({problem})")
        return cls.from_json(data)


_RECORD_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "suite": (str,),
    "prompt": (str,),
    "images": (list,),
    "generation": (str, type(None)),
    "score": (int, float, type(None)),
    "target": (dict,),
    "meta": (dict,),
    "error": (str, type(None)),
    "seconds": (int, float),
}


def record_problem(data: dict[str, Any]) -> str | None:
    """What makes `data` unusable as a SampleRecord, or None."""
    for name, types in _RECORD_FIELDS.items():
        if name not in data:
            return f"missing field '{name}'"
        value = data[name]
        if isinstance(value, bool) or not isinstance(value, types):
            return f"field '{name}' is {type(value).__name__}, expected {' or '.join(t.__name__ for t in types)}"
    if not all(isinstance(ref, str) for ref in data["images"]):
        return "field 'images' must list paths"
    score = data["score"]
    if score is not None and not (math.isfinite(score) and 0.0 <= score <= 1.0):
        return f"field 'score' is {score!r}, outside [0, 1]"
    if not isinstance(data.get("scoring", {}), dict):
        return "field 'scoring' is not an object"
    if not isinstance(data.get("error_kind"), str | None):
        return "field 'error_kind' is not a string"
    return None
