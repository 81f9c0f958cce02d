"""`--model random`: its memory is estimated before anything is built (issue 14, item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

import model.random_weights as random_weights
from evals.errors import UserError
from model import TINY_CHECKPOINT
from tests.hostile import assert_one_line_error, cli


def test_item02_a_model_that_cannot_fit_is_refused_before_it_is_built(monkeypatch, capsys, tmp_path: Path) -> None:
    monkeypatch.setattr(random_weights, "available_memory", lambda device: 1_000)
    args = ["bench", "--model", f"random:{TINY_CHECKPOINT}", "--batch-sizes", "1", "--out", str(tmp_path / "b.json")]
    line = assert_one_line_error(cli(capsys, *args), "needs about", "--ignore-memory-check")
    assert "0.0 GB is available" in line and not (tmp_path / "b.json").exists()
    assert cli(capsys, *args, "--ignore-memory-check").code == 0  # the flag builds it all the same


def test_item02_the_8b_estimate_refuses_fp32_on_a_24_gib_machine(monkeypatch) -> None:
    from transformers import AutoTokenizer

    from model.architectures import architecture, build_config

    hf_config = build_config(architecture(""), AutoTokenizer.from_pretrained(TINY_CHECKPOINT))
    assert random_weights.parameter_count(hf_config) == pytest.approx(8.40e9, rel=0.01)
    monkeypatch.setattr(random_weights, "available_memory", lambda device: 24 * 2**30)
    with pytest.raises(UserError, match=r"needs about 38\.\d GB on cpu .*--dtype bf16 halves it"):
        random_weights.check_memory(hf_config, "fp32", "cpu")
    random_weights.check_memory(hf_config, "bf16", "cpu")  # 19 GB: fits
