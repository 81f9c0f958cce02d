"""95% intervals that never collapse on a finite sample: of a rate, of a mean score, of a paired change.

Every figure a person reads carries one of these (see DESIGN.md, Statistics):

- 0/1 outcomes (accuracy on exact-match suites, attack success, refusal, toxic or not): the Wilson score
  interval. A percentile bootstrap reads 6 of 6 as "100-100"; Wilson reads it as 61.0-100.
- Graded scores in [0, 1] (VQA accuracy, ANLS, MMMU subject means): the same Wilson interval on the mean
  score. A variable in [0, 1] with mean p has variance at most p(1 - p), the Bernoulli variance, so the
  interval is conservative (at least as wide as it needs to be) and, like Wilson, it cannot collapse at
  0 or 1.
- The change between two runs on the same samples: Newcombe's hybrid score interval for paired data
  (Newcombe 1998, "Improved confidence intervals for the difference between binomial proportions based on
  paired data", method 10), built from the two Wilson intervals and the correlation of the paired scores
  (phi with Newcombe's continuity correction). With graded scores the same sums over the scores stand in
  for the 2x2 table's counts.
- The gap between two independent groups (a bias audit's two groups of people): Newcombe's hybrid score
  interval for independent proportions (Newcombe 1998, "Interval estimation for the difference between
  independent proportions: comparison of eleven methods", method 10), built from the two Wilson intervals.

All functions take and return fractions in [0, 1] unless they say "percent".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


@dataclass(frozen=True)
class Interval:
    """An estimate with its 95% interval, in the unit the caller chose (fractions or percent points)."""

    estimate: float
    low: float
    high: float

    def scaled(self, factor: float) -> Interval:
        return Interval(self.estimate * factor, self.low * factor, self.high * factor)

    def as_list(self, digits: int = 4) -> list[float]:
        return [round(self.low, digits), round(self.high, digits)]


NAN_INTERVAL = Interval(float("nan"), float("nan"), float("nan"))


def wilson(successes: float, n: int, z: float = Z95) -> Interval:
    """Wilson score interval for `successes` out of `n` (successes may be fractional: a sum of graded scores)."""
    if n <= 0:
        return NAN_INTERVAL
    if not 0 <= successes <= n:
        raise ValueError(f"successes must lie in [0, n]; got {successes} of {n}")
    p = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    low = 0.0 if p == 0 else max(0.0, centre - half)  # exact ends: no 1e-15 from rounding
    high = 1.0 if p == 1 else min(1.0, centre + half)
    return Interval(p, low, high)


def mean_interval(scores: Sequence[float]) -> Interval:
    """Mean of per-sample scores in [0, 1] with its Wilson interval (exact for 0/1, conservative for graded)."""
    values = [float(s) for s in scores]
    if not values:
        return NAN_INTERVAL
    total = min(max(math.fsum(values), 0.0), float(len(values)))
    return wilson(total, len(values))


def percent_interval(scores: Sequence[float]) -> Interval:
    """`mean_interval` in percent points, as results.json and the reports print it."""
    return mean_interval(scores).scaled(100.0)


def _correlation(a: Sequence[float], b: Sequence[float]) -> float:
    """Newcombe's correlation of the paired scores: phi of the 2x2 table with his continuity correction
    (AD - BC is reduced by N/2 when larger than N/2, and taken as 0 from 0 to N/2), 0 where either side
    does not vary. For graded scores the sums stand in for the table's counts (n * sum of cross products
    is AD - BC for 0/1). Without the correction two identical runs at 50% give a change of exactly 0-0."""
    n = len(a)
    mean_a, mean_b = math.fsum(a) / n, math.fsum(b) / n
    cross = n * math.fsum((x - mean_a) * (y - mean_b) for x, y in zip(a, b, strict=True))
    spread_a = n * math.fsum((x - mean_a) ** 2 for x in a)
    spread_b = n * math.fsum((y - mean_b) ** 2 for y in b)
    if spread_a <= 0 or spread_b <= 0:
        return 0.0
    if cross > n / 2:
        cross -= n / 2
    elif cross >= 0:
        cross = 0.0
    return max(-1.0, min(1.0, cross / math.sqrt(spread_a * spread_b)))


def paired_difference(baseline: Sequence[float], candidate: Sequence[float]) -> Interval:
    """Candidate minus baseline over the same samples (fractions), with Newcombe's paired interval."""
    if len(baseline) != len(candidate):
        raise ValueError("paired scores need the same samples on both sides")
    if not baseline:
        return NAN_INTERVAL
    first, second = mean_interval(baseline), mean_interval(candidate)
    phi = _correlation(baseline, candidate)
    difference = second.estimate - first.estimate
    down2, up2 = second.estimate - second.low, second.high - second.estimate
    down1, up1 = first.estimate - first.low, first.high - first.estimate
    low = difference - math.sqrt(max(0.0, down2**2 - 2 * phi * down2 * up1 + up1**2))
    high = difference + math.sqrt(max(0.0, up2**2 - 2 * phi * up2 * down1 + down1**2))
    return Interval(difference, max(-1.0, low), min(1.0, high))


def unpaired_difference(first_successes: float, first_n: int, second_successes: float, second_n: int) -> Interval:
    """First rate minus second rate of two independent groups (fractions), with Newcombe's hybrid
    score interval (method 10): like Wilson, it cannot collapse when a rate is 0 or 1 (6 of 6 against
    0 of 6 reads 0.5 to 1, not 1 to 1)."""
    if first_n <= 0 or second_n <= 0:
        return NAN_INTERVAL
    first, second = wilson(first_successes, first_n), wilson(second_successes, second_n)
    difference = first.estimate - second.estimate
    low = difference - math.hypot(first.estimate - first.low, second.high - second.estimate)
    high = difference + math.hypot(first.high - first.estimate, second.estimate - second.low)
    return Interval(difference, max(-1.0, low), min(1.0, high))


def span_text(low: float, high: float, digits: int = 1) -> str:
    """Two interval ends as text: joined by an en dash ("3.1\u201331.7"), but by " to " when the low end is
    negative ("-22.6 to 31.7"), since "-22.6\u201331.7" reads as a range from 22.6."""
    joined = " to " if low < 0 else "\u2013"
    return f"{low:.{digits}f}{joined}{high:.{digits}f}"


def format_interval(interval: Interval, digits: int = 1) -> str:
    """A percent interval as `span_text` writes it; an em dash where there is none."""
    if math.isnan(interval.low):
        return "\u2014"
    return span_text(interval.low, interval.high, digits)
