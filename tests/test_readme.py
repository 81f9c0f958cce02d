"""The README tells the truth about the tests and the main job (issue 14, item 7)."""

from __future__ import annotations

from pathlib import Path

from tests.evals.metrics import test_mathvista, test_mmmu

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
NUMBERS = {"Twelve": 12, "Thirteen": 13, "Fourteen": 14, "Fifteen": 15, "Sixteen": 16}


def test_item07_readme_counts_the_tests_that_need_the_reference_data() -> None:
    mathvista = len(test_mathvista.MODELS) + 1  # one judgement test per model, and the extractor's accuracy
    mmmu = len(test_mmmu.test_agrees_with_the_official_script_on_reference_outputs.pytestmark[0].args[1])
    stated = [value for word, value in NUMBERS.items() if f"{word} tests read the real reference outputs" in README]
    assert stated == [mathvista + mmmu]
    assert "skipped" in README and "../shared/reference/" in README


def test_item07_readme_states_the_main_jobs_time_with_the_machine() -> None:
    assert "measured:" in README and "2-core CPU machine" in README and "s wall" in README
