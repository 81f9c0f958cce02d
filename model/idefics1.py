"""Idefics1's model inputs, built from a rendered prompt with `<image>` where each image goes.

`IdeficsProcessor` takes either interleaved lists (text pieces and images) or one text per prompt
with all of its images appended *after* the text. Neither fits a prompt whose images sit inside
it: the second puts every image at the end, and the first fetches any text piece that looks like
a URL (a question may well be one). So the text is expanded here exactly as the processor's
interleaved path does (`<fake_token_around_image><image><fake_token_around_image>`, with
consecutive images sharing the token between them, after the tokenizer's `<s>`), and the image
attention mask comes from the processor module's own functions: each text token attends to the
latest image before it.
"""

from __future__ import annotations

import re
from typing import Any

IMAGE = "<image>"
AROUND = "<fake_token_around_image>"
_IMAGE_RUN = re.compile(f"(?:{re.escape(IMAGE)})+")


def expand_images(prompt: str) -> str:
    """`<image>` runs in Idefics1's token layout: k images -> around + (image + around) * k."""
    return _IMAGE_RUN.sub(lambda run: AROUND + (IMAGE + AROUND) * (len(run.group()) // len(IMAGE)), prompt)


def encode(processor: Any, prompts: list[str], images: list[list[Any]]) -> dict[str, Any]:
    """input_ids, attention_mask, pixel_values (batch, images, 3, H, W) and image_attention_mask
    for a batch of prompts; padding on the tokenizer's side (left, as the backend sets it)."""
    import torch
    from transformers.models.idefics.processing_idefics import (
        image_attention_mask_for_packed_input_ids,
        incremental_to_binary_attention_mask,
    )

    for prompt, row in zip(prompts, images, strict=True):
        if prompt.count(IMAGE) != len(row):  # e.g. a question that itself contains "<image>"
            raise ValueError(f"the prompt has {prompt.count(IMAGE)} image tokens for {len(row)} images")
    tokenizer = processor.tokenizer
    texts = [(tokenizer.bos_token or "") + expand_images(prompt) for prompt in prompts]
    encoded = tokenizer(texts, add_special_tokens=False, padding="longest", return_tensors="pt")
    counts = [len(row) for row in images]
    most = max(1, *counts)
    size = processor.image_processor.image_size
    pixel_values = torch.zeros(len(prompts), most, 3, size, size)
    for row, row_images in enumerate(images):
        if row_images:
            pixel_values[row, : len(row_images)] = _pixels(processor.image_processor(row_images, return_tensors="pt"))
    if sum(counts):
        incremental, _ = image_attention_mask_for_packed_input_ids(encoded["input_ids"], tokenizer, "pt")
        image_attention_mask = incremental_to_binary_attention_mask(incremental, "pt", num_classes=most)
    else:  # text only: no token attends to any image
        image_attention_mask = torch.zeros(*encoded["input_ids"].shape, 1, dtype=torch.bool)
    return {
        "input_ids": encoded["input_ids"],
        "attention_mask": encoded["attention_mask"],
        "pixel_values": pixel_values,
        "image_attention_mask": image_attention_mask,
    }


def _pixels(output: Any) -> Any:
    """The image processor returns a tensor in some versions and a BatchFeature in others."""
    return output["pixel_values"] if hasattr(output, "keys") else output
