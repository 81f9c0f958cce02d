"""MMMU (Yue et al.): college-level questions over 30 subjects in 6 disciplines, up to 7 images each.

Data: `MMMU/MMMU` (one hub config per subject; dev / validation / test, test answers hidden) or a
local copy in that layout (a folder of `<Subject>/<split>-*.parquet`, or JSON / JSONL rows with
`id, question, options, answer, question_type, image_1 ... image_7`).

Images go where the question puts its `<image i>` tags (`--images-first` puts them all before the
text, as lmms-eval and VLMEvalKit do; the manifest records which). Scored with the official
parser and judge (`evals.metrics.mmmu`); accuracy is micro-averaged, so subjects and disciplines
weigh by their number of questions. Multiple-choice replies naming no option get the official
seeded random guess, counted in `n_guessed`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from evals.data import cache_root, image_ref, iter_rows
from evals.errors import DataError
from evals.metrics.mmmu import judge_multi_choice, judge_open, parse_multi_choice, parse_open
from evals.records import Sample, SampleRecord
from evals.suites.base import (
    Suite,
    field_id,
    field_str,
    interleave_images,
    require_fields,
    short_text,
)
from model.base import Message

DISCIPLINES = {
    "Art and Design": ("Art", "Art_Theory", "Design", "Music"),
    "Business": ("Accounting", "Economics", "Finance", "Manage", "Marketing"),
    "Science": ("Biology", "Chemistry", "Geography", "Math", "Physics"),
    "Health and Medicine": (
        "Basic_Medical_Science",
        "Clinical_Medicine",
        "Diagnostics_and_Laboratory_Medicine",
        "Pharmacy",
        "Public_Health",
    ),
    "Humanities and Social Science": ("History", "Literature", "Sociology", "Psychology"),
    "Tech and Engineering": (
        "Agriculture",
        "Architecture_and_Engineering",
        "Computer_Science",
        "Electronics",
        "Energy_and_Power",
        "Materials",
        "Mechanical_Engineering",
    ),
}
SUBJECTS = tuple(subject for subjects in DISCIPLINES.values() for subject in subjects)
DISCIPLINE_OF = {subject: discipline for discipline, subjects in DISCIPLINES.items() for subject in subjects}
MULTI_CHOICE_INSTRUCTION = "Answer with the option's letter from the given choices directly."
OPEN_INSTRUCTION = "Answer the question using a single word or phrase."
MAX_IMAGES = 7


def subject_of(sample_id: str) -> str:
    """`validation_Art_Theory_12` -> `Art_Theory`."""
    match = re.fullmatch(r"(?:dev|validation|test)_(.+)_\d+", sample_id)
    return match.group(1) if match else ""


# MMMU questions have at most 9 options (letters A-I); 26 is what letters can name at all.
MAX_OPTIONS = 26
MAX_LITERAL = 100_000  # characters of a list literal worth parsing; real ones are a few hundred


def _scalars(items: list[Any], what: str) -> list[str]:
    if not all(isinstance(item, str | int | float) and not isinstance(item, bool) for item in items):
        raise DataError(f"{what} must hold strings")
    return [short_text(str(item), what, "record") for item in items]


def _literal_list(text: str, what: str) -> Any:
    """The text of a Python list, read without running code, and only when of a sane size."""
    if len(text) > MAX_LITERAL:
        raise DataError(f"{what} is {len(text):,} characters long; not a real list of options")
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise DataError(f"{what} is not a list: {text[:60]!r}") from None


def parse_options(value: Any) -> list[str]:
    """The hub stores options as the text of a Python list; literal_eval reads it without running code."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = _literal_list(value, "options")
    if not isinstance(value, list):
        raise DataError(f"options must be a list, got {type(value).__name__}")
    if len(value) > MAX_OPTIONS:
        raise DataError(f"options hold {len(value):,} items; at most {MAX_OPTIONS} can be lettered")
    return _scalars(value, "options")


def parse_answer(value: Any) -> str | list[str]:
    """A gold answer: one string, or (for some open questions) a list of accepted strings."""
    if isinstance(value, list):
        return _scalars(value, "answer")
    if not isinstance(value, str):
        raise DataError(f"answer must be a string or a list of strings, got {type(value).__name__}")
    short_text(value, "answer", "record")
    if value.startswith("[") and value.endswith("]") and len(value) <= MAX_LITERAL:
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return value
        if isinstance(parsed, list) and all(isinstance(item, str | int | float) for item in parsed):
            return [str(item) for item in parsed]
    return value


def parse_index2ans(value: Any, where: str) -> dict[str, str]:
    """A predictions record's `index2ans`: letter -> option text."""
    if not isinstance(value, dict):
        raise DataError(f"{where}: field 'index2ans' must be an object of letter -> option, got {type(value).__name__}")
    if len(value) > MAX_OPTIONS:
        raise DataError(f"{where}: field 'index2ans' holds {len(value):,} options; at most {MAX_OPTIONS}")
    if not all(isinstance(text, str | int | float) and not isinstance(text, bool) for text in value.values()):
        raise DataError(f"{where}: field 'index2ans' must map letters to strings")
    return {str(k): short_text(str(v), "index2ans", where) for k, v in value.items()}


def index_to_answer(options: Sequence[str]) -> dict[str, str]:
    return {chr(ord("A") + i): option for i, option in enumerate(options)}


# The dataset says "open"; the official repository's example outputs say "short-answer" (its
# scorer reads anything but "multiple-choice" as open).
OPEN_TYPES = ("open", "short-answer")


class MMMU(Suite):
    name = "mmmu"
    description = "MMMU (MMMU/MMMU or local): official parsing, accuracy by subject and discipline"
    splits = ("validation", "dev", "test")
    default_split = "validation"
    instruction = MULTI_CHOICE_INSTRUCTION
    prompt_version = "1"
    image_placement = "interleaved"
    hidden_splits = frozenset({"test"})
    submission_name = "mmmu_test_submission.json"
    max_new_tokens = 64
    breakdown_keys = ("discipline", "subject", "question_type", "topic_difficulty")
    default_data = "MMMU/MMMU"

    def rows(self, source: str, split: str, limit: int | None) -> Iterator[dict[str, Any]]:
        if Path(source).expanduser().exists():
            yield from iter_rows(source, split)
            return
        for subject in SUBJECTS:  # one hub config per subject
            yield from iter_rows(source, split, subject, streaming=limit is not None)

    def load(self, split: str, limit: int | None = None, data: str | None = None) -> Iterator[Sample]:
        source = data or self.default_data
        local = Path(source).expanduser()
        image_root = (local if local.is_dir() else local.parent) if local.exists() else None
        folder = cache_root() / "images" / self.name
        for number, row in enumerate(islice(self.rows(source, split, limit), limit), start=1):
            where = f"{source} ({split}) row {number}"
            require_fields(row, ["id", "question", "question_type"], where)
            sample_id = field_id(row, "id", where)
            try:
                yield self.sample(row, split, folder, image_root)
            except DataError as exc:
                meta = {"subject": subject_of(sample_id), "discipline": DISCIPLINE_OF.get(subject_of(sample_id), "")}
                yield Sample(id=sample_id, question=str(row["question"])[:1000], meta=meta, error=f"{where}: {exc}")

    def sample(self, row: dict[str, Any], split: str, folder: Path, image_root: Path | None) -> Sample:
        where = f"{self.name} row {row.get('id')!r}"[:120]
        sample_id = field_id(row, "id", where)
        question_type = field_str(row, "question_type", where)
        if question_type not in ("multiple-choice", "open"):
            raise DataError(f"{where}: question_type must be 'multiple-choice' or 'open', got {question_type[:40]!r}")
        options = parse_options(row.get("options"))
        # a bad image is a SampleDataError (a DataError): `load` logs the sample with it
        images = tuple(
            image_ref(row[f"image_{i}"], folder, f"{sample_id}/image_{i}", image_root)
            for i in range(1, MAX_IMAGES + 1)
            if row.get(f"image_{i}") is not None
        )
        text = field_str(row, "question", where)
        if question_type == "multiple-choice":
            text += "\n" + "\n".join(f"({letter}) {option}" for letter, option in index_to_answer(options).items())
        target: dict[str, Any] = {"question_type": question_type, "index2ans": index_to_answer(options)}
        if split not in self.hidden_splits:
            require_fields(row, ["answer"], f"{self.name} row {sample_id!r}")
            target["answer"] = parse_answer(row["answer"])
        subject = subject_of(sample_id)
        meta = {
            "subject": subject,
            "discipline": DISCIPLINE_OF.get(subject, ""),
            "question_type": question_type,
            **({"topic_difficulty": row["topic_difficulty"]} if row.get("topic_difficulty") else {}),
        }
        return Sample(id=sample_id, question=text, images=images, target=target, meta=meta)

    def prompt(self, sample: Sample, instruction: str | None = None, images_first: bool = False) -> list[Message]:
        if instruction is None:
            multi = sample.target.get("question_type") == "multiple-choice"
            instruction = MULTI_CHOICE_INSTRUCTION if multi else OPEN_INSTRUCTION
        text = f"{sample.question}\n{instruction}" if instruction else sample.question
        return [{"role": "user", "content": interleave_images(text, sample.images, images_first)}]

    def score(self, target: dict[str, Any], text: str) -> dict[str, Any]:
        if target["question_type"] == "multiple-choice":
            parsed = parse_multi_choice(text, target["index2ans"])
            correct = "answer" in target and judge_multi_choice(target["answer"], parsed.letter)
            return {
                "score": float(correct),
                "answer": parsed.letter,
                "guessed": parsed.guessed,
                "unresolved": parsed.guessed,
            }
        values = parse_open(text)
        correct = "answer" in target and judge_open(target["answer"], values)
        return {"score": float(correct), "answer": text.strip(), "parsed": values}

    def target_from_record(self, record: dict[str, Any]) -> dict[str, Any]:
        where = f"{self.name} record {record.get('id')!r}"[:120]
        require_fields(record, ["question_type", "answer"], where)
        question_type = field_str(record, "question_type", where)
        if question_type not in ("multiple-choice", *OPEN_TYPES):
            raise DataError(f"{where}: question_type must be 'multiple-choice' or 'open', got {question_type[:40]!r}")
        question_type = "open" if question_type in OPEN_TYPES else question_type
        if record.get("index2ans") is not None:
            index2ans = parse_index2ans(record["index2ans"], where)
        else:
            index2ans = index_to_answer(parse_options(record.get("options")))
        if question_type == "multiple-choice" and not index2ans:
            raise DataError(f"{where}: a multiple-choice record needs 'index2ans'")
        answer = parse_answer(record["answer"])
        if question_type == "multiple-choice" and isinstance(answer, str) and answer not in index2ans:
            # no reply could ever match it: scoring it would count a wrong gold as the model's error
            raise DataError(
                f"{where}: gold answer {answer[:20]!r} is none of the options {', '.join(index2ans)[:80]}; "
                "is the answer column the option letter?"
            )
        return {"question_type": question_type, "answer": answer, "index2ans": index2ans}

    def meta_from_record(self, record: dict[str, Any]) -> dict[str, Any]:
        subject = str(record.get("subject") or subject_of(str(record.get("id", ""))))
        return {
            "subject": subject,
            "discipline": DISCIPLINE_OF.get(subject, ""),
            "question_type": record.get("question_type", ""),
        }

    def aggregate(self, records: Sequence[SampleRecord]) -> dict[str, Any]:
        results = super().aggregate(records)
        results["n_guessed"] = sum(1 for record in records if record.scoring.get("guessed"))
        results["guess_seed"] = 42
        return results

    def submission(self, records: Sequence[SampleRecord]) -> dict[str, str]:
        """EvalAI's MMMU format: id -> option letter (multiple choice) or the reply (open)."""
        return {record.id: record.answer or "" for record in records}


SUITE = MMMU()
