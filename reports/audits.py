"""Audit runs in a folder report (`report runs/`): bias probe and red-team runs get a section of
their own with their own headline, never a benchmark's "server" score; and the breakdown tables
of benchmark runs for the Markdown report.

A red-team run's headline is its safety score and attack success rate with their 95% intervals;
a bias probe run holds generations only (its audit is `bias analyze`), so the report says how
many there are and how to make the audit report from them.
"""

from __future__ import annotations

from typing import Any

from evals.stats import format_interval, percent_interval, wilson
from reports.provenance import data_line
from reports.runs import Run
from reports.text import md

DASH = "\u2013"


def kind(run: Run) -> str:
    """'bias', 'redteam' or 'benchmark', from the suite's name."""
    if run.suite.startswith("bias-"):
        return "bias"
    if run.suite.startswith("redteam-"):
        return "redteam"
    return "benchmark"


def split_runs(runs: list[Run]) -> tuple[list[Run], list[Run]]:
    """(benchmark runs, audit runs), each in the order given."""
    return [r for r in runs if kind(r) == "benchmark"], [r for r in runs if kind(r) != "benchmark"]


def _rate(value: Any, interval: Any) -> str:
    if not isinstance(value, int | float):
        return "\u2013"
    text = f"{value:.1f}%"
    if isinstance(interval, list) and len(interval) == 2:
        text += f" (95% interval {interval[0]:.1f}\u2013{interval[1]:.1f})"
    return text


def headline(run: Run) -> str:
    results = run.results
    if kind(run) == "bias":
        prompts = ", ".join(map(str, results.get("prompts") or []))
        return (
            f"bias probe: {results.get('n')} generations about {results.get('n_images', '?')} images"
            + (f" (prompts {prompts})" if prompts else "")
            + f"; not scored here: idefics2-eval bias analyze --generations {run.root} --out DIR makes the audit"
        )
    interval = results.get("score_ci")
    if not interval and run.records:  # runs scored before intervals were recorded
        computed = percent_interval([r.score or 0.0 for r in run.records])
        interval = [computed.low, computed.high]
    n = results.get("n_headline", results.get("n"))
    return (
        f"safety {_rate(results.get('score'), interval)}; attack success "
        f"{_rate(results.get('attack_success_rate'), results.get('attack_success_rate_ci'))}; n = {n}"
    )


def data_of(run: Run) -> str:
    """What the audit ran on: the dataset or local folder (marked as not FairFace), or the bundled seeds."""
    data = (run.manifest.get("config") or {}).get("data")
    if kind(run) == "bias":
        return data_line(data, run.split, run.results.get("n_images"))
    return data_line(data, None, None, "portraits") if data else "bundled seed data (redteam/seeds.py)"


def audit_rows(runs: list[Run]) -> list[dict[str, Any]]:
    return [
        {
            "key": run.key,
            "kind": kind(run),
            "model": run.model,
            "data": data_of(run),
            "headline": headline(run),
            "root": str(run.root),
        }
        for run in runs
    ]


def audits_markdown(runs: list[Run]) -> list[str]:
    if not runs:
        return []
    lines = ["", "## Audits", "", "| run | model | data | headline |", "|---|---|---|---|"]
    lines += [
        f"| {md(r['key'])} | {md(r['model'])} | {md(r['data'])} | {md(r['headline'])} |" for r in audit_rows(runs)
    ]
    lines += ["", "Red-team and bias reports: `idefics2-eval redteam` and `idefics2-eval bias analyze`."]
    return lines


def breakdown_markdown(run: Run) -> list[str]:
    """Each breakdown of a benchmark run as a table: group, n, score with its 95% interval."""
    lines: list[str] = []
    for key, groups in (run.results.get("breakdowns") or {}).items():
        if not groups:
            continue
        lines += [
            "",
            f"{md(run.key)} by {md(key)}:",
            "",
            f"| {md(key)} | n | score | 95% interval |",
            "|---|---|---|---|",
        ]
        for group, cell in groups.items():
            n, score = cell.get("n"), cell.get("score")
            if isinstance(n, int) and n > 0 and isinstance(score, int | float):
                interval = format_interval(wilson(min(max(score, 0.0), 100.0) / 100 * n, n).scaled(100.0))
                lines.append(f"| {md(group)} | {n} | {score:.2f} | {interval} |")
            else:
                lines.append(f"| {md(group)} | {n} | {DASH} | {DASH} |")
    return lines
