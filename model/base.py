"""The model interface: one method, `generate(requests) -> generations`.

A `Request` holds chat messages in the Hugging Face format, with image parts that reference an
image (`{"type": "image", "ref": "path/to/file.png"}`) instead of holding pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

Message = dict[str, Any]


@dataclass(frozen=True)
class Request:
    id: str
    messages: list[Message]
    max_new_tokens: int = 16
    min_new_tokens: int = 0

    @property
    def image_refs(self) -> list[str]:
        return [part["ref"] for message in self.messages for part in message["content"] if part.get("type") == "image"]


@dataclass
class Generation:
    text: str | None
    prompt: str = ""
    error: str | None = None
    new_tokens: int = 0
    # "transport": the model server or the network failed, not this sample (retried by the next run)
    error_kind: str | None = None


@dataclass
class PreparedGroup:
    indices: list[int]
    prompts: list[str]
    inputs: Any  # the processor's tensors, still on the CPU
    max_new_tokens: int
    min_new_tokens: int = 0


@dataclass
class Prepared:
    """A batch after its CPU work (see `Model.prepare`): ready groups, and per-request failures."""

    results: list[Generation | None]
    groups: list[PreparedGroup] = field(default_factory=list)


class OutOfMemory(Exception):
    """The accelerator ran out of memory on a batch: the runner retries with smaller batches."""


@runtime_checkable
class Model(Protocol):
    name: str

    def generate(self, requests: list[Request]) -> list[Generation]:
        """One generation per request, in order; per-request failures go in `Generation.error`."""
        ...

    def prompt_length(self, request: Request) -> int:
        """Prompt length in tokens, image tokens included, for sorting batches by length."""
        ...

    def describe(self) -> dict[str, Any]:
        """The settings the model really runs with, for the manifest."""
        ...


@runtime_checkable
class RankingModel(Model, Protocol):
    """Optional capability: score given completions instead of generating."""

    def rank(self, requests: list[Request], candidates: list[list[str]]) -> list[list[float]]:
        """Per request, the summed log-likelihood of each candidate completion after the prompt."""
        ...


def render_idefics2(messages: list[Message], add_generation_prompt: bool = True) -> str:
    """Idefics2's chat format as text, for backends without a processor of their own."""
    pieces = []
    for message in messages:
        content = message["content"]
        starts_with_image = bool(content) and content[0].get("type") == "image"
        pieces.append(message["role"].capitalize() + (":" if starts_with_image else ": "))
        for part in content:
            pieces.append("<image>" if part.get("type") == "image" else part.get("text", ""))
        pieces.append("<end_of_utterance>\n")
    if add_generation_prompt:
        pieces.append("Assistant:")
    return "".join(pieces)


@dataclass
class ModelInfo:
    """What `idefics2-eval list` shows about a model name."""

    name: str
    backend: str
    description: str
    extras: list[str] = field(default_factory=list)
