"""A full-size Idefics2 with random weights, for measuring speed and memory where the real
weights cannot be had: `--model random` (Idefics2-8b's architecture) or `random:PATH` (any
Idefics2 `config.json`, e.g. the real checkpoint's).

The architecture numbers below are those of `HuggingFaceM4/idefics2-8b` (Mistral-7B text model,
SigLIP-so400m vision encoder at 980 px, a 3-layer perceiver resampler with 64 latents). The
tokenizer and chat template are the bundled tiny model's (no download), so prompts tokenise a
little differently from the real tokenizer; image tokens, the expensive part, are the same: 64
per image, 5 crops with image splitting. Outputs are meaningless; decode a fixed number of
tokens (`min_new_tokens = max_new_tokens`) when timing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from evals.config import RunConfig
from evals.errors import UserError

IDEFICS2_8B: dict[str, Any] = {
    "model_type": "idefics2",
    "tie_word_embeddings": False,
    "text_config": {
        "model_type": "mistral",
        "vocab_size": 32003,
        "hidden_size": 4096,
        "intermediate_size": 14336,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "max_position_embeddings": 32768,
        "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0,
        "sliding_window": 4096,
        "hidden_act": "silu",
    },
    "vision_config": {
        "hidden_size": 1152,
        "intermediate_size": 4304,
        "num_hidden_layers": 27,
        "num_attention_heads": 16,
        "patch_size": 14,
        "image_size": 980,
        "hidden_act": "gelu_pytorch_tanh",
        "layer_norm_eps": 1e-6,
    },
    "perceiver_config": {
        "hidden_act": "silu",
        "resampler_n_latents": 64,
        "resampler_depth": 3,
        "resampler_n_heads": 16,
        "resampler_head_dim": 96,
        "num_key_value_heads": 4,
    },
}


def architecture(tail: str) -> dict[str, Any]:
    if tail in ("", "idefics2-8b"):
        return json.loads(json.dumps(IDEFICS2_8B))
    path = Path(tail).expanduser()
    path = path / "config.json" if path.is_dir() else path
    if not path.is_file():
        raise UserError(f"random:{tail}: no config.json there (use --model random for Idefics2-8b's architecture)")
    return json.loads(path.read_text(encoding="utf-8"))


def load_random(spec: str, config: RunConfig) -> Any:
    import torch
    from transformers import AutoProcessor, Idefics2Config, Idefics2ForConditionalGeneration

    from model import TINY_CHECKPOINT
    from model.hf import DTYPE_NAMES, HFModel, resolve_device, resolve_dtype

    arch = architecture(spec.partition(":")[2])
    processor = AutoProcessor.from_pretrained(TINY_CHECKPOINT)
    tokenizer = processor.tokenizer
    arch["image_token_id"] = tokenizer.convert_tokens_to_ids("<image>")
    arch["text_config"]["vocab_size"] = max(arch["text_config"].get("vocab_size", 0), len(tokenizer))
    arch["text_config"]["pad_token_id"] = tokenizer.pad_token_id
    hf_config = Idefics2Config(**arch)
    # the processor must expand each image into as many tokens as this architecture's perceiver makes
    processor.image_seq_len = hf_config.perceiver_config.resampler_n_latents
    image_size = hf_config.vision_config.image_size
    processor.image_processor.size = {"shortest_edge": min(378, image_size), "longest_edge": image_size}
    processor.image_processor.do_image_splitting = True
    device = resolve_device(config.device)
    dtype = resolve_dtype(config.dtype, device)
    if not config.ignore_memory_check:
        check_memory(hf_config, dtype, device)
    torch.manual_seed(config.seed)
    hf_config._attn_implementation = HFModel._attention(config.attn, device)
    with torch.device(device):  # initialise in place: an 8B model never passes through host memory
        model = Idefics2ForConditionalGeneration._from_config(hf_config, dtype=getattr(torch, DTYPE_NAMES[dtype]))
    model.eval()
    self = HFModel(model=model, processor=processor, device=device, settings={}, name=spec)
    self._configure_processor(config)
    self.settings = {
        "backend": "hf",
        "path": spec,
        "random_weights": True,
        "parameters": sum(p.numel() for p in model.parameters()),
        "class": type(model).__name__,
        "dtype": dtype,
        "device": device,
        "attn": hf_config._attn_implementation,
        "quantization": "none",
        **self._image_settings(),
    }
    return self


BYTES_PER_PARAMETER = {"fp32": 4, "bf16": 2, "fp16": 2}
# Weights plus what a forward pass and the allocator add on top, measured on the tiny model and
# the card's figures (Idefics2-8b bf16: 16.8 GB of weights, about 18 GB in use when generating).
HEADROOM = 1.15


def parameter_count(hf_config: Any) -> int:
    """Parameters of the architecture, counted on the meta device (nothing is allocated)."""
    import torch
    from transformers import Idefics2ForConditionalGeneration

    with torch.device("meta"):
        model = Idefics2ForConditionalGeneration._from_config(hf_config)
    return sum(p.numel() for p in model.parameters())


def available_memory(device: str) -> int:
    """Bytes free for new allocations on `device` (the kernel's MemAvailable for the CPU)."""
    if device.startswith("cuda"):
        import torch

        free, _ = torch.cuda.mem_get_info(torch.device(device))
        return int(free)
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))


def check_memory(hf_config: Any, dtype: str, device: str) -> None:
    """Refuse, before allocating anything, a model the device cannot hold: otherwise the kernel
    kills the process minutes later with no word (or CUDA fails mid-build)."""
    parameters = parameter_count(hf_config)
    needed = int(parameters * BYTES_PER_PARAMETER[dtype] * HEADROOM)
    free = available_memory(device)
    if needed > free:
        hint = " (--dtype bf16 halves it)" if dtype == "fp32" else ""
        raise UserError(
            f"this model needs about {needed / 1e9:.1f} GB on {device} ({parameters / 1e9:.2f} B parameters "
            f"at {dtype}){hint}, and {free / 1e9:.1f} GB is available; use a device with more memory, or "
            "--ignore-memory-check to try anyway"
        )
