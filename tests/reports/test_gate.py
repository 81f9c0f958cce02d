"""The regression gate on runs made with `idefics2-eval score` from prediction files."""

import json
import random
import xml.etree.ElementTree as ET
from pathlib import Path

from cli import main

ANSWERS = ["red", "blue", "green", "circle", "triangle", "yes", "no"]


def scored_run(
    tmp_path: Path, name: str, n: int = 600, broken: float = 0.0, seed: int = 0, suite: str = "easyvqa"
) -> Path:
    """A scored run whose predictions are right except for a `broken` share (chosen at random)."""
    rng = random.Random(seed)
    wrong = set(rng.sample(range(n), round(broken * n)))
    lines = []
    for i in range(n):
        answer = ANSWERS[i % len(ANSWERS)]
        prediction = "broken answer" if i in wrong else answer
        lines.append({"id": f"q{i}", "answer": answer, "prediction": prediction})
    predictions = tmp_path / f"{name}.jsonl"
    predictions.write_text("\n".join(json.dumps(line) for line in lines))
    out = tmp_path / name
    assert main(["score", "--suite", suite, "--predictions", str(predictions), "--out", str(out)]) == 0
    return out


def gate(baseline: Path, candidate: Path, *extra: str) -> int:
    return main(["gate", "--baseline", str(baseline), "--candidate", str(candidate), *extra])


def test_five_percent_broken_answers_fail_the_gate(tmp_path: Path, capsys) -> None:
    baseline = scored_run(tmp_path, "baseline", broken=0.10, seed=1)
    candidate = tmp_path / "candidate-src"
    candidate.mkdir()
    # the candidate: the baseline's predictions with 5% of its answers broken on top
    rows = [json.loads(line) for line in (tmp_path / "baseline.jsonl").read_text().splitlines()]
    for i in random.Random(7).sample(range(len(rows)), len(rows) // 20):
        rows[i]["prediction"] = "xyz"
    (candidate / "p.jsonl").write_text("\n".join(json.dumps(row) for row in rows))
    assert (
        main(["score", "--suite", "easyvqa", "--predictions", str(candidate / "p.jsonl"), "--out", str(tmp_path / "c")])
        == 0
    )
    junit = tmp_path / "gate.xml"
    assert gate(baseline, tmp_path / "c", "--junit", str(junit)) == 1
    assert "FAIL" in capsys.readouterr().out
    case = ET.parse(junit).getroot().find("testcase")
    assert case is not None and case.find("failure") is not None


def test_a_run_against_itself_passes(tmp_path: Path) -> None:
    run = scored_run(tmp_path, "run", broken=0.2)
    assert gate(run, run) == 0


def test_noise_smaller_than_the_tolerance_passes(tmp_path: Path, capsys) -> None:
    baseline = scored_run(tmp_path, "a", broken=0.200)
    candidate = scored_run(tmp_path, "b", broken=0.205, seed=0)  # same broken set plus a few: -0.5 points
    assert gate(baseline, candidate, "--max-drop", "1.0") == 0
    assert "pass" in capsys.readouterr().out


def test_a_large_drop_that_is_not_significant_passes(tmp_path: Path, capsys) -> None:
    baseline = scored_run(tmp_path, "a", n=20, broken=0.0)
    candidate = scored_run(tmp_path, "b", n=20, broken=0.05)  # one sample of twenty: -5 points, by chance
    assert gate(baseline, candidate) == 0
    assert "not significant" in capsys.readouterr().out


def test_different_samples_or_suites_are_unusable_input(tmp_path: Path, capsys) -> None:
    assert gate(scored_run(tmp_path, "a", n=50), scored_run(tmp_path, "b", n=40)) == 2
    assert "different samples" in capsys.readouterr().err
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({"id": "q0", "answers": ["red"] * 10, "prediction": "red"}))
    assert main(["score", "--suite", "vqav2", "--predictions", str(other), "--out", str(tmp_path / "v")]) == 0
    assert gate(tmp_path / "a", tmp_path / "v") == 2
    assert "different suites" in capsys.readouterr().err
    assert gate(tmp_path / "a", tmp_path / "nothing") == 2


def test_a_stored_results_json_is_a_baseline(tmp_path: Path) -> None:
    run = scored_run(tmp_path, "run", broken=0.1)
    assert gate(run / "results.json", run) == 0
