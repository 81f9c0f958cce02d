"""lmms-eval's `--log_samples` output: `<date>_samples_<task>.jsonl` beside `<date>_results.json`.

Two line layouts (both read; fixtures from real runs of each are under tests/evals/peer_logs/):
- up to 0.3.x: `doc_id`, `doc` (the dataset row without its images, fields named as in the hub
  data), `target`, `arguments`, `resps` / `filtered_resps` (lists of the model's text);
- 0.4 and later (`EvaluationTracker.save_results_samples`): no `doc`. `doc_id` (the row's
  position in the task's split), `target` (a `str()` of the target), `input` (the prompt text),
  `filtered_resps` (and `resps` when they differ) as plain strings, `doc_hash`, `token_counts`.
Both add the task's per-sample metric values under their names: a number (`exact_match`,
`anls`), or a dict (`mmmu_acc` with `id` and `parsed_pred`; MathVista's `llm_as_judge_eval` /
`gpt_eval_score` with `question_id`, the GPT `extraction` and `true_false`; `submission` with
`question_id`). The results file has the headline metrics per task, `n-samples`, the run's
`config` (model, model_args, batch size) and the tasks' `configs`.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from evals.errors import DataError, UserError
from evals.peers import PeerLog, PeerSample, headline
from evals.peers.verdicts import mmmu_lmms_verdict
from evals.store import iter_jsonl, read_json

# the suite's id field in the hub rows lmms-eval logs as `doc`
ID_FIELDS = {"mmmu": "id", "mathvista": "pid", "textvqa": "question_id", "docvqa": "questionId",
             "vqav2": "question_id", "mmbench": "index"}  # fmt: skip
NOT_METRICS = {"doc_id", "doc", "target", "arguments", "resps", "filtered_resps", "doc_hash", "prompt_hash",
               "target_hash", "filter", "metrics", "task", "split", "input_text", "image_paths", "token_counts",
               "success", "input", "input_media"}  # fmt: skip
# where a metric dict names its sample (lmms-eval >= 0.4 logs carry no `doc`)
LOGGED_ID_KEYS = ("id", "question_id", "questionId", "index", "pid")
HEADLINE_METRICS = ("mmmu_acc", "llm_as_judge_eval", "gpt_eval_score", "exact_match", "anls", "accuracy")
# every lmms-eval scorer of these tasks strips the reply first (anls, the EvalAI processor,
# vqav2_process_results, mathvista_process_results); MMMU's parser works on the reply as given
STRIPPING_SUITES = ("docvqa", "textvqa", "vqav2", "mathvista")
# how the official MathVista code and VLMEvalKit write a failed GPT extraction
FAILED_EXTRACTIONS = ("", "failed to obtain answer via api.")
HEADLINE_TOLERANCE = 0.5  # points between a results file's headline and the mean of its own samples
MAX_DOC_ID = 10**12  # far above any split; a larger doc_id is damage, not a row
_SAMPLES = re.compile(r"(?:^|_)samples_(?P<task>.+)\.jsonl$")


def task_matches(task: str, suite: str) -> bool:
    return task == suite or (task.startswith(suite) and not task.startswith("mmmu_pro"))


def find_samples(path: Path, suite: str) -> tuple[Path, str]:
    """The samples file for `suite`: `path` itself, or the one file in the folder whose task fits."""
    if path.is_file():
        if path.name.endswith("results.json") or path.suffix == ".json":
            raise UserError(
                f"{path} is lmms-eval's results file (headline scores only); pass the *_samples_<task>.jsonl "
                "beside it, or the folder holding both"
            )
        found = _SAMPLES.search(path.name)
        task = found.group("task") if found else path.stem
        if found and not task_matches(task, suite):
            raise UserError(f"{path} is lmms-eval's log of task '{task}', not of {suite}; pass the {suite} log")
        return path, task
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


def first_text(value: Any) -> str | None:
    """The model's text from `filtered_resps` / `resps`: the first string, however nested; None
    when there is none."""
    while isinstance(value, list | tuple) and value:
        value = value[0]
    return value if isinstance(value, str) else None


def peer_judgement(line: dict[str, Any]) -> tuple[float | None, Any]:
    """The peer's own score of one sample in [0, 1] and its answer extraction, where logged."""
    score: float | None = None
    extraction = None
    for key, value in line.items():
        if key in NOT_METRICS:
            continue
        if isinstance(value, int | float) and score is None:  # bool included: exact_match, anls, ...
            # NaN, inf or a value outside [0, 1] is no judgement (and never reaches a JSON file)
            score = float(value) if math.isfinite(value) and 0 <= value <= 1 else None
        elif isinstance(value, dict):
            if value.get("extraction") is not None and extraction is None:
                extraction = value["extraction"]
            if "true_false" in value and score is None:
                score = float(bool(value["true_false"]))
            elif "parsed_pred" in value and "answer" in value and score is None:
                score = _guarded(value)
    return score, extraction


def _guarded(metric: dict[str, Any]) -> float | None:
    try:
        return mmmu_lmms_verdict(metric)
    except (TypeError, ValueError, RecursionError):
        return None


def logged_ids(line: dict[str, Any]) -> tuple[str, ...]:
    """The sample ids inside the line's metric dicts (`mmmu_acc.id`, `submission.question_id`)."""
    found: list[str] = []
    for key, value in line.items():
        if key in NOT_METRICS or not isinstance(value, dict):
            continue
        for name in LOGGED_ID_KEYS:
            item = value.get(name)
            if isinstance(item, str | int) and not isinstance(item, bool) and str(item) not in found:
                found.append(str(item))
    return tuple(found)


def read_lmms_eval(path: Path, suite: str) -> PeerLog:
    samples_file, task = find_samples(path, suite)
    id_field = ID_FIELDS.get(suite, "id")
    samples = []
    with_doc = 0
    for number, line in iter_jsonl(samples_file):
        doc = line.get("doc")
        where = f"{samples_file}:{number}"
        if doc is not None and not isinstance(doc, dict):
            raise DataError(f"{where}: 'doc' is not an object; is this an lmms-eval --log_samples file?")
        doc_id = line.get("doc_id")
        if doc is None and doc_id is None:
            raise DataError(f"{where}: neither 'doc' nor a 'doc_id'; is this an lmms-eval --log_samples file?")
        if doc is None and (isinstance(doc_id, bool) or not isinstance(doc_id, int) or not 0 <= doc_id < MAX_DOC_ID):
            shown = repr(doc_id)[:40]  # an integer of 400 digits is not worth a screen
            raise DataError(
                f"{where}: 'doc_id' is {shown}, not a row position (a whole number from 0); is the log damaged?"
            )
        record = {} if doc is None else {k: v for k, v in doc.items() if "image" not in k or k == "image_id"}
        ids = logged_ids(line)
        if doc is not None:
            with_doc += 1
            if record.get(id_field) is None:
                record[id_field] = doc_id
            record["id"] = record[id_field]
        elif ids:
            record["id"] = ids[0]
        reply = first_text(line.get("filtered_resps") if "filtered_resps" in line else line.get("resps"))
        error = None if reply is not None else f"the {Path(samples_file).name} line {number} holds no reply"
        record["prediction"] = "" if reply is None else reply
        score, extraction = peer_judgement(line)
        failed = False
        if extraction is not None and suite == "mathvista":
            if str(extraction).strip().lower() in FAILED_EXTRACTIONS:
                failed = True  # GPT's call failed: not an answer; our offline extraction reads the reply
            else:
                record["extraction"] = extraction
        prompt = line.get("input") if isinstance(line.get("input"), str) else None
        samples.append(
            PeerSample(
                record,
                score,
                doc_id=doc_id if isinstance(doc_id, int) and not isinstance(doc_id, bool) else None,
                logged_ids=ids,
                prompt=prompt,
                error=error,
                peer_extraction_failed=failed,
            )
        )
    if not samples:
        raise DataError(f"{samples_file} holds no samples")
    if with_doc not in (0, len(samples)):
        raise DataError(f"{samples_file}: some lines hold 'doc' and some do not; is it two logs in one file?")
    log = PeerLog(tool="lmms-eval", files=[str(samples_file)], samples=samples, task=task)
    log.needs_data = with_doc == 0
    log.replies_stripped = suite in STRIPPING_SUITES
    log.settings["log_layout"] = "0.3.x (lines hold 'doc')" if with_doc else "0.4 or later (lines hold 'doc_id' only)"
    _read_results(samples_file, task, log)
    return log


def _read_results(samples_file: Path, task: str, log: PeerLog) -> None:
    """The headline score, version and settings from the same run's results file
    (`<date>_results.json` for `<date>_samples_<task>.jsonl`), when it is there and is of this run."""
    prefix = samples_file.name.split("samples_")[0]
    candidate = samples_file.parent / f"{prefix}results.json"
    if not prefix or not candidate.is_file():
        return
    try:
        data = read_json(candidate)
    except (DataError, UserError) as exc:
        log.warnings.append(f"did not read {candidate.name}: {str(exc)[:160]}")
        return
    every = data.get("results") if isinstance(data, dict) else None
    results = every.get(task) if isinstance(every, dict) else None  # a hand-made file may hold anything here
    if not isinstance(results, dict):
        log.warnings.append(f"{candidate.name} holds no results for task '{task}': not this log's run")
        return
    counts = data.get("n-samples", {}).get(task) if isinstance(data.get("n-samples"), dict) else None
    effective = counts.get("effective") if isinstance(counts, dict) else None
    if isinstance(effective, int) and effective != len(log.samples):
        log.warnings.append(
            f"{candidate.name} is of a run with {effective} {task} samples, the log holds {len(log.samples)}: "
            "not attributed"
        )
        return
    log.files.append(str(candidate))
    for metric in HEADLINE_METRICS:
        name, value = next(((k, v) for k, v in results.items() if k.split(",")[0] == metric), (None, None))
        if name is not None:
            log.peer_score = headline(value, name, candidate.name, log)
            break
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    version = str(data.get("lmms_eval_version") or data.get("version") or "")
    log.version = version if version and "unknown" not in version else None
    log.model = _model_name(config)
    task_config = data.get("configs", {}).get(task, {}) if isinstance(data.get("configs"), dict) else {}
    log.settings.update(
        {key: config[key] for key in ("model", "model_args", "batch_size", "limit") if config.get(key) is not None}
    )
    if isinstance(task_config, dict):
        if isinstance(task_config.get("generation_kwargs"), dict):
            log.settings["generation_kwargs"] = task_config["generation_kwargs"]
        if isinstance(task_config.get("dataset_path"), str):
            log.settings["dataset_path"] = task_config["dataset_path"]
    _check_headline(log, candidate.name)


def _check_headline(log: PeerLog, name: str) -> None:
    """A results file whose headline is far from the mean of the log's own per-sample scores
    describes other samples: warned about, never silently shown beside ours."""
    scores = [sample.peer_score for sample in log.samples]
    if log.peer_score is None or not scores or any(score is None for score in scores):
        return
    mean = 100 * sum(score for score in scores if score is not None) / len(scores)
    if abs(mean - log.peer_score) > HEADLINE_TOLERANCE:
        log.warnings.append(
            f"{name} says {log.peer_score:.2f} but the log's own per-sample scores average {mean:.2f} "
            f"over {len(scores)} samples: the results file does not describe these samples"
        )


def _model_name(config: dict[str, Any]) -> str | None:
    args = str(config.get("model_args") or "")
    found = re.search(r"pretrained=([^,]+)", args)
    return found.group(1) if found else (str(config["model"]) if config.get("model") else None)
