"""`idefics2-eval run | list | score`: run a suite on a model, list what there is, score predictions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cli.options import (
    PROG,
    OneLineParser,
    add_extractor_options,
    add_model_options,
    configure_extractor,
    run_config,
)
from cli.running import execute_run, print_results
from evals.errors import UserError
from evals.terminal import echo


def run_parser() -> OneLineParser:
    parser = OneLineParser(
        prog=f"{PROG} run",
        description="Run a model over a benchmark suite, score it, and write a run directory "
        "(manifest.json, samples.jsonl, results.json). Running the same command again continues "
        "an interrupted run.",
    )
    parser.add_argument("--suite", default="easyvqa", help="suite name (default: easyvqa; see `list`)")
    parser.add_argument("--split", help="dataset split (default: the suite's evaluation split)")
    parser.add_argument(
        "--data",
        help="where the suite's data comes from: a hub dataset id or a local copy "
        "(parquet / JSON); default: the suite's own",
    )
    add_model_options(parser)
    parser.add_argument("--instruction", help="replace the suite's instruction suffix ('' for none)")
    parser.add_argument(
        "--shots",
        type=int,
        default=0,
        help="few-shot: K solved examples before each question, drawn with --seed from the suite's train "
        "(or dev) split (default: 0)",
    )
    parser.add_argument("--support", help="few-shot examples from this JSONL (the suite's record format) instead")
    parser.add_argument(
        "--images-first",
        action="store_true",
        help="put all images before the question instead of at its <image i> tags (MMMU; as lmms-eval does)",
    )
    add_extractor_options(parser)
    parser.add_argument(
        "--out", help="run directory (default: runs/SUITE-SPLIT-MODEL, or runs/SUITE-SPLIT-MODEL-limitN with --limit)"
    )
    return parser


def score_parser() -> OneLineParser:
    parser = OneLineParser(
        prog=f"{PROG} score",
        description="Score a JSONL of predictions made anywhere: each line has `id`, `prediction` "
        "and the suite's gold fields (see README). Writes OUT/samples.jsonl and OUT/results.json.",
    )
    parser.add_argument("--suite", required=True, help="suite whose scorer to use")
    parser.add_argument("--predictions", required=True, type=Path, help="predictions JSONL file")
    parser.add_argument("--out", required=True, type=Path, help="output folder")
    parser.add_argument("--overwrite", action="store_true", help="replace a run or scores already in --out")
    parser.add_argument(
        "--split",
        default="predictions",
        help="the split the predictions are of, recorded in results.json (reports compare e.g. a "
        "'validation' run with the published figures; default: predictions)",
    )
    add_extractor_options(parser)
    return parser


def cmd_list(argv: Sequence[str] = ()) -> int:
    OneLineParser(prog=f"{PROG} list", description="Show the suites and models.").parse_args(argv)
    from evals.suites import get_suite, suite_names
    from model import KNOWN_MODELS

    echo("suites:")
    suites = [get_suite(name) for name in suite_names()]
    width = max(len(", ".join(suite.splits)) for suite in suites)
    names = max(len(suite.name) for suite in suites)
    for suite in suites:
        echo(f"  {suite.name:<{names}}  splits: {', '.join(suite.splits):<{width}}  {suite.description}")
    echo("models:")
    for info in KNOWN_MODELS:
        echo(f"  {info.name:<36} [{info.backend}] {info.description}")
    return 0


def cmd_score(argv: Sequence[str]) -> int:
    from evals.scoring import score_predictions
    from evals.suites import get_suite

    args = score_parser().parse_args(argv)
    suite = get_suite(args.suite)
    configure_extractor(suite, args)
    results = score_predictions(suite, args.predictions, args.out, split=args.split, overwrite=args.overwrite)
    print_results(results, model="predictions")
    echo(f"scored {args.predictions} -> {args.out}")
    return 0


def cmd_run(argv: Sequence[str]) -> int:
    from evals.config import default_out_dir
    from evals.suites import get_suite

    args = run_parser().parse_args(argv)
    suite = get_suite(args.suite)
    split = args.split or suite.default_split
    if split not in suite.splits:
        raise UserError(f"{suite.name} has no split '{split}'; choose one of: {', '.join(suite.splits)}")
    config = run_config(
        args,
        suite,
        split,
        args.out or default_out_dir(suite.name, split, args.model, args.limit, args.shots),
        args.data,
    )
    configure_extractor(suite, args)
    return execute_run(config, suite, progress=not args.no_progress, overwrite=args.overwrite)
