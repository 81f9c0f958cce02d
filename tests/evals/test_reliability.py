"""Issue 13, data loss (items 1-6): nothing logged is ever lost or mixed, and every way a run
directory can be damaged or contended ends in one line that says what to do."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from subprocess import Popen

import pytest

from evals.store import SampleLog, lock_run_dir, read_json
from tests.hostile import REPO, assert_one_line_error, cli, docvqa_data, log_lines, run_args, spawn


@pytest.fixture
def finished_run(tmp_path: Path, capsys) -> tuple[Path, Path]:
    data = docvqa_data(tmp_path / "data", n=6)
    out = tmp_path / "run"
    assert cli(capsys, *run_args(data, out)).code == 0
    return data, out


@pytest.mark.parametrize("bad", [b"{}", b'{"id": "3", "suite": "docvqa"', b"\x00\x00\x00\x00", b'{"id": 3}'])
def test_item01_a_corrupt_middle_line_stops_the_run_and_loses_nothing(finished_run, capsys, bad: bytes) -> None:
    data, out = finished_run
    lines = log_lines(out)
    lines[2] = bad
    damaged = b"\n".join(lines) + b"\n"
    (out / "samples.jsonl").write_bytes(damaged)
    line = assert_one_line_error(cli(capsys, *run_args(data, out)), "samples.jsonl:3", "fix or delete line 3")
    assert "5 good records" in line
    assert (out / "samples.jsonl").read_bytes() == damaged  # nothing cut, nothing rewritten
    assert_one_line_error(cli(capsys, "report", str(out), "--out", str(out / "r.html")), "samples.jsonl:3")


def test_item01_only_a_torn_last_line_is_cut(finished_run, capsys) -> None:
    data, out = finished_run
    lines = log_lines(out)
    (out / "samples.jsonl").write_bytes(b"\n".join(lines[:4]) + b"\n" + lines[4][:30])
    outcome = cli(capsys, *run_args(data, out))
    assert outcome.code == 0 and "4 of the 6 samples asked for are already logged" in outcome.err
    assert len(log_lines(out)) == 6


def test_item01_nul_fill_at_the_end_is_a_torn_tail(tmp_path: Path) -> None:
    data = docvqa_data(tmp_path / "data")
    del data
    good = json.dumps(_record("a")) + "\n"
    path = tmp_path / "samples.jsonl"
    path.write_bytes(good.encode() + b"\x00" * 300 + b"\n" + b"\x00" * 40)
    log = SampleLog(path)
    assert list(log.records) == ["a"] and path.read_bytes() == good.encode()


def _record(sample_id: str) -> dict:
    return {"id": sample_id, "suite": "docvqa", "prompt": "", "images": [], "generation": "x", "answer": "x",
            "score": 1.0, "target": {}, "meta": {}, "error": None, "seconds": 0.0}  # fmt: skip


def test_item02_score_never_replaces_a_run_without_overwrite(finished_run, capsys, tmp_path: Path) -> None:
    _, out = finished_run
    before = {name: (out / name).read_bytes() for name in ("samples.jsonl", "results.json", "manifest.json")}
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(json.dumps({"id": "1", "prediction": "x", "answers": ["x"]}) + "\n")
    args = ["score", "--suite", "docvqa", "--predictions", str(predictions), "--out", str(out)]
    assert_one_line_error(cli(capsys, *args), "already holds a run", "--overwrite")
    assert before == {name: (out / name).read_bytes() for name in before}
    assert cli(capsys, *args, "--overwrite").code == 0
    assert read_json(out / "results.json")["n"] == 1 and not (out / "manifest.json").exists()


def test_item03_a_second_process_on_the_same_out_is_refused(finished_run, capsys) -> None:
    data, out = finished_run
    with lock_run_dir(out):  # as another process holding it would
        line = assert_one_line_error(cli(capsys, *run_args(data, out, "--overwrite")), "in use", "pid")
    assert "wait for it" in line
    assert len(log_lines(out)) == 6  # --overwrite did not touch the run it could not lock
    assert cli(capsys, *run_args(data, out)).code == 0  # released on exit


def slow_run(tmp_path: Path, n: int, delay: float, ready: Callable[[Path], bool]) -> tuple[list[str], Popen, Path]:
    """A real process running a slow scripted model (one sample a call), once `ready(out)`."""
    data = docvqa_data(tmp_path / "data", n=n)
    script = tmp_path / "slow.json"
    script.write_text(json.dumps({"default": "x", "delay": delay}))
    out = tmp_path / "run"
    args = run_args(data, out, "--batch-size", "1")
    args[args.index("scripted")] = f"scripted:{script}"
    process = spawn(*args)
    deadline = time.time() + 60
    while not ready(out):
        assert time.time() < deadline and process.poll() is None
        time.sleep(0.05)
    return args, process, out


def test_item03_two_real_processes_leave_each_id_once(tmp_path: Path) -> None:
    args, first, out = slow_run(
        tmp_path, 8, 0.4, lambda out: (out / ".lock").exists() and bool((out / ".lock").read_text())
    )
    second = spawn(*args)
    _, err = second.communicate(timeout=60)
    assert second.returncode == 2 and "in use by another idefics2-eval process" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert first.wait(timeout=120) == 0
    ids = [json.loads(line)["id"] for line in log_lines(out)]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 8


def test_item04_samples_without_a_manifest_are_not_continued(finished_run, capsys) -> None:
    data, out = finished_run
    (out / "manifest.json").unlink()
    before = (out / "samples.jsonl").read_bytes()
    args = run_args(data, out)
    args[args.index("scripted")] = "scripted:other"
    assert_one_line_error(cli(capsys, *args), "6 logged samples but no manifest.json", "--overwrite")
    assert (out / "samples.jsonl").read_bytes() == before


@pytest.mark.parametrize("text", ['{"schema_version": 1, "config": {"suite"', "[]", '{"config": "x"}', "{}"])
def test_item05_a_damaged_manifest_says_what_happened_and_what_to_run(finished_run, capsys, text: str) -> None:
    data, out = finished_run
    (out / "manifest.json").write_text(text)
    line = assert_one_line_error(cli(capsys, *run_args(data, out)), "manifest.json")
    assert "--overwrite" in line and "samples.jsonl is untouched" in line
    assert cli(capsys, *run_args(data, out, "--overwrite")).code == 0


def test_item06_sigterm_is_handled_like_ctrl_c(tmp_path: Path) -> None:
    _, process, out = slow_run(
        tmp_path, 40, 0.2, lambda out: (out / "samples.jsonl").exists() and len(log_lines(out)) >= 3
    )
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143
    assert "stopped by SIGTERM" in err and "run the same command to continue" in err and "Traceback" not in err
    assert read_json(out / "manifest.json")["invocations"][-1]["status"] == "interrupted"
    logged = len(log_lines(out))
    assert 3 <= logged < 40


def test_item06_ctrl_c_after_the_results_print_is_quiet(tmp_path: Path) -> None:
    # A library's exit handler still running when Ctrl-C comes (here: one that sleeps).
    code = (
        "import atexit, sys, time; from cli import main; atexit.register(time.sleep, 5); "
        "sys.argv = ['idefics2-eval', 'list']; sys.exit(main())"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert "suites:" in process.stdout.readline()
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
