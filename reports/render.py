"""`idefics2-eval report`: runs into one self-contained HTML page, or Markdown for a model card.

The HTML loads nothing: styles inline, plots and thumbnails as data URLs, and a Content
Security Policy that forbids scripts and any fetch, so even a model output that slipped past the
escaping could not run or call out. All text from runs (prompts, generations, gold answers,
group names) is autoescaped.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from evals.errors import UserError
from evals.images import ImageError, SampleDataError, confined, open_image
from evals.records import SampleRecord
from reports.audits import audit_rows, audits_markdown, breakdown_markdown, split_runs
from reports.published import comparison, match
from reports.runs import Run
from reports.stats import mean_interval
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


def worst(records: list[SampleRecord], roots: list[Path], count: int = WORST_SHOWN) -> list[dict[str, Any]]:
    """The lowest-scored samples (errors first), for the sample browser; full marks left out."""
    imperfect = [r for r in records if r.error is not None or (r.score is not None and r.score < 1.0)]
    ordered = sorted(imperfect, key=lambda r: (r.error is None, r.score if r.score is not None else -1.0, r.id))
    return [
        {
            "id": r.id,
            "score": r.score,
            "prompt": r.prompt,
            "generation": r.generation,
            "answer": r.answer,
            "gold": json.dumps(r.target, ensure_ascii=False)[:2000],
            "error": r.error,
            "thumbnails": [t for t in (thumbnail(ref, roots) for ref in r.images[:4]) if t],
        }
        for r in ordered[:count]
    ]


def breakdown_chart(run: Run) -> str | None:
    """A bar chart of the first breakdown with a manageable number of groups, as a data URL."""
    for key, groups in run.results.get("breakdowns", {}).items():
        if 1 < len(groups) <= GROUPS_CHARTED:
            plt = pyplot()
            names = list(groups)
            figure, axis = plt.subplots(figsize=(max(4.5, 0.45 * len(names) + 2), 3.2), dpi=100)
            axis.bar(range(len(names)), [groups[n]["score"] for n in names], color="#4c72b0")
            axis.set_xticks(range(len(names)), names, rotation=40, ha="right", fontsize=7)
            axis.set_ylabel(run.results.get("metric", "score"))
            axis.set_title(f"{run.key} by {key}")
            figure.tight_layout()
            return "data:image/png;base64," + base64.b64encode(png(figure)).decode()
    return None


def run_context(run: Run, with_samples: bool = True) -> dict[str, Any]:
    units = list(run.units().values())
    interval = mean_interval(units) if run.results.get("score") is not None and units else None
    found = match(run)
    return {
        "key": run.key,
        "root": str(run.root),
        "model": run.model,
        "results": run.results,
        "interval": interval,
        "published": found.published if found else None,
        "published_row": found.row["model"] if found and found.row else None,
        "published_caveat": found.caveat if found else None,
        "column": found.column["title"] if found else None,
        "config": [(name, value) for name, path in CONFIG_FIELDS if (value := _get(run.manifest, path)) is not None],
        "chart": breakdown_chart(run) if with_samples else None,
        "worst": worst(run.records, image_roots(run)) if with_samples else [],
    }


def render_html(runs: list[Run]) -> str:
    environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    benchmarks, audits = split_runs(runs)  # audits have their own section and headline, never "server"
    return template.render(
        runs=[run_context(run) for run in benchmarks], table=comparison(benchmarks), audits=audit_rows(audits)
    )


def render_markdown(runs: list[Run]) -> str:
    runs, audits = split_runs(runs)
    lines = ["## Evaluation results", "", "| suite | split | model | score | 95% interval | n | errors | unresolved |"]
    lines.append("|---|---|---|---|---|---|---|---|")
    if not runs:
        lines = ["## Evaluation results", "", "No benchmark runs: only audits (below)."]
    for run in runs:
        interval = run_context(run, with_samples=False)["interval"]
        score = run.results.get("score")
        cells = [
            md(run.suite),
            md(run.split),
            md(run.model),
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
    for run in runs:
        lines += breakdown_markdown(run)
    lines += audits_markdown(audits)
    return "\n".join(lines) + "\n"
