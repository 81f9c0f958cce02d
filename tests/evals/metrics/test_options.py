"""Option-letter extraction by rules (MMBench): one option named, or unresolved."""

import pytest

from evals.metrics.options import extract_option

OPTIONS = {"A": "a red circle", "B": "a blue square", "C": "a green triangle", "D": "nothing"}


@pytest.mark.parametrize(
    ("reply", "letter", "rule"),
    [
        ("B", "B", "letter"),
        ("(C)", "C", "letter"),
        ("Answer: D.", "D", "letter"),
        ("**B**", "B", "letter"),
        ("The image shows a blue square.", "B", "text"),
        ("B or C", None, "several"),
        ("It is hard to say.", None, "none"),
        ("Cannot determine the answer", None, "refused"),
        ("E", None, "none"),  # not one of this question's letters
    ],
)
def test_extract_option(reply: str, letter: str | None, rule: str) -> None:
    choice = extract_option(reply, OPTIONS)
    assert (choice.letter, choice.rule) == (letter, rule)


def test_option_texts_that_contain_each_other_are_unresolved() -> None:
    assert extract_option("about 10 apples", {"A": "1", "B": "10"}).letter is None
