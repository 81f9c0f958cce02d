"""`idefics2-eval bench`: the command line of `evals.bench`."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cli.options import PROG, OneLineParser, add_model_options, run_config
from evals.data import cache_root
from evals.errors import UserError
from evals.terminal import echo


def csv_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def bench_parser() -> OneLineParser:
    parser = OneLineParser(
        prog=f"{PROG} bench",
        description="Measure throughput (samples/s, tokens/s: a batch-1 loop against the pipelined runner "
        "at several batch sizes), or with --card the model card's efficiency table. Prints a table, writes JSON.",
    )
    parser.add_argument("--suite", default="easyvqa", help="workload: a suite's requests (default: easyvqa)")
    parser.add_argument("--workload", choices=("suite", "docvqa"), default="suite",
                        help="docvqa: synthetic page-sized images, a short question, --new-tokens decoded")  # fmt: skip
    parser.add_argument("--data", help="the suite's data (as for run)")
    parser.add_argument("--split", help="the suite's split (default: its evaluation split)")
    parser.add_argument("--batch-sizes", default="1,8,32", help="comma-separated batch sizes for the runner")
    parser.add_argument("--new-tokens", type=int, default=16, help="tokens decoded per sample (docvqa, --card)")
    parser.add_argument("--card", action="store_true", help="the model card's efficiency table instead")
    parser.add_argument("--dtypes", default="fp32,bf16,fp16", help="--card: dtypes")
    parser.add_argument("--attns", default="eager,flash_attention_2", help="--card: attention implementations")
    parser.add_argument("--splittings", default="on,off", help="--card: image splitting on, off")
    parser.add_argument("--quantizations", default="none", help="--card: none,4bit,awq")
    parser.add_argument("--out", type=Path, default=Path("bench.json"), help="JSON output (default: bench.json)")
    add_model_options(parser)
    return parser


def suite_requests(args: Any, config: Any) -> list[Any]:
    from evals.runner import build_requests
    from evals.suites import get_suite

    suite = get_suite(args.suite)
    samples = list(suite.load(args.split or suite.default_split, args.limit or 200, args.data))
    if not samples:
        raise UserError(f"{args.suite} has no samples to time")
    return build_requests(suite, samples, config)


def cmd_bench(argv: Sequence[str]) -> int:
    from evals import bench
    from evals.suites import get_suite
    from model import load_model

    args = bench_parser().parse_args(argv)
    suite = get_suite(args.suite)
    config = run_config(args, suite, args.split or suite.default_split, str(args.out.parent), args.data)
    folder = cache_root() / "bench"
    report: dict[str, Any] = {"machine": bench.machine(), "model": args.model}
    if args.card:
        grid = {
            "dtype": csv_list(args.dtypes),
            "attn": csv_list(args.attns),
            "image_splitting": [value == "on" for value in csv_list(args.splittings)],
            "quantization": csv_list(args.quantizations),
        }
        rows = bench.card_table(load_model, config, folder, grid, args.new_tokens)
        report.update(kind="card", generations=bench.CARD_GENERATIONS, new_tokens=args.new_tokens, rows=rows)
    else:
        echo(f"loading model {args.model} ...", file=sys.stderr)
        model = load_model(config)
        if args.workload == "docvqa":
            requests = bench.docvqa_shaped(folder, args.limit or 64, args.new_tokens)
        else:
            requests = suite_requests(args, config)
        sizes = batch_sizes(args.batch_sizes)
        rows = bench.throughput(model, requests, sizes, args.workers)
        report.update(kind="throughput", workload=args.workload if args.workload == "docvqa" else args.suite,
                      model_settings=model.describe(), rows=rows)  # fmt: skip
    print_table(report["rows"])
    echo(f"machine: {json.dumps(report['machine'])}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    echo(f"wrote {args.out}")
    return 0


def print_table(rows: list[dict[str, Any]]) -> None:
    columns = [key for key in rows[0] if any(key in row for row in rows)] if rows else []
    for row in rows[1:]:
        columns += [key for key in row if key not in columns]
    widths = {c: max(len(c), *(len(str(row.get(c, ""))) for row in rows)) for c in columns}
    echo("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        echo("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))


def batch_sizes(text: str) -> list[int]:
    """`--batch-sizes 1,8,32`: whole numbers of at least 1."""
    try:
        sizes = [int(size) for size in csv_list(text)]
    except ValueError:
        raise UserError(f"--batch-sizes takes whole numbers separated by commas, got {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise UserError(f"--batch-sizes must be at least 1 each, got {text!r}")
    return sizes
