"""MathVista answer normalisation and equality, as the official `calculate_score.py` does them.

An extracted answer is normalised by question and answer type: multiple choice maps a letter
("B" or "(B) ...") to its choice, else picks the choice nearest by Levenshtein distance (the first
of equals); integers go through `int(float(x))`, floats through `round(float(x), precision)`,
lists are compared as their string. The normalised answer must then equal the gold string.
How the answer is extracted from a free-form reply is in `mathvista_extract`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from evals.metrics.anls import levenshtein


def nearest_choice(text: str, choices: Sequence[str]) -> str:
    distances = [levenshtein(text, choice) for choice in choices]
    return choices[distances.index(min(distances))]


def normalize_extraction(
    extraction: Any, choices: Sequence[str] | None, question_type: str, answer_type: str, precision: Any
) -> str | None:
    if question_type == "multi_choice":
        choices = [str(choice) for choice in choices or []]
        if not choices:
            return None
        text = extraction.strip() if isinstance(extraction, str) else str(extraction)
        bracketed = re.findall(r"\(([a-zA-Z])\)", text)
        if bracketed:
            text = bracketed[0].upper()
        letters = [chr(ord("A") + i) for i in range(len(choices))]
        if text in letters:
            return choices[letters.index(text)]
        return nearest_choice(text, choices)
    try:
        if answer_type == "integer":
            return str(int(float(extraction)))
        if answer_type == "float":
            return str(round(float(extraction), int(precision)))
        if answer_type == "list":
            return str(extraction)
    except (TypeError, ValueError, OverflowError):
        return None
    return None


def is_correct(normalized: str | None, answer: Any) -> bool:
    return normalized is not None and normalized == answer
