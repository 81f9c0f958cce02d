"""MMBench (Liu et al.), English: multiple-choice perception and reasoning questions, CircularEval.

Data: `lmms-lab/MMBench` (config `en`; dev, and test with hidden answers), an OpenCompass TSV
(`MMBench_DEV_EN.tsv`: base64 images; rotated copies carry `index + k * 1_000_000`, and may give
the original's index instead of an image), or parquet / JSON / JSONL in the hub layout.

CircularEval: every question is asked once per rotation of its options (the rotations are made
here when the data has none), and counts only if every rotation is answered right. Replies are
read by rules (`evals.metrics.options`); a reply naming no option or several is unresolved and
wrong, and counted. Results: circular accuracy, the plain accuracy of the unrotated questions,
a per-category breakdown, and each question's outcome.
"""

from __future__ import annotations

import base64
import csv
import math
import sys
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from evals.data import cache_root, image_ref, iter_rows
from evals.errors import DataError
from evals.images import SampleDataError
from evals.metrics.options import extract_option
from evals.records import Sample, SampleRecord
from evals.store import write_json_atomic
from evals.suites.base import Suite, field_scalar, image_problem, percent_ci, require_fields, score_cell

ROTATION = 1_000_000
LETTERS = "ABCDEFGHI"
INSTRUCTION = "Answer with the option's letter from the given choices directly."


def present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return str(value).strip() not in ("", "nan", "None")


def options_of(row: dict[str, Any]) -> dict[str, str]:
    return {letter: str(row[letter]) for letter in LETTERS if present(row.get(letter))}


def index_of(row: dict[str, Any], where: str) -> int:
    """A row's `index`: a whole number (TSV cells hold it as text)."""
    value = row.get("index")
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip().isdigit():
        raise DataError(f"{where}: field 'index' must be a whole number, got {str(value)[:40]!r}")
    return int(value)


def rotate(row: dict[str, Any], shift: int) -> dict[str, Any]:
    """The row with its options moved `shift` places (option i shows option i + shift) and the
    answer letter following its text; its index is `index + shift * 1_000_000`."""
    options = options_of(row)
    letters = list(options)
    texts = [options[letter] for letter in letters]
    rotated = {**row, "index": int(row["index"]) + shift * ROTATION}
    for position, letter in enumerate(letters):
        rotated[letter] = texts[(position + shift) % len(texts)]
    if present(row.get("answer")) and str(row["answer"]).strip() in letters:
        old = letters.index(str(row["answer"]).strip())
        rotated["answer"] = letters[(old - shift) % len(letters)]
    return rotated


def with_rotations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """All rotations of every question, unless the data already holds rotated copies."""
    if any(int(row["index"]) >= ROTATION for row in rows):
        return rows
    return [rotate(row, shift) for row in rows for shift in range(max(1, len(options_of(row))))]


def read_tsv(path: Path) -> list[dict[str, Any]]:
    csv.field_size_limit(sys.maxsize)  # base64 images are far longer than csv's default field limit
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle, delimiter="\t"))
    except FileNotFoundError:
        raise DataError(f"no MMBench TSV at {path}") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except (OSError, csv.Error) as exc:
        raise DataError(f"cannot read {path} as TSV: {exc}") from None


class MMBench(Suite):
    name = "mmbench"
    description = "MMBench-EN (lmms-lab/MMBench or OpenCompass TSV): CircularEval, rule-based letters"
    splits = ("dev", "test")
    default_split = "dev"
    instruction = INSTRUCTION
    prompt_version = "1"
    hidden_splits = frozenset({"test"})
    submission_name = "mmbench_test_submission.tsv"
    max_new_tokens = 16
    breakdown_keys = ("category", "l2_category")
    default_data = "lmms-lab/MMBench"

    def rows(self, source: str, split: str, limit: int | None) -> list[dict[str, Any]]:
        path = Path(source).expanduser()
        if path.suffix == ".tsv":
            rows = read_tsv(path)
        else:
            config = None if path.exists() else "en"
            rows = list(iter_rows(source, split, config, streaming=limit is not None and not path.exists()))
        for number, row in enumerate(rows, start=1):
            require_fields(row, ["index", "question"], f"{source} row {number}")
            row["index"] = index_of(row, f"{source} row {number}")
        if limit is not None:
            groups = list(dict.fromkeys(int(row["index"]) % ROTATION for row in rows))[:limit]
            keep = set(groups)
            rows = [row for row in rows if int(row["index"]) % ROTATION in keep]
        return with_rotations(rows)

    def load(self, split: str, limit: int | None = None, data: str | None = None) -> Iterator[Sample]:
        source = data or self.default_data
        local = Path(source).expanduser()
        image_root = (local if local.is_dir() else local.parent) if local.exists() else None
        folder = cache_root() / "images" / self.name
        rows = self.rows(source, split, limit)
        images = {int(row["index"]): row.get("image") for row in rows}
        seen: set[int] = set()
        for row in rows:
            index = int(row["index"])
            if index in seen:
                raise DataError(f"{source}: question index {index} appears twice; each row needs its own index")
            seen.add(index)
            meta = self.meta_from_record(row)
            try:
                target = self.target_from_row(row, index, split)
            except DataError as exc:
                yield Sample(id=str(index), question=str(row["question"]), meta=meta, error=str(exc))
                continue
            refs, error = image_problem(lambda: self.image_of(row, index, images, folder, image_root))  # noqa: B023
            yield Sample(
                id=str(index), question=self.question_text(target), images=refs, target=target, meta=meta, error=error
            )

    def target_from_row(self, row: dict[str, Any], index: int, split: str) -> dict[str, Any]:
        where = f"{self.name} question {index}"
        options = {letter: field_scalar(row, letter, where) for letter in LETTERS if present(row.get(letter))}
        if len(options) < 2:
            raise DataError(f"{where} has fewer than two options")
        target: dict[str, Any] = {"options": options, "index": index, "question": field_scalar(row, "question", where)}
        if present(row.get("hint")):
            target["hint"] = field_scalar(row, "hint", where)
        if split not in self.hidden_splits:
            require_fields(row, ["answer"], where)
            target["answer"] = field_scalar(row, "answer", where).strip()
        return target

    @staticmethod
    def image_of(
        row: dict[str, Any], index: int, images: dict[int, Any], folder: Path, image_root: Path | None
    ) -> tuple[str, ...]:
        """The question's image: base64 (TSV), the index of the row holding it (rotated TSV
        copies), a path, or the hub's image; every question of MMBench has one."""
        image = row.get("image")
        if isinstance(image, str) and image.strip().isdigit() and len(image.strip()) < 12:
            if int(image) not in images or not present(images[int(image)]):
                raise SampleDataError(f"mmbench question {index}: its image refers to row {image}, which has none")
            image = images[int(image)]
        if not present(image) or (isinstance(image, str) and not image.strip()):
            raise SampleDataError(f"mmbench question {index} has no image")
        if isinstance(image, str) and not Path(image).suffix:
            image = {"bytes": _b64(image, index)}
        return (image_ref(image, folder, str(index), image_root),)

    @staticmethod
    def question_text(target: dict[str, Any]) -> str:
        hint = f"Hint: {target['hint']}\n" if target.get("hint") else ""
        options = "\n".join(f"{letter}. {text}" for letter, text in target["options"].items())
        return f"{hint}Question: {target['question']}\nOptions:\n{options}"

    def score(self, target: dict[str, Any], text: str) -> dict[str, Any]:
        choice = extract_option(text, target["options"])
        correct = choice.letter is not None and choice.letter == target.get("answer")
        unresolved = choice.letter is None
        return {"score": float(correct), "answer": choice.letter, "rule": choice.rule, "unresolved": unresolved}

    def target_from_record(self, record: dict[str, Any]) -> dict[str, Any]:
        where = f"{self.name} record {record.get('id', record.get('index'))!r}"[:120]
        require_fields(record, ["index", "answer"], where)
        index = index_of(record, where)
        options = {letter: field_scalar(record, letter, where) for letter in LETTERS if present(record.get(letter))}
        if len(options) < 2:
            raise DataError(f"{where}: needs option texts in A, B (C, D)")
        answer = field_scalar(record, "answer", where).strip()
        if answer not in options:
            raise DataError(f"{where}: answer {answer[:40]!r} is not one of its options")
        question = field_scalar(record, "question", where) if "question" in record else ""
        return {"options": options, "index": index, "answer": answer, "question": question}

    def meta_from_record(self, record: dict[str, Any]) -> dict[str, Any]:
        index = index_of(record, f"{self.name} record")
        meta: dict[str, Any] = {"question": index % ROTATION, "rotation": index // ROTATION}
        if present(record.get("category")):
            meta["category"] = str(record["category"])
        level2 = record.get("l2-category", record.get("L2-category", record.get("l2_category")))
        if present(level2):
            meta["l2_category"] = str(level2)
        return meta

    def aggregate(self, records: Sequence[SampleRecord]) -> dict[str, Any]:
        by_question: dict[int, list[SampleRecord]] = defaultdict(list)
        for record in records:
            by_question[int(record.meta["question"])].append(record)
        outcome = {question: all((r.score or 0.0) == 1.0 for r in rows) for question, rows in by_question.items()}
        breakdowns: dict[str, dict[str, dict[str, float]]] = {}
        for key in self.breakdown_keys:
            groups: dict[str, list[bool]] = defaultdict(list)
            for question, rows in by_question.items():
                if key in rows[0].meta:
                    groups[str(rows[0].meta[key])].append(outcome[question])
            breakdowns[key] = {
                group: score_cell([float(v) for v in values]) for group, values in sorted(groups.items())
            }
        originals = [r for r in records if r.meta.get("rotation") == 0]
        return {
            "score": 100.0 * sum(outcome.values()) / len(outcome) if outcome else 0.0,
            "ci": percent_ci([float(v) for v in outcome.values()]),
            "n": len(records),
            "n_questions": len(outcome),
            "n_errors": sum(1 for r in records if r.error),
            "n_unresolved": sum(1 for r in records if r.scoring.get("unresolved")),
            "vanilla_score": 100.0 * sum(r.score or 0.0 for r in originals) / len(originals) if originals else None,
            "breakdowns": breakdowns,
            "questions": {str(question): int(passed) for question, passed in sorted(outcome.items())},
        }

    def write_submission(self, path: Path, records: Sequence[SampleRecord]) -> None:
        """The OpenCompass upload: one row per rotation with the question, options and the reply's
        letter (the raw reply when unresolved). Also as .xlsx when openpyxl is installed."""
        rows = []
        for record in records:
            target = record.target
            row = {"index": target["index"], "question": target["question"], "hint": target.get("hint", "")}
            row.update({letter: target["options"].get(letter, "") for letter in "ABCD"})
            row["prediction"] = record.answer or (record.generation or "")
            rows.append(row)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["index"], delimiter="\t")
            writer.writeheader()
            writer.writerows(rows)
        try:
            import pandas as pd

            pd.DataFrame(rows).to_excel(path.with_suffix(".xlsx"), index=False)
        except ImportError:
            write_json_atomic(path.with_suffix(".note.json"), {"note": "pip install openpyxl to also get .xlsx"})


def _b64(text: str, index: int) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError:
        raise SampleDataError(f"mmbench question {index}: image is neither a path nor base64") from None
    if not data:
        raise SampleDataError(f"mmbench question {index}: its base64 image is empty")
    return data


SUITE = MMBench()
