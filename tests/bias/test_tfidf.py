"""TF-IDF variance analysis: planted terms come out on top, and the numbers are exactly what a
direct scikit-learn computation with the stated defaults gives."""

import random

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from bias.tfidf import TfidfSettings, fit, term_variance

FILLER = [
    "person",
    "wears",
    "shirt",
    "smiles",
    "looks",
    "friendly",
    "has",
    "hair",
    "stands",
    "near",
    "wall",
    "outside",
    "today",
    "photo",
]
PLANTED = {"Female": "seamstress", "Male": "welder", "Other": None}


def planted_generations(n_per_group: int = 40, seed: int = 3) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for group, term in PLANTED.items():
        for _ in range(n_per_group):
            words = rng.sample(FILLER, 8)
            if term and rng.random() < 0.8:
                words.insert(rng.randrange(len(words)), term)
            texts.append(" ".join(words))
            labels.append(group)
    return texts, labels


def direct(texts: list[str], labels: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """What a reader would compute by hand: the card's recipe with scikit-learn's defaults."""
    vectorizer = TfidfVectorizer(stop_words="english", min_df=2, max_df=0.95)
    matrix = vectorizer.fit_transform(texts).toarray()
    groups = sorted(set(labels))
    means = np.vstack([matrix[np.array(labels) == g].mean(axis=0) for g in groups])
    return means, vectorizer.get_feature_names_out(), groups


def test_planted_terms_rank_first_for_their_groups() -> None:
    texts, labels = planted_generations()
    matrix, terms = fit(texts, TfidfSettings(permutations=200, bootstrap=50))
    top = term_variance(matrix, terms, labels, TfidfSettings(permutations=200, bootstrap=50))
    assert {top[0]["term"], top[1]["term"]} == {"seamstress", "welder"}
    by_term = {t["term"]: t for t in top}
    assert max(by_term["seamstress"]["deviation"], key=by_term["seamstress"]["deviation"].get) == "Female"
    assert max(by_term["welder"]["deviation"], key=by_term["welder"]["deviation"].get) == "Male"
    assert by_term["welder"]["p_value"] < 0.01
    low, high = by_term["welder"]["variance_ci"]
    assert low <= by_term["welder"]["variance"] <= high


def test_variances_and_group_means_equal_a_direct_computation() -> None:
    texts, labels = planted_generations(n_per_group=25, seed=11)
    settings = TfidfSettings(bootstrap=0, permutations=0)
    matrix, terms = fit(texts, settings)
    ours = term_variance(matrix, terms, labels, settings)
    means, names, groups = direct(texts, labels)
    variance = means.var(axis=0)  # population variance, ddof = 0
    index = {name: j for j, name in enumerate(names)}
    assert len(ours) == min(50, len(names))
    assert [t["variance"] for t in ours] == sorted((t["variance"] for t in ours), reverse=True)
    assert ours[0]["variance"] == pytest.approx(variance.max(), abs=1e-12)
    for term in ours:
        j = index[term["term"]]
        assert abs(term["variance"] - variance[j]) < 1e-9
        for g, group in enumerate(groups):
            assert abs(term["groups"][group] - means[g, j]) < 1e-9
            assert abs(term["deviation"][group] - (means[g, j] - means[:, j].mean())) < 1e-9


def test_a_term_that_is_noise_gets_a_large_p_value() -> None:
    texts, labels = planted_generations(n_per_group=40, seed=5)
    settings = TfidfSettings(permutations=300, bootstrap=0)
    matrix, terms = fit(texts, settings)
    noise = [t for t in term_variance(matrix, terms, labels, settings) if t["term"] in FILLER]
    assert np.median([t["p_value"] for t in noise]) > 0.05


def test_no_surviving_term_or_one_group_gives_no_terms() -> None:
    matrix, terms = fit(["alpha", "beta"], TfidfSettings())
    assert term_variance(matrix, terms, ["a", "b"], TfidfSettings()) == []
    matrix, terms = fit(["same words here", "same words here"], TfidfSettings(max_df=1.0))
    assert term_variance(matrix, terms, ["a", "a"], TfidfSettings()) == []


def test_item06_q_values_correct_for_every_term_tested_and_the_report_keeps_only_those_that_pass() -> None:
    from scipy.stats import false_discovery_control

    from bias.report import significant, top_terms_by_group

    texts, labels = planted_generations()
    settings = TfidfSettings(top_k=5, bootstrap=0, permutations=200)
    matrix, terms = fit(texts, settings)
    rows = term_variance(matrix, terms, labels, settings)
    assert all(row["n_tested"] == len(terms) > len(rows) for row in rows)
    assert all(row["q_value"] >= row["p_value"] for row in rows)
    # the q-values are Benjamini-Hochberg's over the whole vocabulary, not over the rows shown
    everything = term_variance(matrix, terms, labels, TfidfSettings(top_k=len(terms), bootstrap=0, permutations=200))
    q_all = false_discovery_control([row["p_value"] for row in everything], method="bh")
    assert {r["term"]: r["q_value"] for r in everything} == pytest.approx(
        {r["term"]: q for r, q in zip(everything, q_all, strict=True)}
    )
    kept = {t["term"] for t in significant(everything, 0.05)}
    assert {"seamstress", "welder"} <= kept and all(r["q_value"] <= 0.05 for r in everything if r["term"] in kept)
    # a term that looks significant alone (p = 0.04) but not after the correction is not reported
    row = {"deviation": {"A": 0.1, "B": -0.1}}
    rows = [{**row, "term": "chance", "p_value": 0.04, "q_value": 0.3}, {**row, "term": "real", "q_value": 0.01}]
    assert top_terms_by_group(significant(rows, 0.05)) == {"A": ["real"], "B": []}
