"""Random weights in an Idefics family architecture, for measuring speed and memory where the real
weights cannot be had, and for tests: `--model random` (Idefics2-8b), `random:NAME` (`idefics1`,
`idefics2`, `idefics3`, `smolvlm`, or `tiny-idefics1|2|3`; see `model.architectures`) or
`random:PATH` (a family member's `config.json`, e.g. the real checkpoint's).

The tokenizer and chat template are the bundled tiny model's (no download), so prompts tokenise a
little differently from the real tokenizers; image tokens, the expensive part, are the
architecture's own. Outputs are meaningless; decode a fixed number of tokens (`min_new_tokens =
max_new_tokens`) when timing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from evals.config import RunConfig
from evals.errors import UserError
from model.architectures import architecture, build_config, build_processor, model_class


def load_random(spec: str, config: RunConfig) -> Any:
    import torch
    from transformers import AutoTokenizer
    from transformers.utils import logging as hf_logging

    from model import TINY_CHECKPOINT
    from model.hf import DTYPE_NAMES, HFModel, resolve_device, resolve_dtype

    hf_logging.set_verbosity_error()
    arch = architecture(spec.partition(":")[2])
    tokenizer = AutoTokenizer.from_pretrained(TINY_CHECKPOINT)
    hf_config = build_config(arch, tokenizer)
    processor = build_processor(arch, hf_config, tokenizer)
    device = resolve_device(config.device)
    dtype = resolve_dtype(config.dtype, device)
    if not config.ignore_memory_check:
        check_memory(hf_config, dtype, device)
    torch.manual_seed(config.seed)
    hf_config._attn_implementation = HFModel._attention(config.attn, device)
    with torch.device(device):  # initialise in place: an 8B model never passes through host memory
        model = model_class(hf_config)._from_config(hf_config, dtype=getattr(torch, DTYPE_NAMES[dtype]))
    model.eval()
    settings = {
        "backend": "hf",
        "path": spec,
        "random_weights": True,
        "parameters": sum(p.numel() for p in model.parameters()),
        "class": type(model).__name__,
        "dtype": dtype,
        "device": device,
        "attn": hf_config._attn_implementation,
        "quantization": "none",
    }
    return HFModel.ready(model, processor, device, spec, spec, config, settings)


BYTES_PER_PARAMETER = {"fp32": 4, "bf16": 2, "fp16": 2}
# Weights plus what a forward pass and the allocator add on top, measured on the tiny model and
# the card's figures (Idefics2-8b bf16: 16.8 GB of weights, about 18 GB in use when generating).
HEADROOM = 1.15


def parameter_count(hf_config: Any) -> int:
    """Parameters of the architecture, counted on the meta device (nothing is allocated)."""
    import torch

    with torch.device("meta"):
        model = model_class(hf_config)._from_config(hf_config)
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
