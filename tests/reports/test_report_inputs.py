"""Report and export inputs found in the QA pass: results files a run can hold that are not the common case."""

from __future__ import annotations

import json
from pathlib import Path

from tests.hostile import cli
from tests.reports.test_compare import category_rows, scored


def test_a_breakdown_group_without_a_score_is_left_off_the_chart_not_a_crash(tmp_path: Path, capsys) -> None:
    run = scored(tmp_path, capsys, "run", category_rows())
    results = json.loads((run / "results.json").read_text())
    results["breakdowns"]["answer_type"]["color"].update(score=None, ci=None)  # a group nothing scored
    (run / "results.json").write_text(json.dumps(results))
    page = tmp_path / "r.html"
    said = cli(capsys, "report", str(run), "--out", str(page))
    assert said.code == 0, said
    assert "data:image/png;base64," in page.read_text()  # the other two groups are still charted
