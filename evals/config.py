"""The one run configuration, recorded whole in the manifest."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from evals.images import DEFAULT_MAX_PIXELS

DTYPES = ("auto", "bf16", "fp16", "fp32")
ATTENTION = ("sdpa", "eager", "flash_attention_2")
QUANTIZATION = ("none", "4bit", "awq")
PROMPT_FORMATS = ("auto", "chat", "completion")  # see model.prompts

# Settings that change what the model writes: a run directory may only be continued with the
# same values. Limit, batch size and output folder may change between invocations.
IDENTITY_FIELDS = (
    "suite",
    "split",
    "data",
    "model",
    "revision",
    "dtype",
    "attn",
    "quantization",
    "image_splitting",
    "longest_edge",
    "prompt_format",
    "max_new_tokens",
    "seed",
    "instruction",
    "images_first",
    "shots",
    "support",
)


@dataclass(frozen=True)
class RunConfig:
    suite: str
    model: str
    split: str
    out: str
    data: str | None = None  # None: the suite's default source (hub id or bundled data)
    revision: str | None = None
    dtype: str = "auto"
    attn: str = "sdpa"
    quantization: str = "none"
    image_splitting: bool | None = None  # None: what the model's processor does by default
    longest_edge: int | None = None  # None: the model's processor default
    prompt_format: str = "auto"  # chat | completion | auto (completion for base checkpoints)
    batch_size: int = 8
    workers: int = 2  # threads preparing the next batches (image decoding, processor) ahead of the model
    compile: bool = False  # torch.compile the language model (pays on long runs; first batches are slow)
    max_new_tokens: int = 16
    seed: int = 0
    limit: int | None = None
    device: str = "auto"
    instruction: str | None = None  # None: the suite's default instruction
    images_first: bool = False  # put every image before the text (suites that interleave them)
    trust_remote_code: bool = False
    allow_outside_images: bool = False  # read image paths that leave the dataset's folder
    max_image_pixels: int = DEFAULT_MAX_PIXELS  # larger images are per-sample errors
    ignore_memory_check: bool = False  # build a model even where it is estimated not to fit
    shots: int = 0  # solved examples shown before each question (few-shot, see evals.fewshot)
    support: str | None = None  # a file of support examples; None: the suite's train / dev split

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunConfig:
        names = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})

    def identity(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in IDENTITY_FIELDS}


def model_slug(model: str) -> str:
    """A folder-safe name for a model id or path: `HuggingFaceM4/idefics2-8b` -> `idefics2-8b`."""
    tail = model.rstrip("/").split("/")[-1] or "model"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", tail)


def default_out_dir(suite: str, split: str, model: str, limit: int | None = None, shots: int = 0) -> str:
    # Deterministic, so that running the same command again continues the same run; a limited
    # or few-shot run has a folder of its own, so it never rewrites another run's results.
    tail = (f"-{shots}shot" if shots else "") + (f"-limit{limit}" if limit is not None else "")
    return f"runs/{suite}-{split}-{model_slug(model)}{tail}"
