"""VQAv2 (Goyal et al.): open-ended questions on COCO images, ten human answers each.

Data: `lmms-lab/VQAv2` (validation; testdev has hidden answers), a local copy in that layout
(parquet, or JSON/JSONL rows with `question_id`, `question`, `image` as a path, `answers`), or a
folder with the official release: `v2_OpenEnded_mscoco_val2014_questions.json`,
`v2_mscoco_val2014_annotations.json` and the COCO images in `val2014/` (test-dev:
`v2_OpenEnded_mscoco_test-dev2015_questions.json` and `test2015/`).
Every generation goes through the EvalAI answer processor; the processed answer is scored with
`vqaEval.py`'s semantics and is what the test-dev submission file holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evals.data import iter_rows
from evals.errors import DataError
from evals.metrics.vqa import normalize_answer, vqav2_accuracy
from evals.store import read_json
from evals.suites._vqa import VQAFamilySuite

OFFICIAL_SPLIT_NAMES = {"validation": "val2014", "testdev": "test-dev2015", "test": "test2015", "train": "train2014"}


def official_rows(folder: Path, split: str) -> Iterator[dict[str, Any]] | None:
    """Rows joined from the official release: questions JSON + annotations JSON (+ COCO images)."""
    name = OFFICIAL_SPLIT_NAMES.get(split, split)
    questions = sorted(folder.glob(f"*OpenEnded*{name}_questions.json"))
    if not questions:
        return None
    try:
        return _joined_rows(folder, name, questions[0])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DataError(
            f"{folder}: the official VQAv2 files are not in the release's format ({type(exc).__name__}: {exc})"[:300]
        ) from None


def _joined_rows(folder: Path, name: str, questions_file: Path) -> Iterator[dict[str, Any]]:
    annotations = sorted(folder.glob(f"*{name}_annotations.json"))
    by_id = {}
    if annotations:
        by_id = {a["question_id"]: a for a in read_json(annotations[0]).get("annotations", [])}
    image_split = "test2015" if name.startswith("test") else name
    rows = []
    for question in read_json(questions_file).get("questions", []):
        annotation = by_id.get(question["question_id"], {})
        rows.append(
            {
                **question,
                "image": f"{image_split}/COCO_{image_split}_{question['image_id']:012d}.jpg",
                "answers": annotation.get("answers"),
                **{k: annotation[k] for k in ("answer_type", "question_type") if k in annotation},
            }
        )
    if annotations and not by_id:
        raise DataError(f"{annotations[0]} holds no annotations")
    return iter(rows)


class VQAv2(VQAFamilySuite):
    name = "vqav2"
    description = "VQAv2 (lmms-lab/VQAv2 or local): VQA accuracy, official vqaEval semantics"
    default_split = "validation"
    default_data = "lmms-lab/VQAv2"
    hidden_splits = frozenset({"testdev", "test"})
    submission_name = "vqav2_submission.json"
    breakdown_keys = ("answer_type", "question_type")
    splits = ("validation", "testdev", "test", "train")

    def rows(self, source: str, split: str, limit: int | None = None) -> Iterator[dict[str, Any]]:
        folder = Path(source).expanduser()
        if folder.is_dir():
            joined = official_rows(folder, split)
            if joined is not None:
                return joined
        return iter_rows(source, split, self.default_config, streaming=limit is not None)

    def score(self, target: dict[str, Any], text: str) -> dict[str, Any]:
        answer = normalize_answer(text)
        return {"score": vqav2_accuracy(answer, target["answers"]) if target["answers"] else 0.0, "answer": answer}


SUITE = VQAv2()
