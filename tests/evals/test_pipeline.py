"""The pipelined runner's parts: batches prepared ahead in order, and out-of-memory handling that
settles on a batch size that fits."""

import threading
from dataclasses import dataclass, field

from evals.pipeline import OOM_HINT, BatchSizer, generate_resilient, prefetched
from model.base import Generation, OutOfMemory, Request


@dataclass
class FakeModel:
    fits: int = 100  # larger batches run out of memory
    name: str = "fake"
    prepared_in: list[str] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)

    def prepare(self, batch):
        self.prepared_in.append(threading.current_thread().name)
        return [f"ready:{r.id}" for r in batch]

    def generate(self, batch, prepared=None):
        self.calls.append(len(batch))
        if len(batch) > self.fits:
            raise OutOfMemory("CUDA out of memory")
        return [Generation(text=(prepared[i] if prepared else f"raw:{r.id}")) for i, r in enumerate(batch)]


def requests(n: int) -> list[Request]:
    return [Request(id=str(i), messages=[]) for i in range(n)]


def test_batches_come_prepared_in_order_from_worker_threads() -> None:
    model = FakeModel()
    batches = [requests(3)[i : i + 1] for i in range(3)]
    seen = list(prefetched(model, batches, workers=2))
    assert [batch for batch, _ in seen] == batches
    assert [prepared for _, prepared in seen] == [["ready:0"], ["ready:1"], ["ready:2"]]
    assert all(name.startswith("prepare") for name in model.prepared_in)
    assert [p for _, p in prefetched(model, batches, workers=0)] == [None, None, None]


def test_out_of_memory_halves_then_later_batches_use_the_size_that_fitted() -> None:
    model = FakeModel(fits=2)
    sizer = BatchSizer()
    out = generate_resilient(model, requests(8), None, sizer)
    assert [g.text for g in out] == [f"raw:{i}" for i in range(8)]
    assert sizer.limit == 2
    assert [len(b) for b in sizer.split(requests(5))] == [2, 2, 1]


def test_a_sample_that_never_fits_is_an_error_not_a_crash() -> None:
    out = generate_resilient(FakeModel(fits=0), requests(2), None, BatchSizer())
    assert [g.error for g in out] == [OOM_HINT, OOM_HINT]
