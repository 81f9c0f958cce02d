"""The regression gate: fail only on a drop that is both larger than allowed and significant.

Samples are paired by id (MMBench: questions), so the interval of the difference is a paired
bootstrap; a suite fails when its score drops by more than `max_drop` points and the upper end of
the interval is below zero. Input that cannot be compared (other suites, other sample sets) is
an error, never a pass.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from evals.errors import UserError
from evals.store import write_text_atomic
from evals.terminal import printable
from reports.runs import Run
from reports.stats import DRAWS, Interval, paired_difference


@dataclass(frozen=True)
class Verdict:
    suite: str
    n: int
    baseline: float
    candidate: float
    difference: Interval
    max_drop: float

    @property
    def failed(self) -> bool:
        return self.difference.estimate < -self.max_drop and self.difference.high < 0

    @property
    def reason(self) -> str:
        d = self.difference
        interval = f"(95% interval of the change {d.low:+.2f} to {d.high:+.2f})"
        if d.estimate < 0:
            change = f"dropped {-d.estimate:.2f} points {interval}"
        elif d.estimate > 0:
            change = f"rose {d.estimate:.2f} points {interval}"
        else:
            change = f"unchanged {interval}"
        if self.failed:
            return f"{change}: more than the {self.max_drop:g} allowed, and significant"
        if d.estimate < -self.max_drop:
            return f"{change}: more than the {self.max_drop:g} allowed, but not significant"
        return change


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


def compare(baseline: Run, candidate: Run, max_drop: float, draws: int = DRAWS, seed: int = 0) -> Verdict:
    for side, run in (("baseline", baseline), ("candidate", candidate)):
        unreached = sum(1 for record in run.records if record.transport_failed)
        if unreached:  # not a drop in quality: the model was never asked
            raise UserError(
                f"{run.key}: {unreached} samples of the {side} ({run.root}) never reached the model server; "
                "run its command again to retry them, then gate"
            )
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
    ids = sorted(before)
    a, b = [before[i] for i in ids], [after[i] for i in ids]
    difference = paired_difference(a, b, draws=draws, seed=seed)
    return Verdict(
        suite=candidate.key,
        n=len(ids),
        baseline=100 * sum(a) / len(a),
        candidate=100 * sum(b) / len(b),
        difference=difference,
        max_drop=max_drop,
    )


def table(verdicts: list[Verdict]) -> str:
    lines = [f"{'suite':<24} {'n':>6} {'baseline':>9} {'candidate':>9}  verdict"]
    for v in verdicts:
        status = "FAIL" if v.failed else "pass"
        suite = printable(v.suite)
        lines.append(f"{suite:<24} {v.n:>6} {v.baseline:>9.2f} {v.candidate:>9.2f}  {status}: {v.reason}")
    return "\n".join(lines)


def write_junit(path: Path, verdicts: list[Verdict]) -> None:
    """JUnit XML, one test case per suite, as CI systems display it. Names come from the runs' data:
    characters XML 1.0 cannot hold (controls, lone surrogates) are written as visible escapes."""
    failures = sum(v.failed for v in verdicts)
    suite = ET.Element("testsuite", name="idefics2-eval gate", tests=str(len(verdicts)), failures=str(failures))
    for v in verdicts:
        case = ET.SubElement(suite, "testcase", classname="idefics2-eval.gate", name=xml_safe(v.suite))
        if v.failed:
            ET.SubElement(
                case, "failure", message=xml_safe(v.reason)
            ).text = f"baseline {v.baseline:.2f}, candidate {v.candidate:.2f}, n={v.n}"
        else:
            ET.SubElement(case, "system-out").text = xml_safe(v.reason)
    text = ET.tostring(suite, encoding="unicode")
    write_text_atomic(path, '<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n")


def xml_safe(text: str) -> str:
    """Text that XML 1.0 can hold: every control character but tab and newline escaped, as on a terminal."""
    return printable(text, keep_lines=True)
