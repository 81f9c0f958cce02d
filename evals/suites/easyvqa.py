"""easy-VQA: the small synthetic VQA set shipped by the PyPI package `easy-vqa`.

64x64 images of one coloured shape; 4,000 train / 1,000 test images, 38,575 / 9,673 questions,
13 possible answers (yes/no, 3 shapes, 8 colours). Scored by exact match after trimming and
lower-casing. This is the offline default suite: no download, real images and questions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from evals.errors import DataError, UserError
from evals.metrics.exact_match import exact_match, normalize_short_answer
from evals.records import Sample
from evals.suites.base import Suite, field_str, require_fields

SHAPES = frozenset({"circle", "rectangle", "triangle"})


def answer_type(answer: str) -> str:
    if answer in ("yes", "no"):
        return "yes/no"
    return "shape" if answer in SHAPES else "color"


def data_dir() -> Path:
    try:
        import easy_vqa
    except ImportError:
        raise UserError("the easyvqa suite needs the 'easy-vqa' package: pip install easy-vqa") from None
    return Path(easy_vqa.__file__).resolve().parent / "data"


class EasyVQA(Suite):
    name = "easyvqa"
    description = "easy-VQA (PyPI easy-vqa): shapes and colours, exact match; offline"
    splits = ("test", "train")
    default_split = "test"
    max_new_tokens = 8
    breakdown_keys = ("answer_type",)

    def load(self, split: str, limit: int | None = None, data: str | None = None) -> Iterator[Sample]:
        if data is not None:
            raise UserError("easyvqa reads the data the easy-vqa package ships; --data does not apply")
        if split not in self.splits:
            raise UserError(f"easyvqa has no split '{split}'; choose one of: {', '.join(self.splits)}")
        root = data_dir() / split
        try:
            questions = json.loads((root / "questions.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise DataError(f"cannot read easy-VQA questions in {root}: {exc}") from None
        # The official format is a list of [question, answer, image_id]; ids follow its order.
        rows = ((index, row) for index, row in enumerate(questions))
        for index, (question, answer, image_id) in islice(rows, limit):
            yield Sample(
                id=f"{split}-{index}",
                question=question,
                images=(str(root / "images" / f"{image_id}.png"),),
                target={"answer": answer},
                meta={"answer_type": answer_type(answer), "image_id": image_id},
            )

    def image_roots(self, data: str | None) -> list[Path]:
        return [data_dir()]

    def score(self, target: dict[str, Any], text: str) -> dict[str, Any]:
        return {"score": exact_match(text, target["answer"]), "answer": normalize_short_answer(text)}

    def target_from_record(self, record: dict[str, Any]) -> dict[str, Any]:
        where = f"{self.name} record {record.get('id')!r}"[:120]
        require_fields(record, ["answer"], where)
        return {"answer": field_str(record, "answer", where)}

    def meta_from_record(self, record: dict[str, Any]) -> dict[str, Any]:
        answer = record.get("answer")
        return {"answer_type": answer_type(normalize_short_answer(answer))} if isinstance(answer, str) else {}


SUITE = EasyVQA()
