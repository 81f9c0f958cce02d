"""Keeping the accelerator busy: the CPU side of the next batches runs ahead in threads.

A backend that can split a batch into `prepare` (decode images, run the processor: Idefics2's
image splitting makes this heavy) and `generate(batch, prepared)` gets its next `depth` batches
prepared by a thread pool while the current one generates. Image decoding, the processor's
numpy work and torch kernels release the GIL, so threads overlap with the GPU.

Out of memory: a batch is split in halves until it fits (one sample that never fits is
recorded as an error), and later batches are cut to the size that fitted, so the run settles on
the largest batch the device holds without losing anything already logged.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from model.base import Generation, Model, OutOfMemory, Request

OOM_HINT = "out of memory at batch size 1: lower --longest-edge, use --no-image-splitting or --quantization 4bit"


class BatchSizer:
    """The largest batch known to fit; starts unbounded and shrinks on out-of-memory."""

    def __init__(self) -> None:
        self.limit: int | None = None

    def split(self, batch: list[Request]) -> list[list[Request]]:
        if self.limit is None or len(batch) <= self.limit:
            return [batch]
        return [batch[i : i + self.limit] for i in range(0, len(batch), self.limit)]

    def fitted(self, size: int) -> None:
        self.limit = size if self.limit is None else min(self.limit, size)


def generate_resilient(
    model: Model, batch: list[Request], prepared: Any = None, sizer: BatchSizer | None = None
) -> list[Generation]:
    """Generate a batch; on out-of-memory split it in halves, and at one sample record the error."""
    try:
        return model.generate(batch, prepared) if prepared is not None else model.generate(batch)  # type: ignore[call-arg]
    except OutOfMemory:
        if len(batch) == 1:
            return [Generation(text=None, error=OOM_HINT)]
        middle = len(batch) // 2
        if sizer is not None:
            sizer.fitted(middle)
        return generate_resilient(model, batch[:middle], None, sizer) + generate_resilient(
            model, batch[middle:], None, sizer
        )


def prefetched(
    model: Model, batches: list[list[Request]], workers: int, depth: int = 2
) -> Iterator[tuple[list[Request], Any]]:
    """Yield (batch, prepared) in order, preparing up to `depth` batches ahead in `workers` threads.

    Without a `prepare` capability, or with no workers, batches come unprepared (None)."""
    prepare = getattr(model, "prepare", None)
    if prepare is None or workers <= 0:
        for batch in batches:
            yield batch, None
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prepare") as pool:
        pending: deque[tuple[list[Request], Future[Any]]] = deque()
        upcoming = iter(batches)
        for batch in upcoming:
            pending.append((batch, pool.submit(prepare, batch)))
            if len(pending) > depth:
                break
        while pending:
            batch, future = pending.popleft()
            following = next(upcoming, None)
            if following is not None:
                pending.append((following, pool.submit(prepare, following)))
            yield batch, future.result()


def generate_batches(
    model: Model, batches: list[list[Request]], workers: int, sizer: BatchSizer
) -> Iterator[tuple[list[Request], list[Generation], float]]:
    """The runner's loop: (batch, its generations, seconds per sample), batches prepared ahead and
    cut to the size that fits; `bench` times exactly this loop."""
    for whole, prepared in prefetched(model, batches, workers):
        for batch in sizer.split(whole):
            started = time.perf_counter()
            generations = generate_resilient(model, batch, prepared if batch is whole else None, sizer)
            yield batch, generations, (time.perf_counter() - started) / len(batch)
