"""What differs between the members of the Idefics family, behind one small interface.

- Idefics1 (`idefics`): a LLaMA that reads images by cross-attention to perceiver latents. The
  prompt holds one `<image>` per image; images are resized to a fixed square (224 px for the
  released checkpoints), so image splitting and the longest edge do not apply.
- Idefics2 (`idefics2`): 64 perceiver latents per image, spliced into the prompt; image splitting
  makes 4 crops plus the whole image; the longest edge is the processor's `size`.
- Idefics3 and SmolVLM (`idefics3`, `smolvlm`): pixel-shuffled patches spliced into the prompt
  (`image_seq_len` each); with splitting, an image becomes a grid of tiles of `max_image_size`
  plus a downscaled whole, after resizing its longest edge to `size["longest_edge"]`.

Each family applies the run's `--image-splitting` / `--longest-edge`, reports the settings the
processor really uses (for the manifest), counts the prompt tokens an image adds, and turns
prompts and images into model inputs.
"""

from __future__ import annotations

import math
from typing import Any

from evals.errors import UserError


def _size_field(image_processor: Any, name: str) -> int | None:
    """One edge from an image processor's size, a dict or a SizeDict depending on the version."""
    size = getattr(image_processor, "size", None)
    value = size.get(name) if isinstance(size, dict) else getattr(size, name, None)
    return int(value) if value else None


class Family:
    """Any other image-text-to-text checkpoint: the processor does all the work."""

    name = "other"
    image_attention = "image tokens"

    def model_class(self) -> Any:
        import transformers

        return transformers.AutoModelForImageTextToText

    def configure(self, processor: Any, image_splitting: bool | None, longest_edge: int | None) -> None:
        image_processor = getattr(processor, "image_processor", None)
        if image_processor is None:
            return
        if image_splitting is not None and hasattr(image_processor, "do_image_splitting"):
            image_processor.do_image_splitting = image_splitting
        if longest_edge is not None:
            current = _size_field(image_processor, "shortest_edge") or longest_edge
            image_processor.size = {"shortest_edge": min(current, longest_edge), "longest_edge": longest_edge}

    def settings(self, model: Any, processor: Any) -> dict[str, Any]:
        image_processor = getattr(processor, "image_processor", None)
        return {
            "family": self.name,
            "image_attention": self.image_attention,
            "image_splitting": getattr(image_processor, "do_image_splitting", None),
            "longest_edge": _size_field(image_processor, "longest_edge"),
            "shortest_edge": _size_field(image_processor, "shortest_edge"),
            "image_seq_len": self.image_seq_len(processor),
        }

    def image_seq_len(self, processor: Any) -> int:
        """Prompt tokens standing for one image (or one crop), besides the two around it."""
        return int(getattr(processor, "image_seq_len", 64))

    def image_tokens(self, processor: Any, size: tuple[int, int] | None) -> int:
        """Prompt tokens one image of `size` (height, width; None: unknown) adds."""
        image_processor = getattr(processor, "image_processor", None)
        crops = 5 if getattr(image_processor, "do_image_splitting", False) else 1
        return crops * (self.image_seq_len(processor) + 2)

    def forward_options(self, model: Any, processor: Any) -> dict[str, Any]:
        """Extra keyword arguments for the model's forward and generate calls."""
        return {}

    def encode(self, processor: Any, prompts: list[str], images: list[list[Any]]) -> Any:
        return processor(text=prompts, images=images if any(images) else None, return_tensors="pt", padding=True)


class Idefics2(Family):
    name = "idefics2"

    def model_class(self) -> Any:
        import transformers

        return transformers.Idefics2ForConditionalGeneration


class Idefics1(Family):
    name = "idefics1"
    image_attention = "cross-attention"

    def model_class(self) -> Any:
        import transformers

        return transformers.IdeficsForVisionText2Text

    def configure(self, processor: Any, image_splitting: bool | None, longest_edge: int | None) -> None:
        if image_splitting or longest_edge is not None:
            size = getattr(processor.image_processor, "image_size", "a fixed")
            raise UserError(
                f"Idefics1 resizes every image to {size} px squares: --image-splitting and --longest-edge do "
                "not apply to it; drop them"
            )

    def settings(self, model: Any, processor: Any) -> dict[str, Any]:
        perceiver = getattr(model.config, "perceiver_config", None)
        return {
            "family": self.name,
            "image_attention": self.image_attention,
            "image_splitting": False,
            "image_size": getattr(processor.image_processor, "image_size", None),
            "image_seq_len": self.image_seq_len(processor),
            "perceiver_latents": getattr(perceiver, "resampler_n_latents", None),
            "use_resampler": getattr(model.config, "use_resampler", None),
            **self.forward_options(model, processor),
        }

    def forward_options(self, model: Any, processor: Any) -> dict[str, Any]:
        # A checkpoint whose processor resizes images to another size than its vision encoder was
        # built for: the encoder interpolates its position embeddings (recorded in the manifest).
        encoder = getattr(model.config.vision_config, "image_size", None)
        if encoder is not None and getattr(processor.image_processor, "image_size", encoder) != encoder:
            return {"interpolate_pos_encoding": True}
        return {}

    def image_seq_len(self, processor: Any) -> int:
        return 1  # the text attends to the image's latents; the prompt holds only its <image> token

    def image_tokens(self, processor: Any, size: tuple[int, int] | None) -> int:
        return 3  # <fake_token_around_image><image><fake_token_around_image>

    def encode(self, processor: Any, prompts: list[str], images: list[list[Any]]) -> Any:
        from model.idefics1 import encode

        return encode(processor, prompts, images)


class Idefics3(Family):
    """Idefics3 and SmolVLM, which share the processor's design."""

    def __init__(self, name: str, class_name: str) -> None:
        self.name = name
        self.class_name = class_name

    def model_class(self) -> Any:
        import transformers

        return getattr(transformers, self.class_name)

    def configure(self, processor: Any, image_splitting: bool | None, longest_edge: int | None) -> None:
        image_processor = processor.image_processor
        if image_splitting is not None:
            image_processor.do_image_splitting = image_splitting
        if longest_edge is not None:
            tile = _tile(image_processor)
            if longest_edge < tile:
                raise UserError(f"--longest-edge {longest_edge} is below this model's tile size ({tile} px)")
            image_processor.size = {"longest_edge": longest_edge}

    def settings(self, model: Any, processor: Any) -> dict[str, Any]:
        image_processor = processor.image_processor
        return {
            "family": self.name,
            "image_attention": self.image_attention,
            "image_splitting": bool(image_processor.do_image_splitting),
            "longest_edge": _size_field(image_processor, "longest_edge"),
            "tile_size": _tile(image_processor),
            "image_seq_len": self.image_seq_len(processor),
        }

    def image_seq_len(self, processor: Any) -> int:
        return int(processor.image_seq_len)

    def image_tokens(self, processor: Any, size: tuple[int, int] | None) -> int:
        image_processor = processor.image_processor
        per_tile = self.image_seq_len(processor) + 2  # each tile between <fake_token_around_image>s
        if not image_processor.do_image_splitting:
            return per_tile + 1  # plus <global-img>
        if size is None:  # unknown: the largest grid the longest edge allows
            tile = _tile(image_processor)
            rows = cols = math.ceil((_size_field(image_processor, "longest_edge") or tile) / tile)
        else:
            _, rows, cols = image_processor.get_number_of_image_patches(size[0], size[1], {})
        return rows * cols * (per_tile + 1) + rows + per_tile + 1  # tiles with row tags, newlines, global


def _tile(image_processor: Any) -> int:
    tile = getattr(image_processor, "max_image_size", None)
    value = tile.get("longest_edge") if isinstance(tile, dict) else getattr(tile, "longest_edge", None)
    return int(value or 364)


FAMILIES: dict[str, Family] = {
    "idefics": Idefics1(),
    "idefics2": Idefics2(),
    "idefics3": Idefics3("idefics3", "Idefics3ForConditionalGeneration"),
    "smolvlm": Idefics3("smolvlm", "SmolVLMForConditionalGeneration"),
}


def family_of(model_type: str | None) -> Family:
    return FAMILIES.get(model_type or "", Family())
