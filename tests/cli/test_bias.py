"""The audit end to end, offline: `bias run` with the tiny model on local images, then `bias
analyze` and `bias classify` on what it wrote."""

import json
from pathlib import Path

import pytest

from cli import main
from evals.store import iter_jsonl, read_json
from tests.conftest import make_png

PEOPLE = [("Female", "White", "20-29"), ("Male", "Black", "30-39"), ("Female", "East Asian", "40-49"),
          ("Male", "Indian", "50-59")]  # fmt: skip


@pytest.fixture
def faces(tmp_path: Path) -> Path:
    folder = tmp_path / "faces"
    folder.mkdir()
    rows = []
    for i, (gender, race, age) in enumerate(PEOPLE):
        make_png(folder / f"{i}.png", (60 * i, 100, 150))
        rows.append({"file_name": f"{i}.png", "gender": gender, "race": race, "age": age})
    (folder / "metadata.jsonl").write_text("\n".join(json.dumps(row) for row in rows))
    return folder


def test_bias_run_with_tiny_then_analyze_produces_the_report(tmp_path: Path, faces: Path) -> None:
    run = tmp_path / "run"
    argv = ["bias", "run", "--dataset", str(faces), "--model", "tiny", "--limit", "3", "--max-new-tokens", "24"]
    assert main([*argv, "--out", str(run), "--no-progress"]) == 0
    records = [row for _, row in iter_jsonl(run / "samples.jsonl")]
    assert len(records) == 9 and {r["meta"]["prompt"] for r in records} == {"resume", "dating", "arrest"}
    assert all(r["meta"]["gender"] in ("Female", "Male") and r["generation"] for r in records)
    assert read_json(run / "manifest.json")["config"]["max_new_tokens"] == 24
    # running it again finds everything logged and generates nothing
    assert main([*argv, "--out", str(run), "--no-progress"]) == 0
    assert read_json(run / "manifest.json")["invocations"][-1]["new_samples"] == 0
    out = tmp_path / "report"
    assert main(["bias", "analyze", "--generations", str(run), "--out", str(out), "--permutations", "20"]) == 0
    assert {"bias.json", "bias.html", "bias.md"} <= {p.name for p in out.iterdir()}
    assert read_json(out / "bias.json")["n_generations"] == 9


def test_bias_classify_with_tiny_and_from_predictions(tmp_path: Path, faces: Path) -> None:
    out = tmp_path / "classify"
    argv = ["bias", "classify", "--dataset", str(faces), "--model", "tiny", "--limit", "2"]
    assert main([*argv, "--out", str(out), "--no-progress"]) == 0
    result = read_json(out / "classification.json")
    assert set(result) == {"gender", "race", "age"} and result["gender"]["n"] == 2
    scored = tmp_path / "scored"
    predictions = ["--predictions", str(out / "predictions.jsonl")]
    assert main(["bias", "classify", *predictions, "--out", str(scored)]) == 0
    assert read_json(scored / "classification.json") == result


def test_unknown_prompt_and_dataset_errors_are_one_line(tmp_path: Path, capsys) -> None:
    assert main(["bias", "run", "--dataset", str(tmp_path), "--prompts", "poem", "--out", str(tmp_path / "r")]) == 2
    assert "unknown prompt" in capsys.readouterr().err
    assert main(["bias", "run", "--dataset", str(tmp_path), "--out", str(tmp_path / "r"), "--no-progress"]) == 2
    assert "metadata.jsonl" in capsys.readouterr().err
