"""Two runs of one suite side by side, unit by unit: the change of the headline and of every breakdown
group with its paired interval, and the samples that flipped.

The comparison view, the exports and `gate` all read changes from here, so a difference printed by
`gate` is the one the HTML page and `--format json` show. Intervals come from `evals.stats` (Wilson for
each score, Newcombe's paired interval for a change): none has zero width on a finite sample.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from evals.records import SampleRecord
from evals.stats import Interval, paired_difference, wilson
from reports.runs import Run

HEADLINE = ""  # the breakdown key of the headline row in tables and exports (its group is empty too)


@dataclass(frozen=True)
class Group:
    """A headline or breakdown-group score of one run: percent, with its 95% interval and unit count."""

    key: str  # breakdown key ("" for the headline)
    name: str  # group name ("" for the headline)
    n: int
    score: Interval  # percent

    @property
    def label(self) -> str:
        return "overall" if not self.key else f"{self.key}: {self.name}"


@dataclass(frozen=True)
class Change:
    """Candidate minus baseline on the units both runs scored (percent points, Newcombe's paired interval)."""

    key: str
    name: str
    n: int  # paired units
    baseline: float
    candidate: float
    difference: Interval

    @property
    def label(self) -> str:
        return "overall" if not self.key else f"{self.key}: {self.name}"

    @property
    def significant(self) -> bool:
        return self.difference.high < 0 or self.difference.low > 0


def result_interval(cell: dict[str, Any], n: int) -> Interval:
    """A score from results.json with its interval: the stored `ci`, else (files written before `ci`) the
    Wilson interval of the stored score over its `n` units; NaN where there is no score (a hidden split)."""
    score = cell.get("score")
    if score is None:
        return Interval(math.nan, math.nan, math.nan)
    ci = cell.get("ci")
    if isinstance(ci, list) and len(ci) == 2 and all(isinstance(v, int | float) for v in ci):
        return Interval(float(score), float(ci[0]), float(ci[1]))
    if n > 0:
        successes = min(max(float(score) / 100 * n, 0.0), float(n))
        interval = wilson(successes, n).scaled(100)
        return Interval(float(score), interval.low, interval.high)
    return Interval(float(score), math.nan, math.nan)


def unit_groups(run: Run) -> dict[str, dict[str, set[str]]]:
    """Breakdown key -> group -> the scoring units in it, as the suite's `aggregate` groups them: a list
    value counts the sample under each member; MMBench groups questions by their first rotation's meta."""
    keys = list(run.results.get("breakdowns", {}))
    groups: dict[str, dict[str, set[str]]] = {key: defaultdict(set) for key in keys}
    for record in run.records:
        unit = _unit_of(run, record)
        for key in keys:
            if key not in record.meta:
                continue
            value = record.meta[key]
            for member in value if isinstance(value, list) else [value]:
                groups[key][str(member)].add(unit)
    return {key: dict(found) for key, found in groups.items()}


def _unit_of(run: Run, record: SampleRecord) -> str:
    return str(record.meta.get("question", record.id)) if run.suite == "mmbench" else record.id


def scores(run: Run) -> list[Group]:
    """The headline and every breakdown group of a run, each with its interval (from results.json)."""
    results = run.results
    n = int(results.get("n_questions") or results.get("n") or 0)  # MMBench: questions are the units
    found = [Group(HEADLINE, HEADLINE, n, result_interval(results, n))]
    for key, cells in results.get("breakdowns", {}).items():
        for name, cell in cells.items():
            size = int(cell.get("n") or 0)
            found.append(Group(key, name, size, result_interval(cell, size)))
    return found


def change(key: str, name: str, before: dict[str, float], after: dict[str, float], ids: set[str]) -> Change | None:
    """The paired change over `ids` that both sides scored (None when they share none)."""
    shared = [i for i in ids if i in before and i in after]  # one order for both sides; which one does not matter
    if not shared:
        return None
    a, b = [before[i] for i in shared], [after[i] for i in shared]
    return Change(
        key=key,
        name=name,
        n=len(shared),
        baseline=100 * math.fsum(a) / len(a),
        candidate=100 * math.fsum(b) / len(b),
        difference=paired_difference(a, b).scaled(100),
    )


def changes(baseline: Run, candidate: Run) -> list[Change]:
    """The headline change, then each breakdown group's (groups as the baseline's samples define them)."""
    before, after = baseline.units(), candidate.units()
    found = [change(HEADLINE, HEADLINE, before, after, set(before))]
    for key, groups in unit_groups(baseline).items():
        for name, ids in sorted(groups.items()):
            found.append(change(key, name, before, after, ids))
    return [c for c in found if c is not None]


@dataclass(frozen=True)
class Flip:
    """A sample scored differently by the two runs."""

    id: str
    baseline: SampleRecord
    candidate: SampleRecord

    @property
    def delta(self) -> float:
        return (self.candidate.score or 0.0) - (self.baseline.score or 0.0)


def flips(baseline: Run, candidate: Run) -> tuple[list[Flip], list[Flip]]:
    """The samples (by id, in both runs) that scored lower in the candidate, and those that scored higher;
    largest changes first. Errors count as 0, as in results.json."""
    before = {r.id: r for r in baseline.records}
    regressed, improved = [], []
    for record in candidate.records:
        old = before.get(record.id)
        if old is None:
            continue
        flip = Flip(record.id, old, record)
        if flip.delta < 0:
            regressed.append(flip)
        elif flip.delta > 0:
            improved.append(flip)
    regressed.sort(key=lambda f: (f.delta, f.id))
    improved.sort(key=lambda f: (-f.delta, f.id))
    return regressed, improved
