"""Option-letter extraction by rules, as MMBench's evaluator does it before any LLM judge.

A reply resolves to an option when exactly one of the question's option letters stands alone in
it once brackets and punctuation are blanked ("B", "(B)", "B.", "Answer: C", "**D**"), or, failing
that, when exactly one option's text appears in it. A reply that names no option, or several,
is unresolved: it counts as wrong and is reported (no random guess, no paid judge). Replies that
refuse ("Cannot determine the answer") are unresolved too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

_BLANKED = ".()[],:;!*#{}"
_REFUSALS = (
    "Sorry, I can't help with images of people yet.",
    "I can't process this file.",
    "I'm sorry, but without the image provided",
    "Cannot determine the answer",
)


@dataclass(frozen=True)
class OptionChoice:
    letter: str | None  # None: unresolved
    rule: str  # letter | text | none | several | refused


def extract_option(reply: str, options: Mapping[str, str]) -> OptionChoice:
    """`options` maps the question's letters (only those it has) to their texts."""
    if any(refusal in reply for refusal in _REFUSALS):
        return OptionChoice(None, "refused")
    blanked = reply
    for char in _BLANKED:
        blanked = blanked.replace(char, " ")
    tokens = set(blanked.split())
    named = [letter for letter in options if letter in tokens]
    if len(named) == 1:
        return OptionChoice(named[0], "letter")
    lowered = reply.lower()
    by_text = [letter for letter, text in options.items() if str(text).strip() and str(text).lower() in lowered]
    if len(by_text) == 1:
        return OptionChoice(by_text[0], "text")
    return OptionChoice(None, "several" if len(named) > 1 or len(by_text) > 1 else "none")
