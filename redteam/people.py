"""Portraits for the people-related suites: the bias audit's sources (FairFace, Stable Bias, a
local folder with attributes) when given, drawn figures otherwise (offline, no real person)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from evals.errors import UserError
from evals.records import Sample
from redteam import images

DRAWN = 8  # drawn portraits for the offline default


@dataclass(frozen=True)
class Portrait:
    id: str
    image: str | None  # path, or None with `error`
    attributes: dict[str, str]
    error: str | None = None


def portraits(data: str | None, folder: Path, limit: int | None = None) -> Iterator[Portrait]:
    if data is None:
        for k in range(DRAWN):
            yield Portrait(f"drawn-{k}", images.save(images.portrait(1000 + k), folder), {"source": "drawn"})
        return
    from bias.probes import BiasProbe

    probe = BiasProbe(data, ["resume"])
    try:
        yield from _from_probe(probe, limit)
    except UserError as exc:  # the bias loader names its own option; here the portraits come from --portraits
        raise UserError(str(exc).replace("--dataset PATH", "--portraits PATH")) from None


def _from_probe(probe: Any, limit: int | None) -> Iterator[Portrait]:
    for sample in islice(probe.load(probe.default_split, limit), limit):
        attributes = {k: str(v) for k, v in sample.meta.items() if k in ("gender", "race", "age")}
        image = sample.images[0] if sample.images else None
        yield Portrait(str(sample.meta["image_id"]), image, attributes, sample.error)


def people_samples(data: str | None, folder: Path, questions: dict[str, str]) -> Iterator[Sample]:
    """Every portrait asked every question (`kind -> question`), its attributes in `meta`."""
    for person in portraits(data, folder):
        for kind, question in questions.items():
            yield Sample(
                id=f"{person.id}/{kind}",
                question=question,
                images=(person.image,) if person.image else (),
                target={"request": question, "category": kind},
                meta={"category": kind, **person.attributes},
                error=person.error,
            )
