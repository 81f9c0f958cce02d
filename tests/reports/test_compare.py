"""Issue 24: intervals that never collapse, the comparison view, the exports and gates per category."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest
import yaml
from PIL import Image

from evals.store import write_json_atomic
from tests.hostile import cli

CATEGORIES = ("color", "shape", "yes/no")


def scored(tmp_path: Path, capsys, name: str, rows: list[dict]) -> Path:
    """A run made by `score` from easyvqa predictions carrying their breakdown field (answer_type)."""
    predictions = tmp_path / f"{name}.jsonl"
    predictions.write_text("".join(json.dumps(row) + "\n" for row in rows))
    out = tmp_path / name
    args = ["score", "--suite", "easyvqa", "--predictions", str(predictions), "--out", str(out), "--split", "test"]
    assert cli(capsys, *args).code == 0
    return out


def category_rows(flipped: int = 0) -> list[dict]:
    """40 questions per category, 30 answered right in each; `flipped` right colour answers made wrong."""
    rows = []
    for category, answer in zip(CATEGORIES, ("red", "circle", "yes"), strict=True):  # easyvqa: type by answer
        for i in range(40):
            right = i < 30 and not (category == "color" and i < flipped)
            rows.append({"id": f"{category[:5]}-{i}", "answer": answer, "prediction": answer if right else "wrong"})
    return rows


REGRESSED = {f"color-{i}" for i in range(4)}


@pytest.fixture
def two_runs(tmp_path: Path, capsys) -> tuple[Path, Path]:
    return scored(tmp_path, capsys, "base", category_rows()), scored(tmp_path, capsys, "cand", category_rows(4))


def outcomes(right: int, n: int) -> list[dict]:
    return [{"id": f"q{i}", "answer": "red", "prediction": "red" if i < right else "blue"} for i in range(n)]


@pytest.mark.parametrize(
    ("right", "n", "low", "high"), [(0, 6, 0.0, 39.03), (6, 6, 60.97, 100.0), (50, 100, 40.38, 59.62)]
)
def test_wilson_figures_in_results_json_terminal_and_report(tmp_path, capsys, right, n, low, high) -> None:
    predictions = tmp_path / "p.jsonl"
    predictions.write_text("".join(json.dumps(row) + "\n" for row in outcomes(right, n)))
    out = tmp_path / "run"
    said = cli(capsys, "score", "--suite", "easyvqa", "--predictions", str(predictions), "--out", str(out))
    results = json.loads((out / "results.json").read_text())
    assert results["ci"] == pytest.approx([low, high], abs=0.005)
    assert f"{low:.1f}\u2013{high:.1f}" in said.out  # the terminal table
    assert cli(capsys, "report", str(out), "--out", str(tmp_path / "r.html")).code == 0
    assert f"95% interval (Wilson) {low:.2f} to {high:.2f}" in (tmp_path / "r.html").read_text()
    assert "Newcombe" not in (tmp_path / "r.html").read_text()  # one run: no changes to explain


def test_every_breakdown_group_has_its_interval(two_runs) -> None:
    results = json.loads((two_runs[1] / "results.json").read_text())
    color = results["breakdowns"]["answer_type"]["color"]
    assert color["score"] == pytest.approx(65.0) and color["n"] == 40
    assert color["ci"][0] < 65.0 < color["ci"][1]
    for cell in results["breakdowns"]["answer_type"].values():
        assert cell["ci"][1] - cell["ci"][0] > 0


def test_comparison_page_shows_the_change_and_exactly_the_regressed_samples(tmp_path, capsys, two_runs) -> None:
    page = tmp_path / "compare.html"
    assert cli(capsys, "report", *map(str, two_runs), "--out", str(page)).code == 0
    html = page.read_text()
    table = html[html.index('data-testid="comparison-table"') :].split("</table>")[0]
    color = unescape(next(row for row in table.split("<tr>") if "answer_type: color" in row))
    assert "75.00" in color and "65.00" in color and "-10.00" in color
    regressed = re.findall(r'<details data-testid="regressed"><summary>([^ ]+) ', html)
    assert set(regressed) == REGRESSED and len(regressed) == 4
    assert 'data-testid="improved"' not in html
    assert "4 regressed, 0 improved" in html and "Newcombe's paired interval over the samples" in html
    # the gold answer reads as an answer, not as JSON, in the flipped samples and the lowest-scored ones
    assert '<p class="muted">gold</p><pre>answer: red</pre>' in html and "{&#34;answer" not in html
    assert '<img class="chart" alt="scores of easyvqa/test by run, shared axis"' in html


def test_identical_runs_still_have_an_interval_of_the_change(tmp_path, capsys, two_runs) -> None:
    base = two_runs[0]
    out = tmp_path / "same.json"
    assert cli(capsys, "report", str(base), str(base), "--format", "json", "--out", str(out)).code == 0
    delta = json.loads(out.read_text())["runs"][1]["delta"]
    assert delta["delta"] == 0 and delta["ci"][0] < 0 < delta["ci"][1]


def test_csv_json_and_model_index_carry_the_numbers_of_results_json(tmp_path, capsys, two_runs) -> None:
    from huggingface_hub import ModelCard

    results = [json.loads((run / "results.json").read_text()) for run in two_runs]
    runs = list(map(str, two_runs))
    for fmt in ("csv", "json", "model-index"):
        assert cli(capsys, "report", *runs, "--format", fmt, "--out", str(tmp_path / f"out.{fmt}")).code == 0

    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text())))
    assert len(rows) == 2 * 4
    for row in rows:
        data = results[runs.index(row["run"])]
        cell = data if row["group"] == "" else data["breakdowns"][row["group_key"]][row["group"]]
        assert float(row["score"]) == cell["score"] and int(row["n"]) == cell["n"]
        assert [float(row["ci_low"]), float(row["ci_high"])] == cell["ci"]

    exported = json.loads((tmp_path / "out.json").read_text())["runs"]
    assert [r["score"] for r in exported] == [r["score"] for r in results]
    assert exported[1]["ci"] == results[1]["ci"]
    assert set(exported[1]["regressed"]) == REGRESSED and exported[1]["improved"] == []
    color = next(d for d in exported[1]["group_deltas"] if d["group"] == "color")
    assert color["delta"] == pytest.approx(-10.0) and color["ci"][0] < -10.0 < color["ci"][1]
    assert "delta" not in exported[0]

    text = (tmp_path / "out.model-index").read_text()
    card = ModelCard(f"---\n{text}---\n# card\n")  # the Hub's own parser
    values = [result.metric_value for result in card.data.eval_results]
    assert values == [round(r["score"], 2) for r in results]
    assert {r.dataset_split for r in card.data.eval_results} == {"test"}
    assert yaml.safe_load(text)["model-index"][0]["results"][0]["dataset"]["type"] == "easy-vqa"


def test_model_index_links_the_source_it_is_given(tmp_path, capsys, two_runs) -> None:
    from huggingface_hub import ModelCard

    out = tmp_path / "card.yaml"
    said = cli(capsys, "report", str(two_runs[0]), "--out", str(out), "--source-url", "https://example.org/run")
    assert said.code == 0 and "no source" not in said.err
    result = ModelCard(f"---\n{out.read_text()}---\n").data.eval_results[0]
    assert result.source_url == "https://example.org/run" and result.source_name == "idefics2-eval"
    said = cli(capsys, "report", str(two_runs[0]), "--out", str(tmp_path / "r.csv"), "--source-url", "https://x")
    assert said.code == 2 and "--source-url is for --format model-index" in said.err


def _csv_with_group_named(tmp_path, capsys, group: str) -> str:
    """The CSV export of a scored run whose one breakdown group has the given name (names are data)."""
    rows = [{"id": f"q{i}", "answers": ["red"] * 10, "prediction": "red", "question_type": group} for i in range(3)]
    predictions = tmp_path / "v.jsonl"
    predictions.write_text("".join(json.dumps(row) + "\n" for row in rows))
    run = tmp_path / "v"
    assert cli(capsys, "score", "--suite", "vqav2", "--predictions", str(predictions), "--out", str(run)).code == 0
    assert cli(capsys, "report", str(run), "--out", str(tmp_path / "r.csv")).code == 0
    return (tmp_path / "r.csv").read_text()


def test_csv_cells_that_look_like_formulas_stay_text(tmp_path, capsys) -> None:
    text = _csv_with_group_named(tmp_path, capsys, '=HYPERLINK("x")')
    groups = [row["group"] for row in csv.DictReader(io.StringIO(text))]
    assert '\'=HYPERLINK("x")' in groups and not any(g.startswith("=") for g in groups)


def test_csv_cells_show_terminal_escapes_and_bidi_controls_instead_of_obeying_them(tmp_path, capsys) -> None:
    text = _csv_with_group_named(tmp_path, capsys, "\x1b]0;owned\x07\u202ecolour")
    assert "\x1b" not in text and "\u202e" not in text
    assert "\\x1b]0;owned\\x07\\u202ecolour" in text


def test_gate_names_the_category_and_holds_four_flips_to_be_not_significant(two_runs, capsys) -> None:
    """Four answers flipped one way cannot be significant (the exact sign test gives p = 2 / 2**4 = 0.125), so
    the category is named with its change and interval, and passes even when groups are checked."""
    base, cand = map(str, two_runs)
    said = cli(capsys, "gate", "--baseline", base, "--candidate", cand, "--max-drop", "5")
    assert said.code == 0  # the headline drops 3.33 points: within 5
    assert "largest breakdown change: answer_type=color (n=40) 75.00 -> 65.00" in said.out
    args = ["--max-drop", "5", "--max-drop-breakdown", "5"]
    said = cli(capsys, "gate", "--baseline", base, "--candidate", cand, *args)
    assert said.code == 0 and "answer_type=color" in said.out and "but not significant" in said.out


def test_gate_fails_a_category_that_drops_significantly(tmp_path, capsys, two_runs) -> None:
    base = str(two_runs[0])
    cand = str(scored(tmp_path, capsys, "six", category_rows(6)))  # 75 -> 60 in one category of 40
    junit = tmp_path / "gate.xml"
    args = ["--max-drop", "6", "--max-drop-breakdown", "5", "--junit", str(junit)]  # the headline drops 5
    said = cli(capsys, "gate", "--baseline", base, "--candidate", cand, *args)
    assert said.code == 1
    assert "answer_type=color" in said.err and "FAIL" in said.out
    assert said.out.splitlines()[1].startswith("easyvqa/test") and "pass" in said.out.splitlines()[1]
    cases = {case.get("name"): case for case in ET.parse(junit).getroot().iter("testcase")}
    assert set(cases) == {"easyvqa/test", *(f"easyvqa/test answer_type={c}" for c in CATEGORIES)}
    assert cases["easyvqa/test answer_type=color"].find("failure") is not None
    assert cases["easyvqa/test"].find("failure") is None
    # without --max-drop-breakdown the category is shown, not checked
    said = cli(capsys, "gate", "--baseline", base, "--candidate", cand, "--max-drop", "6")
    assert said.code == 0 and "answer_type=color" in said.out
    # groups smaller than --min-group-size are neither checked nor named
    said = cli(capsys, "gate", "--baseline", base, "--candidate", cand, *args, "--min-group-size", "41")
    assert said.code == 0 and "largest breakdown change" not in said.out


def test_the_old_bootstrap_options_are_accepted_and_said_to_be_unused(capsys, two_runs) -> None:
    base, cand = map(str, two_runs)
    said = cli(capsys, "gate", "--baseline", base, "--candidate", cand, "--draws", "1000", "--seed", "3")
    assert said.code == 0 and "no longer used" in said.err


def manifest_run(root: Path, capsys, shots: int, limit: int | None, splitting: bool) -> Path:
    rows = [{"id": f"q{i}", "answer": "red", "prediction": "red" if i % 3 else "no"} for i in range(12)]
    run = scored(root.parent, capsys, root.name, rows)
    config = {"model": "my-idefics2", "shots": shots, "limit": limit, "suite": "easyvqa"}
    write_json_atomic(run / "manifest.json", {"config": config, "model": {"image_splitting": splitting}})
    return run


def test_runs_that_differ_in_shots_or_limit_are_told_apart(tmp_path, capsys) -> None:
    runs = [
        manifest_run(tmp_path / "full", capsys, 0, None, False),
        manifest_run(tmp_path / "limited", capsys, 0, 1000, False),
        manifest_run(tmp_path / "two", capsys, 2, None, False),
    ]
    page = tmp_path / "r.html"
    assert cli(capsys, "report", *map(str, runs), "--out", str(page)).code == 0
    html = unescape(page.read_text())
    headings = re.findall(r'<h2 id="run-\d">(.*?)</h2>', html)
    assert len(set(headings)) == 3
    assert "0-shot" in headings[0] and "all samples" in headings[0]
    assert "limit 1000" in headings[1] and "2-shot" in headings[2]
    assert "<th>image splitting</th><td>off</td>" in html
    text = tmp_path / "r.md"
    assert cli(capsys, "report", *map(str, runs), "--out", str(text), "--format", "md").code == 0
    sections = re.findall(r"^### (.*)\n\nSettings: (.*)$", text.read_text(), re.MULTILINE)
    assert len({heading for heading, _ in sections}) == 3  # each run's breakdowns under its own label
    assert "limit 1000" in sections[1][0] and "shots 2." in sections[2][1] and "image splitting off" in sections[0][1]


def test_runs_of_different_suites_get_one_row_each(tmp_path, capsys, two_runs) -> None:
    other = tmp_path / "v.jsonl"
    other.write_text(json.dumps({"id": "q0", "answers": ["red"] * 10, "prediction": "red"}) + "\n")
    assert cli(capsys, "score", "--suite", "vqav2", "--predictions", str(other), "--out", str(tmp_path / "v")).code == 0
    page = tmp_path / "r.html"
    assert cli(capsys, "report", str(two_runs[0]), str(tmp_path / "v"), "--out", str(page)).code == 0
    html = page.read_text()
    runs_table = html[html.index('data-testid="runs"') :].split("</table>")[0]
    assert runs_table.count("<tr>") == 3  # header + one per run
    assert 'data-testid="comparison"' not in html


def test_the_sample_browser_says_how_many_it_shows(tmp_path, capsys) -> None:
    rows = [{"id": f"q{i}", "answer": "red", "prediction": "blue" if i < 111 else "red"} for i in range(150)]
    run = scored(tmp_path, capsys, "run", rows)
    assert cli(capsys, "report", str(run), "--out", str(tmp_path / "r.html")).code == 0
    assert "20 of 111 without full marks shown (of 150 samples)" in (tmp_path / "r.html").read_text()


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed (Debian: apt install chromium)")
def test_comparison_page_in_headless_chromium_at_1400px(tmp_path, capsys, two_runs) -> None:
    page = tmp_path / "compare.html"
    assert cli(capsys, "report", *map(str, two_runs), "--out", str(page)).code == 0
    browser = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'p'}",
               "--window-size=1400,2000"]  # fmt: skip
    dom = subprocess.run([*browser, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert 'data-testid="comparison-table"' in dom and dom.count('data-testid="regressed"') == 4
    shot = tmp_path / "compare.png"
    subprocess.run([*browser, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=True)
    with Image.open(shot) as image:
        assert image.size == (1400, 2000)


def mmbench_run(tmp_path: Path, capsys, name: str, flipped: int) -> Path:
    """MMBench questions (one rotation each) in two categories, 30 of 40 right in each."""
    rows = []
    for c, category in enumerate(("ocr", "spatial")):
        for i in range(40):
            right = i < 30 and not (category == "ocr" and i < flipped)
            rows.append({"index": 100 * c + i, "A": "red", "B": "blue", "answer": "A", "category": category,
                         "prediction": "A" if right else "B"})  # fmt: skip
    predictions = tmp_path / f"{name}.jsonl"
    predictions.write_text("".join(json.dumps(row) + "\n" for row in rows))
    args = ["score", "--suite", "mmbench", "--predictions", str(predictions), "--out", str(tmp_path / name)]
    assert cli(capsys, *args, "--split", "dev").code == 0
    return tmp_path / name


def test_mmbench_categories_are_compared_by_question(tmp_path, capsys) -> None:
    base, cand = mmbench_run(tmp_path, capsys, "base", 0), mmbench_run(tmp_path, capsys, "cand", 6)
    out = tmp_path / "r.json"
    assert cli(capsys, "report", str(base), str(cand), "--out", str(out)).code == 0
    ocr = next(d for d in json.loads(out.read_text())["runs"][1]["group_deltas"] if d["group"] == "ocr")
    assert ocr["n"] == 40 and ocr["delta"] == pytest.approx(-15.0)
    args = ["--max-drop", "5", "--max-drop-breakdown", "5"]
    said = cli(capsys, "gate", "--baseline", str(base), "--candidate", str(cand), *args)
    assert said.code == 1 and "category=ocr" in said.err


def test_markdown_compares_runs_of_one_suite(tmp_path, capsys, two_runs) -> None:
    out = tmp_path / "r.md"
    assert cli(capsys, "report", *map(str, two_runs), "--out", str(out)).code == 0
    text = out.read_text()
    color = next(line for line in text.splitlines() if line.startswith("| answer\\_type: color |"))
    assert "75.00" in color and "65.00" in color and "-10.00" in color
    assert "4 samples regressed, 0 improved" in text and "changes with Newcombe's paired interval" in text
    # the samples that flipped, as on the page: exactly the four colour questions
    assert "Regressed (4 of 4 shown):" in text and "Improved (" not in text
    rows = re.findall(r"^\| (color-\d) \| red \(1\.00\) \| wrong \(0\.00\) \| red \|$", text, re.MULTILINE)
    assert set(rows) == REGRESSED


def test_a_flipped_sample_shows_its_own_image_not_the_few_shot_examples() -> None:
    from reports.compare import own_images

    assert own_images(["s.png"], ["shot1.png", "shot2.png", "s.png"]) == ["s.png"]
    assert own_images(["a.png", "b.png"], ["x.png", "a.png", "b.png"]) == ["a.png", "b.png"]
    assert own_images(["a.png"], ["b.png"]) == ["b.png"]


def test_model_text_in_flipped_samples_is_escaped(tmp_path, capsys) -> None:
    attack = "<script>alert(1)</script>"
    base = scored(tmp_path, capsys, "a", [{"id": "q0", "answer": "red", "prediction": "red"}])
    cand = scored(tmp_path, capsys, "b", [{"id": "q0", "answer": "red", "prediction": attack}])
    page = tmp_path / "r.html"
    assert cli(capsys, "report", str(base), str(cand), "--out", str(page)).code == 0
    html = page.read_text()
    assert 'data-testid="regressed"' in html and "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_results_file_without_ci_whose_score_disagrees_with_its_samples_still_charts(tmp_path, capsys) -> None:
    """Files written before `ci` get Wilson on their own score and n; a score that the samples do not bear
    out (a hand-edited file) must not break the chart's error bars."""
    runs = []
    for name in ("a", "b"):
        root = tmp_path / name
        root.mkdir()
        rows = [{"id": f"q{i}", "suite": "easyvqa", "prompt": "", "images": [], "generation": "x", "answer": "x",
                 "score": 1.0, "target": {}, "meta": {"answer_type": "color" if i % 2 else "shape"}, "error": None,
                 "seconds": 0.0} for i in range(20)]  # fmt: skip
        (root / "samples.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
        groups = {"color": {"score": 10.0, "n": 10}, "shape": {"score": 20.0, "n": 10}}
        results = {"suite": "easyvqa", "split": "test", "metric": "accuracy", "score": 15.0, "n": 20,
                   "n_errors": 0, "n_unresolved": 0, "breakdowns": {"answer_type": groups}}  # fmt: skip
        write_json_atomic(root / "results.json", results)
        runs.append(str(root))
    page = tmp_path / "r.html"
    assert cli(capsys, "report", *runs, "--out", str(page)).code == 0
    assert cli(capsys, "report", runs[0], "--out", str(page)).code == 0
    assert "95% interval (Wilson) 5.24 to 36.04" in page.read_text()  # Wilson of 3 in 20
