"""The run directory: manifest.json, samples.jsonl (append-only, fsync'd) and results.json.

The per-sample log is the source of truth. It is appended one batch at a time and fsync'd, so a
`kill -9` loses at most the batch in flight; a half-written last line is cut off on reopening.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import socket
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from evals.environment import now
from evals.errors import DataError, UserError
from evals.records import SampleRecord

MANIFEST = "manifest.json"
SAMPLES = "samples.jsonl"
RESULTS = "results.json"
LOCK = ".lock"
T = TypeVar("T")


def _umask() -> int:
    """The process umask: from /proc on Linux (no race with other threads), else by setting it back."""
    with suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("Umask:")).split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_failure(path: Path | str, exc: OSError) -> UserError:
    """A write that the system refused (disk full, file-size limit, read-only, not a folder) as
    one line that names the file and the cause."""
    cause = exc.strerror or type(exc).__name__
    if isinstance(exc, FileExistsError | NotADirectoryError):
        cause = "part of that path is a file, not a folder"
    return UserError(f"cannot write {path}: {cause}; free space or fix permissions, or pass another --out")


@contextmanager
def atomic_file(path: Path, mode: str = "w") -> Iterator[Any]:
    """A temporary file beside `path` that replaces it in one rename when the block ends, so
    readers never see half a file and a link at `path` is replaced, not written through. It gets
    the permissions a plain `open` would (0644 under umask 022; mkstemp alone gives 0600). On any
    failure, a signal included, the temporary file is removed; a system refusal becomes one line."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise write_failure(path, exc) from None
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        # text: no newline translation (csv writes its own), and a lone surrogate written as its escape
        text_options = {"encoding": "utf-8", "newline": "", "errors": "backslashreplace"}
        with os.fdopen(fd, mode, **({} if "b" in mode else text_options)) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise write_failure(path, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, data: Any) -> None:
    """Replace `path` with `data` as JSON in one rename, so readers never see half a file."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: JSON escapes keep it exactly
        text = json.dumps(data, indent=2, ensure_ascii=True, default=str)
    write_text_atomic(path, text + "\n")


def write_text_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` as UTF-8; a lone surrogate from a model's reply is written as its
    escape (\\udcff) rather than failing the whole report."""
    with atomic_file(path, "wb") as handle:
        handle.write(text.encode("utf-8", errors="backslashreplace"))


def _open_error(path: Path, exc: OSError) -> DataError:
    if isinstance(exc, FileNotFoundError):
        return DataError(f"{path} does not exist")
    if isinstance(exc, IsADirectoryError):
        return DataError(f"{path} is a folder; pass the file inside it")
    return DataError(f"cannot read {path}: {exc.strerror or exc}")


def parse_json_text(text: str | bytes, where: str) -> Any:
    """JSON from one file or line; every way it can be unreadable is a DataError naming `where`."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return json.loads(text)
    except UnicodeDecodeError as exc:
        raise DataError(f"{where} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"{where} is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise DataError(f"{where} is nested too deeply to be a record") from None


def read_json(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _open_error(path, exc) from None
    return parse_json_text(data, str(path))


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for each non-empty line; a malformed line is a DataError."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise _open_error(path, exc) from None
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                obj = parse_json_text(line, f"{path}:{number}")
                if not isinstance(obj, dict):
                    raise DataError(f"{path}:{number} must be a JSON object")
                yield number, obj
        except OSError as exc:
            raise _open_error(path, exc) from None


def read_log(path: Path, parse: Callable[[dict[str, Any], str], T]) -> tuple[list[T], int, bool]:
    """Read an append-only JSONL log written a batch at a time.

    Only the *end* of such a log can be damaged by a crash: a last line without its newline, or
    the NUL bytes some filesystems leave where a write had not reached the disk. That tail is
    reported (`torn`) so a writer can cut it. A bad line anywhere else was put there by someone
    (an edit, a concatenation): it is never dropped, and neither is anything after it, so reading
    stops with an error that names the line and how to repair it.
    Returns (parsed rows, byte offset just after the last good line, torn).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], 0, False
    except OSError as exc:
        raise _open_error(path, exc) from None
    rows: list[T] = []
    bad: list[tuple[int, str, int, bytes]] = []  # (line number, reason, offset, bytes)
    offset = 0
    good_end = 0
    number = 0
    while offset < len(data):
        newline = data.find(b"\n", offset)
        if newline == -1:
            break  # a last line without its newline: torn mid-write
        number += 1
        line = data[offset:newline]
        start, offset = offset, newline + 1
        if not line.strip(b" \t\r"):
            if not bad:
                good_end = offset
            continue
        where = f"{path}:{number}"
        try:
            obj = parse_json_text(line, where)
            if not isinstance(obj, dict):
                raise DataError(f"{where} must be a JSON object")
            rows.append(parse(obj, where))
            if not bad:
                good_end = offset
        except DataError as exc:
            bad.append((number, str(exc), start, line))
    # A bad last line holding NUL bytes is the same crash trace as a torn tail, with a newline in it.
    while bad and b"\x00" in bad[-1][3] and not _has_record_after(data, bad[-1][2] + len(bad[-1][3])):
        bad.pop()
    if bad:
        number, reason, _, _ = bad[0]
        others = f" (and {len(bad) - 1} more bad line(s))" if len(bad) > 1 else ""
        raise DataError(
            f"{reason}{others}; nothing was changed: fix or delete line {number} of {path} "
            f"(the {len(rows)} good records around it are kept) and run again"
        )
    return rows, good_end, good_end < len(data)


def recover_log(path: Path, parse: Callable[[dict[str, Any], str], T]) -> list[T]:
    """Read a log for appending to it: its rows, with a torn tail left by a crash cut off."""
    rows, good_end, torn = read_log(path, parse)
    if torn:
        fd = open_regular(path, os.O_WRONLY)
        try:
            os.ftruncate(fd, good_end)
        except OSError as exc:
            raise write_failure(path, exc) from None
        finally:
            os.close(fd)
    return rows


def open_regular(path: Path, flags: int, what: str = "file") -> int:
    """A descriptor on `path`, never through a symbolic link and only if it is a regular file: a
    log or lock placed as a link (to ~/.ssh/authorized_keys, a token file) would otherwise be cut,
    appended to or emptied. The link's own name is in the error, with what to do."""
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UserError(f"{path} is a symbolic link; refusing to write through it: remove it") from None
        if exc.errno == errno.EISDIR:
            raise UserError(f"{path} is a folder, not a {what}: remove it or pass another --out") from None
        raise write_failure(path, exc) from None
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        raise UserError(f"{path} is not a regular {what}: remove it or pass another --out")
    if status.st_nlink > 1:  # a hard link: writing would change the same file under its other name
        os.close(fd)
        raise UserError(f"{path} is a hard link to another file; refusing to write through it: remove it")
    return fd


def _has_record_after(data: bytes, offset: int) -> bool:
    """Whether anything but blanks and NULs follows `offset` on a complete line."""
    rest = data[offset:]
    complete = rest[: rest.rfind(b"\n") + 1]
    return bool(complete.strip(b"\x00 \t\r\n"))


def json_line(obj: Any) -> str:
    """One JSONL line, readable UTF-8 where it can be; text that UTF-8 cannot hold (a lone
    surrogate from a model's output) is written with JSON escapes instead of failing the write."""
    line = json.dumps(obj, ensure_ascii=False, default=str)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(obj, ensure_ascii=True, default=str)
    return line + "\n"


def append_durably(path: Path, payload: str) -> None:
    """Append `payload` to the log at `path` (never through a link) and fsync it before returning."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failure(path, exc) from None
    fd = open_regular(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, "log")
    size = os.fstat(fd).st_size
    try:
        data = payload.encode("utf-8")
        while data:
            written = os.write(fd, data)
            data = data[written:]
        os.fsync(fd)
    except OSError as exc:
        with suppress(OSError):  # a half-written batch (disk full) is taken back: the log stays whole
            os.ftruncate(fd, size)
        raise write_failure(path, exc) from None
    finally:
        os.close(fd)


class SampleLog:
    """Append-only `samples.jsonl` that survives being killed at any moment."""

    def __init__(self, path: Path, recover: bool = True) -> None:
        self.path = path
        self.records: dict[str, SampleRecord] = {}
        if recover:  # False: a log about to be replaced whole, whatever it holds
            self._recover()

    def _recover(self) -> None:
        """Read every record; cut a torn tail left by a crash so appends start clean."""
        for record in recover_log(self.path, SampleRecord.parse):
            # A repeated id can only come from a user concatenating logs: the first one wins.
            self.records.setdefault(record.id, record)

    def __contains__(self, sample_id: str) -> bool:
        return sample_id in self.records

    def __len__(self) -> int:
        return len(self.records)

    def append(self, records: Iterable[SampleRecord]) -> None:
        batch = [record for record in records if record.id not in self.records]
        if not batch:
            return
        payload = "".join(json_line(r.to_json()) for r in batch)
        append_durably(self.path, payload)
        for record in batch:
            self.records[record.id] = record

    def drop_transport_failures(self) -> int:
        """Forget the samples that failed only because the model server could not be reached, so
        this run generates them again; the log is rewritten atomically without them. Returns how many."""
        failed = [record.id for record in self.records.values() if record.transport_failed]
        if failed:
            self.rewrite([record for record in self.records.values() if not record.transport_failed])
        return len(failed)

    def rewrite(self, records: Iterable[SampleRecord]) -> None:
        """Replace the whole log atomically (used when re-scoring)."""
        new_records: dict[str, SampleRecord] = {}
        with atomic_file(self.path) as handle:
            for record in records:
                new_records[record.id] = record
                handle.write(json_line(record.to_json()))
        self.records = new_records


def manifest_problem(manifest: Any) -> str | None:
    """What is wrong with a manifest's structure (None when it can be used)."""
    if not isinstance(manifest, dict):
        return "it is not a JSON object"
    for name in ("config", "suite", "model", "hardware"):
        if name in manifest and not isinstance(manifest[name], dict):
            return f"'{name}' is not an object"
    if "config" not in manifest:
        return "it has no 'config'"
    invocations = manifest.get("invocations", [])
    if not isinstance(invocations, list) or not all(isinstance(item, dict) for item in invocations):
        return "'invocations' is not a list of objects"
    return None


class RunDir:
    """One run's folder and its three files."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.manifest_path = self.root / MANIFEST
        self.samples_path = self.root / SAMPLES
        self.results_path = self.root / RESULTS

    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, None when there is none; a damaged one is an error that says what to do."""
        if not self.manifest_path.exists():
            return None
        way_out = (
            "samples.jsonl is untouched: restore the manifest, or run again with --overwrite to start "
            "this run afresh (discarding its samples), or with another --out"
        )
        try:
            manifest = read_json(self.manifest_path)
        except DataError as exc:
            raise DataError(f"{exc}; {way_out}") from None
        problem = manifest_problem(manifest)
        if problem:
            raise DataError(f"{self.manifest_path} is damaged ({problem}); {way_out}")
        return manifest

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        write_json_atomic(self.manifest_path, manifest)

    def write_results(self, results: dict[str, Any]) -> None:
        write_json_atomic(self.results_path, results)

    def open_log(self) -> SampleLog:
        return SampleLog(self.samples_path)

    def existing_files(self) -> list[Path]:
        return [path for path in (self.manifest_path, self.samples_path, self.results_path) if path.exists()]

    def holds_run(self) -> bool:
        """Whether the folder already holds a run (or scores) that writing into it would replace."""
        return bool(self.existing_files()) or (self.root / "shards").is_dir()


def remove_run_file(path: Path) -> None:
    """Delete a file the run wrote (for --overwrite); a folder or anything else in its place is left
    for the user to look at."""
    try:
        path.unlink(missing_ok=True)
    except IsADirectoryError:
        raise UserError(
            f"{path} is a folder, not a file a run writes: remove it yourself, or pass another --out"
        ) from None
    except OSError as exc:
        raise UserError(f"cannot remove {path}: {exc.strerror or exc}") from None


def make_dir(root: Path) -> None:
    """Create an output folder, or say in one line why it cannot be."""
    try:
        root.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise UserError(f"{root} is a file, not a folder; pass a folder for --out") from None
    except NotADirectoryError:
        raise UserError(f"cannot create {root}: part of that path is a file; pass another --out") from None
    except OSError as exc:
        raise UserError(f"cannot create {root}: {exc.strerror or exc}") from None


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
RUN_FILES = (MANIFEST, SAMPLES, RESULTS, "shards", "predictions.jsonl", "classification.json",
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
