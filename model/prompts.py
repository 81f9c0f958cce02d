"""How a conversation becomes the prompt text a checkpoint was trained to read.

Two formats cover the Idefics family:
- `chat`: user / assistant turns ending in `<end_of_utterance>` and an open `Assistant:` turn, the
  format of the instruction-tuned checkpoints (Idefics1 instruct, Idefics2, Idefics3, SmolVLM).
  The processor's own chat template is used when it has one.
- `completion`: the Flamingo-style format the base (pre-trained only) checkpoints were evaluated
  with, as in the Idefics1 model card: the question's images and text, then `Answer:`; a solved
  example is the same followed by its answer and a newline. Generation stops at the newline.

`auto` picks `completion` for base checkpoints (a name with a `base` part, or an Idefics1 that is
not `instruct`) and `chat` for the rest; the manifest records the format used.
"""

from __future__ import annotations

import re
from typing import Any

from evals.config import PROMPT_FORMATS
from evals.errors import UserError
from model.base import Message, render_idefics2
from model.templates import check_chat_template

ANSWER_CUE = "Answer:"
COMPLETION_STOP = "\n"


def choose_format(requested: str, model_type: str | None, name: str) -> str:
    """The format to use: the one asked for, or the checkpoint's own (see the module docstring)."""
    if requested not in PROMPT_FORMATS:
        raise UserError(f"unknown prompt format '{requested}'; use one of {', '.join(PROMPT_FORMATS)}")
    if requested != "auto":
        return requested
    tail = name.rstrip("/").split("/")[-1].lower()
    parts = set(re.split(r"[-_.]", tail))
    if "base" in parts:
        return "completion"
    if model_type == "idefics" and "instruct" not in parts:
        return "completion"  # idefics-9b / idefics-80b are pre-trained only
    return "chat"


def render_completion(messages: list[Message]) -> str:
    """The completion format: `<image>question\\nAnswer: answer\\n` per solved example, then the
    question and an open `Answer:`."""
    pieces: list[str] = []
    for index, message in enumerate(messages):
        if message["role"] == "assistant":
            pieces.append(" " + _text_of(message).strip() + COMPLETION_STOP)
            continue
        pieces.append(_with_images(message).rstrip() + "\n" + ANSWER_CUE)
        answered = index + 1 < len(messages) and messages[index + 1]["role"] == "assistant"
        if index + 1 < len(messages) and not answered:
            pieces.append(COMPLETION_STOP)
    return "".join(pieces)


def render(messages: list[Message], prompt_format: str, processor: Any = None) -> str:
    """The prompt text for `messages` in `prompt_format` (`chat` or `completion`), image parts
    written as one `<image>` each, for the processor to expand."""
    bare = [
        {"role": m["role"], "content": [{"type": "image"} if p.get("type") == "image" else p for p in m["content"]]}
        for m in messages
    ]  # the processor's template wants bare image parts; ours also carry a reference
    if prompt_format == "completion":
        return render_completion(bare)
    template = getattr(processor, "chat_template", None) if processor is not None else None
    if template:
        if isinstance(template, str):  # the checkpoint's code: bounded before transformers runs it
            check_chat_template(template, bare)
        return processor.apply_chat_template(bare, add_generation_prompt=True)
    return render_idefics2(bare)


def _text_of(message: Message) -> str:
    return "".join(part.get("text", "") for part in message["content"] if part.get("type") != "image")


def _with_images(message: Message) -> str:
    return "".join("<image>" if part.get("type") == "image" else part.get("text", "") for part in message["content"])
