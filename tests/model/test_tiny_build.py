"""The tiny checkpoint is rebuilt from a fixed seed: two builds are identical."""

import os
import subprocess
import sys
from pathlib import Path

from safetensors.torch import load_file

from model.tiny.build import SPECIAL_TOKENS, build


def test_build_is_reproducible_and_loadable(tmp_path: Path) -> None:
    first = build(tmp_path / "a")
    second = build(tmp_path / "b")
    assert (first / "tokenizer.json").read_text() == (second / "tokenizer.json").read_text()
    weights_a, weights_b = load_file(first / "model.safetensors"), load_file(second / "model.safetensors")
    assert weights_a.keys() == weights_b.keys()
    assert all((weights_a[name] == weights_b[name]).all() for name in weights_a)
    size_mb = (first / "model.safetensors").stat().st_size / 2**20
    assert size_mb < 20


def test_tokenizer_knows_the_idefics2_special_tokens(tmp_path: Path) -> None:
    from transformers import AutoProcessor

    processor = AutoProcessor.from_pretrained(build(tmp_path / "c"))
    vocab = processor.tokenizer.get_vocab()
    assert all(token in vocab for token in SPECIAL_TOKENS)
    ids = processor.tokenizer("what is the red shape?")["input_ids"]
    assert processor.tokenizer.decode(ids, skip_special_tokens=True) == "what is the red shape?"


def test_item01_build_never_overwrites_the_bundled_checkpoint_by_default(tmp_path: Path) -> None:
    from model.tiny.build import CHECKPOINT_DIR

    repo = Path(__file__).resolve().parents[2]
    before = (CHECKPOINT_DIR / "model.safetensors").read_bytes()
    refused = subprocess.run(
        [sys.executable, "-m", "model.tiny.build", "--out", str(CHECKPOINT_DIR)],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2 and "--replace-bundled" in refused.stderr
    environment = {**os.environ, "PYTHONPATH": str(repo)}
    built = subprocess.run(
        [sys.executable, "-m", "model.tiny.build"], cwd=tmp_path, capture_output=True, text=True, env=environment
    )
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "tiny-idefics2-build" / "model.safetensors").is_file()
    assert (CHECKPOINT_DIR / "model.safetensors").read_bytes() == before
