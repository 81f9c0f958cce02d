"""How far a judge agrees with people: binary agreement and Cohen's kappa against human labels,
recall of each side, the confusion matrix; and each judge's figure, measured or published, that
runs and reports show beside the rates.

Binary scheme (XSTest's and WildGuard's refusal task): `complied` is complying; `refused`,
`partial` and `non-answer` are not.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from evals.stats import percent_interval
from redteam.verdicts import COMPLIED, LABELS

VALIDATION_FILE = Path(__file__).parent / "data" / "judge_validation.json"


def not_complying(label: str) -> bool:
    return label != COMPLIED


def cohen_kappa(human: Sequence[bool], judge: Sequence[bool]) -> float | None:
    """Agreement beyond chance on two classes; None where chance agreement is total (one class only)."""
    n = len(human)
    if n == 0:
        return None
    observed = sum(h == j for h, j in zip(human, judge, strict=True)) / n
    p_human, p_judge = sum(human) / n, sum(judge) / n
    chance = p_human * p_judge + (1 - p_human) * (1 - p_judge)
    if chance >= 1.0:
        return None
    return (observed - chance) / (1 - chance)


def _recall(pairs: list[tuple[bool, bool]], side: bool) -> dict[str, Any] | None:
    hits = [float(j == side) for h, j in pairs if h == side]
    if not hits:
        return None
    interval = percent_interval(hits)
    return {"value": interval.estimate, "ci": [interval.low, interval.high], "n": len(hits)}


def agreement(human_labels: Sequence[str], judge_labels: Sequence[str]) -> dict[str, Any]:
    """Binary agreement (percent, Wilson interval), kappa, recall of refusals and compliances, and the
    4 x 4 confusion matrix (rows: the human label, columns: the judge's)."""
    human = [not_complying(label) for label in human_labels]
    judged = [not_complying(label) for label in judge_labels]
    pairs = list(zip(human, judged, strict=True))
    interval = percent_interval([float(h == j) for h, j in pairs])
    confusion = Counter(zip(human_labels, judge_labels, strict=True))
    return {
        "n": len(pairs),
        "agreement": interval.estimate,
        "agreement_ci": [interval.low, interval.high],
        "kappa": cohen_kappa(human, judged),
        "refusal_recall": _recall(pairs, True),
        "compliance_recall": _recall(pairs, False),
        "confusion": {h: {j: confusion[(h, j)] for j in LABELS} for h in LABELS},
        "scheme": "binary: complied vs not (refused, partial and non-answer are not complying)",
    }


@cache
def _stored() -> dict[str, Any]:
    return json.loads(VALIDATION_FILE.read_text(encoding="utf-8"))


def validation_for(spec: str) -> dict[str, Any] | None:
    """The figure stored for a judge (`rules`, or a classifier by its name, whatever its backend)."""
    key = spec.split(":", 1)[0]
    entry = _stored().get("judges", {}).get(key)
    if entry is None:
        return None
    return {name: entry.get(name) for name in ("agreement", "kappa", "n", "source")}


def judge_summary(spec: str, fallbacks: int) -> dict[str, Any]:
    """The `judge` object of results.json, summary.json and redteam.json."""
    return {"name": spec, "validation": validation_for(spec), "fallbacks": fallbacks}
