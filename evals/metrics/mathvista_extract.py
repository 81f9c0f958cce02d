"""MathVista answer extraction without an API key.

The official pipeline asks GPT-4 to pull the answer out of a free-form reply. These rules follow
what that extraction does, read from the official extraction prompt and eleven models' real
replies beside GPT-4's extractions (`shared/reference/mathvista`); they are general rules about
how replies state answers, not cases:

- a reply that already is a choice, an integer or a float is taken as is, and an empty reply
  gives an empty extraction (both as the official `extract_answer` does);
- the answer is looked for where it usually is: `\boxed{}`, the sentence after the last answer
  cue ("the answer is", "Answer:", 答案), the last bold text, the sentence after the last
  "therefore / thus / so", and then the whole reply;
- multiple choice (`mathvista_choice`): an option named by its text is answered with the letter
  the prompt shows for it (a few records list their options in another order than `choices`);
  a reply opening on a letter answers with it; "none of the options fits" gives "None" and a
  decline gives "N/A" (normalised to the nearest choice); else the option text, value or words
  the reply names, or a yes/no reading;
- numbers (`mathvista_numbers`): fractions, thousands separators, number words; the result after
  the last "=", the number after a copula ("is 10 years"), the end of a span for range questions;
  numbers the question stem states are passed over (not the hint's "e.g., 1, 2, 3"); a reply
  that declines and states no new number extracts nothing; lists: the bracketed list.

Each extraction names the rule that made it, so results can report the share taken by each path.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from evals.metrics.mathvista_choice import extract_choice
from evals.metrics.mathvista_numbers import extract_list, extract_number
from evals.metrics.mathvista_text import Extraction, answer_segments, as_float

__all__ = ["MAX_REPLY", "Extraction", "answer_segments", "extract_answer"]

MAX_REPLY = 65_536
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
    if answer_type == "float" and as_float(text) is not None:
        return Extraction(str(float(text)), "direct")
    quoted = _quoted_answer(text)
    if quoted is not None:
        return Extraction(quoted, "quoted")
    if question_type == "multi_choice":
        return extract_choice(text, choices, question)
    if answer_type == "list":
        return extract_list(text)
    return extract_number(text, question)
