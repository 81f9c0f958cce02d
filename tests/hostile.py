"""Fixtures for the reliability and hostile-input tests: small local datasets, pixel bombs, and a
way to run the command line and read what it said."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

from cli import main
from tests.conftest import make_png

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip() and not line.startswith("loading model")]


def cli(capsys, *argv: str) -> Outcome:
    """Run the command line in-process; what it printed is returned, not shown."""
    capsys.readouterr()
    code = main([*argv])
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


def assert_one_line_error(outcome: Outcome, *words: str) -> str:
    assert outcome.code == 2, outcome
    lines = outcome.error_lines
    assert len(lines) == 1 and lines[0].startswith("idefics2-eval: error:"), lines
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def docvqa_data(folder: Path, n: int = 6, image: str | None = None) -> Path:
    """A DocVQA copy in the hub layout as JSONL, images beside it; `image` overrides row 0's."""
    folder.mkdir(parents=True, exist_ok=True)
    make_png(folder / "page.png")
    rows = [
        {"questionId": i, "question": f"what is item {i}?", "image": "page.png", "answers": [f"item {i}"]}
        for i in range(n)
    ]
    if image is not None:
        rows[0]["image"] = image
    path = folder / "validation.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return folder


def run_args(data: Path, out: Path, *extra: str) -> list[str]:
    return ["--suite", "docvqa", "--model", "scripted", "--data", str(data), "--out", str(out), "--no-progress", *extra]


def pixel_bomb(path: Path, side: int = 13000) -> Path:
    """A real, small PNG of side x side grey pixels (zeros compress to almost nothing)."""
    raw = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte + one byte a pixel
    chunks = [raw.compress(row) for _ in range(side)]
    data = b"".join(chunks) + raw.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b""))
    return path


def spawn(*argv: str, cwd: Path = REPO, **env: str) -> subprocess.Popen:
    environment = dict(os.environ, PYTHONPATH=str(REPO), **env)
    return subprocess.Popen(
        [sys.executable, "-m", "evals", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
        cwd=cwd,
    )


def log_lines(out: Path) -> list[bytes]:
    return [line for line in (out / "samples.jsonl").read_bytes().split(b"\n") if line.strip()]
