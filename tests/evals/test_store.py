import json
from pathlib import Path

import pytest

from evals.errors import DataError
from evals.records import SampleRecord
from evals.store import RunDir, SampleLog, iter_jsonl, read_json, write_json_atomic


def record(sample_id: str, score: float = 1.0) -> SampleRecord:
    return SampleRecord(
        id=sample_id,
        suite="easyvqa",
        prompt="p",
        images=["a.png"],
        generation="yes",
        answer="yes",
        score=score,
        target={"answer": "yes"},
        meta={},
        error=None,
        seconds=0.1,
    )


def test_append_and_reopen_keeps_every_record(tmp_path: Path) -> None:
    log = SampleLog(tmp_path / "samples.jsonl")
    log.append([record("a"), record("b")])
    log.append([record("c")])
    reopened = SampleLog(tmp_path / "samples.jsonl")
    assert list(reopened.records) == ["a", "b", "c"]
    assert reopened.records["b"] == record("b")


def test_append_skips_ids_already_logged(tmp_path: Path) -> None:
    log = SampleLog(tmp_path / "samples.jsonl")
    log.append([record("a")])
    log.append([record("a", score=0.0), record("b")])
    lines = (tmp_path / "samples.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "b"]
    assert log.records["a"].score == 1.0


def test_torn_last_line_is_cut_and_appends_stay_clean(tmp_path: Path) -> None:
    path = tmp_path / "samples.jsonl"
    SampleLog(path).append([record("a"), record("b")])
    with path.open("a") as handle:
        handle.write('{"id": "c", "suite": "easy')  # what kill -9 mid-write leaves behind
    log = SampleLog(path)
    assert list(log.records) == ["a", "b"]
    log.append([record("c")])
    assert [obj["id"] for _, obj in iter_jsonl(path)] == ["a", "b", "c"]


def test_write_json_atomic_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    write_json_atomic(target, {"score": 1})
    write_json_atomic(target, {"score": 2})
    assert read_json(target) == {"score": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_read_json_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(DataError, match="not valid JSON"):
        read_json(bad)
    with pytest.raises(DataError, match="does not exist"):
        read_json(tmp_path / "missing.json")


def test_iter_jsonl_reports_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": 1}\n\n[1, 2]\n')
    with pytest.raises(DataError, match=r"p.jsonl:3 must be a JSON object"):
        list(iter_jsonl(path))


def test_run_dir_paths(tmp_path: Path) -> None:
    run = RunDir(tmp_path / "run")
    assert run.read_manifest() is None
    run.write_manifest({"schema_version": 1, "config": {}})
    assert run.read_manifest() == {"schema_version": 1, "config": {}}
    assert run.samples_path.name == "samples.jsonl"
