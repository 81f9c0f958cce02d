"""Data-parallel runs: `torchrun` / `accelerate launch` start one process per GPU (or CPU rank).

Each rank takes every `world`-th sample of the benchmark (its shard), and appends what it
generates to its own log, `shards/samples.rank-R-of-W.jsonl`, so ranks never write the same file.
When all have finished, rank 0 (after a barrier; or, for a rank resumed alone, whichever rank
finds every sample logged) folds the shard logs into `samples.jsonl` and writes `results.json`:
the run directory then reads exactly like a single-process run of the same samples. A rank that
died is resumed by running it alone with the same RANK and WORLD_SIZE; a later single-process
run of the same directory also picks up every shard's samples.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from evals.errors import UserError
from evals.records import SampleRecord
from evals.store import SampleLog, open_lock

T = TypeVar("T")
SHARDS = "shards"


@dataclass(frozen=True)
class Shard:
    rank: int = 0
    world: int = 1

    @property
    def active(self) -> bool:
        return self.world > 1

    def take(self, items: Sequence[T]) -> list[T]:
        return [item for index, item in enumerate(items) if index % self.world == self.rank]

    def log_path(self, root: Path) -> Path:
        return root / SHARDS / f"samples.rank-{self.rank}-of-{self.world}.jsonl"


def current_shard() -> Shard:
    """The rank and world size that torchrun and accelerate put in the environment."""
    try:
        world = int(os.environ.get("WORLD_SIZE", "1"))
        rank = int(os.environ.get("RANK", os.environ.get("LOCAL_RANK", "0")))
    except ValueError:
        raise UserError("RANK and WORLD_SIZE must be whole numbers") from None
    if world < 1 or not 0 <= rank < world:
        raise UserError(f"RANK {rank} is not within WORLD_SIZE {world}")
    return Shard(rank, world)


def shard_records(root: Path) -> Iterator[SampleRecord]:
    for path in sorted((root / SHARDS).glob("samples.rank-*.jsonl")):
        # a sample whose server could not be reached is not done: the next run retries it
        yield from (record for record in SampleLog(path).records.values() if not record.transport_failed)


def absorb_shards(log: SampleLog, root: Path) -> int:
    """Append to the main log every shard record it lacks; returns how many."""
    missing = [record for record in shard_records(root) if record.id not in log]
    log.append(missing)
    return len(missing)


@contextmanager
def merge_lock(root: Path) -> Iterator[None]:
    """Serialise merges of ranks that finish together on one machine."""
    (root / SHARDS).mkdir(parents=True, exist_ok=True)
    with open_lock(root / SHARDS / "merge.lock") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def wait_for_all_ranks(shard: Shard) -> bool:
    """Barrier across ranks when they were started together (a torch.distributed group can be
    formed from the launcher's MASTER_ADDR); False for a rank running alone."""
    if not shard.active or "MASTER_ADDR" not in os.environ:
        return False
    import torch.distributed as dist

    if not dist.is_initialized():
        dist.init_process_group("gloo", rank=shard.rank, world_size=shard.world)
    dist.barrier()
    return True
