"""MathVista answer extraction without an API key.

The official pipeline asks GPT-4 to pull the answer out of a free-form reply. These rules were
written by reading the real replies of eleven models beside GPT-4's extractions (the reference
set in `shared/reference/mathvista`), and aim at the answer GPT-4 extracted:

- a reply that already is a choice, an integer or a float is taken as is, and an empty reply
  gives an empty extraction (both as the official `extract_answer` does);
- the answer is looked for where it usually is: `\boxed{}`, the sentence after the last answer
  cue ("the answer is", "Answer:", "correct option is"), the last bold text, the sentence after
  the last "therefore / thus / so", and then the whole reply;
- multiple choice: an option letter, else the option text; a reply without either is read as
  GPT-4 reads it: declining ("cannot be determined") gives "N/A", a number picks the option
  nearest in value, a yes/no question is answered by the reply's negation or contrary
  comparison, a paraphrase picks the option sharing most of its words, and what is left goes
  through whole (normalisation then takes the nearest choice);
- numbers: fractions (`a/b`, `\frac{a}{b}`), thousands separators, number words; the result after
  the last "=", the number after a copula ("is 10 years"), numbers the question itself states
  passed over; fill-in-the-blank questions use the words after the blank; lists: the
  bracketed list.

Each extraction names the rule that made it, so results can report the share taken by each path.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Extraction:
    text: str
    rule: str


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
_SENTENCES = re.compile(r"\n|(?<!\d)\.(?!\d)|\.(?=\s|$)")
_NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d*\.\d+|-?\d+")
_LATEX_FRACTION = re.compile(r"\\d?frac\{(-?[\d.]+)\}\{(-?[\d.]+)\}")
_PLAIN_FRACTION = re.compile(r"(?<![\d.])(-?\d+)\s*/\s*(\d+)(?![\d.])")
_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip
_WORD_NUMBER = re.compile(r"\b(" + "|".join(_WORDS) + r")\b", re.IGNORECASE)
_ALL_LETTERS = [chr(ord("A") + i) for i in range(26)]
_CHOICES_HEADER = re.compile(r"^[ \t]*Choices:[ \t]*$", re.MULTILINE)
_ANSWER_LABEL = re.compile(r"\s*A\s*(?::|\s-)\s*(\S.*)", re.DOTALL)
_SPACES = re.compile(r"\s*")
_PROMPT_PARTS = re.compile(r"^[ \t]*(?:Choices|Hint|Solution):", re.MULTILINE)
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|none|false)\b|n't\b", re.IGNORECASE)
_COMPARATIVES = re.compile(
    r"\b(?:larger|smaller|greater|less|bigger|more|fewer|higher|lower|equal|same|shorter|longer|taller)\b",
    re.IGNORECASE,
)
_MIN_OVERLAP = 0.5
_STOP_WORDS = {"the", "a", "an", "of", "is", "are", "to", "in", "and", "or", "it", "be", "will", "would"}
_DECLINES = re.compile(
    r"\b(?:cannot|can't|can not|impossible|unable|not possible|sorry|not enough|insufficient|not provided|"
    r"does not provide|doesn't provide|not clear|unclear|not specified|no information|not given)\b",
    re.IGNORECASE,
)
_RANGE_QUESTION = re.compile(r"\brange\b", re.IGNORECASE)
_SPAN_START = re.compile(r"-?[\d.,]+\s*(?:to|-|\u2013)\s*-?\d")
_NO_OPTION_FITS = re.compile(
    r"none of the (?:given |provided |answer )?(?:options|choices|answers)"
    r"|not (?:one of |among |in |available in |listed in )?the (?:given |provided |answer )?(?:options|choices)"
    r"|not an? (?:option|choice)|mistake in the (?:question|problem|options|choices)"
    r"|\u4e0d\u5728\u9009\u9879|\u9898\u76ee(?:\u53ef\u80fd)?\u6709\u8bef|\u6ca1\u6709\u6b63\u786e\u7b54\u6848",
    # 不在选项 (not among the options), 题目(可能)有误 (the question is wrong), 没有正确答案 (no right answer)
    re.IGNORECASE,
)
_COPULA = re.compile(
    r"\b(?:is|are|was|were|be|equals?|of)\b(?:\s+(?:about|approximately|around|roughly|only|just|exactly))?\s*\$?",
    re.IGNORECASE,
)
MAX_REPLY = 65_536
_MAX_WORD = 30  # longer "words" are not inflections of an option's words
_MAX_GAP = 8  # "is $ 10": what may stand between a copula and its number
_QUOTED_OPENING = 'The answer is "'
_MAX_DIGITS = 4000  # Python refuses int() of longer digit strings; no real answer is that long


def _quoted_answer(text: str) -> str | None:
    """What `The answer is "(.*)"\\.` would capture, found in linear time: on the line of the first
    opening that has one, the text up to the last '".' of that line. (The regex backtracks over
    the rest of the line at every opening, which is quadratic on hostile replies.)"""
    start = text.find(_QUOTED_OPENING)
    while start != -1:
        begin = start + len(_QUOTED_OPENING)
        line_end = text.find("\n", begin)
        line_end = len(text) if line_end == -1 else line_end
        close = text.rfind('".', begin, line_end)
        if close != -1:
            return text[begin:close]
        # every later opening on this line ends the line the same way: go to the next line
        start = text.find(_QUOTED_OPENING, line_end)
    return None


def extract_answer(
    response: str,
    question_type: str,
    answer_type: str,
    choices: Sequence[str] | None = None,
    precision: int = 0,
    question: str = "",
) -> Extraction:
    text = response.replace("</s>", "").strip()
    if not text:
        return Extraction("", "empty")
    choices = [str(choice) for choice in choices or []]
    if question_type == "multi_choice" and text in choices:
        return Extraction(text, "direct")
    # The rules read the answer from where replies put it, the end: past MAX_REPLY characters
    # (real replies are under 3,000) only the last MAX_REPLY are read, so time stays bounded.
    text = text[-MAX_REPLY:]
    if answer_type == "integer" and re.fullmatch(r"-?\d+", text) and len(text) <= _MAX_DIGITS:
        return Extraction(str(int(text)), "direct")
    if answer_type == "float" and _as_float(text) is not None:
        return Extraction(str(float(text)), "direct")
    quoted = _quoted_answer(text)
    if quoted is not None:
        return Extraction(quoted, "quoted")
    if question_type == "multi_choice":
        return _extract_choice(text, choices, question)
    if answer_type == "list":
        return _extract_list(text)
    return _extract_number(text, question)


def _sentence(text: str, start: int = 0) -> str:
    """The text from `start` to the end of its sentence."""
    end = _SENTENCES.search(text, start)
    return text[start : end.start()] if end else text[start:]


def _after_last(cue: re.Pattern[str], text: str) -> str | None:
    """The sentence after the last match of `cue` that has something after it.

    Searched from the last match backwards, each sentence read in place (no copies of the rest
    of the reply), so a reply full of cues costs linear time."""
    for match in reversed(list(cue.finditer(text))):
        # "my answer is:\n\nB": the answer may start on a later line
        start = _SPACES.match(text, match.end()).end()
        tail = _sentence(text, start).strip()
        if tail:
            return tail
    return None


def answer_segments(text: str) -> list[tuple[str, str]]:
    """Where the answer probably is, most telling first: (rule name, text)."""
    segments: list[tuple[str, str]] = []
    boxed = _BOXED.findall(text)
    if boxed:
        segments.append(("boxed", boxed[-1]))
    strong = _after_last(_STRONG_CUES, text)
    if strong:
        segments.append(("cue", strong))
    bold = _BOLD.findall(text)
    if bold:
        segments.append(("bold", bold[-1]))
    weak = _after_last(_WEAK_CUES, text)
    if weak:
        segments.append(("conclusion", weak))
    return segments


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


def _question_stem(question: str) -> str:
    """The question itself, without the hint (its "e.g., 1, 2, 3" states no number of the problem),
    its choices or a few-shot prompt's examples: from the last "Question:" to the next part."""
    start = question.rfind("Question:")
    stem = question[max(start, 0) :]
    end = _PROMPT_PARTS.search(stem)
    return stem[: end.start()] if end else stem


def _extract_choice(text: str, choices: list[str], question: str) -> Extraction:
    letters = _ALL_LETTERS[: len(choices)]
    options = _listed_options(question, choices)
    stem = _question_stem(question)

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
    declined = _DECLINES.search(text)
    if declined and declined.group(0).lower() in ("does not provide", "doesn't provide"):
        # "The question does not provide enough information ..." is usually passed on whole
        return Extraction(text, "no-information")
    if declined or text.rstrip().endswith("?"):
        return Extraction("N/A", "declined")
    labelled = _ANSWER_LABEL.match(text)
    if labelled:
        # "A: No, Periwinkle is not the maximum": "A:" labels the answer (GPT-4 reads it as the
        # answer "No"), when what follows opens with an option's text
        opening = _choice_mentioned(labelled.group(1)[:80], options, first=True)
        if opening is not None and labelled.group(1).lower().startswith(opening.lower()):
            return picked(opening, "labelled-reply")
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
    one_sentence = len([piece for piece in _SENTENCES.split(text) if piece.strip()]) == 1
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
        negated = _NEGATION.search(_sentence(text)) or _other_comparison(_sentence(text), stem)
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
    stated = _reply_number(part, question)
    number = _as_float(stated) if stated is not None else None
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


def _extract_list(text: str) -> Extraction:
    found = re.findall(r"\[[^\[\]]*\]", text)
    if found:
        return Extraction(found[-1], "list")
    return Extraction(text, "none")


def _extract_number(text: str, question: str) -> Extraction:
    blank = _blank_number(text, question)
    if blank is not None:
        return Extraction(blank, "number-blank")
    for where, part in answer_segments(text):
        # "... = 3 + 3 + 3 = 9 yards": the result follows the last equals sign
        value = ("=" in part and _first_number(part.rsplit("=", 1)[-1])) or _sentence_number(part, question)
        if value is not None:
            return Extraction(value, f"number-{where}")
    if _DECLINES.search(text) and not _new_numbers(text, question):
        # "I cannot tell the value of f(0)": a reply that declines and only repeats the question's
        # numbers answers nothing (GPT-4 extracts "N/A", which normalises to no number)
        return Extraction("", "declined")
    value = _reply_number(text, question)
    if value is not None:
        return Extraction(value, "number-reply")
    return Extraction("", "none")


def _new_numbers(text: str, question: str) -> list[str]:
    """The reply's numbers that the question itself does not state."""
    given = {_as_float(value) for _, value in _numbers(_question_stem(question))}
    return [value for _, value in _numbers(text) if _as_float(value) not in given]


def _numbers(part: str) -> list[tuple[int, str]]:
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


def _reply_number(text: str, question: str) -> str | None:
    """No cue: in the last sentence that has a number, the number after its last '=', else the
    first one after a copula ("... is 10 years"), else its first number. Numbers the question
    itself states ("higher than 20.0") are passed over while the sentence has others."""
    sentences = [piece for piece in _SENTENCES.split(text) if _numbers(piece)]
    if not sentences:
        return None
    last = sentences[-1]
    result = last.rsplit("=", 1)[-1]
    if "=" in last and _numbers(result) and len(result.split()) <= 4:
        return _first_number(result)
    return _sentence_number(last, question)


def _sentence_number(sentence: str, question: str) -> str | None:
    """The number a sentence answers with: the first after a copula ("is 10 years"), else its
    first; numbers the question itself states ("higher than 20.0") are passed over."""
    last = sentence
    stem = _question_stem(question)
    given = {_as_float(value) for _, value in _numbers(stem)}
    found = _numbers(last)
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
        new = [value for value in values if _as_float(value) not in given]
        if new:
            return new[0]
    fallback = stated or [value for _, value in found]
    return fallback[0] if fallback else None


def _as_float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def _first_number(part: str) -> str | None:
    found = _numbers(part)
    return found[0][1] if found else None


def _divide(numerator: str, denominator: str) -> str:
    try:
        return str(float(Fraction(numerator) / Fraction(denominator)))
    except (ValueError, ZeroDivisionError):
        return numerator
