"""Train the bundled tiny Idefics2 on easy-VQA, on a CPU, from a fixed seed.

    python -m model.tiny.train [--epochs N] [--out DIR]

Builds the random starting point (`model.tiny.build`: tokenizer, config, processor), trains the
whole model on the easy-VQA train split in Idefics2's chat format with the loss on the answer
tokens only, prints loss and held-out accuracy as it goes, and saves the checkpoint (safetensors)
with a `training.json` that records the settings and figures. Questions about the last
`HELD_OUT_IMAGES` train images are held out for the accuracy printed during training; the test
split is never seen.

Training starts with `shape_steps` batches of "what shape ...?" questions, then
`bootstrap_steps` batches of all questions whose answer depends on the image alone ("what color
is the shape?", "what shape is in the image?"): a model trained from scratch on all questions at
once learns the answers' priors from the question text and may never start using the image; on
image-only questions the text gives nothing away, so it must. Shape comes first because it is
the slower to be learnt: colour is picked up within a few hundred steps of any schedule.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from model.tiny.build import add_output_options, build, output_folder

INSTRUCTION = "Answer the question using a single word or phrase."
HELD_OUT_IMAGES = 200
IMAGE_ONLY_QUESTIONS = frozenset(
    {
        "what color is the shape?",
        "what is the color of the shape?",
        "what shape is in the image?",
        "what shape does the image contain?",
        "what shape is present?",
    }
)
IGNORE = -100


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 6
    shape_steps: int = 500
    bootstrap_steps: int = 600
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 0.01
    warmup_steps: int = 100
    seed: int = 0
    threads: int = 2
    log_every: int = 50
    limit: int = 0  # train and hold out only this many questions (0: all); for quick checks


def encode_questions(processor: Any, questions: list[str], answers: list[str]) -> tuple[list, list]:
    """Token ids of each full conversation and the length of its prompt (the part with no loss)."""

    def chat(question: str, answer: str | None) -> str:
        turns = [
            {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": f"{question}\n{INSTRUCTION}"}]}
        ]
        if answer is None:
            return processor.apply_chat_template(turns, add_generation_prompt=True)
        # The template writes "Assistant: " before a text turn, so the answer token is " yes",
        # exactly what the model must produce after the inference prompt's "Assistant:".
        turns.append({"role": "assistant", "content": [{"type": "text", "text": answer}]})
        return processor.apply_chat_template(turns, add_generation_prompt=False)

    prompts = processor(text=[chat(q, None) for q in questions])["input_ids"]
    fulls = processor(text=[chat(q, a) for q, a in zip(questions, answers, strict=True)])["input_ids"]
    for prompt, full in zip(prompts, fulls, strict=True):
        if full[: len(prompt)] != prompt:
            raise RuntimeError("prompt tokens are not a prefix of the conversation tokens")
    return fulls, [len(p) for p in prompts]


def load_pixels(processor: Any, paths: dict[int, str]) -> Any:
    """All images once, preprocessed as the processor does at inference: a tensor indexed by image id."""
    import torch
    from PIL import Image

    ids = sorted(paths)
    images = [[Image.open(paths[i]).convert("RGB")] for i in ids]
    pixels = processor.image_processor(images, return_tensors="pt")["pixel_values"][:, 0]
    table = torch.zeros((max(ids) + 1, *pixels.shape[1:]), dtype=pixels.dtype)
    table[torch.tensor(ids)] = pixels
    return table


def make_batch(rows: list[int], ids: list, prompt_lens: list[int], image_ids: list[int], pixels: Any, pad_id: int):
    import torch

    width = max(len(ids[r]) for r in rows)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    attention = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        tokens = torch.tensor(ids[r])
        input_ids[i, : len(tokens)] = tokens
        attention[i, : len(tokens)] = 1
        labels[i, prompt_lens[r] : len(tokens)] = tokens[prompt_lens[r] :]
    pixel_values = pixels[torch.tensor([image_ids[r] for r in rows])].unsqueeze(1)
    pixel_mask = torch.ones((len(rows), 1, *pixel_values.shape[-2:]), dtype=torch.bool)
    return {
        "input_ids": input_ids,
        "attention_mask": attention,
        "labels": labels,
        "pixel_values": pixel_values,
        "pixel_attention_mask": pixel_mask,
    }


def answer_accuracy(model: Any, batch: dict[str, Any]) -> tuple[int, int]:
    """Teacher-forced exact match of every answer token: equal to greedy generation's exact match."""
    import torch

    with torch.inference_mode():
        logits = model(**{k: v for k, v in batch.items() if k != "labels"}).logits
    predicted = logits[:, :-1].argmax(-1)
    gold = batch["labels"][:, 1:]
    mask = gold != IGNORE
    correct = ((predicted == gold) | ~mask).all(dim=1)
    return int(correct.sum()), len(correct)


def train(config: TrainConfig, out: Path) -> dict[str, Any]:
    import easy_vqa
    import torch
    from transformers import AutoProcessor, Idefics2ForConditionalGeneration

    started = time.perf_counter()
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    with tempfile.TemporaryDirectory() as scratch:
        start = build(Path(scratch))
        processor = AutoProcessor.from_pretrained(start)
        model = Idefics2ForConditionalGeneration.from_pretrained(start, dtype=torch.float32)
        processor.save_pretrained(out)
    questions, answers, image_ids = easy_vqa.get_train_questions()
    ids, prompt_lens = encode_questions(processor, questions, answers)
    pixels = load_pixels(processor, easy_vqa.get_train_image_paths())
    first_held_out = max(image_ids) + 1 - HELD_OUT_IMAGES
    train_rows = [r for r, image in enumerate(image_ids) if image < first_held_out]
    held_rows = [r for r, image in enumerate(image_ids) if image >= first_held_out]
    if config.limit:
        train_rows, held_rows = train_rows[: config.limit], held_rows[: config.limit]
    pad_id = processor.tokenizer.pad_token_id
    print(
        f"train questions {len(train_rows)}, held-out questions {len(held_rows)}, "
        f"parameters {sum(p.numel() for p in model.parameters()) / 1e6:.2f}M",
        flush=True,
    )

    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    steps_per_epoch = math.ceil(len(train_rows) / config.batch_size)
    total_steps = config.shape_steps + config.bootstrap_steps + steps_per_epoch * config.epochs

    def schedule(step: int) -> float:
        if step < config.warmup_steps:
            return (step + 1) / config.warmup_steps
        progress = (step - config.warmup_steps) / max(1, total_steps - config.warmup_steps)
        return 0.5 * (1 + math.cos(math.pi * progress))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    generator = torch.Generator().manual_seed(config.seed)
    image_only = [r for r in train_rows if questions[r] in IMAGE_ONLY_QUESTIONS]
    history: list[dict[str, float]] = []
    step = 0
    running = 0.0

    def train_step(rows: list[int], phase: str) -> None:
        nonlocal step, running
        loss = model(**make_batch(rows, ids, prompt_lens, image_ids, pixels, pad_id)).loss
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        step += 1
        running += loss.item()
        if step % config.log_every == 0:
            print(
                f"{phase} step {step}/{total_steps} loss {running / config.log_every:.4f} "
                f"lr {scheduler.get_last_lr()[0]:.2e} {time.perf_counter() - started:.0f}s",
                flush=True,
            )
            running = 0.0

    def evaluate(phase: str) -> None:
        model.eval()
        correct = total = 0
        for start_at in range(0, len(held_rows), 256):
            batch = make_batch(held_rows[start_at : start_at + 256], ids, prompt_lens, image_ids, pixels, pad_id)
            c, n = answer_accuracy(model, batch)
            correct, total = correct + c, total + n
        model.train()
        accuracy = 100.0 * correct / total
        history.append(
            {"phase": phase, "step": step, "held_out_accuracy": accuracy, "seconds": time.perf_counter() - started}
        )
        print(f"{phase} held-out accuracy {accuracy:.2f}% ({correct}/{total})", flush=True)

    model.train()
    shape_only = [r for r in image_only if questions[r].startswith("what shape")]
    for phase, pool, steps in (
        ("shapes", shape_only, config.shape_steps),
        ("bootstrap", image_only, config.bootstrap_steps),
    ):
        order = torch.randperm(len(pool), generator=generator).tolist()
        for i in range(steps):
            start_at = (i * config.batch_size) % len(order)
            train_step([pool[j] for j in order[start_at : start_at + config.batch_size]], phase)
        if steps:
            evaluate(phase)
    for epoch in range(1, config.epochs + 1):
        order = torch.randperm(len(train_rows), generator=generator).tolist()
        for start_at in range(0, len(order), config.batch_size):
            train_step([train_rows[i] for i in order[start_at : start_at + config.batch_size]], f"epoch {epoch}")
        evaluate(f"epoch {epoch}")

    model.save_pretrained(out, safe_serialization=True)
    record = {
        "config": asdict(config),
        "history": history,
        "seconds": time.perf_counter() - started,
        "torch": torch.__version__,
        "held_out_images": HELD_OUT_IMAGES,
    }
    (out / "training.json").write_text(json.dumps(record, indent=2) + "\n")
    return record


def main() -> None:
    defaults = TrainConfig()
    parser = argparse.ArgumentParser(description="Train the bundled tiny Idefics2 on easy-VQA (CPU).")
    add_output_options(parser, "tiny-idefics2-trained")
    for name, value in asdict(defaults).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args()
    config = TrainConfig(**{name: getattr(args, name) for name in asdict(defaults)})
    out = output_folder(args.out, args.replace_bundled)
    out.mkdir(parents=True, exist_ok=True)
    record = train(config, out)
    print(
        f"wrote {out} in {record['seconds'] / 60:.1f} min; "
        f"held-out accuracy {record['history'][-1]['held_out_accuracy']:.2f}%"
    )


if __name__ == "__main__":
    main()
