"""What a benchmark suite is: load samples, build the prompt, score one answer, aggregate."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from evals.errors import DataError, UserError
from evals.images import SampleDataError
from evals.records import Sample, SampleRecord
from evals.stats import percent_interval
from evals.store import write_json_atomic
from model.base import Message


class Suite:
    """Base class for suites; a suite module sets `SUITE = MySuite()` and is found by name.

    Subclasses set the class attributes and implement `load`, `score` and `target_from_record`;
    `prompt` and `aggregate` have defaults that most VQA-style suites keep.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    splits: ClassVar[tuple[str, ...]]
    default_split: ClassVar[str]
    instruction: ClassVar[str] = "Answer the question using a single word or phrase."
    prompt_version: ClassVar[str] = "1"
    metric: ClassVar[str] = "accuracy"
    # Splits whose answers are hidden: a run writes `submission_name` for the official server.
    hidden_splits: ClassVar[frozenset[str]] = frozenset()
    submission_name: ClassVar[str] = ""
    max_new_tokens: ClassVar[int] = 16
    min_new_tokens: ClassVar[int] = 0
    breakdown_keys: ClassVar[tuple[str, ...]] = ()
    # "first": all images before the text; "interleaved": where the question's <image i> tags are
    image_placement: ClassVar[str] = "first"

    def load(self, split: str, limit: int | None = None, data: str | None = None) -> Iterable[Sample]:
        """The split's samples in the benchmark's order; `data` overrides where they come from."""
        raise NotImplementedError

    def image_roots(self, data: str | None) -> list[Path]:
        """The folders this suite's images may come from: a local dataset's folder and the cache
        of images that datasets embed. Reports embed thumbnails only from these."""
        from evals.data import cache_root

        roots = [cache_root() / "images" / self.name]
        local = Path(data).expanduser() if data else None
        if local is not None and local.exists():
            roots.append(local if local.is_dir() else local.parent)
        return roots

    def prompt(self, sample: Sample, instruction: str | None = None, images_first: bool = False) -> list[Message]:
        """Idefics2 evaluation format: the images in benchmark order, the question, the instruction.

        `images_first` matters only to suites whose questions place their images in the text."""
        instruction = self.instruction if instruction is None else instruction
        text = f"{sample.question}\n{instruction}" if instruction else sample.question
        content: list[dict[str, Any]] = [{"type": "image", "ref": ref} for ref in sample.images]
        content.append({"type": "text", "text": text})
        return [{"role": "user", "content": content}]

    def score(self, target: dict[str, Any], text: str) -> dict[str, Any]:
        """Score one generation: a dict with `score` in [0, 1] and the post-processed `answer`."""
        raise NotImplementedError

    def target_from_record(self, record: dict[str, Any]) -> dict[str, Any]:
        """The gold fields of one predictions-file line, named as in the official data."""
        raise NotImplementedError

    def submission(self, records: Sequence[SampleRecord]) -> Any:
        """The file the official server takes for a hidden split (JSON-serialisable)."""
        raise NotImplementedError

    def write_submission(self, path: Path, records: Sequence[SampleRecord]) -> None:
        write_json_atomic(path, self.submission(records))

    def use_llm_extractor(self, url: str, model: str) -> None:
        """Extract answers with an LLM endpoint; only suites whose official scorer does so have it."""
        raise UserError(f"{self.name} has no LLM answer extraction; --extractor-url is for mathvista")

    def meta_from_record(self, record: dict[str, Any]) -> dict[str, Any]:
        return {key: record[key] for key in self.breakdown_keys if key in record}

    def aggregate(self, records: Sequence[SampleRecord]) -> dict[str, Any]:
        """Headline score in percent (errors count as wrong) and breakdowns by `breakdown_keys`."""
        scores = [record.score or 0.0 for record in records]
        breakdowns: dict[str, dict[str, dict[str, float]]] = {}
        for key in self.breakdown_keys:
            groups: dict[str, list[float]] = defaultdict(list)
            for record, value in zip(records, scores, strict=True):
                group = record.meta.get(key)
                # a list (MathVista's skills) counts the sample once under each of its members
                for member in group if isinstance(group, list) else [group] if key in record.meta else []:
                    groups[str(member)].append(value)
            breakdowns[key] = {group: score_cell(values) for group, values in sorted(groups.items())}
        return {
            "score": 100.0 * sum(scores) / len(scores) if scores else 0.0,
            "ci": percent_ci(scores),
            "n": len(records),
            "n_errors": sum(1 for record in records if record.error),
            "n_unresolved": sum(1 for record in records if record.scoring.get("unresolved")),
            "breakdowns": breakdowns,
        }


def percent_ci(values: Sequence[float]) -> list[float] | None:
    """The 95% interval (percent) of the mean of per-unit scores in [0, 1], as results.json writes it beside
    `score`: Wilson, so it never has zero width (6 of 6 reads 61.0-100); None when there are no units."""
    if not values:
        return None
    return percent_interval(values).as_list()


def score_cell(values: Sequence[float]) -> dict[str, Any]:
    """One breakdown group of results.json: its score in percent, the score's 95% interval, its unit count."""
    return {"score": 100.0 * sum(values) / len(values), "ci": percent_ci(values), "n": len(values)}


IMAGE_TAG = re.compile(r"<image (\d+)>")


def interleave_images(text: str, images: Sequence[str], images_first: bool = False) -> list[dict[str, Any]]:
    """Message content with image i where the text says `<image i>` (1-based, as MMMU writes it).

    An image the text never names goes before the text; a tag named twice places the image at
    its first mention only; tags without an image stay as text. With `images_first` every image
    goes first and the tags stay in the text, which is what lmms-eval and VLMEvalKit do.
    """
    if images_first:
        return [*({"type": "image", "ref": ref} for ref in images), {"type": "text", "text": text}]
    placed: set[int] = set()
    parts: list[dict[str, Any]] = []
    position = 0
    for match in IMAGE_TAG.finditer(text):
        number = int(match.group(1))
        if 1 <= number <= len(images) and number not in placed:
            if match.start() > position:
                parts.append({"type": "text", "text": text[position : match.start()]})
            parts.append({"type": "image", "ref": images[number - 1]})
            placed.add(number)
            position = match.end()
    if position < len(text):
        parts.append({"type": "text", "text": text[position:]})
    unnamed = [{"type": "image", "ref": ref} for i, ref in enumerate(images, start=1) if i not in placed]
    return unnamed + parts


def require_fields(record: dict[str, Any], names: Sequence[str], where: str) -> None:
    missing = [name for name in names if name not in record]
    if missing:
        raise DataError(f"{where}: missing field(s) {', '.join(missing)}")


# Gold answers, choices and options are short in every benchmark (DocVQA answers, MathVista
# choices: tens of characters). Longer ones are refused, which keeps every scorer's time bounded:
# edit distances to a gold string cost its length times the reply's.
MAX_GOLD_CHARS = 20_000


def short_text(text: str, name: str, where: str) -> str:
    if len(text) > MAX_GOLD_CHARS:
        raise DataError(f"{where}: field '{name}' holds {len(text):,} characters; at most {MAX_GOLD_CHARS:,}")
    return text


# Typed reads of record fields. Records come from files made anywhere: a value of the wrong type
# is an error naming the field, never silently turned into a string ("None", "[1, 2]").
def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def field_str(record: dict[str, Any], name: str, where: str, optional: bool = False) -> str | None:
    value = record.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise DataError(f"{where}: field '{name}' must be a string, got {_kind(value)}")
    return value


def field_id(record: dict[str, Any], name: str, where: str) -> str:
    """An id: a string or a whole number (as the official files give them)."""
    value = record.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise DataError(f"{where}: field '{name}' must be a string or a whole number, got {_kind(value)}")
    text = str(value)
    if not text.strip():
        raise DataError(f"{where}: field '{name}' is empty")
    return text


def field_scalar(record: dict[str, Any], name: str, where: str) -> str:
    """A short text that files sometimes store as a number (an option "5" read by pandas as 5)."""
    value = record.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise DataError(f"{where}: field '{name}' must be a string, got {_kind(value)}")
    return short_text(str(value), name, where)


def field_str_list(value: Any, name: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        kinds = (
            _kind(value)
            if not isinstance(value, list)
            else "a list with " + ", ".join(sorted({_kind(item) for item in value if not isinstance(item, str)}))
        )
        raise DataError(f"{where}: field '{name}' must be a list of strings, got {kinds}")
    return [short_text(item, name, where) for item in value]


def field_number(record: dict[str, Any], name: str, where: str) -> float | None:
    """A number, a numeric string, or null."""
    value = record.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise DataError(f"{where}: field '{name}' must be a number, got bool")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DataError(f"{where}: field '{name}' must be a number, got {str(value)[:40]!r}") from None
    if not math.isfinite(number):
        raise DataError(f"{where}: field '{name}' must be a finite number, got {value!r}")
    return number


def image_problem(build: Callable[[], tuple[str, ...]]) -> tuple[tuple[str, ...], str | None]:
    """Resolve a sample's images; a problem with them (outside the dataset folder, bad bytes)
    becomes that sample's error instead of ending the run."""
    try:
        return build(), None
    except SampleDataError as exc:
        return (), str(exc)
