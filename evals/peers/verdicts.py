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

from evals.metrics.anls import levenshtein, normalize_for_anls
from evals.metrics.mmmu import gold_answers
from evals.metrics.vqa import leave_one_out_accuracy, process_digit_article, process_punctuation

ANLS_THRESHOLD = 0.5


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


# --- VLMEvalKit -------------------------------------------------------------------------------
# Its per-row rules where its files keep no verdict (`vlmeval/dataset/image_vqa.py`,
# `vlmeval/dataset/utils/vqa_eval.py`, `vlmeval/dataset/utils/mathvista.py`,
# `vlmeval/utils/matching_util.py`). Judged multiple-choice files keep theirs (`hit`).


def _vlmevalkit_answer(text: str) -> str:
    """vqa_eval.process_answer: no lower-casing of its own beyond the digit/article step."""
    text = text.replace("\n", " ").replace("\t", " ").strip()
    return process_digit_article(process_punctuation(text))


def vlmevalkit_vqa_hit(dataset: str, prediction: str, answers: list[str]) -> float:
    """`hit_calculate(process_line(...))`: TextVQA and the default the VQA score, DocVQA ANLS with
    VLMEvalKit's own distance (normalised by the longer normalised string) and threshold."""
    if not answers:
        return 0.0
    if "DocVQA" in dataset or "InfoVQA" in dataset:
        predicted = normalize_for_anls(prediction)
        distances = []
        for answer in answers:
            gold = normalize_for_anls(answer)
            longest = max(len(gold), len(predicted))
            # past half the length the hit is 0 whatever the distance: the cut-off bounds the cost
            cutoff = int(ANLS_THRESHOLD * longest) + 1
            distances.append(0.0 if longest == 0 else levenshtein(gold, predicted, score_cutoff=cutoff) / longest)
        similarity = 1 - min(distances)
        return 0.0 if similarity < ANLS_THRESHOLD else similarity
    return leave_one_out_accuracy(_vlmevalkit_answer(prediction), [_vlmevalkit_answer(a) for a in answers])


_OPTION_CHARS = ".()[],:;!*#{}"


def can_infer(answer: str, choices: dict[str, str]) -> str | bool:
    """matching_util.can_infer: an option letter among the reply's last words, else the one
    option whose text the reply contains; "Z" for a refusal; False when neither."""
    if "Failed to obtain answer via API" in answer:
        return False
    text = answer
    for char in _OPTION_CHARS:
        text = text.replace(char, " ")
    splits = [piece.strip() for piece in text.split()]
    count = sum(1 for letter in choices if letter in splits)
    if count == 1:
        for letter in choices:
            if letter in splits and splits.index(letter) > len(splits) - 5:
                return letter
    elif count == 0 and ("Z" in splits) + ("" in splits) == 1:
        return "Z"
    lowered = answer.lower()
    if len(lowered) > 2 * sum(len(str(value)) for value in choices.values()):
        return False
    found = [letter for letter, value in choices.items() if str(value).lower() in lowered]
    return found[0] if len(found) == 1 else False


def vlmevalkit_mathvista_hit(row: dict[str, Any], choices: list[str] | None, extraction: str) -> float:
    """mathvista.post_check(line, prefetch=False) on the judge's `res`: a multiple-choice
    extraction matched to the option letter of the answer; integers and floats compared as
    numbers; any other free-form answer compared with `str(None)` (its code reads `res` before
    setting it), so those are never right."""
    answer = row.get("answer")
    try:
        if row.get("question_type") == "multi_choice":
            options = {chr(65 + i): value for i, value in enumerate(choices or [])}
            gold = row.get("answer_option") or next((k for k, v in options.items() if v == str(answer)), None)
            return float(can_infer(extraction, options) == gold)
        if row.get("answer_type") == "integer":
            return float(int(extraction) == int(str(answer)))
        if row.get("answer_type") == "float":
            return float(float(extraction) == float(str(answer)))
        return float(str(None) == str(answer))
    except (ValueError, TypeError, OverflowError):
        return 0.0
