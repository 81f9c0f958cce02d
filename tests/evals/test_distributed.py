"""Data-parallel runs: two gloo ranks under torchrun give the samples and score of one process,
and a rank resumed alone completes the run."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli import main
from evals.distributed import Shard
from evals.store import iter_jsonl, read_json

COMPARED = ("prompt", "generation", "answer", "score", "target", "meta", "error")


def records(run: Path) -> dict[str, dict]:
    return {row["id"]: {k: row[k] for k in COMPARED} for _, row in iter_jsonl(run / "samples.jsonl")}


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "evals", *args, "--no-progress"]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})})


def test_shards_split_the_samples_between_ranks() -> None:
    items = list(range(7))
    assert Shard(0, 2).take(items) == [0, 2, 4, 6] and Shard(1, 2).take(items) == [1, 3, 5]
    assert Shard().take(items) == items


@pytest.mark.skipif(shutil.which("torchrun") is None and not (Path(sys.executable).parent / "torchrun").exists(),
                    reason="torchrun not installed")  # fmt: skip
def test_two_gloo_ranks_match_one_process(tmp_path: Path) -> None:
    args = ["--suite", "easyvqa", "--model", "tiny", "--limit", "60", "--batch-size", "4"]
    torchrun = shutil.which("torchrun") or str(Path(sys.executable).parent / "torchrun")
    launched = subprocess.run(
        [torchrun, "--nproc_per_node", "2", "--master_port", "29577", "-m", "evals", *args,
         "--out", str(tmp_path / "two"), "--no-progress"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert launched.returncode == 0, launched.stderr[-2000:]
    assert main([*args, "--out", str(tmp_path / "one"), "--no-progress"]) == 0
    assert records(tmp_path / "two") == records(tmp_path / "one")
    assert sum(1 for _ in iter_jsonl(tmp_path / "two" / "samples.jsonl")) == 60  # each sample once
    one, two = read_json(tmp_path / "one" / "results.json"), read_json(tmp_path / "two" / "results.json")
    assert one == two


def test_a_rank_resumed_alone_completes_the_run(tmp_path: Path) -> None:
    out = str(tmp_path / "run")
    args = ["--suite", "easyvqa", "--model", "scripted", "--limit", "30", "--out", out]
    first = cli(*args, env={"RANK": "0", "WORLD_SIZE": "2"})
    assert first.returncode == 0 and "rank 0 merges" in first.stdout
    assert not (tmp_path / "run" / "results.json").exists()  # rank 1 never ran
    second = cli(*args, env={"RANK": "1", "WORLD_SIZE": "2"})
    assert second.returncode == 0, second.stderr
    results = read_json(tmp_path / "run" / "results.json")
    assert results["n"] == 30
    assert len(records(tmp_path / "run")) == 30


def test_a_single_process_run_picks_up_shard_logs(tmp_path: Path) -> None:
    out = str(tmp_path / "run")
    args = ["--suite", "easyvqa", "--model", "scripted", "--limit", "20", "--out", out]
    assert cli(*args, env={"RANK": "1", "WORLD_SIZE": "2"}).returncode == 0
    finished = cli(*args, env={"WORLD_SIZE": "1", "RANK": "0"})
    assert finished.returncode == 0
    manifest = read_json(tmp_path / "run" / "manifest.json")
    assert manifest["invocations"][-1]["new_samples"] == 10  # the other shard's ten were logged already
    assert len(records(tmp_path / "run")) == 20 and "run directory" in finished.stdout


def test_overwrite_clears_the_shard_logs_too(tmp_path: Path) -> None:
    out = str(tmp_path / "run")
    args = ["--suite", "easyvqa", "--model", "scripted", "--limit", "10", "--out", out]
    assert cli(*args, env={"RANK": "1", "WORLD_SIZE": "2"}).returncode == 0
    assert (tmp_path / "run" / "shards").is_dir()
    assert main([*args, "--overwrite", "--no-progress"]) == 0
    assert not (tmp_path / "run" / "shards").exists()
    assert read_json(tmp_path / "run" / "manifest.json")["invocations"][-1]["new_samples"] == 10
