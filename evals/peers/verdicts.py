"""The peers' own per-sample judgements, reproduced as the version that wrote the log computed them,
so that "judged differently" counts real disagreements and not artefacts of reading the log.

lmms-eval's MMMU metric dict holds `parsed_pred`, one entry per response, judged by its
`evaluate_mmmu` (`lmms_eval/tasks/mmmu/utils.py`): a sample is correct when any entry is.
What an entry is changed between releases:
- before 0.3: `parsed_pred` is the one parsed prediction itself (a letter, or a list of candidates);
- 0.3.x: a list; an open question's entry is `str(candidates[0])`, which `eval_open` then walks
  character by character (so "red" never matches "red", and numbers never match);
- 0.4 and later: a list; an open question's entry is the candidate list (`[["red"]]`).
The entry's own shape says which (a string, or a list), so the judgement follows the log.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from evals.metrics.mmmu import gold_answers


def _eval_open(gold: Any, prediction: Iterable[Any]) -> bool:
    """The official `eval_open`: a parsed string containing a gold string, or an equal number.

    `prediction` is iterated as given: a string is walked character by character, as 0.3.x does."""
    answers = gold_answers([str(item) for item in gold] if isinstance(gold, list) else str(gold))
    for candidate in prediction:
        if isinstance(candidate, str):
            if any(isinstance(answer, str) and answer in candidate for answer in answers):
                return True
        elif not isinstance(candidate, bool) and isinstance(candidate, int | float) and candidate in answers:
            return True
    return False


def _eval_multi_choice(gold: Any, letter: Any) -> bool:
    return letter in gold if isinstance(gold, list) else letter == gold


def mmmu_lmms_verdict(metric: dict[str, Any]) -> float | None:
    """lmms-eval's own judgement of one MMMU sample from its `mmmu_acc` dict, or None when the
    dict lacks what the judgement needs."""
    if "parsed_pred" not in metric or "answer" not in metric:
        return None
    parsed, gold = metric["parsed_pred"], metric["answer"]
    multi = metric.get("question_type") == "multiple-choice"
    # per-response entries (0.3 and later) are a list of letters, or of candidate lists / strings
    per_response = isinstance(parsed, list) and (multi or all(isinstance(entry, list | str) for entry in parsed))
    entries = parsed if per_response else [parsed]
    for entry in entries:
        if multi:
            if _eval_multi_choice(gold, entry):
                return 1.0
        elif _eval_open(gold, entry if isinstance(entry, list | str) else [entry]):
            return 1.0
    return 0.0
