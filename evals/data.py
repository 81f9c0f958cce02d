"""Loading benchmark rows from the hub or a local copy, and turning embedded images into files.

Records reference images by path, never inline pixels, so images that arrive inside a dataset
(hub datasets, parquet) are written once to a cache folder and referenced from there.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evals.errors import DataError, UserError, first_line
from evals.hub import prepare_hub_access
from evals.images import POLICY, SampleDataError, confined, is_within
from evals.store import iter_jsonl, read_json


def cache_root() -> Path:
    return Path(os.environ.get("IDEFICS2_EVAL_CACHE", Path.home() / ".cache" / "idefics2-eval"))


def iter_rows(source: str, split: str, config: str | None = None, streaming: bool = False) -> Iterator[dict[str, Any]]:
    """Rows of a dataset: a local parquet file or folder of them, a JSON / JSONL file, or a hub id.

    `streaming` reads a hub dataset row by row instead of downloading it whole (for `--limit`).
    """
    path = Path(source).expanduser()
    if path.exists():
        yield from _iter_local(path, split)
        return
    if source.startswith((".", "/", "~")):
        raise UserError(f"no dataset at {source}")
    prepare_hub_access()  # offline: fail at once (or read the local cache) instead of retrying
    try:
        import datasets
    except ImportError:
        raise UserError("loading from the hub needs the 'datasets' package: pip install datasets") from None
    try:
        rows = datasets.load_dataset(source, config, split=split, streaming=streaming)
    except Exception as exc:  # the hub client raises many types; all mean "not available here"
        raise UserError(
            f"cannot load dataset '{source}' ({config or 'default'}, {split}): {first_line(exc)} "
            "(offline? pass a local copy with --data PATH)"
        ) from None
    yield from rows


def _iter_local(path: Path, split: str) -> Iterator[dict[str, Any]]:
    if path.is_dir():
        files = sorted(path.glob(f"**/{split}*.parquet")) or sorted(path.glob(f"**/{split}*.json*"))
        # a symlink in the dataset's folder must not lead the reads elsewhere
        files = [file for file in files if is_within(file, path) or POLICY.allow_outside]
    else:
        files = [path]
    if not files:
        raise DataError(f"no parquet or JSON files for split '{split}' under {path}")
    for file in files:
        if file.suffix == ".parquet":
            import pyarrow.parquet as pq

            try:
                table = pq.read_table(file)
            except Exception as exc:
                raise DataError(f"cannot read {file}: {exc}") from None
            yield from table.to_pylist()
        elif file.suffix == ".jsonl":
            yield from (obj for _, obj in iter_jsonl(file))
        elif file.suffix == ".json":
            data = read_json(file)
            rows = data.get("data", data.get("questions")) if isinstance(data, dict) else data
            if rows is None and isinstance(data, dict) and data and all(isinstance(v, dict) for v in data.values()):
                rows = list(data.values())  # keyed by id, as MathVista's testmini.json
            if not isinstance(rows, list):
                raise DataError(f"{file}: expected a list of records (or an object with 'data' or 'questions')")
            yield from rows
        else:
            raise DataError(f"{file}: expected .parquet, .json or .jsonl")


def image_ref(value: Any, folder: Path, key: str, image_root: Path | None = None) -> str:
    """A file path for an image given as a path, a PIL image, or a {"bytes", "path"} dict.

    A path must stay inside the dataset's folder `image_root` (see `evals.images`); a problem
    with one image is a `SampleDataError`, which the suites log as that sample's error.
    """
    if isinstance(value, str):
        if not value.strip():
            raise SampleDataError(f"image of {key!r} is an empty string")
        path = Path(value)
        if not path.is_absolute() and image_root is not None:
            path = image_root / path
        return str(confined(path, [image_root] if image_root is not None else []))
    if isinstance(value, dict):
        data = value.get("bytes")
        if data:
            if not isinstance(data, bytes | bytearray):
                raise SampleDataError(f"image of {key!r}: 'bytes' holds {type(data).__name__}, not bytes")
            return _write_bytes(bytes(data), folder)
        if value.get("path"):
            return image_ref(value["path"], folder, key, image_root)
        raise SampleDataError(f"image of {key!r} has neither bytes nor path")
    if hasattr(value, "save"):  # a PIL image, as `datasets` decodes them
        buffer = io.BytesIO()
        value.save(buffer, format="PNG")
        return _write_bytes(buffer.getvalue(), folder)
    raise SampleDataError(f"image of {key!r} is not a path, bytes or an image ({type(value).__name__})")


def _write_bytes(data: bytes, folder: Path) -> str:
    # Content-addressed, so the same image shared by several questions is written once.
    digest = hashlib.sha256(data).hexdigest()[:24]
    target = folder / f"{digest}.img"
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    return str(target)
