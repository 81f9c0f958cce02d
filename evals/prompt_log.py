"""What the per-sample log keeps of a prompt, and how long a prompt may be.

Few-shot prompts all start with the same solved examples. Logging them in every sample would copy
the support set into the log once per question (a 6 MB example became a 400 MB log), so the text
the prompts share is kept once, in the manifest (`fewshot.prompt_prefix`), and each sample's
`prompt` starts with `PREFIX_MARK` in its place: the prompt the model saw is exactly the prefix
followed by the rest. A prompt longer than `MAX_PROMPT_CHARS` is that sample's error, logged
without running the model.
"""

from __future__ import annotations

from typing import Any

from model.base import Request

MAX_PROMPT_CHARS = 1_000_000  # real prompts, few-shot examples included, are well under 100,000
PREFIX_MARK = "[few-shot examples: manifest.json fewshot.prompt_prefix]"
MIN_SHARED_CHARS = 200  # shorter shared text is not worth a reference


def prompt_chars(request: Request) -> int:
    return sum(len(str(part.get("text", ""))) for message in request.messages for part in message["content"])


def too_long(request: Request) -> str | None:
    """The error of a prompt over the limit, or None."""
    chars = prompt_chars(request)
    if chars <= MAX_PROMPT_CHARS:
        return None
    return f"the prompt has {chars:,} characters, over the {MAX_PROMPT_CHARS:,} a prompt may have"


class PromptLog:
    """The prompts of one few-shot run: their shared prefix is learnt from the first batch with two
    different prompts (or taken from the manifest of an earlier invocation) and logged once."""

    def __init__(self, fewshot: dict[str, Any] | None, enabled: bool) -> None:
        self.fewshot = fewshot
        self.enabled = enabled and fewshot is not None
        self.prefix: str | None = fewshot.get("prompt_prefix") if fewshot else None

    def learn(self, prompts: list[str]) -> bool:
        """True when the shared prefix was found just now (the manifest must then be written)."""
        if not self.enabled or self.prefix is not None or self.fewshot is None:
            return False
        distinct = sorted({prompt for prompt in prompts if prompt})
        if len(distinct) < 2:
            return False
        first, last = distinct[0], distinct[-1]  # sorted: what these two share, all of them share
        length = 0
        while length < min(len(first), len(last)) and first[length] == last[length]:
            length += 1
        shared = first[:length]
        if len(shared) < MIN_SHARED_CHARS:
            return False
        self.prefix = self.fewshot["prompt_prefix"] = shared
        return True

    def logged(self, prompt: str) -> str:
        if self.prefix and prompt.startswith(self.prefix):
            return PREFIX_MARK + prompt[len(self.prefix) :]
        return prompt


def full_prompt(logged: str, manifest: dict[str, Any] | None) -> str:
    """The prompt the model saw, from a logged one and its run's manifest."""
    prefix = ((manifest or {}).get("fewshot") or {}).get("prompt_prefix")
    if prefix and logged.startswith(PREFIX_MARK):
        return prefix + logged[len(PREFIX_MARK) :]
    return logged
