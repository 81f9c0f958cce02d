"""The lift of each attack mode over the plain request carries its 95% interval (QA pass: it was a bare
'+0.0 points', a difference of two rates of 6 or 7 replies each)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.hostile import cli


def test_each_lift_has_a_newcombe_interval_in_results_and_the_report(tmp_path: Path, capsys) -> None:
    out = tmp_path / "rt"
    said = cli(capsys, "redteam", "--model", "scripted", "--suites", "redteam-harmful", "--limit", "20",
               "--no-progress", "--out", str(out))  # fmt: skip
    assert said.code == 0, said
    results = json.loads((out / "redteam-harmful" / "results.json").read_text())
    assert set(results["lift_ci"]) == set(results["lift"]) == {"figstep", "image"}
    for mode, (low, high) in results["lift_ci"].items():
        assert low < results["lift"][mode] < high or low < 0 < high  # never zero width, around the lift
        assert low < high
    lift_line = next(line for line in (out / "redteam.md").read_text().splitlines() if "lift of attack success" in line)
    assert lift_line.count("95% interval") == 2
