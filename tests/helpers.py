"""Helpers the tests share: tiny images and local copies of datasets in their hub layouts."""

from __future__ import annotations

import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from PIL import Image

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


def png_bytes(color: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def write_parquet(folder: Path, split: str, rows: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), folder / f"{split}-00000-of-00001.parquet")
    return folder


def reference_dir(name: str) -> Path:
    """A folder of `../shared/reference/`; the test is skipped where it is absent."""
    folder = REFERENCE / name
    if not folder.is_dir():
        pytest.skip(f"reference data not available at {folder}")
    return folder
