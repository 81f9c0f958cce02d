"""Architectures of the Idefics family as data, and random-weight models built from them.

Full size (for throughput and memory measurements where the real weights cannot be had) and tiny
(for tests and demos). The numbers of the full-size ones are those of the released checkpoints'
`config.json`: `HuggingFaceM4/idefics-9b` (LLaMA-7B with gated cross-attention every 4 layers,
OpenCLIP ViT-H/14 at 224 px, a 6-layer perceiver with 64 latents), `HuggingFaceM4/idefics2-8b`
(Mistral-7B, SigLIP-so400m at 980 px, a 3-layer perceiver with 64 latents),
`HuggingFaceM4/Idefics3-8B-Llama3` (Llama-3.1-8B, SigLIP-so400m at 364 px tiles, pixel shuffle
by 2: 169 tokens a tile) and `HuggingFaceTB/SmolVLM-Instruct` (SmolLM2-1.7B, SigLIP at 384 px
tiles, pixel shuffle by 3: 81 tokens a tile).

Every model here uses the bundled tiny tokenizer (it has `<image>`, `<fake_token_around_image>`
and `<end_of_utterance>`), so nothing is downloaded; the vocabulary is widened to fit it. Prompts
tokenise a little differently from the real tokenizers; the image tokens, the expensive part,
are the architecture's own.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from evals.errors import UserError, first_line

_SIGLIP_SO400M = {"hidden_size": 1152, "intermediate_size": 4304, "num_hidden_layers": 27,
                  "num_attention_heads": 16, "patch_size": 14, "hidden_act": "gelu_pytorch_tanh",
                  "layer_norm_eps": 1e-6}  # fmt: skip
_TINY_TEXT = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2,
              "num_key_value_heads": 2}  # fmt: skip
_TINY_VISION = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2}

# name -> {"config": the model's config.json, "processor": its processor's image settings besides
# those the config fixes (image size = the vision encoder's; for Idefics3 / SmolVLM, tile = that size)}
ARCHITECTURES: dict[str, dict[str, Any]] = {
    "idefics1": {
        "config": {
            "model_type": "idefics", "vocab_size": 32000, "additional_vocab_size": 2, "hidden_size": 4096,
            "intermediate_size": 11008, "num_hidden_layers": 32, "num_attention_heads": 32,
            "cross_layer_interval": 4, "qk_layer_norms": False, "use_resampler": True,
            "vision_config": {"embed_dim": 1280, "image_size": 224, "patch_size": 14, "num_hidden_layers": 32,
                              "num_attention_heads": 16, "intermediate_size": 5120, "hidden_act": "gelu"},
            "perceiver_config": {"resampler_n_latents": 64, "resampler_depth": 6, "resampler_n_heads": 16,
                                 "resampler_head_dim": 96, "qk_layer_norms_perceiver": False},
        },
        "processor": {},
    },
    "idefics2": {
        "config": {
            "model_type": "idefics2", "tie_word_embeddings": False,
            "text_config": {"model_type": "mistral", "vocab_size": 32003, "hidden_size": 4096,
                            "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32,
                            "num_key_value_heads": 8, "max_position_embeddings": 32768, "rms_norm_eps": 1e-5,
                            "rope_theta": 10000.0, "sliding_window": 4096, "hidden_act": "silu"},
            "vision_config": {**_SIGLIP_SO400M, "image_size": 980},
            "perceiver_config": {"hidden_act": "silu", "resampler_n_latents": 64, "resampler_depth": 3,
                                 "resampler_n_heads": 16, "resampler_head_dim": 96, "num_key_value_heads": 4},
        },
        "processor": {"image_splitting": True, "shortest_edge": 378},
    },
    "idefics3": {
        "config": {
            "model_type": "idefics3", "scale_factor": 2, "tie_word_embeddings": False,
            "text_config": {"model_type": "llama", "vocab_size": 128259, "hidden_size": 4096,
                            "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32,
                            "num_key_value_heads": 8, "rope_theta": 500000.0, "rms_norm_eps": 1e-5,
                            "max_position_embeddings": 131072},
            "vision_config": {**_SIGLIP_SO400M, "image_size": 364},
        },
        "processor": {"image_splitting": True, "tiles_per_edge": 4},
    },
    "smolvlm": {
        "config": {
            "model_type": "smolvlm", "scale_factor": 3, "tie_word_embeddings": False,
            "text_config": {"model_type": "llama", "vocab_size": 49155, "hidden_size": 2048,
                            "intermediate_size": 8192, "num_hidden_layers": 24, "num_attention_heads": 32,
                            "num_key_value_heads": 32, "rope_theta": 273768.0, "rms_norm_eps": 1e-5,
                            "max_position_embeddings": 16384},
            "vision_config": {**_SIGLIP_SO400M, "image_size": 384},
        },
        "processor": {"image_splitting": True, "tiles_per_edge": 4},
    },
    "tiny-idefics1": {
        "config": {
            "model_type": "idefics", "additional_vocab_size": 2, "hidden_size": 32, "intermediate_size": 64,
            "num_hidden_layers": 2, "num_attention_heads": 2, "cross_layer_interval": 1, "use_resampler": True,
            "vision_config": {"embed_dim": 32, "image_size": 30, "patch_size": 15, "num_hidden_layers": 1,
                              "num_attention_heads": 2, "intermediate_size": 64},
            "perceiver_config": {"resampler_n_latents": 4, "resampler_depth": 1, "resampler_n_heads": 2,
                                 "resampler_head_dim": 8},
        },
        "processor": {},
    },
    "tiny-idefics2": {
        "config": {
            "model_type": "idefics2",
            "text_config": {"model_type": "mistral", **_TINY_TEXT},
            "vision_config": {**_TINY_VISION, "image_size": 30, "patch_size": 15},
            "perceiver_config": {"hidden_size": 32, "rms_norm_eps": 1e-6, "resampler_n_latents": 4,
                                 "resampler_depth": 1, "resampler_n_heads": 2, "resampler_head_dim": 8,
                                 "num_key_value_heads": 1},
        },
        "processor": {"image_splitting": False, "shortest_edge": 30},
    },
    "tiny-idefics3": {
        "config": {
            "model_type": "idefics3", "scale_factor": 2,
            "text_config": {"model_type": "llama", **_TINY_TEXT},
            "vision_config": {**_TINY_VISION, "image_size": 28, "patch_size": 7},
        },
        "processor": {"image_splitting": True, "tiles_per_edge": 2},
    },
}  # fmt: skip
ALIASES = {"": "idefics2", "idefics2-8b": "idefics2"}


def architecture(tail: str) -> dict[str, Any]:
    """`random:TAIL`'s architecture: a name above, or a folder or file with a config.json (whose
    processor settings are those of its family's full-size entry)."""
    name = ALIASES.get(tail, tail)
    if name in ARCHITECTURES:
        return copy.deepcopy(ARCHITECTURES[name])
    path = Path(tail).expanduser()
    path = path / "config.json" if path.is_dir() else path
    if not path.is_file():
        raise UserError(f"random:{tail}: not an architecture name ({', '.join(ARCHITECTURES)}) nor a config.json")
    config = json.loads(path.read_text(encoding="utf-8"))
    family = {"idefics": "idefics1"}.get(config.get("model_type"), config.get("model_type"))
    if family not in ARCHITECTURES:
        raise UserError(f"random:{tail}: model_type {config.get('model_type')!r} is not an Idefics family member")
    return {"config": config, "processor": copy.deepcopy(ARCHITECTURES[family]["processor"])}


def build_config(arch: dict[str, Any], tokenizer: Any) -> Any:
    """The transformers config for `arch`, its vocabulary and special tokens fitted to `tokenizer`."""
    from transformers import AutoConfig

    config = copy.deepcopy(arch["config"])
    model_type = config.pop("model_type")
    ids = {"pad_token_id": tokenizer.pad_token_id, "bos_token_id": tokenizer.bos_token_id,
           "eos_token_id": tokenizer.eos_token_id}  # fmt: skip
    if model_type == "idefics":
        config["vocab_size"] = max(config.get("vocab_size", 0), len(tokenizer))
        config.update(ids)
    else:
        text = config["text_config"]
        text["vocab_size"] = max(text.get("vocab_size", 0), len(tokenizer))
        text.update(ids)
        config["image_token_id"] = tokenizer.convert_tokens_to_ids("<image>")
    return AutoConfig.for_model(model_type, **config)


def build_processor(arch: dict[str, Any], hf_config: Any, tokenizer: Any) -> Any:
    """The family's processor around `tokenizer`, with the architecture's image settings."""
    import transformers

    settings = arch["processor"]
    model_type = hf_config.model_type
    side = hf_config.vision_config.image_size
    if model_type == "idefics":
        images = transformers.IdeficsImageProcessor(image_size=side)
        return transformers.IdeficsProcessor(image_processor=images, tokenizer=tokenizer)
    if model_type == "idefics2":
        images = transformers.Idefics2ImageProcessor(
            do_image_splitting=settings["image_splitting"],
            size={"shortest_edge": min(settings["shortest_edge"], side), "longest_edge": side},
        )
        seq_len = hf_config.perceiver_config.resampler_n_latents
        return transformers.Idefics2Processor(
            image_processor=images, tokenizer=tokenizer, image_seq_len=seq_len, chat_template=tokenizer.chat_template
        )
    vision = hf_config.vision_config
    seq_len = int((vision.image_size // vision.patch_size) ** 2 / hf_config.scale_factor**2)
    prefix = "SmolVLM" if model_type == "smolvlm" else "Idefics3"
    images = getattr(transformers, f"{prefix}ImageProcessor")(
        do_image_splitting=settings["image_splitting"],
        size={"longest_edge": side * settings["tiles_per_edge"]},
        max_image_size={"longest_edge": side},
    )
    try:  # SmolVLM's processor needs torchvision (for its video processor) and num2words
        extra = {"video_processor": transformers.SmolVLMVideoProcessor()} if model_type == "smolvlm" else {}
        return getattr(transformers, f"{prefix}Processor")(
            image_processor=images,
            tokenizer=tokenizer,
            image_seq_len=seq_len,
            chat_template=tokenizer.chat_template,
            **extra,
        )
    except ImportError as exc:
        raise UserError(f"cannot build the {model_type} processor: {first_line(exc)}") from None


def model_class(hf_config: Any) -> Any:
    from model.families import family_of

    return family_of(hf_config.model_type).model_class()
