"""The run directory: manifest.json, samples.jsonl (append-only, fsync'd) and results.json.

The per-sample log is the source of truth. It is appended one batch at a time and fsync'd, so a
`kill -9` loses at most the batch in flight; a half-written last line is cut off on reopening.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from evals.errors import DataError
from evals.files import (  # noqa: F401 (re-exported: the run directory's writers)
    append_durably,
    atomic_file,
    json_line,
    make_dir,
    open_regular,
    remove_run_file,
    write_failure,
    write_json_atomic,
    write_text_atomic,
)
from evals.locking import LOCK, lock_run_dir, open_lock  # noqa: F401 (re-exported)
from evals.records import SampleRecord

MANIFEST = "manifest.json"
SAMPLES = "samples.jsonl"
RESULTS = "results.json"
T = TypeVar("T")


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


def _has_record_after(data: bytes, offset: int) -> bool:
    """Whether anything but blanks and NULs follows `offset` on a complete line."""
    rest = data[offset:]
    complete = rest[: rest.rfind(b"\n") + 1]
    return bool(complete.strip(b"\x00 \t\r\n"))


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
