"""Prompt formats: chat turns for instruction-tuned checkpoints, the completion format for base ones."""

from __future__ import annotations

import pytest

from evals.errors import UserError
from model.prompts import choose_format, render, render_completion


@pytest.mark.parametrize(
    ("name", "model_type", "expected"),
    [
        ("HuggingFaceM4/idefics2-8b", "idefics2", "chat"),
        ("HuggingFaceM4/idefics2-8b-base", "idefics2", "completion"),
        ("HuggingFaceM4/idefics2-8b-chatty", "idefics2", "chat"),
        ("HuggingFaceM4/idefics-9b", "idefics", "completion"),
        ("HuggingFaceM4/idefics-80b-instruct", "idefics", "chat"),
        ("HuggingFaceM4/Idefics3-8B-Llama3", "idefics3", "chat"),
        ("HuggingFaceTB/SmolVLM-Base", "smolvlm", "completion"),
        ("/models/my_finetune_of_idefics2/", "idefics2", "chat"),
        ("/models/database-idefics2", "idefics2", "chat"),  # "base" only as a whole part of the name
    ],
)
def test_auto_picks_the_format_the_checkpoint_was_trained_on(name: str, model_type: str, expected: str) -> None:
    assert choose_format("auto", model_type, name) == expected


def test_an_explicit_format_wins_and_an_unknown_one_is_refused() -> None:
    assert choose_format("chat", "idefics", "HuggingFaceM4/idefics-9b") == "chat"
    with pytest.raises(UserError, match="unknown prompt format"):
        choose_format("flamingo", "idefics", "x")


def user(*parts: dict) -> dict:
    return {"role": "user", "content": list(parts)}


def test_completion_format_puts_examples_before_an_open_answer() -> None:
    image, question = {"type": "image", "ref": "a.png"}, {"type": "text", "text": "What colour?\n"}
    answer = {"role": "assistant", "content": [{"type": "text", "text": "red"}]}
    text = render_completion([user(image, question), answer, user(image, question)])
    assert text == "<image>What colour?\nAnswer: red\n<image>What colour?\nAnswer:"
    assert render([user(image, question)], "completion") == "<image>What colour?\nAnswer:"


def test_chat_format_without_a_template_is_idefics2s() -> None:
    text = render([user({"type": "image", "ref": "a.png"}, {"type": "text", "text": "Hi"})], "chat")
    assert text == "User:<image>Hi<end_of_utterance>\nAssistant:"
