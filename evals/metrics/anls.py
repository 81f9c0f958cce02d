"""ANLS, the DocVQA metric, exactly as the official RRC evaluation script computes it.

Per question: the Levenshtein distance between the lower-cased, stripped, whitespace-collapsed
prediction and each gold answer, divided by the longer of the two strings *as given* (the
official script measures the raw strings, not the normalised ones); the question scores
1 - (smallest such NL), set to 0 when that is below tau = 0.5 (so NL = 0.5 still scores 0.5).
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

TAU = 0.5


def levenshtein(a: str, b: str, score_cutoff: int | None = None) -> int:
    """Edit distance (insert, delete, substitute: cost 1 each), from rapidfuzz's bit-parallel
    implementation, linear in the longer string for short answers. With `score_cutoff`, any
    distance above it is reported as `score_cutoff + 1` (cheaper to find)."""
    return Levenshtein.distance(a, b, score_cutoff=score_cutoff)


def normalize_for_anls(text: str) -> str:
    """Lower-cased, stripped, inner whitespace collapsed to single spaces."""
    return " ".join(text.strip().lower().split())


def normalized_levenshtein(prediction: str, answer: str) -> float:
    # `.upper()` as the official script does: it can change a string's length (e.g. "ß" -> "SS").
    longest = max(len(answer.upper()), len(prediction.upper()))
    if longest == 0:
        return 0.0
    # Anything at or past tau scores 0, so the distance is needed only up to tau * longest: the
    # cut-off keeps two long strings from costing their product.
    cutoff = int(TAU * longest) + 1
    return levenshtein(normalize_for_anls(answer), normalize_for_anls(prediction), score_cutoff=cutoff) / longest


def anls(prediction: str, answers: Sequence[str], tau: float = TAU) -> float:
    if not answers:
        return 0.0
    similarity = 1.0 - min(normalized_levenshtein(prediction, answer) for answer in answers)
    return 0.0 if similarity < tau else similarity
