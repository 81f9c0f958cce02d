"""Report and export inputs found in the QA pass: results files a run can hold that are not the common case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile import assert_one_line_error, cli
from tests.reports.test_compare import category_rows, scored


def test_a_breakdown_group_without_a_score_is_left_off_the_chart_not_a_crash(tmp_path: Path, capsys) -> None:
    run = scored(tmp_path, capsys, "run", category_rows())
    results = json.loads((run / "results.json").read_text())
    results["breakdowns"]["answer_type"]["color"].update(score=None, ci=None)  # a group nothing scored
    (run / "results.json").write_text(json.dumps(results))
    page = tmp_path / "r.html"
    said = cli(capsys, "report", str(run), "--out", str(page))
    assert said.code == 0, said
    assert "data:image/png;base64," in page.read_text()  # the other two groups are still charted


def test_exports_count_the_runs_they_hold_not_those_left_out(tmp_path: Path, capsys) -> None:
    run = scored(tmp_path, capsys, "run", category_rows())
    hidden = scored(tmp_path, capsys, "hidden", category_rows(4))
    results = json.loads((hidden / "results.json").read_text())
    results.update(score=None, ci=None, breakdowns={}, submission="submission.json")  # as a hidden split's
    (hidden / "results.json").write_text(json.dumps(results))
    said = cli(capsys, "report", str(run), str(hidden), "--out", str(tmp_path / "card.yaml"))
    assert said.code == 0 and "(1 run)" in said.out and "1 run(s) of hidden splits left out" in said.err
    assert cli(capsys, "report", str(hidden), "--out", str(tmp_path / "none.yaml")).code == 2
    assert not (tmp_path / "none.yaml").exists()


def test_source_url_must_be_a_web_address(tmp_path: Path, capsys) -> None:
    run = str(scored(tmp_path, capsys, "run", category_rows()))
    for url in ("javascript:alert(1)", "file:///etc/passwd", "https://", "notaurl", "https://x y"):
        said = cli(capsys, "report", run, "--out", str(tmp_path / "card.yaml"), "--source-url", url)
        assert said.code == 2 and "not an http(s) address" in said.err, (url, said)
    assert not (tmp_path / "card.yaml").exists()


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("score", 1e308, "not a finite percentage"),
        ("score", -1, "not a finite percentage"),
        ("ci", [120, -3], "not an interval"),
        ("ci", ["a", "b"], "not an interval"),
        ("n", -5, "not a count"),
    ],
)
def test_a_results_file_with_numbers_no_run_writes_is_damaged_not_exported(
    tmp_path: Path, capsys, field: str, value: object, words: str
) -> None:
    run = scored(tmp_path, capsys, "run", category_rows())
    results = json.loads((run / "results.json").read_text())
    results[field] = value
    (run / "results.json").write_text(json.dumps(results))
    for fmt in ("model-index", "csv", "html"):
        said = cli(capsys, "report", str(run), "--format", fmt, "--out", str(tmp_path / f"out.{fmt}"))
        assert_one_line_error(said, "is damaged", words)
        assert not (tmp_path / f"out.{fmt}").exists()
    results[field] = None if field != "n" else 3
    results["breakdowns"]["answer_type"]["color"][field] = value  # the same inside a breakdown group
    (run / "results.json").write_text(json.dumps(results))
    assert_one_line_error(cli(capsys, "report", str(run), "--out", str(tmp_path / "g.csv")), "answer_type")


def test_a_folder_whose_runs_are_deeper_says_only_immediate_subfolders_are_searched(tmp_path: Path, capsys) -> None:
    (tmp_path / "all" / "group").mkdir(parents=True)
    scored(tmp_path / "all" / "group", capsys, "run", category_rows())
    said = cli(capsys, "report", str(tmp_path / "all"), "--out", str(tmp_path / "r.csv"))
    assert_one_line_error(said, "immediate subfolders", "deeper ones are not searched")
    assert cli(capsys, "report", str(tmp_path / "all" / "group"), "--out", str(tmp_path / "r.csv")).code == 0


def test_gate_says_when_no_group_is_big_enough_to_check_and_names_junit_in_its_write_error(
    tmp_path: Path, capsys
) -> None:
    base = str(scored(tmp_path, capsys, "base", category_rows()))
    said = cli(capsys, "gate", "--baseline", base, "--candidate", base, "--max-drop-breakdown", "1",
               "--min-group-size", "1000")  # fmt: skip
    assert said.code == 0 and "checked none" in said.err and "easyvqa/test" in said.err
    said = cli(capsys, "gate", "--baseline", base, "--candidate", base, "--junit", str(tmp_path))
    line = assert_one_line_error(said, "--junit")
    assert "--out" not in line
