"""MathVista (Lu et al.): mathematical reasoning over figures, charts, plots and photos.

Data: `AI4Math/MathVista` (testmini, 1,000 problems; test, answers hidden) or a local copy: the
hub layout as parquet / JSON / JSONL, or the official `testmini.json` (an object keyed by pid,
images as `images/<pid>.jpg` beside it). The prompt is the dataset's own `query` (hint, question
and choices), with no extra instruction.

Scoring as the official `calculate_score.py`: the reply's answer is extracted (offline rules by
default, or an LLM endpoint with --extractor-url; a ready `extraction` in a predictions file is
used as is), normalised by question and answer type, and compared with the gold answer. The
results give accuracy overall and by question type, answer type, category, task, context,
grade, skill, language and source, and the share of answers taken by each extraction path.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from evals.data import cache_root, image_ref, iter_rows
from evals.errors import DataError
from evals.metrics.llm_extract import LLMExtractor
from evals.metrics.mathvista import is_correct, normalize_extraction
from evals.metrics.mathvista_extract import Extraction, extract_answer
from evals.records import Sample, SampleRecord
from evals.suites.base import (
    Suite,
    field_id,
    field_number,
    field_scalar,
    field_str,
    field_str_list,
    image_problem,
    require_fields,
)

METADATA_KEYS = ("category", "task", "context", "grade", "skills", "language", "source")


def extraction_path(rule: str) -> str:
    """given (a ready extraction), llm, llm-failed (fell back to rules), official (the official
    code's own shortcuts: empty reply, reply that is already the answer), or rules."""
    if rule in ("given", "llm"):
        return rule
    if rule.startswith("llm-failed"):
        return "llm-failed"
    return "official" if rule in ("empty", "direct", "quoted") else "rules"


QUESTION_TYPES = ("multi_choice", "free_form")
ANSWER_TYPES = ("text", "integer", "float", "list")
MAX_CHOICES = 26


class MathVista(Suite):
    name = "mathvista"
    description = "MathVista (AI4Math/MathVista or local): offline answer extraction, official normalisation"
    splits = ("testmini", "test")
    default_split = "testmini"
    instruction = ""  # the dataset's query already says how to answer
    prompt_version = "1"
    hidden_splits = frozenset({"test"})
    submission_name = "mathvista_test_submission.json"
    max_new_tokens = 256
    breakdown_keys = ("question_type", "answer_type", *METADATA_KEYS)
    default_data = "AI4Math/MathVista"

    def __init__(self) -> None:
        self.llm: LLMExtractor | None = None

    def use_llm_extractor(self, url: str, model: str) -> None:
        self.llm = LLMExtractor(url=url, model=model)

    def load(self, split: str, limit: int | None = None, data: str | None = None) -> Iterator[Sample]:
        source = data or self.default_data
        local = Path(source).expanduser()
        image_root = (local if local.is_dir() else local.parent) if local.exists() else None
        folder = cache_root() / "images" / self.name
        rows = iter_rows(source, split, streaming=limit is not None)
        for number, row in enumerate(islice(rows, limit), start=1):
            where = f"{source} ({split}) row {number}"
            require_fields(row, ["pid", "query", "question_type", "answer_type"], where)
            sample_id = field_id(row, "pid", where)
            meta = self.meta_from_record(row)
            image = row.get("decoded_image") or row.get("image")
            try:
                target = self.target_from_row(row, where, hidden=split in self.hidden_splits)
                if image is None:
                    raise DataError(f"{self.name} problem {sample_id!r} has no image")
            except DataError as exc:
                yield Sample(id=sample_id, question=str(row["query"])[:1000], meta=meta, error=str(exc))
                continue
            refs, error = image_problem(lambda: (image_ref(image, folder, sample_id, image_root),))  # noqa: B023
            yield Sample(id=sample_id, question=target["query"], images=refs, target=target, meta=meta, error=error)

    def target_from_row(self, row: dict[str, Any], where: str, hidden: bool = False) -> dict[str, Any]:
        """The gold fields, each type-checked (a wrong one is a DataError naming it)."""
        question_type = field_str(row, "question_type", where)
        answer_type = field_str(row, "answer_type", where)
        if question_type not in QUESTION_TYPES:
            raise DataError(f"{where}: question_type must be one of {', '.join(QUESTION_TYPES)}, got {question_type!r}")
        if answer_type not in ANSWER_TYPES:
            raise DataError(f"{where}: answer_type must be one of {', '.join(ANSWER_TYPES)}, got {answer_type!r}")
        choices = row.get("choices")
        if choices is not None:
            choices = field_str_list(choices, "choices", where)
            if len(choices) > MAX_CHOICES:
                raise DataError(f"{where}: field 'choices' holds {len(choices):,} items; at most {MAX_CHOICES}")
        if question_type == "multi_choice" and not choices:
            raise DataError(f"{where}: a multi_choice problem needs 'choices'")
        precision = field_number(row, "precision", where)
        if precision is not None and not (precision == int(precision) and 0 <= precision <= 20):
            raise DataError(f"{where}: field 'precision' must be a whole number of decimals (0-20), got {precision}")
        target: dict[str, Any] = {
            "question_type": question_type,
            "answer_type": answer_type,
            "choices": choices,
            "precision": None if precision is None else int(precision),
            "unit": field_str(row, "unit", where, optional=True),
            "query": field_str(row, "query", where, optional=True)
            or field_str(row, "question", where, optional=True)
            or "",
        }
        if not hidden:
            require_fields(row, ["answer"], where)
            target["answer"] = field_scalar(row, "answer", where)
        question = field_str(row, "question", where, optional=True)
        if question and question != target["query"]:
            target["question"] = question  # what the official LLM extraction is shown
        if row.get("extraction") is not None:
            target["extraction"] = field_scalar(row, "extraction", where)
        return target

    def target_from_record(self, record: dict[str, Any]) -> dict[str, Any]:
        where = f"{self.name} record {record.get('id')!r}"[:120]
        require_fields(record, ["question_type", "answer_type", "answer"], where)
        return self.target_from_row(record, where)

    def meta_from_record(self, record: dict[str, Any]) -> dict[str, Any]:
        metadata = record.get("metadata") if isinstance(record.get("metadata"), dict) else record
        meta = {key: metadata[key] for key in METADATA_KEYS if metadata.get(key) is not None}
        meta.update({key: record[key] for key in ("question_type", "answer_type") if record.get(key)})
        return meta

    def extract(self, target: dict[str, Any], text: str) -> Extraction:
        if target.get("extraction") is not None:
            return Extraction(target["extraction"], "given")
        if self.llm is not None and text.strip():
            rules = self._rules(target, text)
            if rules.rule in ("empty", "direct"):
                return rules  # the official extract_answer's own shortcuts, taken before asking GPT
            # the official code sends the problem's `question` (lmms-eval sends the `query`)
            extracted = self.llm.extract(target.get("question") or target.get("query", ""), text)
            if extracted is not None:
                return Extraction(extracted, "llm")
            rules = self._rules(target, text)
            return Extraction(rules.text, f"llm-failed/{rules.rule}")
        return self._rules(target, text)

    @staticmethod
    def _rules(target: dict[str, Any], text: str) -> Extraction:
        return extract_answer(
            text,
            target["question_type"],
            target["answer_type"],
            target.get("choices"),
            target.get("precision") or 0,
            target.get("query", ""),
        )

    def score(self, target: dict[str, Any], text: str) -> dict[str, Any]:
        extraction = self.extract(target, text)
        normalized = normalize_extraction(
            extraction.text, target.get("choices"), target["question_type"], target["answer_type"], target["precision"]
        )
        correct = "answer" in target and is_correct(normalized, target["answer"])
        return {
            "score": float(correct),
            "answer": normalized,
            "extraction": extraction.text,
            "extraction_rule": extraction.rule,
            "unresolved": normalized is None,
        }

    def aggregate(self, records: Sequence[SampleRecord]) -> dict[str, Any]:
        results = super().aggregate(records)
        rules = Counter(str(r.scoring["extraction_rule"]) for r in records if "extraction_rule" in r.scoring)
        paths: Counter[str] = Counter()
        for rule, n in rules.items():
            paths[extraction_path(rule)] += n
        total = sum(paths.values()) or 1
        results["extraction"] = {
            "extractor": self.llm.describe() if self.llm else {"kind": "rules"},
            "paths": {path: {"n": n, "share": n / total} for path, n in paths.most_common()},
            "rules": dict(rules.most_common()),
        }
        return results

    def submission(self, records: Sequence[SampleRecord]) -> dict[str, Any]:
        """The leaderboard file: pid -> the reply and the extracted answer."""
        return {
            record.id: {
                "pid": record.id,
                "response": record.generation or "",
                "extraction": record.scoring.get("extraction", ""),
            }
            for record in records
        }


SUITE = MathVista()
