"""`redteam` inputs (QA pass): a missing --portraits / --requests is one line before any suite runs, and the
error names the option this command has."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile import assert_one_line_error, cli


@pytest.mark.parametrize(
    ("flag", "value"), [("--portraits", "/nonexistent/portraits"), ("--requests", "missing-requests.csv")]
)
def test_a_missing_local_input_stops_before_the_first_suite(tmp_path: Path, capsys, flag: str, value: str) -> None:
    out = tmp_path / "rt"
    said = cli(capsys, "redteam", "--model", "scripted", "--limit", "2", "--no-progress", "--out", str(out),
               "--suites", "redteam-harmful,redteam-visual-judgment", flag, value)  # fmt: skip
    assert_one_line_error(said, flag, value, "no such file or folder")
    assert not out.exists()  # redteam-harmful, listed first, did not run


def test_portraits_that_cannot_be_fetched_offline_name_the_portraits_option(tmp_path: Path, capsys) -> None:
    said = cli(capsys, "redteam", "--model", "scripted", "--limit", "2", "--no-progress", "--out", str(tmp_path / "rt"),
               "--suites", "redteam-visual-judgment", "--portraits", "fairface")  # fmt: skip
    line = assert_one_line_error(said, "--portraits PATH")
    assert "--dataset" not in line


@pytest.mark.parametrize(("value", "shown"), [(5, "got int"), ("  ", "got empty text"), (None, "got NoneType")])
def test_a_request_column_that_is_not_text_is_named(tmp_path: Path, capsys, value: object, shown: str) -> None:
    import json

    requests = tmp_path / "requests.jsonl"
    requests.write_text(json.dumps({"request": value, "category": "x"}) + "\n")
    said = cli(capsys, "redteam", "--model", "scripted", "--limit", "2", "--no-progress", "--out", str(tmp_path / "rt"),
               "--suites", "redteam-harmful", "--requests", str(requests))  # fmt: skip
    assert_one_line_error(said, "'request' must be the request as text", shown)
