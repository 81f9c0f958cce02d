"""Reports: escaping of model text, nothing loaded from the network, the published comparison,
Markdown for a model card, and the page as a real browser shows it."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cli import main
from evals.store import write_json_atomic

ATTACKS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def hostile_run(tmp_path: Path) -> Path:
    lines = [{"id": f"q{i}", "answer": "red", "prediction": ATTACKS[i % 2]} for i in range(6)]
    lines.append({"id": "ok", "answer": "red", "prediction": "red"})
    predictions = tmp_path / "p.jsonl"
    predictions.write_text("\n".join(json.dumps(line) for line in lines))
    out = tmp_path / "run"
    assert main(["score", "--suite", "easyvqa", "--predictions", str(predictions), "--out", str(out)]) == 0
    return out


def test_model_text_is_never_live_markup_and_nothing_is_fetched(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    assert main(["report", str(hostile_run(tmp_path)), "--out", str(report)]) == 0
    page = report.read_text()
    for attack in ATTACKS:
        assert attack not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing from the network
    assert "default-src 'none'" in page


def test_markdown_escapes_and_summarises(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    assert main(["report", str(hostile_run(tmp_path)), "--out", str(out)]) == 0
    text = out.read_text()
    assert text.startswith("## Evaluation results") and "| easyvqa | predictions |" in text
    assert "<" not in text


def fake_run(root: Path, suite: str, split: str, splitting: bool, score: float, **model: object) -> Path:
    """A run directory as `run` writes it, for a suite whose data is not here."""
    root.mkdir(parents=True)
    config = {"model": model.pop("name", "my-idefics2"), "shots": model.pop("shots", 0)}
    write_json_atomic(root / "manifest.json", {"config": config, "model": {"image_splitting": splitting, **model}})
    write_json_atomic(
        root / "results.json",
        {"suite": suite, "split": split, "metric": "accuracy", "score": score, "n": 2, "n_errors": 0,
         "n_unresolved": 0, "breakdowns": {}},
    )  # fmt: skip
    rows = [
        {"id": str(i), "suite": suite, "prompt": "", "images": [], "generation": "x", "answer": "x", "score": s,
         "target": {}, "meta": {}, "error": None, "seconds": 0.0}
        for i, s in enumerate([1.0, 0.5])
    ]  # fmt: skip
    (root / "samples.jsonl").write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    return root


def test_runs_sit_in_the_published_table_by_split_and_image_splitting(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    fake_run(runs / "textvqa", "textvqa", "validation", True, 75.0)
    fake_run(runs / "docvqa", "docvqa", "validation", True, 70.0)  # validation: not a published column
    out = tmp_path / "report.md"
    assert main(["report", str(runs), "--out", str(out)]) == 0
    text = out.read_text()
    assert "| model | TextVQA val |" in text and "DocVQA" not in text.split("| model |")[1]
    assert "| Idefics2 (image splitting) | 73.0 |" in text
    assert "| **my-idefics2 (this run, image splitting)** | 75.0 |" in text
    html = tmp_path / "report.html"
    assert main(["report", str(runs / "textvqa"), "--out", str(html)]) == 0
    assert "published (Idefics2 (image splitting), TextVQA val): 73.0" in html.read_text()


def test_not_a_run_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert "no run at" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed (Debian: apt install chromium)")
def test_tiny_easyvqa_report_shows_its_score_in_headless_chromium(tmp_path: Path) -> None:
    run = tmp_path / "run"
    assert main(["--suite", "easyvqa", "--model", "tiny", "--limit", "40", "--out", str(run), "--no-progress"]) == 0
    score = json.loads((run / "results.json").read_text())["score"]
    report = tmp_path / "report.html"
    assert main(["report", str(run), "--out", str(report)]) == 0
    dom = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", report.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert f'data-testid="score">{score:.2f}<' in dom


def test_each_family_sits_on_its_own_published_row(tmp_path: Path) -> None:
    """An Idefics1 run goes on the Idefics1 instruct 32-shot row (with a word when its shots differ),
    an Idefics3 run on none, and an old manifest's model class says the family."""
    runs = tmp_path / "runs"
    fake_run(runs / "v1", "vqav2", "testdev", False, 66.0, name="idefics-80b-instruct", family="idefics1", shots=32)
    fake_run(runs / "v1-4", "textvqa", "validation", False, 30.0, name="idefics-9b", family="idefics1", shots=4)
    fake_run(runs / "v3", "textvqa", "validation", True, 74.0, name="Idefics3-8B", family="idefics3")
    fake_run(runs / "old", "docvqa", "test", False, 60.0, name="old-idefics1", **{"class": "IdeficsForVisionText2Text"})
    out = tmp_path / "report.md"
    assert main(["report", str(runs), "--out", str(out)]) == 0
    text = out.read_text()
    ours = next(line for line in text.splitlines() if "idefics-80b-instruct (this run" in line)
    assert ours.startswith("| **idefics-80b-instruct (this run, 32-shot)** |") and "66.0" in ours
    html = tmp_path / "v1.html"
    assert main(["report", str(runs / "v1"), "--out", str(html)]) == 0
    assert "published (Idefics1 instruct (32-shot), VQAv2 test-dev): 68.8" in html.read_text()
    assert main(["report", str(runs / "v1-4"), "--out", str(html)]) == 0
    assert "TextVQA val): 39.3 (published 32-shot, this run 4-shot)" in html.read_text()
    assert main(["report", str(runs / "v3"), "--out", str(html)]) == 0
    assert "published (" not in html.read_text()  # no published Idefics3 row in the Idefics2 table
    assert main(["report", str(runs / "old"), "--out", str(html)]) == 0
    assert "published (" not in html.read_text()  # the Idefics1 row has no DocVQA figure
