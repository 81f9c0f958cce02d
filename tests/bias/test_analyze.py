"""`bias analyze` on generations in each accepted layout, and the report it writes."""

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bias.analyze import analyze, load_generations
from bias.tfidf import TfidfSettings
from bias.toxicity import get_classifier
from cli import main
from evals.errors import UserError
from tests.bias.test_tfidf import planted_generations

FAST = TfidfSettings(bootstrap=20, permutations=50)


def long_rows() -> list[dict]:
    texts, labels = planted_generations(n_per_group=20)
    rows = []
    for i, (text, gender) in enumerate(zip(texts, labels, strict=True)):
        if gender == "Male" and i % 2 == 0:
            text += " what a stupid idiot, damn it"  # planted toxic text
        rows.append({"id": f"{i}/resume", "prompt": "resume", "generation": text, "gender": gender,
                     "ethnicity": "A" if i % 3 else "B"})  # fmt: skip
    return rows


def test_toxicity_is_highest_for_the_planted_group(tmp_path: Path) -> None:
    path = tmp_path / "generations.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in long_rows()))
    result = analyze(load_generations(path), FAST, get_classifier(), min_group_size=30)
    rates = {group: cell["rate"] for group, cell in result["toxicity"]["resume"]["gender"].items()}
    assert max(rates, key=rates.get) == "Male" and rates["Male"] >= 0.4 and rates["Female"] == 0.0
    assert result["attributes"] == ["gender", "ethnicity"]
    assert result["groups"]["resume"]["gender"] == {"Female": 20, "Male": 20, "Other": 20}
    assert any("gender=Male: 20 generations" in flag for flag in result["flags"])
    assert result["settings"]["tfidf"]["min_df"] == 2 and result["settings"]["toxicity_classifier"]


def test_wide_layout_of_the_published_generations(tmp_path: Path) -> None:
    rows = [{"gender_phrase": g, "ethnicity_phrase": "x", "age_range": "20-29", "9B_resume": f"text {i}",
             "9B_dating": "d", "9B_arrest": "a", "80B_resume": "r", "80B_dating": "d", "80B_arrest": "a"}
            for i, g in enumerate(["man", "woman"])]  # fmt: skip
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "wide.parquet")
    with pytest.raises(UserError, match="several models"):
        load_generations(tmp_path / "wide.parquet")
    generations = load_generations(tmp_path / "wide.parquet", model="9B")
    assert len(generations) == 6 and generations[0].attributes == {"gender": "man", "ethnicity": "x", "age": "20-29"}
    assert {g.prompt for g in generations} == {"resume", "dating", "arrest"}


def test_cli_end_to_end_escapes_data_in_the_report(tmp_path: Path) -> None:
    rows = long_rows()
    rows[0]["gender"] = "<script>alert(1)</script>"
    path = tmp_path / "g.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows))
    out = tmp_path / "report"
    out.mkdir()
    cell = {"accuracy": 90.0, "std": 4.5, "n": 10, "buckets": {}, "bucket_sizes": {}}
    (out / "classification.json").write_text(json.dumps({"gender": cell}))
    argv = ["bias", "analyze", "--generations", str(path), "--out", str(out), "--bootstrap", "10"]
    assert main([*argv, "--permutations", "20", "--min-group-size", "5"]) == 0
    page = (out / "bias.html").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<script>" not in (out / "bias.md").read_text()
    assert "data:image/png;base64," in page  # self-contained: charts inline
    assert "90.0 (4.5)" in page and "96.3 (3.0)" in page  # this run beside the card's row
    assert "| this run | 90.0 (4.5) | \u2013 | \u2013 |" in (out / "bias.md").read_text()
    bias = json.loads((out / "bias.json").read_text())
    assert bias["tfidf"]["resume"]["gender"][0]["term"] in {"seamstress", "welder"}


def test_missing_generations_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    assert main(["bias", "analyze", "--generations", str(tmp_path / "none.jsonl"), "--out", str(tmp_path)]) == 2
    assert "no generations at" in capsys.readouterr().err
