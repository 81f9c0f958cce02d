"""What the bias report says first: where the audit came from, one sentence per prompt and
attribute (the largest gap in toxic rates with its interval and whether it survives the
false-discovery rate, and how many terms differ beyond chance), and the charts of group rates."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from evals.stats import span_text
from reports.charts import Panel, Row, interval_chart
from reports.provenance import data_line, model_line


def plain(value: Any, digits: int = 3) -> str:
    """A number without scientific notation: 0.000224, 12.3, 0.5 (an en dash when there is none)."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "\u2013"
    return np.format_float_positional(float(value), precision=digits, unique=False, fractional=False, trim="-")


def signed(value: Any, digits: int = 3) -> str:
    if not isinstance(value, int | float) or not math.isfinite(value):
        return "\u2013"
    return ("+" if value > 0 else "\u2212" if value < 0 else "") + plain(abs(value), digits)


def span(low: float, high: float) -> str:
    """An interval of a difference, one decimal (see `evals.stats.span_text`)."""
    return span_text(low, high)


def variance_interval(term: dict[str, Any]) -> str:
    """A term's bootstrap interval of the variance, per 1,000; "no spread" where it has no width."""
    values = term.get("variance_ci") or []
    if len(values) != 2 or not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
        return "\u2013"  # not computed (--bootstrap 0)
    low, high = (plain(1000 * value) for value in values)
    return "no spread" if low == high else f"{low}\u2013{high}"


def significant(terms: list[dict[str, Any]], fdr: float) -> list[dict[str, Any]]:
    """The terms whose Benjamini-Hochberg q-value is within the false-discovery rate."""
    return [t for t in terms if isinstance(t.get("q_value"), float) and t["q_value"] <= fdr]  # NaN <= x is False


def provenance_rows(bias: dict[str, Any], classifier: str) -> list[tuple[str, str]]:
    """(name, value) rows: model, data, prompts, classifiers, harness, date."""
    about = bias.get("provenance") or {}
    rows = [("Model", model_line(about.get("model") or {}))]
    if about.get("dataset"):
        rows.append(("Data", data_line(about["dataset"], about.get("split"), about.get("n_images"))))
    else:
        rows.append(("Data", f"generations file {bias.get('source', 'unknown')} (its images' dataset is not recorded)"))
    rows.append(("Generations", f"{bias['n_generations']}; prompts {', '.join(bias['prompts'])}"))
    threshold = bias["settings"].get("toxic_threshold", 0.5)
    if classifier == "none":
        rows.append(("Toxicity classifier", "none (toxicity not measured)"))
    else:
        rows.append(
            ("Toxicity classifier", f"{classifier} (toxic when its probability is at least {plain(threshold)})")
        )
    tfidf = bias["settings"].get("tfidf", {})
    rows.append(
        (
            "TF-IDF",
            f"stop words {tfidf.get('stop_words') or 'none'}, min_df {plain(tfidf.get('min_df'))}, "
            f"max_df {plain(tfidf.get('max_df'))}, {tfidf.get('permutations')} permutations, "
            f"false-discovery rate {plain(tfidf.get('fdr', 0.05))} (Benjamini-Hochberg)",
        )
    )
    classification = bias.get("classification_provenance")
    if classification:
        where = data_line(classification.get("dataset"), classification.get("split"), None)
        rows.append(("Classification", f"{model_line(classification.get('model') or {})}; data {where}"))
    if about.get("harness"):
        rows.append(("Harness", about["harness"]))
    if about.get("date"):
        rows.append(("Date", about["date"]))
    return rows


def gap_sentence(prompt: str, attribute: str, gap: dict[str, Any], fdr: float, n_gaps: int) -> str:
    if gap.get("tie") or "higher" not in gap:
        return (
            f"{prompt} prompt, {attribute}: no difference between groups (all {100 * gap.get('rate', 0):.1f}% toxic)."
        )
    high, low = gap["higher"], gap["lower"]
    verdict = (
        "survives" if gap.get("survives_fdr") else "does not survive"
    ) + f" the false-discovery rate {plain(fdr)} (q = {plain(gap.get('q_value'))}, over {n_gaps} gaps)"
    if not math.isfinite(gap.get("q_value", float("nan"))):
        verdict = "not tested (no permutations)"
    return (
        f"{prompt} prompt, {attribute}: {high} {100 * gap['rates'][high]:.1f}% toxic (n = {gap['n'][high]}) "
        f"against {low} {100 * gap['rates'][low]:.1f}% (n = {gap['n'][low]}), a gap of {100 * gap['gap']:.1f} points "
        f"(95% interval {span(100 * gap['gap_ci'][0], 100 * gap['gap_ci'][1])}); {verdict}."
    )


def summary_sentences(bias: dict[str, Any], fdr: float) -> list[str]:
    """The gaps largest first (one sentence each), the ties in one sentence; then, per prompt and
    attribute, how many terms differ beyond chance and the words each group uses most."""
    gaps = bias.get("gaps") or {}
    n_gaps = sum(1 for by in gaps.values() for cell in by.values() if math.isfinite(cell.get("p_value", math.nan)))
    pairs = [(prompt, attribute) for prompt in bias["prompts"] for attribute in bias["attributes"]]
    found = [(p, a, gaps[p][a]) for p, a in pairs if gaps.get(p, {}).get(a)]
    real = sorted((g for g in found if not g[2].get("tie")), key=lambda g: (not g[2].get("survives_fdr"), -g[2]["gap"]))
    sentences = [gap_sentence(prompt, attribute, gap, fdr, n_gaps) for prompt, attribute, gap in real]
    ties = [f"{prompt} / {attribute}" for prompt, attribute, gap in found if gap.get("tie")]
    if ties:
        sentences.append(f"No difference in toxic rates between groups: {', '.join(ties)}.")
    quiet = []
    for prompt, attribute in pairs:
        terms = bias["tfidf"].get(prompt, {}).get(attribute, [])
        passing = significant(terms, fdr)
        if not terms:
            continue
        if not passing:
            quiet.append(f"{prompt} / {attribute}")
            continue
        groups = sorted({group for term in passing for group in term["deviation"]})
        most = {g: [t["term"] for t in passing if t["deviation"][g] > 0][:4] for g in groups}
        words = "; ".join(f"{g}: {', '.join(w)}" for g, w in most.items() if w)
        sentences.append(
            f"{prompt} prompt, {attribute}: {len(passing)} of {terms[0].get('n_tested', len(terms))} terms differ "
            f"between groups beyond chance (q \u2264 {plain(fdr)}); used most by {words}."
        )
    if quiet:
        sentences.append(f"No term differs between groups beyond chance: {', '.join(quiet)}.")
    return sentences


def rate_chart(bias: dict[str, Any], attribute: str) -> bytes | None:
    """Toxic rate of each group with its 95% interval, one panel per prompt on a shared axis."""
    panels = []
    for prompt in bias["prompts"]:
        cells = bias["toxicity"].get(prompt, {}).get(attribute, {})
        rows = [
            Row(group, 100 * c["rate"], 100 * c["rate_ci"][0], 100 * c["rate_ci"][1], c["n"])
            for group, c in cells.items()
            if c.get("rate_ci") and c["rate_ci"][0] is not None
        ]
        panels.append(Panel(f"{prompt} prompt", rows))
    return interval_chart(panels, "toxic generations (%)", f"Toxic rate by {attribute}")
