"""MMMU answer parsing and judging with the semantics of the official `eval_utils.py`.

Multiple choice: an option letter in brackets, else a bare letter between spaces, else (for
replies longer than five words) the option texts found in the reply; with several candidates the
one mentioned last wins; with none, a random option (the official script seeds 42 and guesses).
Open questions: the tails of "key" sentences ("so", "is", "therefore", "=" ...), the numbers in
them and the normalised strings; correct when a gold number equals a parsed number or a gold
string is contained in a parsed string.

Where the official script draws from one global generator, the guess here comes from a
generator seeded with 42 and the reply, so that a sample's outcome does not depend on the order
in which samples are scored (resumed runs, batches); the guesses are counted and reported.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

SEED = 42

_STRIP_CHARS = (",", ".", "!", "?", ";", ":", "'")
_KEY_INDICATORS = ("could be ", "so ", "is ", "thus ", "therefore ", "final ", "answer ", "result ")
_TRIVIAL_TAILS = {":", ",", ".", "!", "?", ";", "'"}

_NUMBER_WITH_COMMAS = re.compile(r"-?\b\d{1,3}(?:,\d{3})+\b")
# The official patterns, each with `(?<!\d)` before its digits: a match can never start inside a
# run of digits when it failed at the run's start (the same end would serve both), so the found
# numbers are the same, and a long digit run is scanned once instead of once per digit.
_NUMBER_SCIENTIFIC = re.compile(r"-?(?<!\d)\d+(?:\.\d+)?[eE][+-]?\d+")
_NUMBER_SIMPLE = re.compile(r"-?(?:(?<!\d)\d+\.\d+|\.\d+|(?<!\d)\d+\b)(?![eE][+-]?\d+)(?![,\d])")

Normalised = str | float


@dataclass(frozen=True)
class ChoiceParse:
    letter: str
    guessed: bool  # no option found: the letter is a seeded random guess


def parse_multi_choice(response: str, index2ans: dict[str, str], seed_text: str = "") -> ChoiceParse:
    letters = list(index2ans)
    for char in _STRIP_CHARS:
        response = response.strip(char)
    padded = f" {response} "
    candidates = [letter for letter in letters if f"({letter})" in padded]
    bracketed = bool(candidates)
    if not candidates:
        candidates = [letter for letter in letters if f" {letter} " in padded]
    by_text = False
    if not candidates and len(padded.split()) > 5:
        lowered = padded.lower()
        candidates = [letter for letter, text in index2ans.items() if text.lower() in lowered]
        by_text = bool(candidates)
    if not candidates:
        guess = random.Random(f"{SEED}\n{seed_text}\n{response}").choice(letters) if letters else ""
        return ChoiceParse(guess, guessed=True)
    if len(candidates) == 1:
        return ChoiceParse(candidates[0], guessed=False)

    def last_position(letter: str) -> int:
        if by_text:
            return padded.lower().rfind(index2ans[letter].lower())
        return padded.rfind(f"({letter})" if bracketed else f" {letter} ")

    # max() keeps the first of equal positions, as numpy's argmax does in the official code
    return ChoiceParse(max(candidates, key=last_position), guessed=False)


def is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def normalize(text: str) -> list[Normalised]:
    """A number becomes a float rounded to 2 places; a string is lower-cased, and a single
    character gets a space on one side so that it cannot match inside a word."""
    text = text.strip()
    if is_number(text):
        return [round(float(text.replace(",", "")), 2)]
    text = text.lower()
    return [f" {text}", f"{text} "] if len(text) == 1 else [text]


def extract_numbers(text: str) -> list[str]:
    return _NUMBER_WITH_COMMAS.findall(text) + _NUMBER_SCIENTIFIC.findall(text) + _NUMBER_SIMPLE.findall(text)


def key_subresponses(response: str) -> list[str]:
    response = response.strip().strip(".").lower()
    # The official split pattern asks for a capital after ". " in text it has just lower-cased,
    # so in effect it splits on newlines only; kept that way.
    pieces = re.split(r"\.\s(?=[A-Z])|\n", response)
    found: list[str] = []
    for position, piece in enumerate(pieces):
        indicators = _KEY_INDICATORS + (("=",) if position == len(pieces) - 1 else ())
        shortest = ""
        for indicator in indicators:
            if indicator in piece:
                tail = piece.split(indicator)[-1].strip()
                # an empty tail is replaced by the next one even when that is longer, as officially
                if not shortest or len(tail) < len(shortest):
                    shortest = tail
        if shortest and shortest not in _TRIVIAL_TAILS:
            found.append(shortest)
    return found or [response]


def parse_open(response: str) -> list[Normalised]:
    keys = key_subresponses(response)
    pieces = keys + [number for key in keys for number in extract_numbers(key)]
    parsed: list[Normalised] = []
    seen: set[Normalised] = set()  # a set beside the list: replies with many numbers stay linear
    for piece in pieces:
        for value in normalize(piece):
            if value not in seen:
                seen.add(value)
                parsed.append(value)
    return parsed


def gold_answers(answer: str | Sequence[str]) -> list[Normalised]:
    answers = [answer] if isinstance(answer, str) else list(answer)
    return [value for item in answers for value in normalize(str(item))]


def judge_open(answer: str | Sequence[str], parsed: Sequence[Normalised]) -> bool:
    gold = gold_answers(answer)
    for prediction in parsed:
        if isinstance(prediction, str):
            if any(isinstance(value, str) and value in prediction for value in gold):
                return True
        elif prediction in gold:
            return True
    return False


def judge_multi_choice(answer: str | Sequence[str], letter: str) -> bool:
    return letter == answer if isinstance(answer, str) else letter in answer
