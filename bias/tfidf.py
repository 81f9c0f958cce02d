"""TF-IDF variance analysis, as the Idefics2 card did it, with uncertainty added.

Per prompt: fit TF-IDF on all generations for that prompt; per attribute, average the TF-IDF
vectors of each group; rank terms by the population variance (ddof = 0) of the group means; give
each group's deviation from the mean of the group means.

Beyond the card, for each top term: a bootstrap 95% interval of its variance (generations
resampled within each group) and a permutation p-value (group labels shuffled, group sizes kept:
how often chance alone gives a variance as large), and its Benjamini-Hochberg q-value over every
term of the vocabulary (hundreds of terms are tested, so some p-values are small by chance alone).
Reports call a term one a group "uses most" only when its q-value is within the stated
false-discovery rate (`fdr`, 5% by default).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class TfidfSettings:
    stop_words: str | None = "english"
    min_df: float = 2
    max_df: float = 0.95
    top_k: int = 50
    bootstrap: int = 200
    permutations: int = 1000
    seed: int = 0
    # Benjamini-Hochberg false-discovery rate over every term tested: reports name as "used most"
    # by a group only the terms whose q-value is at most this.
    fdr: float = 0.05

    def vectorizer(self) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        # whole numbers mean document counts to scikit-learn, fractions mean shares
        min_df = int(self.min_df) if float(self.min_df).is_integer() and self.min_df >= 1 else self.min_df
        max_df = int(self.max_df) if float(self.max_df).is_integer() and self.max_df > 1 else self.max_df
        return TfidfVectorizer(stop_words=self.stop_words, min_df=min_df, max_df=max_df)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "vectorizer": "sklearn TfidfVectorizer, other settings at their defaults"}


def group_means(matrix: Any, labels: np.ndarray, groups: Sequence[str]) -> np.ndarray:
    """One row per group: the mean of its rows of `matrix` (sparse or dense)."""
    return np.vstack([np.asarray(matrix[labels == group].mean(axis=0)).ravel() for group in groups])


def fit(texts: Sequence[str], settings: TfidfSettings) -> tuple[Any, np.ndarray]:
    """The TF-IDF matrix of all generations for one prompt and its vocabulary."""
    vectorizer = settings.vectorizer()
    try:
        matrix = vectorizer.fit_transform(list(texts))
    except ValueError:  # no term survives the document-frequency limits
        return None, np.array([], dtype=object)
    return matrix, vectorizer.get_feature_names_out()


def term_variance(
    matrix: Any, terms: np.ndarray, labels: Sequence[str], settings: TfidfSettings
) -> list[dict[str, Any]]:
    """The top terms by variance of the group means, with their group means, deviations,
    bootstrap interval and permutation p-value; sorted by variance, largest first."""
    labels_array = np.asarray(labels, dtype=object)
    groups = sorted(set(labels_array.tolist()))
    if matrix is None or len(groups) < 2:
        return []
    means = group_means(matrix, labels_array, groups)
    variance = means.var(axis=0)
    top = np.argsort(-variance, kind="stable")[: settings.top_k]
    center = means.mean(axis=0)
    columns = np.asarray(matrix[:, top].todense()) if hasattr(matrix, "todense") else np.asarray(matrix[:, top])
    low, high = _bootstrap_interval(columns, labels_array, groups, settings)
    # Every term of the vocabulary is tested (the top ones were chosen from all of them), so the
    # correction for multiple testing runs over all of them.
    p_values = _permutation_p(matrix, labels_array, groups, variance, settings)
    q_values = q_values_of(p_values)
    return [
        {
            "term": str(terms[j]),
            "variance": float(variance[j]),
            "variance_ci": [float(low[k]), float(high[k])],
            "p_value": float(p_values[j]),
            "q_value": float(q_values[j]),
            "n_tested": int(variance.size),
            "groups": {group: float(means[g, j]) for g, group in enumerate(groups)},
            "deviation": {group: float(means[g, j] - center[j]) for g, group in enumerate(groups)},
        }
        for k, j in enumerate(top)
    ]


def _bootstrap_interval(
    columns: np.ndarray, labels: np.ndarray, groups: list[str], settings: TfidfSettings
) -> tuple[np.ndarray, np.ndarray]:
    if settings.bootstrap <= 0:
        nan = np.full(columns.shape[1], np.nan)
        return nan, nan
    rng = np.random.default_rng(settings.seed)
    members = [np.flatnonzero(labels == group) for group in groups]
    draws = np.empty((settings.bootstrap, columns.shape[1]))
    for b in range(settings.bootstrap):
        means = np.vstack([columns[rng.choice(rows, size=len(rows))].mean(axis=0) for rows in members])
        draws[b] = means.var(axis=0)
    return np.percentile(draws, 2.5, axis=0), np.percentile(draws, 97.5, axis=0)


def q_values_of(p_values: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (NaN where there are no p-values)."""
    from scipy.stats import false_discovery_control

    if p_values.size == 0 or np.isnan(p_values).any():
        return np.full(p_values.shape, np.nan)
    return false_discovery_control(p_values, method="bh")


def _permutation_p(
    columns: Any, labels: np.ndarray, groups: list[str], observed: np.ndarray, settings: TfidfSettings
) -> np.ndarray:
    """Per term, the share of label shufflings whose group-mean variance reaches the observed one;
    `columns` may be the whole sparse TF-IDF matrix (each shuffle costs one sparse product)."""
    if settings.permutations <= 0:
        return np.full(columns.shape[1], np.nan)
    rng = np.random.default_rng(settings.seed + 1)
    indicator = np.vstack([(labels == group).astype(float) for group in groups])
    sizes = indicator.sum(axis=1, keepdims=True)
    at_least = np.zeros(columns.shape[1])
    for _ in range(settings.permutations):
        shuffled = indicator[:, rng.permutation(indicator.shape[1])]
        means = np.asarray(columns.T @ shuffled.T).T / sizes
        at_least += means.var(axis=0) >= observed - 1e-15
    return (at_least + 1) / (settings.permutations + 1)
