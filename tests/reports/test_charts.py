"""The interval charts are read at 1400 px: every label stays inside its panel."""

from __future__ import annotations

from typing import Any

from reports import charts
from reports.charts import Panel, Row, interval_chart


def test_labels_with_a_note_stay_inside_the_panel(monkeypatch) -> None:
    drawn: list[Any] = []
    monkeypatch.setattr(charts, "png", lambda figure: drawn.append(figure) or b"png")
    rows = [Row("figstep", 100.0, 75.8, 100.0, 320, "lift +100.0"), Row("text", 0.0, 0.0, 24.2, 12)]
    assert interval_chart([Panel("attack success by mode", rows)] * 3, "percent", "redteam-harmful") == b"png"
    figure = drawn[0]
    renderer = figure.canvas.get_renderer()
    for axis in figure.axes:
        right = axis.get_window_extent(renderer).x1
        for text in axis.texts:
            assert text.get_window_extent(renderer).x1 <= right, text.get_text()
