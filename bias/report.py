"""The bias report: one self-contained HTML page and a Markdown version for a model card.

Both are pure functions of `bias.json` (and `classification.json` when there is one). Everything
that comes from data or model output (terms, group names, prompts) is escaped: autoescaping in
the HTML, entity and pipe escaping in the Markdown.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from evals.store import atomic_file, write_text_atomic
from reports.text import md, png, pyplot

# The Idefics2 model card's FairFace table (0-shot; accuracy % and std over the 14 gender x race
# buckets), shown beside a classification result.
CARD_CLASSIFICATION = [
    {"model": "Idefics1 9B instruct", "gender": (92.7, 6.3), "race": (59.6, 22.2), "age": (43.9, 3.9)},
    {"model": "Idefics1 80B instruct", "gender": (95.7, 2.4), "race": (63.4, 25.6), "age": (47.1, 2.9)},
    {"model": "Idefics2 8B instruct", "gender": (96.3, 3.0), "race": (41.6, 40.9), "age": (53.5, 3.0)},
]
TERMS_SHOWN = 15
TERMS_PER_GROUP = 8


def significant(terms: list[dict[str, Any]], fdr: float) -> list[dict[str, Any]]:
    """The terms whose Benjamini-Hochberg q-value is within the false-discovery rate."""
    return [t for t in terms if isinstance(t.get("q_value"), float) and t["q_value"] <= fdr]  # NaN <= x is False


def top_terms_by_group(terms: list[dict[str, Any]], count: int = TERMS_PER_GROUP) -> dict[str, list[str]]:
    """For each group, the top-variance terms it uses most above the mean of the groups."""
    groups = sorted({group for term in terms for group in term["deviation"]})
    return {
        group: [t["term"] for t in sorted(terms, key=lambda t: -t["deviation"][group]) if t["deviation"][group] > 0][
            :count
        ]
        for group in groups
    }


def bar_chart(bias: dict[str, Any], attribute: str) -> bytes | None:
    """Toxicity rate per group (bars per prompt, 95% bootstrap intervals), as PNG bytes."""
    prompts = [p for p in bias["prompts"] if bias["toxicity"].get(p, {}).get(attribute)]
    if not prompts:
        return None
    plt = pyplot()
    groups = sorted({g for p in prompts for g in bias["toxicity"][p][attribute]})
    width = 0.8 / len(prompts)
    figure, axis = plt.subplots(figsize=(max(5.0, 1.1 * len(groups) + 2), 3.4), dpi=100)
    for k, prompt in enumerate(prompts):
        cells = [bias["toxicity"][prompt][attribute].get(g) for g in groups]
        rates = [100 * c["rate"] if c else 0.0 for c in cells]
        errors = [
            [max(0.0, r - 100 * c["rate_ci"][0]) if c else 0.0 for r, c in zip(rates, cells, strict=True)],
            [max(0.0, 100 * c["rate_ci"][1] - r) if c else 0.0 for r, c in zip(rates, cells, strict=True)],
        ]
        positions = [i + k * width - 0.4 + width / 2 for i in range(len(groups))]
        axis.bar(positions, rates, width, yerr=errors, capsize=2, label=prompt)
    axis.set_xticks(range(len(groups)), groups, rotation=30, ha="right", fontsize=8)
    axis.set_ylim(bottom=0, top=max(5.0, axis.get_ylim()[1]))
    axis.set_ylabel("toxic generations (%)")
    axis.set_title(f"Toxicity by {attribute}")
    axis.legend(fontsize=8)
    figure.tight_layout()
    return png(figure)


def _context(bias: dict[str, Any], classification: dict[str, Any] | None) -> dict[str, Any]:
    fdr = float(bias["settings"].get("tfidf", {}).get("fdr", 0.05))
    sections = []
    for prompt in bias["prompts"]:
        for attribute in bias["attributes"]:
            terms = bias["tfidf"].get(prompt, {}).get(attribute, [])
            sections.append(
                {
                    "prompt": prompt,
                    "attribute": attribute,
                    "sizes": bias["groups"].get(prompt, {}).get(attribute, {}),
                    "terms": terms[:TERMS_SHOWN],
                    "by_group": top_terms_by_group(significant(terms, fdr)),
                    "n_tested": terms[0].get("n_tested", len(terms)) if terms else 0,
                    "toxicity": bias["toxicity"].get(prompt, {}).get(attribute, {}),
                }
            )
    return {
        "bias": bias,
        "sections": sections,
        "classification": classification,
        "card": CARD_CLASSIFICATION,
        "classifier": bias["settings"].get("toxicity_classifier") or "none",
        "fdr": fdr,
    }


TEMPLATE = Path(__file__).parent / "templates" / "bias.html.j2"


def render_html(bias: dict[str, Any], classification: dict[str, Any] | None = None) -> str:
    environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    charts = {}
    for attribute in bias["attributes"]:
        png = bar_chart(bias, attribute)
        if png:
            charts[attribute] = base64.b64encode(png).decode()
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    return template.render(charts=charts, **_context(bias, classification))


def render_markdown(
    bias: dict[str, Any], classification: dict[str, Any] | None = None, charts: dict[str, str] | None = None
) -> str:
    context = _context(bias, classification)
    lines = [
        "## Bias evaluation",
        "",
        f"{bias['n_generations']} generations; prompts {', '.join(map(md, bias['prompts']))}; "
        f"toxicity classifier: {md(context['classifier'])}.",
        "",
    ]
    lines += [f"- {md(flag)}" for flag in bias["flags"]] + ([""] if bias["flags"] else [])
    for attribute, path in (charts or {}).items():
        lines += [f"![toxicity by {md(attribute)}]({path})", ""]
    for s in context["sections"]:
        lines += [f"### {md(s['prompt'])} / {md(s['attribute'])}", ""]
        if s["toxicity"]:
            lines += ["| group | n | toxic rate | 95% interval |", "|---|---|---|---|"]
            for group, t in s["toxicity"].items():
                low, high = (100 * value for value in t["rate_ci"])
                lines.append(f"| {md(group)} | {t['n']} | {100 * t['rate']:.1f}% | {low:.1f}-{high:.1f}% |")
            lines.append("")
        if s["terms"]:
            rule = f"q <= {context['fdr']:g}, Benjamini-Hochberg over {s['n_tested']} terms"
            lines += [f"Terms a group uses most ({rule}):", ""]
            if any(s["by_group"].values()):
                lines += ["| group | terms it uses most |", "|---|---|"]
                lines += [f"| {md(g)} | {', '.join(map(md, words))} |" for g, words in s["by_group"].items() if words]
            else:
                lines.append("No term passes that false-discovery rate.")
            lines.append("")
    if classification:
        lines += ["### FairFace classification", "", "| model | gender | race | age |", "|---|---|---|---|"]
        cells = [
            f"{a['accuracy']:.1f} ({a['std']:.1f})" if (a := classification.get(name)) else "-"
            for name in ("gender", "race", "age")
        ]
        lines.append(f"| this run | {' | '.join(cells)} |")
        for row in CARD_CLASSIFICATION:
            cells = [f"{row[a][0]} ({row[a][1]})" for a in ("gender", "race", "age")]
            lines.append(f"| {row['model']} (card) | {' | '.join(cells)} |")
        lines.append("")
    return "\n".join(lines)


def write_report(out: Path, bias: dict[str, Any], classification: dict[str, Any] | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    charts = {}
    for attribute in bias["attributes"]:
        png = bar_chart(bias, attribute)
        if png:
            name = f"bias_toxicity_{attribute}.png"
            with atomic_file(out / name, "wb") as handle:
                handle.write(png)
            charts[attribute] = name
    write_text_atomic(out / "bias.html", render_html(bias, classification))
    write_text_atomic(out / "bias.md", render_markdown(bias, classification, charts))
    return [out / "bias.html", out / "bias.md", *(out / name for name in charts.values())]
