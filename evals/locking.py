"""One writer per run directory: the folder's `.lock`, held with the kernel's `flock`.

The lock file is opened never through a link (a `.lock` placed as a link to another file would
otherwise be emptied), and a run directory whose files are links is refused before anything is
written. Temporary files a killed writer left are removed under the exclusive lock.
"""

from __future__ import annotations

import fcntl
import os
import re
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from evals.environment import now
from evals.errors import UserError
from evals.files import make_dir, open_regular

LOCK = ".lock"


def _holder() -> str:
    command = " ".join(sys.argv)[:200]
    return f"pid {os.getpid()} on {socket.gethostname()}, started {now()}: {command}"


def open_lock(path: Path) -> Any:
    """The lock file at `path` for reading and writing, created 0644 if missing; a link or a
    folder in its place is refused (opening one would empty the file it points to)."""
    fd = open_regular(path, os.O_RDWR | os.O_CREAT, "lock file")
    return os.fdopen(fd, "r+", encoding="utf-8", errors="replace")


def _try_lock(path: Path, mode: int) -> Any:
    handle = open_lock(path)
    try:
        fcntl.flock(handle, mode | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        return holder or None
    except OSError:
        handle.close()
        raise
    return handle


# What the project writes into a run directory: none of them may be a link (a write would land outside).
RUN_FILES = ("manifest.json", "samples.jsonl", "results.json", "shards", "predictions.jsonl", "classification.json",
             "classification_run.json", "bias.json", "redteam.json", "summary.json", "labels.jsonl")  # fmt: skip


# `atomic_file`'s names: "." + the file's name + mkstemp's 8 random characters + ".tmp"
_TEMPORARY = re.compile(r"\.[\w.-]+\.(json|jsonl|html|md|xlsx|csv|tsv)\.[a-z0-9_]{8}\.tmp")


def refuse_links(root: Path) -> None:
    """Refuse a run directory whose files are links: the run's records must be its own files."""
    for name in RUN_FILES:
        if (root / name).is_symlink():
            raise UserError(
                f"{root / name} is a symbolic link; a run directory's files must be its own: "
                "remove the link, or pass another --out"
            )


def remove_stale_temporaries(root: Path) -> None:
    """Temporary files a killed writer (kill -9) left: under the exclusive lock nobody is writing them."""
    for stale in root.glob(".*.tmp"):
        if _TEMPORARY.fullmatch(stale.name) and stale.is_file() and not stale.is_symlink():
            stale.unlink(missing_ok=True)


@contextmanager
def lock_run_dir(root: Path, rank: str | None = None) -> Iterator[None]:
    """Hold a run directory for the life of this process (or until the block ends).

    One writer at a time: a process that writes `samples.jsonl` takes the folder's lock
    exclusively. Data-parallel ranks share it, each taking its own rank's lock exclusively, so
    the ranks of one run work side by side while a second copy of any of them is refused. The
    kernel drops the locks when the process ends, however it ends.
    """
    make_dir(root)
    in_use = "; wait for it to finish, or pass another --out"
    folder = _try_lock(root / LOCK, fcntl.LOCK_SH if rank else fcntl.LOCK_EX)
    if not hasattr(folder, "fileno"):
        who = folder or "the ranks of a data-parallel run"
        raise UserError(f"{root} is in use by another idefics2-eval process ({who}){in_use}")
    handles = [folder]
    try:
        refuse_links(root)
        if rank is None:
            remove_stale_temporaries(root)
            _record_holder(folder)
        else:
            _clear_holder(folder)  # nobody holds it exclusively now: what it says is stale
            shards = root / "shards"
            make_dir(shards)
            mine = _try_lock(shards / f".{rank}.lock", fcntl.LOCK_EX)
            if not hasattr(mine, "fileno"):
                raise UserError(f"{root}: {rank} is already running ({mine or 'another process'}){in_use}")
            handles.append(mine)
            _record_holder(mine)
        yield
    finally:
        for handle in reversed(handles):
            if rank is None or handle is not folder:
                _clear_holder(handle)
            handle.close()  # closing the file releases its lock


def _record_holder(handle: Any) -> None:
    _clear_holder(handle)
    handle.write(_holder())
    handle.flush()


def _clear_holder(handle: Any) -> None:
    handle.seek(0)
    handle.truncate()
