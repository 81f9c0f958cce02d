"""`idefics2-eval report` and `idefics2-eval gate`."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cli.options import PROG, OneLineParser
from evals.errors import UserError
from evals.images import configure_images
from evals.store import write_text_atomic
from evals.terminal import echo

if TYPE_CHECKING:
    from reports.runs import Run

# format -> default output file
FORMATS = {"html": "report.html", "md": "report.md", "csv": "report.csv", "json": "report.json",
           "model-index": "model-index.yaml"}  # fmt: skip
SUFFIXES = {".md": "md", ".csv": "csv", ".json": "json", ".yaml": "model-index", ".yml": "model-index"}


def report_parser() -> OneLineParser:
    parser = OneLineParser(
        prog=f"{PROG} report",
        description="Make one report from run directories: a self-contained HTML page (runs of one suite and "
        "split side by side, the first as the baseline, with the samples that flipped), Markdown for a model "
        "card, CSV or JSON data, or a model card's model-index YAML.",
    )
    parser.add_argument(
        "runs", nargs="+", help="run directories (or folders of them); the first of each suite is the baseline"
    )
    parser.add_argument(
        "--out", type=Path, help="output file (default: report.FORMAT, model-index.yaml; the suffix picks the format)"
    )
    parser.add_argument(
        "--format",
        choices=tuple(FORMATS),
        default=None,
        help="html (default), md, csv (a row per run and breakdown group), json (plus changes and flipped "
        "samples), model-index (Hugging Face model card YAML)",
    )
    parser.add_argument(
        "--source-url",
        help="model-index: the http(s) address where the run or its report is published (the card links to it; "
        "none is invented)",
    )
    parser.add_argument(
        "--allow-images-outside-data",
        action="store_true",
        help="embed thumbnails of images outside the runs' dataset folders (refused by default)",
    )
    return parser


def bounded(kind: type, low: float, high: float, what: str):  # type: ignore[no-untyped-def]
    """An argparse type: a finite `kind` (int or float) from `low` to `high` (a `nan` max-drop
    would make every comparison pass; zero draws would make no interval at all)."""

    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {what} from {low:g} to {high:g}, got {text!r}")
        return value

    return parse


def gate_parser() -> OneLineParser:
    parser = OneLineParser(
        prog=f"{PROG} gate",
        description="Compare a candidate run with a baseline, sample by sample; exit 1 on a significant drop "
        "larger than --max-drop points (or, with --max-drop-breakdown, in a breakdown group), 0 otherwise, 2 when "
        "the two cannot be compared.",
    )
    parser.add_argument("--baseline", required=True, help="run directory, results.json, or a folder of runs")
    parser.add_argument("--candidate", required=True, help="run directory, results.json, or a folder of runs")
    parser.add_argument(
        "--max-drop",
        type=bounded(float, 0, 100, "points"),
        default=1.0,
        help="tolerated drop in points, 0-100 (default: 1.0)",
    )
    parser.add_argument(
        "--max-drop-breakdown",
        type=bounded(float, 0, 100, "points"),
        default=None,
        metavar="POINTS",
        help="also fail when a breakdown group (a category, a question type) with at least --min-group-size "
        "samples drops by more than POINTS and the drop is significant (default: groups are shown, not checked)",
    )
    parser.add_argument(
        "--min-group-size",
        type=bounded(int, 1, 10**9, "a number of samples"),
        default=30,
        help="smallest breakdown group that is checked or named as the largest change (default: 30)",
    )
    parser.add_argument("--junit", type=Path, help="also write JUnit XML here (one test case per checked group)")
    # The bootstrap is gone (intervals are Newcombe's paired score interval, no draws): the options stay
    # accepted so CI configs that pass them keep working, and say so.
    parser.add_argument("--draws", type=bounded(int, 100, 100_000, "a number of draws"), help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    return parser


def cmd_report(argv: Sequence[str]) -> int:
    from reports.runs import load_runs

    args = report_parser().parse_args(argv)
    configure_images(allow_outside=args.allow_images_outside_data)
    fmt = args.format or (SUFFIXES.get(args.out.suffix.lower(), "html") if args.out else "html")
    out = args.out or Path(FORMATS[fmt])
    if args.source_url and fmt != "model-index":
        raise UserError(f"--source-url is for --format model-index (this report is {fmt}); drop it or add the format")
    if args.source_url:
        check_source_url(args.source_url)
    runs = [run for path in args.runs for run in load_runs(path)]
    text, written = render(fmt, runs, args.source_url)
    write_text_atomic(out, text)
    echo(f"wrote {out} ({written} run{'s' if written != 1 else ''})")  # the runs in it, not those left out
    if fmt == "model-index" and not args.source_url:
        echo("model-index has no source: pass --source-url URL (where the run is published)", file=sys.stderr)
    return 0


def check_source_url(url: str) -> None:
    """The card links to `--source-url`: only a web address, so a card never carries a javascript: or file: link."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise UserError(f"--source-url {url[:80]!r} is not an http(s) address; pass where the run is published")


def render(fmt: str, runs: list[Run], source_url: str | None) -> tuple[str, int]:
    """The report of `runs` in `fmt` (one of FORMATS), and how many runs it holds."""
    if fmt == "html":
        from reports.render import render_html

        return render_html(runs), len(runs)
    if fmt == "md":
        from reports.render import render_markdown

        return render_markdown(runs), len(runs)
    from reports import export
    from reports.audits import split_runs

    runs, audits = split_runs(runs)
    if audits:
        echo(f"{len(audits)} bias or red-team run(s) left out: exports are for benchmark runs", file=sys.stderr)
    if not runs:
        raise UserError("no benchmark runs to export (bias and red-team runs have their own reports)")
    if fmt == "csv":
        return export.to_csv(runs), len(runs)
    if fmt == "json":
        return export.to_json(runs), len(runs)
    scored = [run for run in runs if run.results.get("score") is not None]
    if scored and len(scored) < len(runs):  # none scored: to_model_index says so in one line
        hidden = len(runs) - len(scored)
        echo(f"{hidden} run(s) of hidden splits left out: the score comes from the benchmark's server", file=sys.stderr)
    return export.to_model_index(runs, source_url), len(scored)


def cmd_gate(argv: Sequence[str]) -> int:
    from reports.gate import compare, pair, table, write_junit
    from reports.runs import load_runs

    args = gate_parser().parse_args(argv)
    pairs = pair(load_runs(args.baseline), load_runs(args.candidate))
    if args.draws is not None or args.seed is not None:
        echo(
            f"{PROG} gate: --draws and --seed are no longer used (the interval is Newcombe's paired score "
            "interval, which has no draws); drop them",
            file=sys.stderr,
        )
    verdicts = [
        compare(before, after, args.max_drop, args.max_drop_breakdown, args.min_group_size) for before, after in pairs
    ]
    echo(table(verdicts))
    if args.max_drop_breakdown is not None:
        unchecked = [v.suite for v in verdicts if not v.groups]
        if unchecked:  # asked for, but nothing was held to it: say so rather than pass in silence
            echo(
                f"{PROG} gate: no breakdown group of {', '.join(unchecked)} has --min-group-size "
                f"{args.min_group_size} samples: --max-drop-breakdown checked none there",
                file=sys.stderr,
            )
    if args.junit:
        try:
            write_junit(args.junit, verdicts)
        except UserError as exc:  # the writer's advice names --out; here the file is --junit's
            raise UserError(str(exc).replace("pass another --out", "pass another --junit")) from None
    failed = [c.name for v in verdicts for c in v.failures]
    if failed:
        echo(f"{PROG} gate: FAILED on {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
