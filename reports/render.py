"""`idefics2-eval report`: runs into one self-contained HTML page, or Markdown for a model card.

The HTML loads nothing: styles inline, plots and thumbnails as data URLs, and a Content
Security Policy that forbids scripts and any fetch, so even a model output that slipped past the
escaping could not run or call out. All text from runs (prompts, generations, gold answers,
group names) is autoescaped.
"""

from __future__ import annotations

import base64
import io
import math
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from evals.errors import UserError
from evals.images import ImageError, SampleDataError, confined, open_image
from evals.records import SampleRecord
from evals.stats import Interval
from reports.audits import audit_rows, audits_markdown, breakdown_markdown, split_runs
from reports.compare import by_suite, comparison_context, gold_text, labels, on_off
from reports.pairing import Group, scores
from reports.published import comparison, match
from reports.runs import Run
from reports.text import md, png, pyplot

TEMPLATE = Path(__file__).parent / "templates" / "report.html.j2"
WORST_SHOWN = 20
THUMBNAIL = 160
GROUPS_CHARTED = 30
CONFIG_FIELDS = (
    ("model", ("config", "model")),
    ("revision", ("model", "revision")),
    ("dtype", ("model", "dtype")),
    ("attention", ("model", "attn")),
    ("quantization", ("model", "quantization")),
    ("image splitting", ("model", "image_splitting")),
    ("longest edge", ("model", "longest_edge")),
    ("shots", ("config", "shots")),
    ("limit", ("config", "limit")),
    ("prompt format", ("model", "prompt_format")),
    ("prompt version", ("suite", "prompt_version")),
    ("instruction", ("suite", "instruction")),
    ("image placement", ("suite", "image_placement")),
    ("max new tokens", ("config", "max_new_tokens")),
    ("batch size", ("config", "batch_size")),
    ("harness revision", ("git_revision",)),
    ("finished", ("finished_at",)),
)


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def thumbnail(ref: str, roots: list[Path], size: int = THUMBNAIL) -> str | None:
    """A small JPEG of the image as a data URL, or None when it cannot or must not be read.

    `samples.jsonl` is input like any other: only images inside the run's dataset folders are
    read (never `/etc/passwd` or a symlink out), and none larger than the pixel cap."""
    try:
        image = open_image(str(confined(Path(ref), roots)))
        image.thumbnail((size, size))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
    except (ImageError, SampleDataError, OSError, ValueError):
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


def image_roots(run: Run) -> list[Path]:
    """Where the run's images may be read from: its suite's dataset folders (none when the run
    has no manifest, as scored predictions have no images)."""
    from evals.suites import get_suite

    if not run.manifest:
        return []
    config = run.manifest.get("config", {})
    try:
        suite = get_suite(str(config.get("suite") or run.suite))
    except UserError:
        return []
    data = config.get("data")
    return suite.image_roots(data if isinstance(data, str) else None)


def imperfect(records: list[SampleRecord]) -> list[SampleRecord]:
    """Samples without full marks (errors included)."""
    return [r for r in records if r.error is not None or (r.score is not None and r.score < 1.0)]


def worst(records: list[SampleRecord], roots: list[Path], count: int = WORST_SHOWN) -> list[dict[str, Any]]:
    """The lowest-scored samples (errors first), for the sample browser; full marks left out."""
    ordered = sorted(
        imperfect(records), key=lambda r: (r.error is None, r.score if r.score is not None else -1.0, r.id)
    )
    return [
        {
            "id": r.id,
            "score": r.score,
            "prompt": r.prompt,
            "generation": r.generation,
            "answer": r.answer,
            "gold": gold_text(r.target),
            "error": r.error,
            "thumbnails": [t for t in (thumbnail(ref, roots) for ref in r.images[:4]) if t],
        }
        for r in ordered[:count]
    ]


def breakdown_chart(run: Run) -> str | None:
    """A bar chart of the first breakdown with a manageable number of groups, as a data URL: the axis
    zoomed to the data, each bar with its value and 95% interval."""
    for key, groups in run.results.get("breakdowns", {}).items():
        if 1 < len(groups) <= GROUPS_CHARTED:
            found = {g.name: g.score for g in scores(run) if g.key == key}  # with intervals for older files too
            names = [n for n in groups if not math.isnan(found[n].estimate)]  # a group with no score has no bar
            if len(names) < 2:
                continue
            plt = pyplot()
            intervals = [found[n] for n in names]
            values = [i.estimate for i in intervals]
            lows = [i.estimate if math.isnan(i.low) else i.low for i in intervals]  # NaN: a file without ci
            highs = [i.estimate if math.isnan(i.high) else i.high for i in intervals]
            errors = [  # never negative, even where a hand-edited file's score lies outside its ci
                [max(0.0, v - low) for v, low in zip(values, lows, strict=True)],
                [max(0.0, high - v) for v, high in zip(values, highs, strict=True)],
            ]
            figure, axis = plt.subplots(figsize=(max(5.5, 0.6 * len(names) + 2.5), 3.4), dpi=100)
            bars = axis.bar(range(len(names)), values, yerr=errors, capsize=3, color="#4c72b0")
            axis.bar_label(bars, labels=[f"{v:.1f}" for v in values], fontsize=7, padding=2)
            floor = max(0.0, math.floor(min(lows) / 5) * 5 - 5)
            axis.set_ylim(floor, 100 + (100 - floor) * 0.08)  # room for the value above a bar at 100
            metric = run.results.get("metric", "score")
            axis.set_ylabel(f"{metric} (%), 95% intervals" + (f"; axis from {floor:g}" if floor else ""), fontsize=8)
            shown = [f"{n} (n={groups[n].get('n')})" for n in names]
            axis.set_xticks(range(len(names)), [t if len(t) <= 30 else t[:29] + "\u2026" for t in shown], fontsize=7)
            if len(names) > 4:
                axis.tick_params(axis="x", labelrotation=35)
                for label in axis.get_xticklabels():
                    label.set_horizontalalignment("right")
            axis.set_title(f"{run.key} by {key}", fontsize=9)
            axis.grid(axis="y", alpha=0.3)
            figure.tight_layout()
            return "data:image/png;base64," + base64.b64encode(png(figure)).decode()
    return None


def breakdown_groups(run: Run) -> dict[str, list[Group]]:
    """Each breakdown's groups with their intervals (computed from the samples for files written before `ci`)."""
    found: dict[str, list[Group]] = {}
    for group in scores(run)[1:]:
        if not math.isnan(group.score.estimate):
            found.setdefault(group.key, []).append(group)
    return found


def thumbnails_of(run: Run, refs: list[str]) -> list[str]:
    roots = image_roots(run)
    return [t for t in (thumbnail(ref, roots) for ref in refs) if t]


def run_context(run: Run, label: str | None = None, with_samples: bool = True, chart: bool = True) -> dict[str, Any]:
    interval: Interval | None = scores(run)[0].score
    if math.isnan(interval.estimate) or math.isnan(interval.low):
        interval = None
    found = match(run)
    wrong = imperfect(run.records) if with_samples else []
    return {
        "key": run.key,
        "label": label or run.model,
        "root": str(run.root),
        "model": run.model,
        "results": run.results,
        "interval": interval,
        "published": found.published if found else None,
        "published_row": found.row["model"] if found and found.row else None,
        "published_caveat": found.caveat if found else None,
        "column": found.column["title"] if found else None,
        "config": [
            (name, on_off(value)) for name, path in CONFIG_FIELDS if (value := _get(run.manifest, path)) is not None
        ],
        "chart": breakdown_chart(run) if with_samples and chart else None,
        "worst": worst(run.records, image_roots(run)) if with_samples else [],
        "breakdowns": breakdown_groups(run),
        "n_imperfect": len(wrong),
        "n_records": len(run.records),
    }


def render_html(runs: list[Run]) -> str:
    environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    runs, audits = split_runs(runs)  # audits have their own section and headline, never "server"
    named = labels(runs)
    compared = {key: group for key, group in by_suite(runs).items() if len(group) > 1}
    comparisons = [comparison_context(group, thumbnails_of) for group in compared.values()]
    contexts = [run_context(run, label, chart=run.key not in compared) for run, label in zip(runs, named, strict=True)]
    return template.render(runs=contexts, comparisons=comparisons, table=comparison(runs), audits=audit_rows(audits))


def settings_line(run: Run) -> str:
    """What the HTML page's settings table says, on one line."""
    found = [(name, on_off(value)) for name, path in CONFIG_FIELDS if (value := _get(run.manifest, path)) is not None]
    return "; ".join(f"{name} {md(value)}" for name, value in found) or "not recorded"


def render_markdown(runs: list[Run]) -> str:
    runs, audits = split_runs(runs)
    lines = ["## Evaluation results", "", "| suite | split | model | score | 95% interval | n | errors | unresolved |"]
    lines.append("|---|---|---|---|---|---|---|---|")
    if not runs:
        lines = ["## Evaluation results", "", "No benchmark runs: only audits (below)."]
    for run, label in zip(runs, labels(runs), strict=True):
        interval = run_context(run, with_samples=False)["interval"]
        score = run.results.get("score")
        cells = [
            md(run.suite),
            md(run.split),
            md(label),
            f"{score:.2f}" if score is not None else "server",
            f"{interval.low:.2f}-{interval.high:.2f}" if interval else "-",
            *(str(run.results.get(key, "")) for key in ("n", "n_errors", "n_unresolved")),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    data = comparison(runs)
    if data["columns"]:
        titles = [c["title"] for c in data["columns"]]
        lines += ["", "| model | " + " | ".join(map(md, titles)) + " |", "|---" * (len(titles) + 1) + "|"]
        for row in data["rows"]:
            cells = [row["scores"].get(c["key"]) for c in data["columns"]]
            name = md(row["model"]) if row["published"] else f"**{md(row['model'])}**"
            lines.append(f"| {name} | " + " | ".join("-" if v is None else f"{v:.1f}" for v in cells) + " |")
        lines += ["", f"Published figures: {md(data['source'])}"]
    for group in by_suite(runs).values():
        if len(group) > 1:
            lines += markdown_comparison(comparison_context(group, lambda run, refs: []))
    for run, label in zip(runs, labels(runs), strict=True):
        # each run under its own heading with its settings: two runs' breakdowns otherwise read alike
        lines += ["", f"### {md(run.key)} \u00b7 {md(label)}", "", "Settings: " + settings_line(run) + "."]
        lines += breakdown_markdown(run)
    lines += audits_markdown(audits)
    if runs:
        paired = "; changes with Newcombe's paired interval" if any(len(g) > 1 for g in by_suite(runs).values()) else ""
        lines += ["", f"Scores in percent with 95% Wilson intervals{paired}."]
    return "\n".join(lines) + "\n"


def markdown_comparison(data: dict[str, Any]) -> list[str]:
    """The comparison table of one suite and split: runs as columns, changes beside every run after the first."""
    titles = [md(data["labels"][0]) + " (baseline)"]
    for label in data["labels"][1:]:
        titles += [md(label), "change"]
    lines = ["", f"### Comparison: {md(data['key'])}", "", "| group | " + " | ".join(titles) + " |"]
    lines.append("|---" * (len(titles) + 1) + "|")
    for row in data["table"]:
        cells = []
        for index, cell in enumerate(row["cells"]):
            s = cell["score"]
            cells.append(f"{s.estimate:.2f} ({s.low:.1f}-{s.high:.1f})" if s else "-")
            if index:
                d = cell["change"].difference if cell["change"] else None
                cells.append(f"{d.estimate:+.2f} ({d.low:+.1f} to {d.high:+.1f})" if d else "-")
        name = "overall" if not row["key"] else f"{md(row['key'])}: {md(row['name'])}"
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    for review in data["reviews"]:
        counts = f"{review['n_regressed']} samples regressed, {review['n_improved']} improved"
        lines += ["", f"{md(review['label'])} against the baseline: {counts}."]
        for kind in ("regressed", "improved"):  # the HTML page's lists, one row per sample
            shown = review[kind]
            if shown:
                lines += ["", f"{kind.capitalize()} ({len(shown)} of {review['n_' + kind]} shown):", ""]
                lines += ["| sample | baseline | candidate | gold |", "|---|---|---|---|"]
                lines += [
                    f"| {md(f['id'])} | {md(_short(f['baseline_answer']))} ({f['baseline_score'] or 0:.2f}) | "
                    f"{md(_short(f['candidate_answer']))} ({f['candidate_score'] or 0:.2f}) | {md(f['gold_short'])} |"
                    for f in shown
                ]
    return lines


def _short(text: object, limit: int = 80) -> str:
    value = " ".join(str(text).split())
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"
