"""Reading a MathVista reply: where its answer sits (answer cues, boxed and bold text, the
conclusion), its sentences and its numbers, and the question stem a prompt asks. Shared by the
choice and number rules of the offline extractor (`mathvista_extract`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

_STRONG_CUES = re.compile(
    r"\b(?:answer|option|choice|option letter)\s*(?:is|would be|should be|will be|[:\uff1a=])\s*:?"
    r"|^[ \t]*answer\b[ \t]*[:\uff1a]?"
    r"|\u7b54\u6848\s*(?:\u662f|\u4e3a|[:\uff1a])?\s*"  # 答案 (是 | 为 | :): Chinese "the answer (is)"
    r"|\u9009\u9879(?=\s*\(?[A-Z](?![A-Za-z]))",  # 选项 A: "option A"
    re.IGNORECASE | re.MULTILINE,
)
_WEAK_CUES = re.compile(r"\b(?:therefore|thus|hence|so)\b,?", re.IGNORECASE)
_BOXED = re.compile(r"\\boxed\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")
SENTENCES = re.compile(r"\n|(?<!\d)\.(?!\d)|\.(?=\s|$)")
_NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d*\.\d+|-?\d+")
_LATEX_FRACTION = re.compile(r"\\d?frac\{(-?[\d.]+)\}\{(-?[\d.]+)\}")
_PLAIN_FRACTION = re.compile(r"(?<![\d.])(-?\d+)\s*/\s*(\d+)(?![\d.])")
_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip
_WORD_NUMBER = re.compile(r"\b(" + "|".join(_WORDS) + r")\b", re.IGNORECASE)
_SPACES = re.compile(r"\s*")
_PROMPT_PARTS = re.compile(r"^[ \t]*(?:Choices|Hint|Solution):", re.MULTILINE)
# a reply that declines says what it cannot do ("cannot be determined", "can't tell"), not what
# the answer cannot be ("the perimeter cannot be 38") or what is not enough ("not enough to buy")
DECLINES = re.compile(
    r"\b(?:cannot|can't|can not|impossible to|unable to|not possible to)\s+(?:be\s+)?(?:\w+\s+)?"
    r"(?:determin|answer|tell|see|provid|help|process|view|identif|know|say|calculat|comput|find|give|judge|"
    r"assess|confirm|verif|read|access|predict|analy[sz]|infer|decid|compar|count|measur|solv|quantif)"
    r"|\b(?:impossible|not possible)\b[^.\n]{0,40}$|\bsorry\b"
    r"|\b(?:not enough|insufficient|no|lack of|lacks?)\s+(?:\w+\s+)?(?:information|data|context|details)\b"
    r"|\b(?:insufficient|not provided|does not provide|doesn't provide|not clear|unclear|not specified|not given)\b",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Extraction:
    text: str
    rule: str


def sentence(text: str, start: int = 0) -> str:
    """The text from `start` to the end of its sentence."""
    end = SENTENCES.search(text, start)
    return text[start : end.start()] if end else text[start:]


def _after_last(cue: re.Pattern[str], text: str) -> str | None:
    """The sentence after the last match of `cue` that has something after it.

    Searched from the last match backwards, each sentence read in place (no copies of the rest
    of the reply), so a reply full of cues costs linear time."""
    for match in reversed(list(cue.finditer(text))):
        # "my answer is:\n\nB": the answer may start on a later line
        start = _SPACES.match(text, match.end()).end()
        tail = sentence(text, start).strip()
        if tail:
            return tail
    return None


def answer_segments(text: str) -> list[tuple[str, str]]:
    """Where the answer probably is, most telling first: (rule name, text)."""
    boxed, bold = _BOXED.findall(text), _BOLD.findall(text)
    found = [
        ("boxed", boxed[-1] if boxed else None),
        ("cue", _after_last(_STRONG_CUES, text)),
        ("bold", bold[-1] if bold else None),
        ("conclusion", _after_last(_WEAK_CUES, text)),
    ]
    return [(where, part) for where, part in found if part]


def question_stem(question: str) -> str:
    """The question itself, without the hint (its "e.g., 1, 2, 3" states no number of the problem),
    its choices or a few-shot prompt's examples: from the last "Question:" to the next part."""
    start = question.rfind("Question:")
    stem = question[max(start, 0) :]
    end = _PROMPT_PARTS.search(stem)
    return stem[: end.start()] if end else stem


def numbers(part: str) -> list[tuple[int, str]]:
    """(position, value) of every number in `part`: fractions, thousands, words, plain."""
    found: list[tuple[int, str]] = []
    taken = bytearray(len(part) + 1)  # 1 where an earlier (more specific) number was found

    def add(start: int, end: int, value: str) -> None:
        if taken[start] or taken[end - 1]:
            return
        taken[start:end] = b"\x01" * (end - start)
        found.append((start, value))

    for match in _LATEX_FRACTION.finditer(part):
        add(match.start(), match.end(), _divide(match.group(1), match.group(2)))
    for match in _PLAIN_FRACTION.finditer(part):
        add(match.start(), match.end(), _divide(match.group(1), match.group(2)))
    for match in _NUMBER.finditer(part):
        add(match.start(), match.end(), match.group(0).replace(",", ""))
    for match in _WORD_NUMBER.finditer(part):
        add(match.start(), match.end(), str(_WORDS[match.group(1).lower()]))
    return sorted(found)


def as_float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def first_number(part: str) -> str | None:
    found = numbers(part)
    return found[0][1] if found else None


def _divide(numerator: str, denominator: str) -> str:
    try:
        return str(float(Fraction(numerator) / Fraction(denominator)))
    except (ValueError, ZeroDivisionError):
        return numerator
