"""VLMEvalKit's prediction files: `<model>_<dataset>.xlsx` (or `.tsv` / `.csv`), one row per sample
with the dataset TSV's columns and the model's `prediction`; judged copies
(`<model>_<dataset>_<judge>.xlsx`) add the judge's answer (`res`, `log`) or `hit`, and score files
(`..._acc.csv`, `..._score.csv`) the headline numbers.

VLMEvalKit's own data differs from the official in ways that matter for scoring: MMMU open
questions are rewritten as two fake options (`A` = the gold answer, `B` = "Other Answers",
`answer` = "A"), which is undone here, and MathVista's `choices` is a Python list written as
text.
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path
from typing import Any

from evals.errors import DataError, UserError
from evals.peers import PeerLog, PeerSample, as_percent
from evals.peers.verdicts import vlmevalkit_mathvista_hit, vlmevalkit_vqa_hit

DATASETS = {
    "mmmu": ("MMMU_DEV_VAL", "MMMU_TEST"),
    "mathvista": ("MathVista_MINI",),
    "textvqa": ("TextVQA_VAL",),
    "docvqa": ("DocVQA_VAL", "DocVQA_TEST"),
    "mmbench": ("MMBench_DEV_EN_V11", "MMBench_DEV_EN", "MMBench_TEST_EN_V11", "MMBench_TEST_EN"),
    "vqav2": ("VQAv2_VAL",),
}
TABLES = (".xlsx", ".tsv", ".csv")
LETTERS = "ABCDEFGHI"
FAKE_OPTION = "Other Answers"  # VLMEvalKit's second option for an MMMU open question
MAX_LITERAL = 100_000  # characters of a list written as text that are parsed


def find_predictions(path: Path, suite: str) -> tuple[Path, str | None]:
    """The prediction file for `suite` (`path` itself, or the one in the folder named for one of
    the suite's VLMEvalKit datasets, its judged copy preferred) and the dataset's name."""
    names = DATASETS.get(suite, ())
    if path.is_file():
        return path, next((name for name in names if f"_{name}" in path.stem or path.stem == name), None)
    for name in names:
        files = [f for f in sorted(path.iterdir()) if f.suffix in TABLES and re.search(f"_{name}(_|$)", f.stem)]
        # a judged multiple-choice file (`..._<judge>_result.xlsx`) holds the predictions and the
        # peer's verdict of each row (`hit`): the best; then a judged copy; then the predictions
        results = [f for f in files if f.stem.endswith("_result")]
        files = [f for f in files if not f.stem.endswith(("_acc", "_score", "_result"))]
        if results or files:
            judged = [f for f in files if not f.stem.endswith(f"_{name}")]
            return (results or judged or files)[0], name
    raise UserError(f"no VLMEvalKit prediction file for {suite} in {path} (<model>_{'|'.join(names)}.xlsx)")


def read_table(path: Path) -> list[dict[str, Any]]:
    """The file's rows, empty cells as None (never NaN)."""
    import pandas as pd

    if path.suffix == ".xlsx":
        if not _has("openpyxl"):
            raise UserError("reading .xlsx needs openpyxl: pip install 'idefics2-eval[excel]' (or save it as .tsv)")
        from evals.peers.xlsx import read_xlsx

        return read_xlsx(path)  # bounded: see evals.peers.xlsx
    try:
        # a bare carriage return inside a reply is text, not the end of a row
        ending = "\n" if b"\r\n" not in path.read_bytes()[:1_000_000] else None
        separator = "\t" if path.suffix == ".tsv" else ","
        frame = pd.read_csv(path, sep=separator, dtype=str, keep_default_na=False, lineterminator=ending)
    except (ValueError, OSError, UnicodeDecodeError) as exc:  # pandas' own errors derive from these
        raise DataError(f"cannot read {path} as a table: {str(exc).splitlines()[0][:200]}") from None
    rows = []
    for row in frame.to_dict(orient="records"):
        rows.append({str(k): None if _blank(v) else v for k, v in row.items()})
    return rows


def _has(package: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(package) is not None


def _blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def text_list(value: Any, column: str, where: str) -> Any:
    """A list written as text (`"['a', 'b']"`) as a list; anything else as it is."""
    if isinstance(value, str) and value.strip().startswith("[") and len(value) <= MAX_LITERAL:
        try:
            parsed = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            raise DataError(f"{where}: column '{column}' is not a readable list: {value[:60]!r}") from None
        return parsed
    return value


def to_record(row: dict[str, Any], suite: str, where: str) -> dict[str, Any]:
    """One VLMEvalKit row as our predictions record for `suite`."""
    if row.get("prediction") is None and "prediction" not in row:
        raise DataError(f"{where}: no 'prediction' column; is this a VLMEvalKit prediction file?")
    record = dict(row)
    record["prediction"] = "" if row.get("prediction") is None else str(row["prediction"])
    record["id"] = str(row.get("id") if row.get("id") is not None else row.get("index"))
    if suite == "mmmu":
        _undo_fake_options(record)
    elif suite == "mathvista":
        record["choices"] = text_list(row.get("choices"), "choices", where)
        if row.get("res") is not None and row.get("extraction") is None and not extraction_failed(row):
            record["extraction"] = str(row["res"])  # the judge's (GPT) answer extraction
        if row.get("skills") is not None:
            record["skills"] = text_list(row["skills"], "skills", where)
    elif suite in ("textvqa", "docvqa", "vqav2"):
        answers = text_list(row.get("answers", row.get("answer")), "answer", where)
        record["answers"] = answers if isinstance(answers, list) else [answers]
    return record


def _undo_fake_options(record: dict[str, Any]) -> None:
    options = {letter: str(record[letter]) for letter in LETTERS if record.get(letter) is not None}
    fake = list(options) == ["A", "B"] and options["B"].strip() == FAKE_OPTION and record.get("answer") == "A"
    if record.get("question_type") is None:
        record["question_type"] = "open" if fake else "multiple-choice"
    if record["question_type"] == "open":
        if fake:
            record["answer"] = options["A"]
        record["index2ans"] = {}
    else:
        record["index2ans"] = options
    if record.get("subject") is None and record.get("category") is not None and not str(record["id"]).count("_"):
        record["subject"] = str(record["category"]).replace(" ", "_")


def extraction_failed(row: dict[str, Any]) -> bool:
    """The judge's extraction failed: VLMEvalKit writes its failure text, or "Z" for no option."""
    if "res" not in row:
        return False
    res = "" if row.get("res") is None else str(row["res"]).strip()
    return res in ("", "Z") or "Failed to obtain answer via API" in res


def peer_hit(row: dict[str, Any], record: dict[str, Any], suite: str, dataset: str | None) -> float | None:
    """VLMEvalKit's verdict of the row: its own `hit` where the file keeps one, else its rule
    for the dataset recomputed on the row (VQA score / ANLS, MathVista's post_check)."""
    value = row.get("hit")
    if value is not None:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return number if math.isfinite(number) and 0 <= number <= 1 else None
    try:
        if suite in ("textvqa", "docvqa", "vqav2"):
            answers = [str(answer) for answer in record.get("answers") or [] if answer is not None]
            return vlmevalkit_vqa_hit(dataset or "", record["prediction"], answers)
        if suite == "mathvista" and row.get("res") is not None:
            choices = record.get("choices") if isinstance(record.get("choices"), list) else None
            return vlmevalkit_mathvista_hit(row, choices, str(row["res"]))
    except (TypeError, ValueError):
        return None
    return None


def read_vlmevalkit(path: Path, suite: str, split: str) -> PeerLog:
    file, dataset = find_predictions(path, suite)
    samples = []
    for number, row in enumerate(read_table(file), start=2):  # row 1 is the header
        if suite == "mmmu" and row.get("split") is not None and str(row["split"]) != split:
            continue  # MMMU_DEV_VAL holds dev and validation together
        record = to_record(row, suite, f"{file}:{number}")
        failed = suite == "mathvista" and extraction_failed(row)
        samples.append(PeerSample(record, peer_hit(row, record, suite, dataset), peer_extraction_failed=failed))
    if not samples:
        raise DataError(f"{file} holds no {split} rows")
    model = file.stem.split(f"_{dataset}")[0] if dataset else None
    log = PeerLog(tool="vlmevalkit", files=[str(file)], samples=samples, task=dataset, model=model)
    _read_score(file, dataset, split, log)
    return log


def _read_score(file: Path, dataset: str | None, split: str, log: PeerLog) -> None:
    """VLMEvalKit's headline score from its score file beside the predictions, when there."""
    stem = file.stem.split(f"_{dataset}")[0] + f"_{dataset}" if dataset else file.stem
    for candidate in sorted(file.parent.glob(f"{stem}*.csv")):
        if not candidate.stem.endswith(("_acc", "_score")):
            continue
        try:
            rows = read_table(candidate)
        except DataError:
            continue
        for row in rows:
            if row.get("Task&Skill") == "Overall" and as_percent(_number(row.get("acc"))) is not None:
                log.peer_score = as_percent(_number(row["acc"]))
            elif "Overall" in row and row.get("split") in (None, split):
                log.peer_score = as_percent(_number(row["Overall"]))
            if log.peer_score is not None:
                log.files.append(str(candidate))
                return


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
