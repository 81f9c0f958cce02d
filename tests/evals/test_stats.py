import math

import pytest

from evals.stats import (
    format_interval,
    mean_interval,
    paired_difference,
    percent_interval,
    unpaired_difference,
    wilson,
)


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [(0, 6, 0.0, 39.03), (6, 6, 60.97, 100.0), (50, 100, 40.38, 59.62), (40, 40, 91.24, 100.0)],
)
def test_wilson_pinned_figures(successes, n, low, high):
    interval = wilson(successes, n).scaled(100)
    assert interval.low == pytest.approx(low, abs=0.01)
    assert interval.high == pytest.approx(high, abs=0.01)
    assert interval.high > interval.low


def test_graded_mean_never_collapses_at_the_ends():
    for scores in ([1.0] * 5, [0.0] * 5, [0.3, 0.3, 0.3]):
        interval = percent_interval(scores)
        assert interval.high - interval.low > 1
        assert interval.low <= interval.estimate <= interval.high


def test_graded_mean_is_at_least_as_wide_as_a_normal_interval():
    scores = [0.0, 0.5, 1.0, 0.9, 0.3] * 20
    interval = mean_interval(scores)
    mean = sum(scores) / len(scores)
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / (len(scores) - 1))
    assert interval.high - interval.low >= 2 * 1.96 * sd / math.sqrt(len(scores)) * 0.99


def test_paired_difference_of_identical_runs_has_width():
    interval = paired_difference([1] * 40, [1] * 40).scaled(100)
    assert interval.estimate == 0
    assert interval.low < 0 < interval.high


def test_paired_difference_sees_a_drop():
    interval = paired_difference([1] * 200, [1] * 170 + [0] * 30).scaled(100)
    assert interval.estimate == pytest.approx(-15)
    assert interval.high < 0


def test_empty_and_bad_input():
    assert math.isnan(mean_interval([]).low)
    assert format_interval(percent_interval([])) == "—"
    with pytest.raises(ValueError):
        wilson(7, 6)
    with pytest.raises(ValueError):
        paired_difference([1], [1, 0])


def test_paired_difference_matches_newcombes_method_10():
    # Cavo et al. 2012 (Fagerland, Lydersen and Laake, "Statistical Analysis of Contingency Tables", ch. 8):
    # 59 both, 6 first only, 16 second only, 80 neither -> -0.0621 (95% CI -0.1186 to -0.0046)
    first = [1] * 59 + [1] * 6 + [0] * 16 + [0] * 80
    second = [1] * 59 + [0] * 6 + [1] * 16 + [0] * 80
    interval = paired_difference(second, first)
    assert interval.estimate == pytest.approx(-0.0621, abs=5e-5)
    assert (interval.low, interval.high) == pytest.approx((-0.1186, -0.0046), abs=5e-5)


def test_identical_runs_at_one_half_still_have_width():
    # phi without Newcombe's continuity correction is exactly 1 here, and the interval was 0-0
    scores = [1.0] * 50 + [0.0] * 50
    interval = paired_difference(scores, scores)
    assert interval.low < 0 < interval.high


# Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score), examples (a), (b), (d)
@pytest.mark.parametrize(
    ("first", "second", "low", "high"),
    [((56, 70), (48, 80), 0.0524, 0.3339), ((9, 10), (3, 10), 0.1705, 0.8090), ((5, 56), (0, 29), -0.0381, 0.1926)],
)
def test_unpaired_difference_matches_newcombes_table(first, second, low, high):
    interval = unpaired_difference(*first, *second)
    assert interval.low == pytest.approx(low, abs=1e-4) and interval.high == pytest.approx(high, abs=1e-4)


def test_unpaired_difference_never_collapses_at_the_ends():
    all_against_none = unpaired_difference(6, 6, 0, 6)
    assert all_against_none.estimate == 1.0 and all_against_none.low < 0.7 and all_against_none.high == 1.0
    tie = unpaired_difference(0, 5, 0, 9)
    assert tie.estimate == 0.0 and tie.low < 0 < tie.high
    assert math.isnan(unpaired_difference(1, 0, 1, 3).low)
