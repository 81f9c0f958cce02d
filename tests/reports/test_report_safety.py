"""Issue 13, wrong answers instead of errors in the gate (item 11) and report payloads (item 15)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from reports.text import md
from tests.hostile import assert_one_line_error, cli


def scored_run(root: Path, capsys, scores: dict[str, float], suite: str = "easyvqa") -> Path:
    root.parent.mkdir(parents=True, exist_ok=True)
    predictions = root.with_suffix(".jsonl")
    predictions.write_text(
        "".join(
            json.dumps({"id": i, "prediction": "red" if s else "blue", "answer": "red"}) + "\n"
            for i, s in scores.items()
        )
    )
    args = ["score", "--suite", suite, "--predictions", str(predictions), "--out", str(root), "--split", "test"]
    assert cli(capsys, *args).code == 0
    return root


def rewrite(path: Path, change) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    for row in rows:
        change(row)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


@pytest.fixture
def pair(tmp_path: Path, capsys) -> tuple[Path, Path]:
    scores = {str(i): float(i % 2) for i in range(20)}
    return scored_run(tmp_path / "base", capsys, scores), scored_run(tmp_path / "cand", capsys, scores)


def gate(capsys, base: Path, cand: Path, *extra: str):
    return cli(capsys, "gate", "--baseline", str(base), "--candidate", str(cand), *extra)


@pytest.mark.parametrize("value", [math.nan, 1.5, -0.2, math.inf])
def test_item11_gate_refuses_per_sample_scores_that_are_not_in_0_1(pair, capsys, value: float) -> None:
    base, cand = pair
    rewrite(cand / "samples.jsonl", lambda row: row.update(score=value))
    assert_one_line_error(gate(capsys, base, cand), "samples.jsonl:1", "score")


def test_item11_gate_refuses_a_nan_headline_score(pair, capsys) -> None:
    base, cand = pair
    results = json.loads((cand / "results.json").read_text())
    results["score"] = math.nan
    (cand / "results.json").write_text(json.dumps(results))
    assert_one_line_error(gate(capsys, base, cand), "results.json", "finite")


@pytest.mark.parametrize(
    ("flag", "value"), [("--max-drop", "nan"), ("--max-drop", "-1"), ("--max-drop", "inf"), ("--draws", "0"),
                        ("--draws", "-5")]
)  # fmt: skip
def test_item11_gate_options_out_of_range_are_usage_errors(pair, capsys, flag: str, value: str) -> None:
    base, cand = pair
    assert_one_line_error(gate(capsys, base, cand, flag, value), flag.lstrip("-").split("-")[0])


def test_item11_two_runs_of_one_suite_in_a_baseline_folder_are_refused(tmp_path: Path, capsys) -> None:
    scores = {str(i): 1.0 for i in range(10)}
    scored_run(tmp_path / "baseline" / "a", capsys, scores)
    scored_run(tmp_path / "baseline" / "b", capsys, {str(i): 0.0 for i in range(10)})
    cand = scored_run(tmp_path / "cand", capsys, scores)
    assert_one_line_error(gate(capsys, tmp_path / "baseline", cand), "two runs of easyvqa/test")


def test_item11_duplicate_ids_in_a_log_are_refused(pair, capsys) -> None:
    base, cand = pair
    lines = (cand / "samples.jsonl").read_text().splitlines()
    (cand / "samples.jsonl").write_text("\n".join([*lines, lines[0]]) + "\n")
    assert_one_line_error(gate(capsys, base, cand), "twice")


def test_item15_markdown_makes_links_images_and_html_inert() -> None:
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": True}).enable("table")
    for payload in ["[x](javascript:alert(1))", "![i](https://evil.example/p.png)", "<img src=x onerror=alert(1)>",
                    "<https://evil.example>", "a|b", "&#x27;"]:  # fmt: skip
        html = renderer.render(f"| a |\n|---|\n| {md(payload)} |\n")
        assert "<a " not in html and "<img" not in html and "javascript:" not in html.replace(payload, "")
    assert md("it's") == "it's"  # no HTML entities in Markdown


def test_item15_markdown_report_escapes_model_and_group_names(tmp_path: Path, capsys) -> None:
    run = scored_run(tmp_path / "run", capsys, {"1": 1.0})
    results = json.loads((run / "results.json").read_text())
    results["model"] = "[click](javascript:alert(1)) it's"
    (run / "results.json").write_text(json.dumps(results))
    assert cli(capsys, "report", str(run), "--out", str(tmp_path / "r.md")).code == 0
    text = (tmp_path / "r.md").read_text()
    assert "[click](" not in text and "\\[click\\](" in text and "it's" in text and "&#x27;" not in text


def test_item15_a_group_named_like_mathtext_is_charted_as_plain_text(tmp_path: Path, capsys) -> None:
    run = scored_run(tmp_path / "run", capsys, {"1": 1.0, "2": 0.0})
    results = json.loads((run / "results.json").read_text())
    results["breakdowns"] = {"category": {"$\\foo{x}$": {"score": 50.0, "n": 1}, "plain": {"score": 0.0, "n": 1}}}
    (run / "results.json").write_text(json.dumps(results))
    assert cli(capsys, "report", str(run), "--out", str(tmp_path / "r.html")).code == 0
    assert "data:image/png" in (tmp_path / "r.html").read_text()


def test_item15_bias_report_has_a_content_security_policy() -> None:
    template = Path(__file__).resolve().parents[2] / "bias" / "templates" / "bias.html.j2"
    assert "Content-Security-Policy" in template.read_text() and "default-src 'none'" in template.read_text()
