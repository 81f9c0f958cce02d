"""The regression gate: fail only on a drop that is both larger than allowed and significant.

Samples are paired by id (MMBench: questions), and the interval of the difference is Newcombe's
paired score interval (`evals.stats`); a suite fails when its score drops by more than `max_drop`
points and the upper end of the interval is below zero. With `max_drop_breakdown`, each breakdown
group with at least `min_group_size` units is held to the same rule with its own tolerance, so a
category that collapses inside a steady headline is caught. Input that cannot be compared (other
suites, other sample sets) is an error, never a pass.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from evals.errors import UserError
from evals.stats import Interval
from reports.pairing import Change, changes
from reports.runs import Run

MIN_GROUP_SIZE = 30


@dataclass(frozen=True)
class Check:
    """One change held to a tolerance: the headline's, or one breakdown group's."""

    suite: str
    change: Change
    max_drop: float | None  # None: shown, not checked

    @property
    def name(self) -> str:
        return self.suite if not self.change.key else f"{self.suite} {self.change.key}={self.change.name}"

    @property
    def n(self) -> int:
        return self.change.n

    @property
    def baseline(self) -> float:
        return self.change.baseline

    @property
    def candidate(self) -> float:
        return self.change.candidate

    @property
    def difference(self) -> Interval:
        return self.change.difference

    @property
    def failed(self) -> bool:
        d = self.difference
        return self.max_drop is not None and d.estimate < -self.max_drop and d.high < 0

    @property
    def reason(self) -> str:
        d = self.difference
        interval = f"(95% interval of the change {d.low:+.2f} to {d.high:+.2f})"
        if d.estimate < 0:
            text = f"dropped {-d.estimate:.2f} points {interval}"
        elif d.estimate > 0:
            text = f"rose {d.estimate:.2f} points {interval}"
        else:
            text = f"unchanged {interval}"
        if self.max_drop is None:
            return text
        if self.failed:
            return f"{text}: more than the {self.max_drop:g} allowed, and significant"
        if d.estimate < -self.max_drop:
            return f"{text}: more than the {self.max_drop:g} allowed, but not significant"
        return text


@dataclass(frozen=True)
class Verdict:
    suite: str
    headline: Check
    groups: list[Check] = field(default_factory=list)  # checked groups (with --max-drop-breakdown)
    largest: Check | None = None  # the group that changed most (dropped most, else rose most)

    @property
    def failed(self) -> bool:
        return self.headline.failed or any(g.failed for g in self.groups)

    @property
    def failures(self) -> list[Check]:
        return [c for c in (self.headline, *self.groups) if c.failed]


def _one_per_suite(runs: list[Run], side: str) -> dict[str, Run]:
    by_key: dict[str, Run] = {}
    for run in runs:
        if run.key in by_key:
            raise UserError(
                f"the {side} holds two runs of {run.key} ({by_key[run.key].root} and {run.root}); "
                "keep one run per suite and split"
            )
        by_key[run.key] = run
    return by_key


def _split_hint(missing: list[str], other: dict[str, Run]) -> list[str]:
    """`score` labels its results with the split 'predictions' unless told: say how to label them."""
    hints = []
    for key in missing:
        suite, _, split = key.partition("/")
        splits = sorted(k.partition("/")[2] for k in other if k.partition("/")[0] == suite)
        if splits and (split == "predictions" or "predictions" in splits):
            hints.append(
                f"{suite} is labelled '{split}' on one side and '{' / '.join(splits)}' on the other: `score` "
                "labels its results 'predictions' unless given `--split SPLIT` (score them again with it, "
                "and --overwrite)"
            )
    return hints


def pair(baseline: list[Run], candidate: list[Run]) -> list[tuple[Run, Run]]:
    _one_per_suite(candidate, "candidate")
    by_key = _one_per_suite(baseline, "baseline")
    missing = [run.key for run in candidate if run.key not in by_key]
    extra = sorted(set(by_key) - {run.key for run in candidate})
    if missing or extra:
        detail = []
        if missing:
            detail.append(f"no baseline for {', '.join(missing)}")
            detail.extend(_split_hint(missing, by_key))
        if extra:
            detail.append(f"no candidate for {', '.join(extra)}")
            if not missing:
                detail.extend(_split_hint(extra, {run.key: run for run in candidate}))
        raise UserError(f"baseline and candidate hold different suites: {'; '.join(detail)}")
    return [(by_key[run.key], run) for run in candidate]


def compare(
    baseline: Run,
    candidate: Run,
    max_drop: float,
    max_drop_breakdown: float | None = None,
    min_group_size: int = MIN_GROUP_SIZE,
) -> Verdict:
    before, after = baseline.units(), candidate.units()
    only_before, only_after = sorted(set(before) - set(after)), sorted(set(after) - set(before))
    if only_before or only_after:
        examples = ", ".join((only_before + only_after)[:3])
        raise UserError(
            f"{candidate.key}: the runs scored different samples ({len(only_before)} only in the baseline, "
            f"{len(only_after)} only in the candidate, e.g. {examples}); gate on the same sample set"
        )
    if not before:
        raise UserError(f"{candidate.key}: no scored samples to compare")
    headline, *group_changes = changes(baseline, candidate)
    sized = [c for c in group_changes if c.n >= min_group_size]
    largest = None
    if sized:
        lowest = min(sized, key=lambda c: (c.difference.estimate, c.key, c.name))
        pick = lowest if lowest.difference.estimate < 0 else max(sized, key=lambda c: c.difference.estimate)
        largest = Check(candidate.key, pick, max_drop_breakdown)
    checked = [Check(candidate.key, c, max_drop_breakdown) for c in sized] if max_drop_breakdown is not None else []
    return Verdict(candidate.key, Check(candidate.key, headline, max_drop), checked, largest)


def table(verdicts: list[Verdict]) -> str:
    lines = [f"{'suite':<24} {'n':>6} {'baseline':>9} {'candidate':>9}  verdict"]
    for v in verdicts:
        h = v.headline
        status = "FAIL" if h.failed else "pass"
        lines.append(f"{v.suite:<24} {h.n:>6} {h.baseline:>9.2f} {h.candidate:>9.2f}  {status}: {h.reason}")
        if v.largest is not None:
            g = v.largest
            status = "FAIL" if g.failed else "pass" if v.groups else "info"
            lines.append(
                f"  largest breakdown change: {g.change.key}={g.change.name} (n={g.n}) {g.baseline:.2f} -> "
                f"{g.candidate:.2f}, {status}: {g.reason}"
            )
        for g in v.groups:
            if g.failed and (v.largest is None or g.change != v.largest.change):
                group = f"{g.change.key}={g.change.name} (n={g.n})"
                lines.append(f"  {group} {g.baseline:.2f} -> {g.candidate:.2f}, FAIL: {g.reason}")
    return "\n".join(lines)


def write_junit(path: Path, verdicts: list[Verdict]) -> None:
    """JUnit XML, as CI systems display it: one test case per suite, and one per checked breakdown group."""
    checks = [c for v in verdicts for c in (v.headline, *v.groups)]
    failures = sum(c.failed for c in checks)
    suite = ET.Element("testsuite", name="idefics2-eval gate", tests=str(len(checks)), failures=str(failures))
    for c in checks:
        case = ET.SubElement(suite, "testcase", classname="idefics2-eval.gate", name=c.name)
        if c.failed:
            ET.SubElement(
                case, "failure", message=c.reason
            ).text = f"baseline {c.baseline:.2f}, candidate {c.candidate:.2f}, n={c.n}"
        else:
            ET.SubElement(case, "system-out").text = c.reason
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)
