"""Issue 14, items 5 and 6: what a new user reads in gate, report and the terminal."""

from __future__ import annotations

import json
from pathlib import Path

from cli.running import print_results
from tests.hostile import assert_one_line_error, cli, docvqa_data, run_args
from tests.reports.test_report_safety import scored_run


def test_item05_a_score_run_without_split_gets_a_hint(tmp_path: Path, capsys) -> None:
    scores = {str(i): 1.0 for i in range(6)}
    base = scored_run(tmp_path / "base", capsys, scores)  # labelled 'test'
    predictions = tmp_path / "cand.jsonl"
    predictions.write_text("".join(json.dumps({"id": i, "prediction": "red", "answer": "red"}) + "\n" for i in scores))
    cand = tmp_path / "cand"
    assert cli(capsys, "score", "--suite", "easyvqa", "--predictions", str(predictions), "--out", str(cand)).code == 0
    line = assert_one_line_error(cli(capsys, "gate", "--baseline", str(base), "--candidate", str(cand)), "no baseline")
    assert "score --split SPLIT" in line or "`--split SPLIT`" in line


def test_item06_gate_says_dropped_with_a_positive_number(tmp_path: Path, capsys) -> None:
    base = scored_run(tmp_path / "base", capsys, {str(i): 1.0 for i in range(40)})
    cand = scored_run(tmp_path / "cand", capsys, {str(i): float(i % 4 != 0) for i in range(40)})
    outcome = cli(capsys, "gate", "--baseline", str(base), "--candidate", str(cand))
    assert outcome.code == 1 and "dropped 25.00 points" in outcome.out and "-25.00 points" not in outcome.out


def test_item06_report_shows_attention_and_no_empty_breakdowns(tmp_path: Path, capsys) -> None:
    data = docvqa_data(tmp_path / "data")
    out = tmp_path / "run"
    args = run_args(data, out)
    args[args.index("scripted")] = "tiny"
    assert cli(capsys, *args, "--limit", "2").code == 0
    results = json.loads((out / "results.json").read_text())
    results["breakdowns"] = {"question_type": {}}
    (out / "results.json").write_text(json.dumps(results))
    assert cli(capsys, "report", str(out), "--out", str(tmp_path / "r.html")).code == 0
    page = (tmp_path / "r.html").read_text()
    assert "<th>attention</th><td>sdpa</td>" in page
    assert "(0 groups)" not in page


def test_item06_terminal_breakdowns_line_up_and_extraction_is_in_words(capsys) -> None:
    results = {
        "suite": "mmmu", "split": "validation", "score": 40.0, "n": 30, "n_errors": 0, "n_unresolved": 1,
        "breakdowns": {"discipline": {"Art and Design": {"n": 4, "score": 50.0}},
                       "subject": {"Architecture_and_Engineering": {"n": 3, "score": 33.3},
                                   "Art": {"n": 2, "score": 1}}},
        "extraction": {"paths": {"rules": {"share": 0.75}, "official": {"share": 0.25}}},
    }  # fmt: skip
    print_results(results, "tiny")
    lines = [line for line in capsys.readouterr().out.splitlines() if " n=" in line]
    assert len({line.index(" n=") for line in lines}) == 1  # one column for n, whatever the group name
    assert len({line.index("score=") for line in lines}) == 1
    capsys.readouterr()
    print_results(results, "tiny")
    assert "answers extracted by: offline rules 75.0%" in capsys.readouterr().out
