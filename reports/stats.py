"""Percent intervals for callers that predate `evals.stats`: they delegate to it.

The percentile bootstrap that lived here read 6 of 6 as "100.0-100.0" and two identical runs as a
change of exactly zero; `evals.stats` (Wilson, Newcombe's paired interval) never collapses. New code
imports `evals.stats` directly.
"""

from __future__ import annotations

from collections.abc import Sequence

from evals.stats import Interval, percent_interval
from evals.stats import paired_difference as _paired_fraction

__all__ = ["Interval", "mean_interval", "paired_difference"]


def mean_interval(scores: Sequence[float]) -> Interval:
    """The mean of per-unit scores in [0, 1], in percent, with its Wilson interval."""
    return percent_interval(scores)


def paired_difference(baseline: Sequence[float], candidate: Sequence[float]) -> Interval:
    """Candidate minus baseline on the same units, in points, with Newcombe's paired interval."""
    return _paired_fraction(baseline, candidate).scaled(100.0)
