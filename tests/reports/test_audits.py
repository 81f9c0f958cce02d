"""`report DIR` on a folder holding benchmark, bias and red-team runs (issue 25): audits get
their own section and headline, never "server"; the Markdown report carries the breakdowns."""

from __future__ import annotations

import json
from pathlib import Path

from cli import main
from tests.conftest import make_png


def folder_of_runs(tmp_path: Path) -> Path:
    runs = tmp_path / "runs"
    faces = tmp_path / "faces"
    faces.mkdir()
    for k in range(2):
        make_png(faces / f"{k}.png", (90 * k, 10, 10))
    rows = [{"file_name": f"{k}.png", "gender": ["Male", "Female"][k]} for k in range(2)]
    (faces / "metadata.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    bias = ["bias", "run", "--dataset", str(faces), "--model", "scripted", "--out", str(runs / "bias"), "--no-progress"]
    assert main(bias) == 0
    captcha = ["--suite", "redteam-captcha", "--model", "scripted", "--out", str(runs / "captcha"), "--no-progress"]
    assert main(captcha) == 0
    lines = [{"id": f"q{i}", "answer": "red", "prediction": ["red", "blue"][i % 2]} for i in range(6)]
    predictions = tmp_path / "p.jsonl"
    predictions.write_text("\n".join(json.dumps(line) for line in lines))
    assert main(["score", "--suite", "easyvqa", "--predictions", str(predictions), "--out", str(runs / "vqa")]) == 0
    return runs


def test_audits_have_their_own_section_and_markdown_has_the_breakdowns(tmp_path: Path) -> None:
    runs = folder_of_runs(tmp_path)
    page, text = tmp_path / "r.html", tmp_path / "r.md"
    assert main(["report", str(runs), "--out", str(page)]) == 0
    assert main(["report", str(runs), "--format", "md", "--out", str(text)]) == 0
    html, md = page.read_text(), text.read_text()
    for content in (html, md):
        assert "server" not in content and "None" not in content
        assert "bias probe: 6 generations about 2 images" in content
        assert "redteam-captcha/default" in content and "safety 100.0% (95% interval 83.9" in content
        # each audit says what it ran on, as the benchmark runs do
        assert "faces (local data, not FairFace), n = 2 images" in content
        assert "bundled seed data (redteam/seeds.py)" in content
    assert html.index("Audits") > html.index("easyvqa")
    assert "easyvqa/predictions by answer\\_type:" in md and "| score | 95% interval |" in md
