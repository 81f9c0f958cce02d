"""Model backends, registered by name and imported only when used.

A model spec on the command line is one of:
- `tiny`: the Idefics2 bundled in this package (`model/tiny/checkpoint`), run by the `hf` backend;
- `scripted` or `scripted:FILE`: the scripted test model (see `model.scripted`);
- `endpoint:URL#NAME`: a model behind an OpenAI-compatible chat API (see `model.endpoint`);
- `random`, `random:NAME` or `random:CONFIG`: random weights in an Idefics family architecture
  (Idefics2-8b by default; `idefics1`, `idefics3`, `smolvlm`, `tiny-idefics1|2|3`, or CONFIG's),
  for throughput and memory measurements and tests (see `model.random_weights`);
- anything else: a Hugging Face hub id (`HuggingFaceM4/idefics2-8b`) or a local checkpoint
  folder, run by the `hf` backend.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING

from evals.errors import UserError
from model.base import ModelInfo

if TYPE_CHECKING:
    from evals.config import RunConfig
    from model.base import Model

TINY_CHECKPOINT = Path(__file__).resolve().parent / "tiny" / "checkpoint"

KNOWN_MODELS = [
    ModelInfo("tiny", "hf", "bundled tiny Idefics2 (offline; for demos and tests)"),
    ModelInfo("scripted[:FILE]", "scripted", "test model that returns scripted answers"),
    ModelInfo("HuggingFaceM4/idefics2-8b", "hf", "Idefics2-8b, instruction-tuned"),
    ModelInfo("HuggingFaceM4/idefics2-8b-base", "hf", "Idefics2-8b, base (pre-trained only)"),
    ModelInfo("HuggingFaceM4/idefics2-8b-chatty", "hf", "Idefics2-8b, chat fine-tune"),
    ModelInfo("HuggingFaceM4/idefics2-8b-AWQ", "hf", "Idefics2-8b, AWQ 4-bit", extras=["quantization"]),
    ModelInfo("HuggingFaceM4/idefics-9b-instruct", "hf", "Idefics1 9B, instruction-tuned (also -80b-instruct)"),
    ModelInfo("HuggingFaceM4/idefics-9b", "hf", "Idefics1 9B, base: completion prompts (also -80b)"),
    ModelInfo("HuggingFaceM4/Idefics3-8B-Llama3", "hf", "Idefics3 8B, instruction-tuned"),
    ModelInfo("HuggingFaceTB/SmolVLM-Instruct", "hf", "SmolVLM 2B, instruction-tuned (SmolVLM-Base: base)"),
    ModelInfo("PATH or HUB_ID", "hf", "any transformers image-text-to-text checkpoint"),
    ModelInfo("endpoint:URL#NAME", "endpoint", "a model served by vLLM / TGI (OpenAI-compatible chat API)"),
    ModelInfo(
        "random[:NAME|CONFIG]",
        "hf",
        "random weights: idefics2 (default), idefics1, idefics3, smolvlm, tiny-idefics1|2|3, or a config.json",
    ),
]


def load_model(config: RunConfig) -> Model:
    """Build the backend named by `config.model`; heavy imports happen here, not at start-up."""
    spec = config.model
    if spec == "scripted" or spec.startswith("scripted:"):
        from model.scripted import ScriptedModel

        script = spec.partition(":")[2] or None
        return ScriptedModel.from_file(script) if script else ScriptedModel()
    if spec.startswith("endpoint:"):
        from model.endpoint import EndpointModel

        return EndpointModel.from_spec(spec)
    if spec == "random" or spec.startswith("random:"):
        from model.random_weights import load_random

        return load_random(spec, config)
    from model.hf import HFModel

    if spec == "tiny":
        return HFModel.load(str(TINY_CHECKPOINT), config, display_name=spec)
    check_hub_model(spec)
    return HFModel.load(spec, config, display_name=spec)


ALIASES = ("tiny", "scripted", "random", "endpoint:URL")


def check_hub_model(spec: str) -> None:
    """A name that is neither a local folder nor ORG/NAME is a typo, not something to look up on
    the hub for half a minute; a hub id with the hub out of reach loads from the cache or fails fast."""
    from evals.hub import plausible_hub_id, require_hub_resource

    if spec.startswith((".", "/", "~")) or Path(spec).expanduser().exists():
        return
    if not plausible_hub_id(spec):
        close = difflib.get_close_matches(spec, ["tiny", "scripted", "random"], n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise UserError(
            f"unknown model '{spec}'{hint}: not a local folder, nor a hub id ORG/NAME, nor one of "
            f"{', '.join(ALIASES)} (see idefics2-eval list)"
        )
    require_hub_resource(spec, "model", "pass a local checkpoint folder with --model PATH, or --model tiny")
