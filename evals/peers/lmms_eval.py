"""lmms-eval's `--log_samples` output: `<date>_samples_<task>.jsonl` beside `<date>_results.json`.

Each line holds `doc_id`, `doc` (the dataset row without its images, fields named as in the hub
data), `target`, `arguments`, `resps` / `filtered_resps` (the model's text, one list per request)
and the task's per-sample metric values under their names: a number (`exact_match`, `anls`), or
a dict (`mmmu_acc` with `parsed_pred`; MathVista's `gpt_eval_score` / `llm_as_judge_eval` with
the GPT `extraction` and `true_false`). The results file has the headline metrics per task, the
run's `config` (model, model_args, batch size), the tasks' `configs` and the tool's version.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from evals.errors import DataError, UserError
from evals.metrics.mmmu import judge_multi_choice, judge_open
from evals.peers import PeerLog, PeerSample, as_percent
from evals.store import iter_jsonl, read_json

# the suite's id field in the hub rows lmms-eval logs as `doc`
ID_FIELDS = {"mmmu": "id", "mathvista": "pid", "textvqa": "question_id", "docvqa": "questionId",
             "vqav2": "question_id", "mmbench": "index"}  # fmt: skip
NOT_METRICS = {"doc_id", "doc", "target", "arguments", "resps", "filtered_resps", "doc_hash", "prompt_hash",
               "target_hash", "filter", "metrics", "task", "split", "input_text", "image_paths", "token_counts",
               "success"}  # fmt: skip
HEADLINE_METRICS = ("mmmu_acc", "llm_as_judge_eval", "gpt_eval_score", "exact_match", "anls", "accuracy")
_SAMPLES = re.compile(r"(?:^|_)samples_(?P<task>.+)\.jsonl$")


def task_matches(task: str, suite: str) -> bool:
    return task == suite or (task.startswith(suite) and not task.startswith("mmmu_pro"))


def find_samples(path: Path, suite: str) -> tuple[Path, str]:
    """The samples file for `suite`: `path` itself, or the one file in the folder whose task fits."""
    if path.is_file():
        found = _SAMPLES.search(path.name)
        return path, found.group("task") if found else path.stem
    candidates = []
    for file in sorted(path.rglob("*samples_*.jsonl")):
        found = _SAMPLES.search(file.name)
        if found and task_matches(found.group("task"), suite):
            candidates.append((file, found.group("task")))
    if not candidates:
        raise UserError(f"no lmms-eval sample log for {suite} under {path} (a *_samples_<task>.jsonl file)")
    if len(candidates) > 1:
        names = ", ".join(str(file) for file, _ in candidates[:5])
        raise UserError(f"several lmms-eval sample logs for {suite} under {path} ({names}); give the file itself")
    return candidates[0]


def first_text(value: Any) -> str:
    """The model's text from `filtered_resps` / `resps`: the first string, however nested."""
    while isinstance(value, list | tuple) and value:
        value = value[0]
    return value if isinstance(value, str) else ""


def peer_judgement(line: dict[str, Any]) -> tuple[float | None, Any]:
    """The peer's own score of one sample in [0, 1] and its answer extraction, where logged."""
    score: float | None = None
    extraction = None
    for key, value in line.items():
        if key in NOT_METRICS:
            continue
        if isinstance(value, int | float) and score is None:  # bool included: exact_match, anls, ...
            score = float(value)
        elif isinstance(value, dict):
            if value.get("extraction") is not None and extraction is None:
                extraction = value["extraction"]
            if "true_false" in value and score is None:
                score = float(bool(value["true_false"]))
            elif "parsed_pred" in value and "answer" in value and score is None:
                score = _mmmu_judgement(value)
    return score, extraction


def _mmmu_judgement(value: dict[str, Any]) -> float | None:
    parsed, answer = value["parsed_pred"], value["answer"]
    try:
        if value.get("question_type") == "open" or isinstance(parsed, list):
            return float(judge_open(answer, parsed if isinstance(parsed, list) else [parsed]))
        return float(judge_multi_choice(answer, str(parsed)))
    except (TypeError, ValueError):
        return None


def read_lmms_eval(path: Path, suite: str) -> PeerLog:
    samples_file, task = find_samples(path, suite)
    id_field = ID_FIELDS.get(suite, "id")
    samples = []
    for number, line in iter_jsonl(samples_file):
        doc = line.get("doc")
        if not isinstance(doc, dict):
            raise DataError(f"{samples_file}:{number}: no 'doc' object; is this an lmms-eval --log_samples file?")
        record = {key: value for key, value in doc.items() if "image" not in key or key == "image_id"}
        if record.get(id_field) is None:
            record[id_field] = line.get("doc_id")
        record["id"] = record[id_field]
        responses = line.get("filtered_resps") or line.get("resps")
        record["prediction"] = first_text(responses)
        score, extraction = peer_judgement(line)
        if extraction is not None and suite == "mathvista":
            record["extraction"] = extraction
        samples.append(PeerSample(record, score))
    if not samples:
        raise DataError(f"{samples_file} holds no samples")
    log = PeerLog(tool="lmms-eval", files=[str(samples_file)], samples=samples, task=task)
    _read_results(samples_file, task, log)
    return log


def _read_results(samples_file: Path, task: str, log: PeerLog) -> None:
    """The headline score, version and settings from the run's results file, when it is there."""
    prefix = samples_file.name.split("samples_")[0]
    named = samples_file.parent / f"{prefix}results.json"  # the same run's, first; then any other
    candidates = dict.fromkeys([named, *sorted(samples_file.parent.glob("*results*.json"))])
    for candidate in candidates:
        if not candidate.is_file():
            continue
        try:
            data = read_json(candidate)
        except (DataError, UserError):
            continue
        results = data.get("results", {}).get(task) if isinstance(data, dict) else None
        if not isinstance(results, dict):
            continue
        log.files.append(str(candidate))
        for metric in HEADLINE_METRICS:
            value = next((v for k, v in results.items() if k.split(",")[0] == metric), None)
            if as_percent(value) is not None:
                log.peer_score = as_percent(value)
                break
        config = data.get("config") if isinstance(data.get("config"), dict) else {}
        log.version = str(data.get("lmms_eval_version") or data.get("version") or "") or None
        log.model = _model_name(config)
        task_config = data.get("configs", {}).get(task, {}) if isinstance(data.get("configs"), dict) else {}
        log.settings = {
            key: config[key] for key in ("model", "model_args", "batch_size", "limit") if config.get(key) is not None
        }
        if isinstance(task_config, dict) and isinstance(task_config.get("generation_kwargs"), dict):
            log.settings["generation_kwargs"] = task_config["generation_kwargs"]
        return


def _model_name(config: dict[str, Any]) -> str | None:
    args = str(config.get("model_args") or "")
    found = re.search(r"pretrained=([^,]+)", args)
    return found.group(1) if found else (str(config["model"]) if config.get("model") else None)
