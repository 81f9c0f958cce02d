"""Rates with their 95% intervals as static charts for the audit pages (bias, red team).

One figure holds side-by-side panels on a shared 0-100 % axis, each a list of rows (a group, a
category, an attack mode) drawn as a point with its interval as a horizontal error bar, the rate
and n written beside it. Points, not bars: a rate of 0 is a visible dot at 0 with its interval,
where a zero-height bar looks like a missing bar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reports.text import png, pyplot

MAX_LABEL = 28  # longer row labels are cut on the chart (the tables have them whole)
MAX_ROWS = 24


@dataclass(frozen=True)
class Row:
    label: str
    rate: float  # percent
    low: float
    high: float
    n: int
    note: str = ""  # written after the rate, e.g. "+35.0 vs text"


@dataclass(frozen=True)
class Panel:
    title: str
    rows: list[Row]


def _label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "\u2026"


def interval_chart(panels: list[Panel], axis_label: str, title: str = "") -> bytes | None:
    """PNG bytes of the panels (None when no panel has a row with a finite rate)."""
    panels = [Panel(p.title, [r for r in p.rows if math.isfinite(r.rate)][:MAX_ROWS]) for p in panels]
    panels = [p for p in panels if p.rows]
    if not panels:
        return None
    plt = pyplot()
    columns = min(3, len(panels))
    rows_of_panels = math.ceil(len(panels) / columns)
    tallest = [max(len(p.rows) for p in panels[k : k + columns]) for k in range(0, len(panels), columns)]
    height = sum(1.0 + 0.34 * t for t in tallest) + (0.5 if title else 0.2)
    figure, axes = plt.subplots(
        rows_of_panels,
        columns,
        figsize=(4.6 * columns + 0.8, height),
        dpi=120,
        squeeze=False,
        gridspec_kw={"height_ratios": tallest},
    )
    for index, axis in enumerate(axes.flat):
        if index >= len(panels):
            axis.set_visible(False)
            continue
        panel = panels[index]
        positions = list(range(len(panel.rows)))[::-1]  # first row on top
        rates = [r.rate for r in panel.rows]
        errors = [[max(0.0, r.rate - r.low) for r in panel.rows], [max(0.0, r.high - r.rate) for r in panel.rows]]
        axis.errorbar(rates, positions, xerr=errors, fmt="o", color="#1f5fa8", ecolor="#7aa6d6", capsize=3)
        for position, row in zip(positions, panel.rows, strict=True):
            # the note on a line of its own, centred on the row: written after the rate it ran past the axes
            text = f"{row.rate:.1f}% (n={row.n}){chr(10) + row.note if row.note else ''}"
            axis.annotate(
                text, (row.high, position), xytext=(5, 0), textcoords="offset points", fontsize=8, va="center"
            )
        axis.set_yticks(positions, [_label(r.label) for r in panel.rows], fontsize=8.5)
        axis.set_ylim(-0.7, len(panel.rows) - 0.3)
        axis.set_xlim(0, 145)  # room for the labels written right of 100 ("100.0% (n=320)" ran past 130)
        axis.set_xticks([0, 25, 50, 75, 100])
        axis.grid(axis="x", color="#e3e3e3")
        axis.set_axisbelow(True)
        axis.set_title(panel.title, fontsize=10)
        axis.set_xlabel(axis_label, fontsize=8.5)
    if title:
        figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    return png(figure)
