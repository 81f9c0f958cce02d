"""Issue 23, writes (items 1, 2, 5, 10, and 24.6): nothing is written outside a run directory, a
write the system refuses is one line, and result files get the permissions of a plain file."""

from __future__ import annotations

import json
import os
import resource
import signal
import stat
import time
from pathlib import Path

import pytest

from evals.store import SampleLog, lock_run_dir, write_json_atomic
from tests.hostile import assert_one_line_error, cli, docvqa_data, run_args, spawn


def predictions_file(folder: Path, n: int = 3) -> Path:
    path = folder / "p.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "prediction": "x", "answers": ["x"]}) + "\n" for i in range(n)))
    return path


def score_args(predictions: Path, out: Path, *extra: str) -> list[str]:
    return ["score", "--suite", "docvqa", "--predictions", str(predictions), "--out", str(out), *extra]


@pytest.mark.parametrize("command", ["score", "run"])
def test_23_1_symlinked_lock_is_refused(tmp_path: Path, capsys, command: str) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "d"
    out.mkdir()
    (out / ".lock").symlink_to(victim)
    argv = score_args(predictions_file(tmp_path), out) if command == "score" else run_args(docvqa_data(tmp_path), out)
    assert_one_line_error(cli(capsys, *argv), ".lock", "symbolic link")
    assert victim.read_text() == "precious\n"
    assert not (out / "samples.jsonl").exists()


def test_23_1_a_dangling_lock_link_creates_nothing(tmp_path: Path) -> None:
    out = tmp_path / "d"
    out.mkdir()
    (out / ".lock").symlink_to(tmp_path / "created-by-us")
    with pytest.raises(Exception, match="symbolic link"), lock_run_dir(out):
        pass
    assert not (tmp_path / "created-by-us").exists()


def test_23_10_a_lock_that_is_a_folder_is_one_line(tmp_path: Path, capsys) -> None:
    out = tmp_path / "d"
    (out / ".lock").mkdir(parents=True)
    assert_one_line_error(cli(capsys, *score_args(predictions_file(tmp_path), out)), ".lock", "folder")


@pytest.mark.parametrize("name", ["samples.jsonl", "manifest.json", "results.json"])
def test_23_2_run_files_that_are_links_are_refused(tmp_path: Path, capsys, name: str) -> None:
    token = tmp_path / "token"
    token.write_bytes(b"s3cr3t-without-newline")
    data = docvqa_data(tmp_path / "data")
    out = tmp_path / "run"
    out.mkdir()
    (out / name).symlink_to(token)
    assert_one_line_error(cli(capsys, *run_args(data, out)), name, "symbolic link")
    assert token.read_bytes() == b"s3cr3t-without-newline"


def test_23_2_the_log_is_never_appended_through_a_link(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_bytes(b"s3cr3t-without-newline")
    log_path = tmp_path / "samples.jsonl"
    log_path.symlink_to(token)
    with pytest.raises(Exception, match="symbolic link"):
        SampleLog(log_path)
    assert token.read_bytes() == b"s3cr3t-without-newline"


def test_24_6_result_files_get_the_umask_permissions(tmp_path: Path, capsys) -> None:
    old = os.umask(0o022)
    try:
        data = docvqa_data(tmp_path / "data")
        out = tmp_path / "run"
        assert cli(capsys, *run_args(data, out)).code == 0
        scored = tmp_path / "scored"
        assert cli(capsys, *score_args(predictions_file(tmp_path), scored)).code == 0
        write_json_atomic(tmp_path / "bias.json", {})
    finally:
        os.umask(old)
    for path in (out / "manifest.json", out / "results.json", out / "samples.jsonl", scored / "samples.jsonl",
                 scored / "results.json", tmp_path / "bias.json"):  # fmt: skip
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_23_5_a_file_size_limit_is_one_line_and_leaves_no_temporary(tmp_path: Path, capsys) -> None:
    predictions = tmp_path / "p.jsonl"
    big = "x" * 4000
    predictions.write_text(
        "".join(json.dumps({"id": str(i), "prediction": big, "answers": ["x"]}) + "\n" for i in range(40))
    )
    out = tmp_path / "out"
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, hard))
    try:
        outcome = cli(capsys, *score_args(predictions, out))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert_one_line_error(outcome, "cannot write", "samples.jsonl", "File too large")
    assert [p.name for p in out.iterdir() if p.name != ".lock"] == []


def test_23_5_a_read_only_output_is_one_line(tmp_path: Path, capsys) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".lock").touch()
    out.chmod(0o555)
    try:
        outcome = cli(capsys, *score_args(predictions_file(tmp_path), out))
    finally:
        out.chmod(0o755)
    assert_one_line_error(outcome, "cannot write", str(out), "Permission denied")


def test_23_5_an_output_below_a_file_is_one_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "file").write_text("x")
    outcome = cli(capsys, *score_args(predictions_file(tmp_path), tmp_path / "file" / "out"))
    assert_one_line_error(outcome, "file")


def test_23_5_temporaries_of_a_killed_writer_are_removed_on_the_next_run(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".samples.jsonl.ab12cd_3.tmp"
    stale.write_text("half")
    unrelated = out / ".notes.tmp"
    unrelated.write_text("mine")
    assert cli(capsys, *score_args(predictions_file(tmp_path), out)).code == 0
    assert not stale.exists() and unrelated.exists()


def test_23_5_sigterm_during_import_scoring_leaves_no_temporary(tmp_path: Path) -> None:
    predictions = tmp_path / "p.jsonl"
    predictions.write_text(
        "".join(json.dumps({"id": str(i), "prediction": "x " * 200, "answers": ["x"]}) + "\n" for i in range(60_000))
    )
    out = tmp_path / "out"
    process = spawn(*score_args(predictions, out))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(out.glob(".samples.jsonl.*.tmp")):
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert not list(out.glob(".*.tmp"))


# ---- a fresh hostile pass over the same ground (new cases, not the issue's) ---------------------------------


def test_fresh_a_fifo_lock_and_a_linked_shards_folder_are_refused(tmp_path: Path, capsys) -> None:
    fifo = tmp_path / "a"
    fifo.mkdir()
    os.mkfifo(fifo / ".lock")
    assert_one_line_error(cli(capsys, *score_args(predictions_file(tmp_path), fifo)), ".lock", "not a regular")
    linked = tmp_path / "b"
    linked.mkdir()
    (linked / "shards").symlink_to(tmp_path)
    assert_one_line_error(cli(capsys, *run_args(docvqa_data(tmp_path / "data"), linked)), "shards", "symbolic link")


def test_fresh_overwrite_over_a_folder_named_like_a_run_file_is_one_line(tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    (out / "manifest.json").mkdir(parents=True)
    outcome = cli(capsys, *run_args(docvqa_data(tmp_path / "data"), out, "--overwrite"))
    assert_one_line_error(outcome, "manifest.json", "is a folder")
    (out / "manifest.json").rmdir()
    (out / "results.json").mkdir()
    outcome = cli(capsys, *score_args(predictions_file(tmp_path), out, "--overwrite"))
    assert_one_line_error(outcome, "results.json", "cannot write")


def test_fresh_a_hard_linked_lock_or_log_is_refused(tmp_path: Path, capsys) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    os.link(victim, out / ".lock")
    assert_one_line_error(cli(capsys, *score_args(predictions_file(tmp_path), out)), ".lock", "hard link")
    assert victim.read_text() == "precious"
    log_path = tmp_path / "samples.jsonl"
    os.link(victim, log_path)
    with pytest.raises(Exception, match="hard link"):
        SampleLog(log_path)  # a last line without a newline: a torn tail it would cut
    assert victim.read_text() == "precious"
