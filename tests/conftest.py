"""Shared fixtures. Tests never touch the network: the hub is switched off for the whole session."""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from pathlib import Path

import pytest
from PIL import Image

from evals.records import Sample
from evals.suites.base import Suite
from evals.suites.easyvqa import EasyVQA


def make_png(path: Path, color: tuple[int, int, int] = (200, 30, 30), size: int = 64) -> Path:
    Image.new("RGB", (size, size), color).save(path)
    return path


class FixtureSuite(EasyVQA):
    """easy-VQA scoring over samples a test builds itself."""

    name = "fixture"

    def __init__(self, samples: list[Sample]) -> None:
        self.samples = samples

    def load(self, split: str, limit: int | None = None, data: str | None = None):
        return iter(self.samples[:limit])


@pytest.fixture(autouse=True)
def image_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Images that datasets embed are cached per test, never in the user's ~/.cache."""
    monkeypatch.setenv("IDEFICS2_EVAL_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def image_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "images"
    folder.mkdir()
    make_png(folder / "red.png", (220, 20, 20))
    make_png(folder / "blue.png", (20, 20, 220), size=48)
    (folder / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really a png")
    return folder


@pytest.fixture
def fixture_samples(image_dir: Path) -> list[Sample]:
    return [
        Sample(
            id=f"s{i}",
            question=f"what color is shape {i}?",
            images=(str(image_dir / ("red.png" if i % 2 else "blue.png")),),
            target={"answer": "red" if i % 2 else "blue"},
            meta={"answer_type": "color"},
        )
        for i in range(10)
    ]


@pytest.fixture
def fixture_suite(fixture_samples: list[Sample]) -> Suite:
    return FixtureSuite(fixture_samples)
