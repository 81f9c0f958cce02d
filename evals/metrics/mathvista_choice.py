"""MathVista offline extraction, multiple choice: the option a reply picks, as GPT-4 extracts it
(the letter the prompt shows, "None" or "N/A" where the reply picks none)."""

from __future__ import annotations

import re

from evals.metrics.mathvista_numbers import reply_number
from evals.metrics.mathvista_text import (
    DECLINES,
    SENTENCES,
    Extraction,
    answer_segments,
    as_float,
    question_stem,
    sentence,
)

_ALL_LETTERS = [chr(ord("A") + i) for i in range(26)]
_CHOICES_HEADER = re.compile(r"^[ \t]*Choices:[ \t]*$", re.MULTILINE)
_ANSWER_LABEL = re.compile(r"\s*A\s*(?::|\s-)\s*(\S.*)", re.DOTALL)
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|none|false)\b|n't\b", re.IGNORECASE)
_COMPARATIVES = re.compile(
    r"\b(?:larger|smaller|greater|less|bigger|more|fewer|higher|lower|equal|same|shorter|longer|taller)\b",
    re.IGNORECASE,
)
_MIN_OVERLAP = 0.5
_STOP_WORDS = {"the", "a", "an", "of", "is", "are", "to", "in", "and", "or", "it", "be", "will", "would"}
_NO_OPTION_FITS = re.compile(
    r"none of the (?:given |provided |answer )?(?:options|choices|answers)"
    r"|not (?:one of |among |in |available in |listed in )?the (?:given |provided |answer )?(?:options|choices)"
    r"|not an? (?:option|choice)|mistake in the (?:question|problem|options|choices)"
    r"|\u4e0d\u5728\u9009\u9879|\u9898\u76ee(?:\u53ef\u80fd)?\u6709\u8bef|\u6ca1\u6709\u6b63\u786e\u7b54\u6848",
    # 不在选项 (not among the options), 题目(可能)有误 (the question is wrong), 没有正确答案 (no right answer)
    re.IGNORECASE,
)
_MAX_WORD = 30  # longer "words" are not inflections of an option's words


def _listed_options(question: str, choices: list[str]) -> list[str]:
    """The options in the order the prompt lists them ("(A) 0.30%", "(B) 0.32%", ...).

    GPT-4 answers with the letter the prompt shows, and the official normalisation maps that
    letter through the record's `choices`. A few testmini records list their choices in another
    order than `choices` (pid 229, 272, ...): there the letter, not the text, decides the score."""
    headers = list(_CHOICES_HEADER.finditer(question))
    if not headers:
        return choices
    # the last listing: few-shot prompts list their examples' choices first
    found = re.findall(r"^[ \t]*\(([A-Z])\)[ \t]*(.*?)[ \t]*$", question[headers[-1].end() :], re.MULTILINE)
    letters = [letter for letter, _ in found[: len(choices)]]
    if len(found) < len(choices) or letters != _ALL_LETTERS[: len(choices)]:
        return choices
    return [option for _, option in found[: len(choices)]]


def extract_choice(text: str, choices: list[str], question: str) -> Extraction:
    letters = _ALL_LETTERS[: len(choices)]
    options = _listed_options(question, choices)
    stem = question_stem(question)

    def picked(option: str, rule: str) -> Extraction:
        # an option found by its text is answered with the letter the prompt gives it
        return Extraction(letters[options.index(option)], rule)

    if _NO_OPTION_FITS.search(text):
        # "none of the options match this result": GPT-4 extracts "None" (normalised to the
        # nearest choice), whatever option the reasoning passed through
        return Extraction("None", "no-option")
    for where, part in answer_segments(text):
        # after an answer cue any capital letter counts: "The correct option letter is D" for a
        # yes/no question is extracted as "D" by GPT-4 too, and normalised to the nearest choice
        letter = _find_letter(part, _ALL_LETTERS, loose=True)
        if letter:
            return Extraction(letter, f"letter-{where}")
        mentioned = _choice_mentioned(part, options, first=False)
        if mentioned is not None:
            return picked(mentioned, f"choice-text-{where}")
    # No cue: a reply that declines to answer is extracted by GPT-4 as "N/A" (normalised to the
    # nearest choice); otherwise an option letter, an option's text, a yes/no reading of the reply,
    # the option sharing most words with it, or the reply itself for the nearest choice.
    opening = re.match(rf"\s*(?:\(([{''.join(letters)}])\)|([{''.join(letters)}])[.)])(?!\w)", text)
    if opening:
        # "(B) can't tell", "C. The effect can't be predicted": a reply that opens on an option
        # letter answers with it, whatever it says next
        return Extraction(opening.group(1) or opening.group(2), "letter-reply")
    declined = DECLINES.search(text)
    if declined and declined.group(0).lower() in ("does not provide", "doesn't provide"):
        # "The question does not provide enough information ..." is usually passed on whole
        return Extraction(text, "no-information")
    if declined or text.rstrip().endswith("?"):
        return Extraction("N/A", "declined")
    labelled = _ANSWER_LABEL.match(text)
    if labelled:
        # "A: No, Periwinkle is not the maximum": "A:" labels the answer (GPT-4 reads it as the
        # answer "No"), when what follows opens with an option's text
        named = _choice_mentioned(labelled.group(1)[:80], options, first=True)
        if named is not None and labelled.group(1).lower().startswith(named.lower()):
            return picked(named, "labelled-reply")
    letter = _find_letter(text, letters, loose=False)
    if letter:
        return Extraction(letter, "letter-reply")
    # a reply that opens on a letter past the options ("(E) 90°") is extracted as that letter,
    # which the normalisation then maps to the nearest choice
    opening = re.match(r"\s*\(?([A-Z])\)", text)
    if opening:
        return Extraction(opening.group(1), "letter-reply")
    # a one-sentence reply names its answer first ("Connor donated more than Aubrey"); a longer
    # one reasons first and concludes last
    one_sentence = len([piece for piece in SENTENCES.split(text) if piece.strip()]) == 1
    # options the question itself names ("If AB = 8 ..., find the diameter") are passed over
    unstated = [option for option in options if _choice_mentioned(stem, [option], first=True) is None]
    mentioned = _choice_mentioned(text, unstated, first=one_sentence) or _choice_mentioned(
        text, options, first=one_sentence
    )
    if mentioned is not None:
        return picked(mentioned, "choice-text-reply")
    valued = _choice_by_value(text, options, question)
    if valued is not None:
        return picked(valued, "choice-value-reply")
    if sorted(option.lower() for option in options) == ["no", "yes"]:
        negated = _NEGATION.search(sentence(text)) or _other_comparison(sentence(text), stem)
        return picked(next(o for o in options if o.lower() == ("no" if negated else "yes")), "yes-no")
    overlapping = _most_overlapping_choice(text, options)
    if overlapping is not None:
        return picked(overlapping, "word-overlap")
    return Extraction(text, "nearest-choice")


def _find_letter(part: str, letters: list[str], loose: bool) -> str | None:
    allowed = "".join(letters)
    patterns = [
        rf"\(([{allowed}])\)",
        rf"^\s*([{allowed}])(?:[).:,]|\s|$)",
        rf"\b(?:option|choice)\s+\(?([{allowed}])\b",
        rf"\b(?:letter|option|choice|answer)\b[^.\n]{{0,40}}?\bis\s+\(?([{allowed}])\b",
        rf"(?m)^[ \t]*\(?([{allowed}])\)?[ \t]*\.?[ \t]*$",  # a letter on a line of its own
    ]
    if loose:  # inside an answer sentence a letter followed by ")", "." or ":" is the answer
        patterns.append(rf"(?<![\w'\u2019-])([{allowed}])(?:[).:]|$)")
    for pattern in patterns:
        found = re.findall(pattern, part)
        if found:
            return found[0]
    return None


def _choice_mentioned(part: str, choices: list[str], first: bool) -> str | None:
    """The choice whose text the part mentions last (or first), the longer one on a tie."""
    best: tuple[int, int] | None = None
    chosen = None
    for choice in choices:
        if not choice.strip():
            continue
        pattern = re.escape(choice.lower())
        if choice[0].isalnum():
            pattern = r"(?<![\w.])" + pattern
        if choice[-1].isalnum():
            pattern += r"(?![\w]|\.\d)"
        positions = [m.start() for m in re.finditer(pattern, part.lower())]
        if not positions:
            continue
        key = (-positions[0], len(choice)) if first else (positions[-1] + len(choice), len(choice))
        if best is None or key > best:
            best, chosen = key, choice
    return chosen


def _other_comparison(reply: str, question: str) -> bool:
    """ "Is the nest larger than a fist?" / "The nest is smaller than a fist.": a reply that makes
    a comparison the question did not ask about answers no."""
    asked = {word.lower() for word in _COMPARATIVES.findall(question)}
    said = {word.lower() for word in _COMPARATIVES.findall(reply)}
    return bool(asked and said and not said & asked)


def _choice_by_value(part: str, choices: list[str], question: str) -> str | None:
    """Choices that are numbers with units ("130°", "4.40米"): the choice nearest in value to the
    number the part states ("the angle is 130.0")."""
    values = [_leading_number(choice) for choice in choices]
    if any(value is None for value in values):
        return None
    stated = reply_number(part, question)
    number = as_float(stated) if stated is not None else None
    if number is None:
        return None
    distances = [abs(number - value) for value in values if value is not None]
    return choices[distances.index(min(distances))]


def _leading_number(text: str) -> float | None:
    match = re.match(r"\s*(-?\d+(?:\.\d+)?)", text)
    return float(match.group(1)) if match else None


def _words(text: str) -> set[str]:
    words = re.findall(r"\d+(?:\.\d+)?|[^\W\d_]+", text.lower())
    return {word.removesuffix("s") if len(word) > 3 else word for word in words} - _STOP_WORDS


def _most_overlapping_choice(text: str, choices: list[str]) -> str | None:
    """The choice sharing the largest share of its words with the reply (GPT-4 matches replies
    that paraphrase an option to that option)."""
    reply = _words(text)
    # a reply word counts for an option word it inflects ("flipped" for "flip")
    stems = {word[:n] for word in reply if 4 < len(word) <= _MAX_WORD for n in range(4, len(word))}
    best, chosen = 0.0, None
    for choice in choices:
        words = _words(choice)
        if words:
            share = len({word for word in words if word in reply or word in stems}) / len(words)
            if share > best:
                best, chosen = share, choice
    return chosen if best >= _MIN_OVERLAP else None
