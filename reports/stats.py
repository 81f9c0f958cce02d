"""Bootstrap intervals: of a mean score, and of the paired difference between two runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DRAWS = 2000
SEED = 0


@dataclass(frozen=True)
class Interval:
    estimate: float  # in points (percent)
    low: float
    high: float


def mean_interval(scores: Sequence[float], draws: int = DRAWS, seed: int = SEED, level: float = 0.95) -> Interval:
    """The mean of per-unit scores in [0, 1], in percent, with a percentile bootstrap interval."""
    values = np.asarray(scores, dtype=float)
    if values.size == 0:
        return Interval(float("nan"), float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = np.empty(draws)
    for start in range(0, draws, 200):  # in chunks, to bound memory on large runs
        count = min(200, draws - start)
        means[start : start + count] = values[rng.integers(0, values.size, (count, values.size))].mean(axis=1)
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(means, [tail, 100 - tail])
    return Interval(float(100 * values.mean()), float(100 * low), float(100 * high))


def paired_difference(
    baseline: Sequence[float], candidate: Sequence[float], draws: int = DRAWS, seed: int = SEED, level: float = 0.95
) -> Interval:
    """Candidate minus baseline on the same units, in points, resampling units (pairs) together."""
    differences = np.asarray(candidate, dtype=float) - np.asarray(baseline, dtype=float)
    return mean_interval(differences, draws, seed, level)
