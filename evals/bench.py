"""`idefics2-eval bench`: throughput of the runner, and the model card's efficiency table.

Throughput: the same requests (a suite's, or a synthetic DocVQA-shaped workload: page-sized
images, a short question, a fixed number of decoded tokens) through a plain batch-1 loop and
through the pipelined runner at each batch size; samples/s and generated tokens/s.

Card: peak memory and seconds for 20 generations of a two-image chat prompt like the model
card's snippet, over dtype x attention x image splitting x quantization.

Nothing is logged or scored: this measures the machine, not the model. Peak memory is the GPU's
(`torch.cuda.max_memory_allocated`) on CUDA, and the process's peak resident size on CPU.
"""

from __future__ import annotations

import itertools
import platform
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from evals.config import RunConfig
from evals.pipeline import BatchSizer, generate_batches
from evals.runner import length_sorted_batches
from model.base import Model, Request

CARD_GENERATIONS = 20


def synthetic_images(folder: Path, count: int, size: tuple[int, int]) -> list[str]:
    """Noise images (page-sized by default): as costly to decode and split as real pages."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    paths = []
    for i in range(count):
        path = folder / f"{size[0]}x{size[1]}-{i}.png"
        if not path.exists():
            Image.fromarray(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)).save(path)
        paths.append(str(path))
    return paths


def user_turn(image: str, text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"type": "image", "ref": image}, {"type": "text", "text": text}]}


def docvqa_shaped(folder: Path, count: int, new_tokens: int, size: tuple[int, int] = (1700, 2200)) -> list[Request]:
    images = synthetic_images(folder, min(count, 16), size)
    question = "What is the total amount on line {} of this form?\nAnswer the question using a single word or phrase."
    return [
        Request(
            id=f"doc{i}",
            messages=[user_turn(images[i % len(images)], question.format(i % 9 + 1))],
            max_new_tokens=new_tokens,
            min_new_tokens=new_tokens,
        )
        for i in range(count)
    ]


def card_prompt(folder: Path, new_tokens: int) -> Request:
    """Two images in a chat, as in the model card's usage snippet."""
    first, second = synthetic_images(folder, 2, (1024, 768))
    answer = "In this image, we can see a city with many buildings."
    messages = [
        user_turn(first, "What do we see in this image?"),
        {"role": "assistant", "content": [{"type": "text", "text": answer}]},
        user_turn(second, "And how about this image?"),
    ]
    return Request(id="card", messages=messages, max_new_tokens=new_tokens, min_new_tokens=new_tokens)


def peak_memory_gb(device: str) -> float:
    if device.startswith("cuda"):
        import torch

        return torch.cuda.max_memory_allocated() / 2**30
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # kB on Linux


def reset_peak(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()


def timed(model: Model, requests: list[Request], batch_size: int, workers: int) -> dict[str, Any]:
    """Run the requests as the runner would; samples/s and generated tokens/s."""
    batches = length_sorted_batches(requests, model, batch_size)
    sizer = BatchSizer()
    tokens = errors = 0
    started = time.perf_counter()
    for _, generations, _ in generate_batches(model, batches, workers, sizer):
        tokens += sum(generation.new_tokens for generation in generations)
        errors += sum(generation.error is not None for generation in generations)
    seconds = time.perf_counter() - started
    return {
        "batch_size": batch_size,
        "workers": workers,
        "samples": len(requests),
        "errors": errors,
        "seconds": round(seconds, 3),
        "samples_per_s": round(len(requests) / seconds, 2),
        "tokens_per_s": round(tokens / seconds, 1),
        "settled_batch_size": sizer.limit or batch_size,
    }


def throughput(model: Model, requests: list[Request], batch_sizes: Sequence[int], workers: int) -> list[dict[str, Any]]:
    """A batch-1 loop without prefetching first (what peers do), then the runner at each size."""
    warm = requests[: min(4, len(requests))]
    timed(model, warm, min(4, len(warm)), 0)  # first calls pay for kernels and caches
    rows = [{**timed(model, requests, 1, 0), "mode": "batch-1 loop"}]
    rows += [{**timed(model, requests, size, workers), "mode": "pipelined"} for size in batch_sizes]
    base = rows[0]["samples_per_s"]
    for row in rows:
        row["speedup"] = round(row["samples_per_s"] / base, 2) if base else None
    return rows


WARM_UP_MAX = 5


def warm_up(model: Model, request: Request) -> int:
    """Generate until two calls in a row take about as long (at most WARM_UP_MAX): the first calls
    of a process or of a new setting pay for kernel selection, caches and lazy imports, which the
    card's figures do not include. Returns the number of warm-up calls."""
    previous = None
    for calls in range(1, WARM_UP_MAX + 1):
        started = time.perf_counter()
        model.generate([request])
        seconds = time.perf_counter() - started
        if previous is not None and abs(seconds - previous) <= 0.2 * max(seconds, previous):
            return calls
        previous = seconds
    return WARM_UP_MAX


def card_table(
    load: Callable[[RunConfig], Model], base: RunConfig, folder: Path, grid: dict[str, list[Any]], new_tokens: int
) -> list[dict[str, Any]]:
    rows = []
    request = card_prompt(folder, new_tokens)
    for dtype, attn, splitting, quantization in itertools.product(
        grid["dtype"], grid["attn"], grid["image_splitting"], grid["quantization"]
    ):
        config = replace(base, dtype=dtype, attn=attn, image_splitting=splitting, quantization=quantization)
        row: dict[str, Any] = {"dtype": dtype, "attn": attn, "image_splitting": splitting, "quantization": quantization}
        try:
            model = load(config)
            device = model.describe().get("device", "cpu")
            warm_up(model, request)
            reset_peak(device)
            started = time.perf_counter()
            for _ in range(CARD_GENERATIONS):
                model.generate([request])
            row.update(seconds=round(time.perf_counter() - started, 2), peak_memory_gb=round(peak_memory_gb(device), 2))
        except Exception as exc:  # one setting that cannot run (no flash-attn, no CUDA) must not stop the table
            row.update(error=f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}")
        rows.append(row)
        model = None
    return rows


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"platform": platform.platform(), "processor": platform.processor() or platform.machine()}
    try:
        import torch

        info["torch"] = torch.__version__
        info["cpu_threads"] = torch.get_num_threads()
        if torch.cuda.is_available():
            info["gpu"] = torch.cuda.get_device_name(0)
            info["gpu_count"] = torch.cuda.device_count()
    except ImportError:
        pass
    return info
