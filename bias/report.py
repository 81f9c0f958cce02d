"""The bias report: one self-contained HTML page and a Markdown version for a model card.

Both are pure functions of `bias.json` (and `classification.json` when there is one). They open
with what was audited (model, data, prompts, classifiers, harness, date) and a summary (the
largest gap per prompt and attribute, with its interval and whether it survives the false-
discovery rate), then the charts, then the tables. Everything that comes from data or model
output (terms, group names, prompts) is escaped: autoescaping in the HTML, backslash escapes in
the Markdown.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from bias.summary import (
    gap_sentence,
    plain,
    provenance_rows,
    rate_chart,
    signed,
    significant,
    summary_sentences,
    variance_interval,
)
from evals.store import atomic_file, write_text_atomic
from reports.text import md

# The Idefics2 model card's FairFace table (0-shot; accuracy % and std over the 14 gender x race
# buckets), shown beside a classification result on FairFace (or on data not recorded).
CARD_CLASSIFICATION = [
    {"model": "Idefics1 9B instruct", "gender": (92.7, 6.3), "race": (59.6, 22.2), "age": (43.9, 3.9)},
    {"model": "Idefics1 80B instruct", "gender": (95.7, 2.4), "race": (63.4, 25.6), "age": (47.1, 2.9)},
    {"model": "Idefics2 8B instruct", "gender": (96.3, 3.0), "race": (41.6, 40.9), "age": (53.5, 3.0)},
]
TERMS_PER_GROUP = 8
__all__ = ["render_html", "render_markdown", "significant", "top_terms_by_group", "write_report"]


def top_terms_by_group(terms: list[dict[str, Any]], count: int = TERMS_PER_GROUP) -> dict[str, list[str]]:
    """For each group, the top-variance terms it uses most above the mean of the groups."""
    groups = sorted({group for term in terms for group in term["deviation"]})
    return {
        group: [t["term"] for t in sorted(terms, key=lambda t: -t["deviation"][group]) if t["deviation"][group] > 0][
            :count
        ]
        for group in groups
    }


def _classification_context(bias: dict[str, Any], classification: dict[str, Any] | None) -> dict[str, Any] | None:
    if not classification:
        return None
    dataset = (bias.get("classification_provenance") or {}).get("dataset")
    if dataset == "fairface":
        title, note, card = "FairFace classification (0-shot, ranking)", "", CARD_CLASSIFICATION
    elif dataset:
        title, card = "Classification (0-shot, ranking) on local data, not FairFace", []
        note = "The model card's FairFace figures are left out: they are not comparable with this data."
    else:
        title, card = "Classification (0-shot, ranking)", CARD_CLASSIFICATION
        note = "The data this classification ran on is not recorded: the card's rows are on FairFace."
    rows = [
        f"{a['accuracy']:.1f} ({a['std']:.1f})" if isinstance(a := classification.get(name), dict) else "\u2013"
        for name in ("gender", "race", "age")
    ]
    return {"title": title, "note": note, "card": card, "this_run": rows}


def _context(bias: dict[str, Any], classification: dict[str, Any] | None) -> dict[str, Any]:
    fdr = float(bias["settings"].get("tfidf", {}).get("fdr", 0.05))
    classifier = bias["settings"].get("toxicity_classifier") or "none"
    gaps = bias.get("gaps") or {}
    n_gaps = sum(1 for by in gaps.values() for cell in by.values() if cell.get("q_value") == cell.get("q_value"))
    sections = []
    for prompt in bias["prompts"]:
        for attribute in bias["attributes"]:
            terms = bias["tfidf"].get(prompt, {}).get(attribute, [])
            passing = significant(terms, fdr)
            gap = gaps.get(prompt, {}).get(attribute)
            sections.append(
                {
                    "prompt": prompt,
                    "attribute": attribute,
                    "sizes": bias["groups"].get(prompt, {}).get(attribute, {}),
                    "terms": passing,
                    "folded": [t for t in terms if t not in passing],
                    "by_group": top_terms_by_group(passing),
                    "n_tested": terms[0].get("n_tested", len(terms)) if terms else 0,
                    "toxicity": bias["toxicity"].get(prompt, {}).get(attribute, {}),
                    "gap": gap_sentence(prompt, attribute, gap, fdr, n_gaps) if gap else None,
                }
            )
    model = (bias.get("provenance") or {}).get("model", {}).get("name")
    return {
        "bias": bias,
        "title": f"Bias audit: {model}" if model else "Bias audit",
        "provenance": provenance_rows(bias, classifier),
        "warnings": bias.get("warnings", []),
        "summary": summary_sentences(bias, fdr),
        "sections": sections,
        "classification": _classification_context(bias, classification),
        "fdr": fdr,
    }


TEMPLATE = Path(__file__).parent / "templates" / "bias.html.j2"


def charts(bias: dict[str, Any]) -> dict[str, bytes]:
    made = {attribute: rate_chart(bias, attribute) for attribute in bias["attributes"]}
    return {attribute: image for attribute, image in made.items() if image}


def render_html(
    bias: dict[str, Any], classification: dict[str, Any] | None = None, images: dict[str, bytes] | None = None
) -> str:
    environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    environment.filters["plain"] = plain
    environment.filters["signed"] = signed
    environment.filters["variance_interval"] = variance_interval
    images = charts(bias) if images is None else images
    encoded = {attribute: base64.b64encode(image).decode() for attribute, image in images.items()}
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    return template.render(charts=encoded, **_context(bias, classification))


def term_table(terms: list[dict[str, Any]], groups: list[str]) -> list[str]:
    """The HTML page's table of the terms that pass, in Markdown: variance, its interval, p, q, deviations."""
    header = "| term | variance of group means \u00d71000 | 95% interval | p | q (BH) | "
    header += " | ".join(f"{md(g)} \u00d71000" for g in groups) + " |"
    lines = [header, "|---" * (5 + len(groups)) + "|"]
    for t in terms:
        deviations = " | ".join(signed(1000 * t["deviation"][g]) if g in t["deviation"] else "\u2013" for g in groups)
        lines.append(
            f"| {md(t['term'])} | {plain(1000 * t['variance'])} | {variance_interval(t)} | {plain(t.get('p_value'))} | "
            f"{plain(t.get('q_value'))} | {deviations} |"
        )
    return [*lines, "", "Per group: its mean TF-IDF weight minus the mean of the group means, per 1,000."]


def render_markdown(
    bias: dict[str, Any], classification: dict[str, Any] | None = None, chart_files: dict[str, str] | None = None
) -> str:
    context = _context(bias, classification)
    lines = [f"## {md(context['title'])}", ""]
    lines += [f"- **{md(name)}**: {md(value)}" for name, value in context["provenance"]]
    lines += [""] + [f"> **Warning**: {md(text)}" for text in context["warnings"]]
    lines += ["", "### Summary", ""] + [f"- {md(sentence)}" for sentence in context["summary"]]
    lines += [""] + [f"- Small group: {md(flag)}" for flag in bias["flags"]] + ([""] if bias["flags"] else [])
    for attribute, path in (chart_files or {}).items():
        lines += [f"![toxic rate by {md(attribute)}, per prompt, with 95% intervals]({path})", ""]
    for s in context["sections"]:
        lines += [f"### {md(s['prompt'])} / {md(s['attribute'])}", ""]
        if s["gap"]:
            lines += [md(s["gap"]), ""]
        if s["toxicity"]:
            lines += ["| group | n | mean toxicity | toxic rate | 95% interval |", "|---|---|---|---|---|"]
            for group, t in s["toxicity"].items():
                low, high = (100 * value for value in t["rate_ci"])
                rate = f"{100 * t['rate']:.1f}% | {low:.1f}\u2013{high:.1f}%"
                lines.append(f"| {md(group)} | {t['n']} | {plain(t.get('mean'))} | {rate} |")
            lines.append("")
        if s["n_tested"]:
            rule = f"q \u2264 {plain(context['fdr'])}, Benjamini-Hochberg over {s['n_tested']} terms"
            if s["terms"]:
                lines += [f"Terms a group uses most ({rule}):", "", "| group | terms it uses most |", "|---|---|"]
                lines += [f"| {md(g)} | {', '.join(map(md, words))} |" for g, words in s["by_group"].items() if words]
                lines += ["", *term_table(s["terms"], list(s["sizes"]))]
            else:
                lines.append(f"No term passes that false-discovery rate ({rule}): differences are within chance.")
            lines.append("")
    table = context["classification"]
    if table:
        lines += [f"### {md(table['title'])}", "", "| model | gender | race | age |", "|---|---|---|---|"]
        lines.append(f"| this run | {' | '.join(table['this_run'])} |")
        for row in table["card"]:
            cells = [f"{row[a][0]} ({row[a][1]})" for a in ("gender", "race", "age")]
            lines.append(f"| {row['model']} (card) | {' | '.join(cells)} |")
        lines += ["", table["note"], ""] if table["note"] else [""]
    return "\n".join(lines)


def write_report(out: Path, bias: dict[str, Any], classification: dict[str, Any] | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files, images = {}, charts(bias)
    for attribute, image in images.items():
        files[attribute] = f"bias_toxicity_{attribute}.png"
        with atomic_file(out / files[attribute], "wb") as handle:
            handle.write(image)
    write_text_atomic(out / "bias.html", render_html(bias, classification, images))
    write_text_atomic(out / "bias.md", render_markdown(bias, classification, files))
    return [out / "bias.html", out / "bias.md", *(out / name for name in files.values())]
