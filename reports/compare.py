"""The comparison view: runs of one suite and split side by side.

Runs are told apart by what differs between them (model, shots, limit, prompt format, image
splitting, ...), the first run of each suite and split is the baseline, every other run shows its
change with Newcombe's paired interval for the headline and each breakdown group, one chart puts all
runs on a shared axis with error bars, and the samples that flipped are listed for review.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from evals.stats import Interval
from reports.pairing import Change, Flip, Group, changes, flips, scores
from reports.runs import Run
from reports.text import png, pyplot

FLIPS_SHOWN = 50
GROUPS_CHARTED = 16
COLOURS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860")


def _config(run: Run, *path: str) -> Any:
    data: Any = run.manifest
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def on_off(value: Any) -> str:
    """Booleans as a reader says them ("image splitting: off"), everything else as text."""
    if value is True:
        return "on"
    if value is False:
        return "off"
    return str(value)


# What can set two runs of one suite apart, in the order a label names it.
DISTINGUISHING: tuple[tuple[str, Callable[[Run], Any]], ...] = (
    ("model", lambda r: r.model),
    ("revision", lambda r: _config(r, "model", "revision") or _config(r, "config", "revision")),
    ("shots", lambda r: r.shots),
    ("limit", lambda r: _config(r, "config", "limit")),
    ("n", lambda r: r.results.get("n")),
    ("prompt format", lambda r: _config(r, "model", "prompt_format") or _config(r, "config", "prompt_format")),
    ("prompt version", lambda r: _config(r, "suite", "prompt_version")),
    ("instruction", lambda r: _config(r, "suite", "instruction")),
    ("image placement", lambda r: _config(r, "suite", "image_placement")),
    ("image splitting", lambda r: r.image_splitting),
    ("longest edge", lambda r: _config(r, "model", "longest_edge")),
    ("dtype", lambda r: _config(r, "model", "dtype")),
    ("quantization", lambda r: _config(r, "model", "quantization")),
    ("max new tokens", lambda r: _config(r, "config", "max_new_tokens")),
)


def _describe(name: str, value: Any) -> str:
    if name == "model":
        return str(value)
    if name == "shots":
        return f"{value}-shot"
    if name == "limit":
        return "all samples" if value is None else f"limit {value}"
    if name == "instruction":
        text = str(value)
        shown = text if len(text) <= 40 else text[:39] + "\u2026"
        return f"instruction \u201c{shown}\u201d"
    return f"{name} {on_off(value)}"


def labels(runs: list[Run]) -> list[str]:
    """One label per run that tells it apart from the others: the model, plus every setting that differs
    between the runs; the run folder's name when nothing recorded does."""
    values = [[get(run) for _, get in DISTINGUISHING] for run in runs]
    differing = [i for i, (name, _) in enumerate(DISTINGUISHING) if len({repr(v[i]) for v in values}) > 1]
    names = [DISTINGUISHING[i][0] for i in differing]
    if "limit" in names and "n" in names:  # the sample count follows the limit: saying both is noise
        differing.pop(names.index("n"))
    found = []
    for run, row in zip(runs, values, strict=True):
        parts = [run.model] + [_describe(DISTINGUISHING[i][0], row[i]) for i in differing if i != 0]
        found.append(" \u00b7 ".join(parts))
    if len(set(found)) < len(found):
        found = [f"{label} ({run.root.name})" for label, run in zip(found, runs, strict=True)]
    return found


def by_suite(runs: list[Run]) -> dict[str, list[Run]]:
    """Runs grouped by suite and split, in the order given (the first of each is its baseline)."""
    groups: dict[str, list[Run]] = {}
    for run in runs:
        groups.setdefault(run.key, []).append(run)
    return groups


@dataclass(frozen=True)
class Column:
    label: str
    run: Run
    scores: dict[tuple[str, str], Group]
    changes: dict[tuple[str, str], Change]  # empty for the baseline


def columns(runs: list[Run]) -> list[Column]:
    named = labels(runs)
    found = []
    for index, (run, label) in enumerate(zip(runs, named, strict=True)):
        scored = runs[0].results.get("score") is not None and run.results.get("score") is not None
        delta = {(c.key, c.name): c for c in changes(runs[0], run)} if index and scored else {}
        found.append(Column(label, run, {(g.key, g.name): g for g in scores(run)}, delta))
    return found


def rows(cols: list[Column]) -> list[tuple[str, str]]:
    """The headline, then each breakdown group in the order the baseline's results list them (groups only
    another run has come after)."""
    seen: dict[tuple[str, str], None] = {}
    for column in cols:
        for key in column.scores:
            seen.setdefault(key, None)
    return list(seen)


def comparison_chart(cols: list[Column], order: list[tuple[str, str]]) -> str | None:
    """Headline and groups on one shared, zoomed axis: a bar per run with its 95% interval and value."""
    charted = order[:GROUPS_CHARTED]
    plt = pyplot()
    width = 0.8 / len(cols)
    figure, axis = plt.subplots(figsize=(max(8.0, (0.5 + 0.45 * len(cols)) * len(charted) + 3), 4.0), dpi=100)
    lows = []
    for i, column in enumerate(cols):
        xs, heights, errors = [], [], [[], []]
        for x, row in enumerate(charted):
            group = column.scores.get(row)
            if group is None or math.isnan(group.score.estimate):
                continue
            s = group.score
            low = s.low if not math.isnan(s.low) else s.estimate
            high = s.high if not math.isnan(s.high) else s.estimate
            xs.append(x + (i - (len(cols) - 1) / 2) * width)
            heights.append(s.estimate)
            errors[0].append(max(0.0, s.estimate - low))  # never negative, even for a hand-edited file
            errors[1].append(max(0.0, high - s.estimate))
            lows.append(low)
        if not xs:
            continue
        colour = COLOURS[i % len(COLOURS)]
        bars = axis.bar(xs, heights, width * 0.95, yerr=errors, capsize=3, color=colour, label=column.label)
        axis.bar_label(bars, labels=[f"{h:.1f}" for h in heights], fontsize=7, padding=2)
    if not lows:
        plt.close(figure)
        return None
    # zoom to the data: 98.6 and 99.8 must not look the same; the floor is said on the axis
    floor = max(0.0, math.floor(min(lows) / 5) * 5 - 5)
    axis.set_ylim(floor, 100 + (100 - floor) * 0.08)  # room for the value above a bar at 100
    axis.set_ylabel("score (%), 95% intervals" + (f"; axis starts at {floor:g}" if floor else ""))
    # two lines per label (key above group), each cut to fit under its bars
    names = [("overall" if not key else f"{cut(key)}\n{cut(name)}") for key, name in charted]
    axis.set_xticks(range(len(charted)), names, fontsize=8)
    if len(charted) > 8:
        axis.tick_params(axis="x", labelrotation=30)
        for label in axis.get_xticklabels():
            label.set_horizontalalignment("right")
    axis.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    axis.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    return "data:image/png;base64," + base64.b64encode(png(figure)).decode()


def cut(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def interval_or_none(interval: Interval) -> Interval | None:
    return None if math.isnan(interval.estimate) else interval


def own_images(first: list[str], second: list[str]) -> list[str]:
    """The sample's own images: a few-shot prompt shows its examples' images first, so what both runs showed
    at the end of their lists (the later ones when the runs agree on nothing)."""
    shared: list[str] = []
    for a, b in zip(reversed(first), reversed(second), strict=False):
        if a != b:
            break
        shared.insert(0, a)
    return shared or second[-1:]


def short_gold(target: dict[str, Any]) -> str:
    """The gold answer in a few words for a summary line (the full target is shown below it)."""
    for name in ("answer", "answers"):
        value = target.get(name)
        if isinstance(value, list) and value:
            value = value[0] if len(set(map(str, value))) == 1 else " / ".join(dict.fromkeys(map(str, value[:4])))
        if value is not None and not isinstance(value, dict | list):
            text = str(value)
            return text if len(text) <= 60 else text[:59] + "\u2026"
    return ""


def gold_text(target: dict[str, Any], limit: int = 2000) -> str:
    """The whole target for a reader: one `field: value` line each, lists joined by " / ", nested values
    as JSON (a raw `{"answer": "no"}` read as code)."""
    if not isinstance(target, dict):
        return str(target)[:limit]
    lines = []
    for name, value in target.items():
        if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
            shown = " / ".join(map(str, value))
        elif isinstance(value, dict | list):
            shown = json.dumps(value, ensure_ascii=False)
        else:
            shown = str(value)
        lines.append(f"{name}: {shown}")
    text = "\n".join(lines)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def flip_view(flip: Flip, thumbnails: Callable[[Run, list[str]], list[str]], run: Run) -> dict[str, Any]:
    b, c = flip.baseline, flip.candidate
    return {
        "id": flip.id,
        "prompt": c.prompt or b.prompt,
        "baseline_answer": b.answer if b.answer is not None else (b.generation or b.error or ""),
        "baseline_score": b.score,
        "candidate_answer": c.answer if c.answer is not None else (c.generation or c.error or ""),
        "candidate_score": c.score,
        "baseline_generation": b.generation,
        "candidate_generation": c.generation,
        "gold": gold_text(c.target),
        "gold_short": short_gold(c.target),
        "thumbnails": thumbnails(run, own_images(b.images, c.images)[:2]),
    }


def comparison_context(runs: list[Run], thumbnails: Callable[[Run, list[str]], list[str]]) -> dict[str, Any]:
    """Everything the comparison section of the page shows, for runs of one suite and split."""
    cols = columns(runs)
    order = rows(cols)
    table = []
    for row in order:
        cells = []
        for column in cols:
            group = column.scores.get(row)
            delta = column.changes.get(row)
            cells.append(
                {
                    "score": interval_or_none(group.score) if group else None,
                    "n": group.n if group else None,
                    "change": delta,
                }
            )
        table.append({"key": row[0], "name": row[1], "cells": cells})
    reviews = []
    for column in cols[1:]:
        regressed, improved = flips(runs[0], column.run)
        reviews.append(
            {
                "label": column.label,
                "n_regressed": len(regressed),
                "n_improved": len(improved),
                "regressed": [flip_view(f, thumbnails, column.run) for f in regressed[:FLIPS_SHOWN]],
                "improved": [flip_view(f, thumbnails, column.run) for f in improved[:FLIPS_SHOWN]],
            }
        )
    return {
        "key": runs[0].key,
        "labels": [c.label for c in cols],
        "table": table,
        "chart": comparison_chart(cols, order),
        "reviews": reviews,
    }
