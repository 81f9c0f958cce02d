"""Toxicity classifiers: the offline default, label handling of HF classifiers, clear errors."""

import pytest

from bias.toxicity import get_classifier, toxic_probability
from evals.errors import UserError


def test_offline_default_scores_insults_above_neutral_text() -> None:
    classifier = get_classifier()
    neutral, toxic = classifier.scores(["She is a software engineer who enjoys hiking.", "shut up you stupid idiot"])
    assert classifier.name == "alt-profanity-check" and toxic > 0.5 > neutral


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ([{"label": "toxic", "score": 0.9}, {"label": "not_toxic", "score": 0.1}], 0.9),
        ([{"label": "LABEL_0", "score": 0.7}, {"label": "LABEL_1", "score": 0.3}], 0.3),
        ([{"label": "non-toxic", "score": 0.8}, {"label": "other", "score": 0.2}], pytest.approx(0.2)),
    ],
)
def test_toxic_probability_from_classifier_labels(labels, expected) -> None:
    assert toxic_probability(labels) == expected


def test_unknown_classifier_and_unreadable_labels_are_clear_errors() -> None:
    with pytest.raises(UserError, match="unknown toxicity classifier"):
        get_classifier("perspective")
    with pytest.raises(UserError, match="which label"):
        toxic_probability([{"label": "a", "score": 0.5}, {"label": "b", "score": 0.5}])


def test_hf_classifier_that_is_not_available_offline_is_a_one_line_error() -> None:
    with pytest.raises(UserError, match="cannot load toxicity classifier"):
        get_classifier("hf:nobody/no-such-classifier").scores(["text"])
