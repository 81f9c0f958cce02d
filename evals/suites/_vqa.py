"""What the VQAv2, TextVQA and DocVQA suites share: rows with a question, one image and a list of
human answers, loaded from the hub or a local copy, with hidden-answer splits that produce the
file the official server accepts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, ClassVar

from evals.data import cache_root, image_ref, iter_rows
from evals.errors import DataError, UserError
from evals.records import Sample, SampleRecord
from evals.suites.base import Suite, field_id, field_scalar, image_problem, require_fields, short_text


def answer_strings(value: Any, where: str = "record") -> list[str]:
    """Answers as the datasets give them: strings, or VQAv2's dicts with a string `answer`."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise DataError(f"{where}: field 'answers' must be a list, got {type(value).__name__}")
    answers = []
    for item in value:
        text = item.get("answer") if isinstance(item, dict) else item
        if not isinstance(text, str):
            raise DataError(f"{where}: field 'answers' must hold strings (or {{'answer': string}}), got {item!r}"[:300])
        answers.append(short_text(text, "answers", where))
    return answers


class VQAFamilySuite(Suite):
    default_data: ClassVar[str]
    default_config: ClassVar[str | None] = None
    id_field: ClassVar[str] = "question_id"
    image_field: ClassVar[str] = "image"
    submission_id_field: ClassVar[str] = "question_id"
    # Where the official release keeps a row's image, for rows that carry only an `image_id`.
    image_templates: ClassVar[dict[str, str]] = {}
    max_new_tokens = 16

    def rows(self, source: str, split: str, limit: int | None = None) -> Iterator[dict[str, Any]]:
        return iter_rows(source, split, self.default_config, streaming=limit is not None)

    def image_of(self, row: dict[str, Any], split: str) -> Any:
        if self.image_field in row:
            return row[self.image_field]
        template = self.image_templates.get(split)
        if template and "image_id" in row:
            return template.format(image_id=row["image_id"])
        return None

    def load(self, split: str, limit: int | None = None, data: str | None = None) -> Iterator[Sample]:
        source = data or self.default_data
        local = Path(source).expanduser()
        image_root = (local if local.is_dir() else local.parent) if local.exists() else None
        images = cache_root() / "images" / self.name
        seen: dict[str, str] = {}
        for number, row in enumerate(islice(self.rows(source, split, limit), limit), start=1):
            where = f"{source} ({split}) row {number}"
            image = self.image_of(row, split)
            if self.id_field not in row or "question" not in row or image is None:
                raise DataError(f"{where}: needs {self.id_field}, question and {self.image_field}")
            sample_id = field_id(row, self.id_field, where)
            question = field_scalar(row, "question", where)
            if sample_id in seen:
                if seen[sample_id] == question:
                    continue  # some hub copies repeat a question; the benchmark counts it once
                # the same id for another question: logged as an error so that it is seen and counted
                sample_id = f"{sample_id}#duplicate-row-{number}"
                yield Sample(
                    id=sample_id,
                    question=question,
                    error=f"{where}: question id {row[self.id_field]!r} is used for two different questions",
                )
                continue
            seen[sample_id] = question
            try:
                answers = answer_strings(row.get("answers"), where)
                meta = self.meta_from_record(row)
            except DataError as exc:
                yield Sample(id=sample_id, question=question, error=str(exc))
                continue
            if split not in self.hidden_splits and not answers:
                raise UserError(f"{self.name}/{split}: question {sample_id} has no answers; is it a test split?")
            refs, error = image_problem(lambda: (image_ref(image, images, sample_id, image_root),))  # noqa: B023
            yield Sample(
                id=sample_id, question=question, images=refs, target={"answers": answers}, meta=meta, error=error
            )

    def target_from_record(self, record: dict[str, Any]) -> dict[str, Any]:
        require_fields(record, ["answers"], f"{self.name} record {record.get('id')!r}")
        answers = answer_strings(record["answers"], f"{self.name} record {record.get('id')!r}")
        if not answers:
            raise DataError(f"{self.name} record {record.get('id')!r}: 'answers' is empty")
        return {"answers": answers}

    def submission(self, records: Sequence[SampleRecord]) -> list[dict[str, Any]]:
        """The file the official server takes: each question's id and the answer we score."""
        return [{self.submission_id_field: _as_id(r.id), "answer": r.answer or ""} for r in records]


def _as_id(value: str) -> int | str:
    return int(value) if value.isdigit() else value
