"""MathVista offline extraction, free-form answers: the number (or list) a reply answers with, as
GPT-4 extracts it."""

from __future__ import annotations

import re
from bisect import bisect_left

from evals.metrics.mathvista_text import (
    DECLINES,
    SENTENCES,
    Extraction,
    answer_segments,
    as_float,
    first_number,
    numbers,
    question_stem,
)

_RANGE_QUESTION = re.compile(r"\brange\b", re.IGNORECASE)
_SPAN_START = re.compile(r"-?[\d.,]+\s*(?:to|-|\u2013)\s*-?\d")
_COPULA = re.compile(
    r"\b(?:is|are|was|were|be|equals?|of)\b(?:\s+(?:about|approximately|around|roughly|only|just|exactly))?\s*\$?",
    re.IGNORECASE,
)
_MAX_GAP = 8  # "is $ 10": what may stand between a copula and its number


def extract_list(text: str) -> Extraction:
    found = re.findall(r"\[[^\[\]]*\]", text)
    if found:
        return Extraction(found[-1], "list")
    return Extraction(text, "none")


def extract_number(text: str, question: str) -> Extraction:
    blank = _blank_number(text, question)
    if blank is not None:
        return Extraction(blank, "number-blank")
    for where, part in answer_segments(text):
        # "... = 3 + 3 + 3 = 9 yards": the result follows the last equals sign
        value = ("=" in part and first_number(part.rsplit("=", 1)[-1])) or _sentence_number(part, question)
        if value is not None:
            return Extraction(value, f"number-{where}")
    if DECLINES.search(text) and not _new_numbers(text, question):
        # "I cannot tell the value of f(0)": a reply that declines and only repeats the question's
        # numbers answers nothing (GPT-4 extracts "N/A", which normalises to no number)
        return Extraction("", "declined")
    value = reply_number(text, question)
    if value is not None:
        return Extraction(value, "number-reply")
    return Extraction("", "none")


def _stated_numbers(stem: str) -> set[float | None]:
    """The values of the numbers the question stem itself states."""
    return {as_float(value) for _, value in numbers(stem)}


def _new_numbers(text: str, question: str) -> list[str]:
    """The reply's numbers that the question itself does not state."""
    given = _stated_numbers(question_stem(question))
    return [value for _, value in numbers(text) if as_float(value) not in given]


def _blank_number(text: str, question: str) -> str | None:
    """Fill-in-the-blank questions ("There are (_) dots in each group."): the number the reply
    puts before the words that follow the blank."""
    blank = re.search(r"\(_\)\s+((?:[^\W\d_]+\s*){1,3})", question)
    if not blank:
        return None
    words = r"\s+".join(re.escape(word) for word in blank.group(1).split())
    # (?<!\d): a number starts where its digits start (no rescans inside a long digit run)
    found = re.findall(rf"(-?(?<!\d)\d+(?:\.\d+)?)\s+{words}", text, re.IGNORECASE)
    return found[-1] if found else None


def reply_number(text: str, question: str) -> str | None:
    """No cue: in the last sentence that has a number, the number after its last '=', else the
    first one after a copula ("... is 10 years"), else its first number. Numbers the question
    itself states ("higher than 20.0") are passed over while the sentence has others."""
    sentences = [piece for piece in SENTENCES.split(text) if numbers(piece)]
    if not sentences:
        return None
    last = sentences[-1]
    result = last.rsplit("=", 1)[-1]
    if "=" in last and numbers(result) and len(result.split()) <= 4:
        return first_number(result)
    return _sentence_number(last, question)


def _sentence_number(last: str, question: str) -> str | None:
    """The number a sentence answers with: the first after a copula ("is 10 years"), else its
    first; numbers the question itself states ("higher than 20.0") are passed over."""
    stem = question_stem(question)
    given = _stated_numbers(stem)
    found = numbers(last)
    if _RANGE_QUESTION.search(stem):
        # "The range of the numbers is 13 to 20": GPT-4 takes the end of the span
        found = [(position, value) for position, value in found if not _SPAN_START.match(last, position)]
    positions = [position for position, _ in found]
    stated: list[str] = []  # numbers right after a copula ("is 10", "a total of 8")
    for match in _COPULA.finditer(last):
        first = bisect_left(positions, match.end())  # the first number at or after the copula
        gap = positions[first] - match.end() if first < len(positions) else _MAX_GAP + 1
        if gap <= _MAX_GAP and not re.search(r"[^\W\d_]", last[match.end() : positions[first]]):
            stated.append(found[first][1])
    # numbers the question itself states ("the sum of 2002, 2003 and 2004") are passed over
    for values in (stated, [value for _, value in found]):
        new = [value for value in values if as_float(value) not in given]
        if new:
            return new[0]
    fallback = stated or [value for _, value in found]
    return fallback[0] if fallback else None
