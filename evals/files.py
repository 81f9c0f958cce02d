"""Writing files so that nothing is lost or written where it should not be.

- `atomic_file` / `write_json_atomic` / `write_text_atomic`: a whole file replaced in one rename
  (readers never see half of it, a link in its place is replaced rather than written through),
  with the permissions of a plain new file, and no temporary left behind on any failure.
- `open_regular` / `append_durably`: logs and locks opened never through a link, only if they are
  regular files with no other name, appended and fsync'd.
- A write the system refuses (disk full, file-size limit, read-only, not a folder) is one line
  that names the file and the cause (`write_failure`).
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from evals.errors import UserError


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
