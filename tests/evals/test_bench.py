"""`idefics2-eval bench` on the tiny model and on random weights in the tiny architecture."""

import json
from pathlib import Path

import pytest

from cli import main
from model import TINY_CHECKPOINT


def test_throughput_table_on_a_suite(tmp_path: Path, capsys) -> None:
    out = tmp_path / "bench.json"
    assert main(["bench", "--model", "tiny", "--limit", "24", "--batch-sizes", "1,8", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    modes = [(row["mode"], row["batch_size"]) for row in report["rows"]]
    assert modes == [("batch-1 loop", 1), ("pipelined", 1), ("pipelined", 8)]
    assert all(row["samples"] == 24 and row["samples_per_s"] > 0 for row in report["rows"])
    assert report["machine"]["torch"] and "samples_per_s" in capsys.readouterr().out


def test_docvqa_shaped_workload_on_random_weights_decodes_a_fixed_length(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    argv = ["bench", "--model", f"random:{TINY_CHECKPOINT}", "--workload", "docvqa", "--limit", "6"]
    assert main([*argv, "--new-tokens", "5", "--batch-sizes", "3", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["model_settings"]["random_weights"] is True
    row = report["rows"][-1]
    # samples/s is rounded to 0.01 and tokens/s to 0.1: on a slow machine the rounding alone is worth 0.08
    assert row["errors"] == 0 and row["tokens_per_s"] == pytest.approx(5 * row["samples_per_s"], rel=0.01, abs=0.08)


def test_card_table_records_every_setting_even_the_ones_that_cannot_run(tmp_path: Path) -> None:
    out = tmp_path / "card.json"
    argv = ["bench", "--card", "--model", "tiny", "--dtypes", "fp32", "--attns", "sdpa,flash_attention_2"]
    assert main([*argv, "--splittings", "off", "--new-tokens", "4", "--out", str(out)]) == 0
    rows = json.loads(out.read_text())["rows"]
    assert len(rows) == 2
    assert rows[0]["seconds"] > 0 and rows[0]["peak_memory_gb"] > 0
    assert "error" in rows[1]  # flash-attention needs CUDA and the flash-attn package


def test_item06_the_card_rows_leave_out_warm_up(tmp_path: Path) -> None:
    import time

    from evals.bench import CARD_GENERATIONS, card_table
    from evals.config import RunConfig
    from model.scripted import ScriptedModel

    class ColdStart(ScriptedModel):
        """Slow on its first calls, as a model is while kernels and caches warm up."""

        def generate(self, requests):
            if len(self.calls) < 2:
                time.sleep(0.5)
            return super().generate(requests)

    base = RunConfig(suite="docvqa", model="scripted", split="validation", out=str(tmp_path))
    grid = {"dtype": ["fp32"], "attn": ["sdpa"], "image_splitting": [False], "quantization": ["none"]}
    rows = card_table(lambda config: ColdStart(), base, tmp_path, grid, new_tokens=4)
    assert "error" not in rows[0] and rows[0]["seconds"] < 0.5  # 20 fast generations, no cold ones
    assert CARD_GENERATIONS == 20
