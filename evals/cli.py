"""The `idefics2-eval` command line.

    idefics2-eval [run] --suite S --model M [options]   run a suite and score it
    idefics2-eval list                                  suites and models
    idefics2-eval score --suite S --predictions F --out DIR   score predictions made anywhere

Every failure the user can fix ends in one line on stderr and exit code 2; an interrupted run
keeps every finished sample and says how to continue.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from evals import __version__
from evals.errors import UserError, first_line
from evals.signals import exit_code_of, handle_termination, interruption, quiet_exit

PROG = "idefics2-eval"
COMMANDS = ("run", "list", "score", "report", "gate", "bench", "bias")


class OneLineParser(argparse.ArgumentParser):
    """argparse whose errors are one line that says where to look, with exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (see {self.prog} --help)")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """The options that say which model runs and how: shared by `run`, `bias run` and `bias classify`."""
    from evals.config import ATTENTION, DTYPES, QUANTIZATION
    from evals.images import DEFAULT_MAX_PIXELS

    parser.add_argument(
        "--model", default="tiny", help="tiny | scripted[:FILE] | hub id | checkpoint folder (default: tiny)"
    )
    parser.add_argument("--limit", type=positive_int, help="evaluate only the first N samples")
    parser.add_argument("--batch-size", type=positive_int, default=8, help="samples per generate call (default: 8)")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="threads that decode images and run the processor ahead of the model (default: 2; 0: none)",
    )
    parser.add_argument("--dtype", choices=DTYPES, default="auto", help="auto = bf16 on CUDA, fp32 on CPU")
    parser.add_argument("--attn", choices=ATTENTION, default="sdpa", help="attention implementation (default: sdpa)")
    parser.add_argument(
        "--quantization",
        choices=QUANTIZATION,
        default="none",
        help="4bit (bitsandbytes) or awq checkpoints; needs CUDA and the [quantization] extra",
    )
    parser.add_argument(
        "--image-splitting",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="Idefics2 image splitting (default: the model processor's own setting)",
    )
    parser.add_argument("--longest-edge", type=positive_int, help="resize images to this longest edge in pixels")
    parser.add_argument("--max-new-tokens", type=positive_int, help="generation budget (default: the suite's)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0); decoding is greedy")
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda | cuda:N (default: auto)")
    parser.add_argument(
        "--compile", action="store_true", help="torch.compile the language model (slow start; pays on long runs)"
    )
    parser.add_argument("--overwrite", action="store_true", help="discard an existing run in --out and start again")
    parser.add_argument("--trust-remote-code", action="store_true", help="allow model code from the hub")
    parser.add_argument(
        "--allow-images-outside-data",
        action="store_true",
        help="read image paths that leave the dataset's folder (absolute, '..', symlinks); refused by default",
    )
    parser.add_argument(
        "--max-image-pixels",
        type=positive_int,
        default=DEFAULT_MAX_PIXELS,
        help=f"larger images are per-sample errors, not decoded (default: {DEFAULT_MAX_PIXELS:,})",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run_config(args: argparse.Namespace, suite: Any, split: str, out: str, data: str | None) -> Any:
    from evals.config import RunConfig

    return RunConfig(
        suite=suite.name,
        model=args.model,
        split=split,
        out=out,
        data=data,
        revision=None,
        dtype=args.dtype,
        attn=args.attn,
        quantization=args.quantization,
        image_splitting=args.image_splitting,
        longest_edge=args.longest_edge,
        batch_size=args.batch_size,
        workers=max(0, getattr(args, "workers", 2)),
        compile=getattr(args, "compile", False),
        max_new_tokens=args.max_new_tokens or suite.max_new_tokens,
        seed=args.seed,
        limit=args.limit,
        device=args.device,
        instruction=getattr(args, "instruction", None),
        images_first=getattr(args, "images_first", False),
        trust_remote_code=args.trust_remote_code,
        allow_outside_images=args.allow_images_outside_data,
        max_image_pixels=args.max_image_pixels,
    )


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
        "--images-first",
        action="store_true",
        help="put all images before the question instead of at its <image i> tags (MMMU; as lmms-eval does)",
    )
    add_extractor_options(parser)
    parser.add_argument("--out", help="run directory (default: runs/SUITE-SPLIT-MODEL)")
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


def add_extractor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--extractor-url",
        help="MathVista: extract answers with an LLM at this OpenAI-compatible endpoint (e.g. "
        "https://api.openai.com/v1; key from OPENAI_API_KEY) instead of the offline rules",
    )
    parser.add_argument("--extractor-model", default="gpt-4o-mini", help="model for --extractor-url")


def configure_extractor(suite: Any, args: argparse.Namespace) -> None:
    if args.extractor_url:
        suite.use_llm_extractor(args.extractor_url, args.extractor_model)


def top_help() -> str:
    return (
        f"usage: {PROG} [run] --suite S --model M [options]\n"
        f"       {PROG} list\n"
        f"       {PROG} score --suite S --predictions FILE --out DIR\n"
        f"       {PROG} report RUN [RUN ...] [--out report.html | --format md]\n"
        f"       {PROG} gate --baseline RUN --candidate RUN [--max-drop 1.0] [--junit FILE]\n"
        f"       {PROG} bench [--model M] [--workload docvqa] [--batch-sizes 1,8,32] [--card]\n"
        f"       {PROG} bias run|analyze|classify ...\n\n"
        "Evaluation harness for Idefics vision-language models.\n\n"
        "commands:\n"
        "  run     run a suite on a model and score it (the default command)\n"
        "  list    show suites and models\n"
        "  score   score a predictions file without a model\n"
        "  report  HTML or Markdown report of runs, beside the published Idefics2 numbers\n"
        "  gate    CI regression gate: fail on a significant drop between two runs\n"
        "  bench   throughput (samples/s, tokens/s) and the model card's efficiency table\n"
        "  bias    bias audit: generate probes, analyse them by group, classify FairFace faces\n\n"
        f"`{PROG} run --help` and `{PROG} score --help` list the options.\n"
        f"With no arguments, runs the offline default: --suite easyvqa --model tiny.\n"
    )


def cmd_list() -> int:
    from evals.suites import get_suite, suite_names
    from model import KNOWN_MODELS

    print("suites:")
    suites = [get_suite(name) for name in suite_names()]
    width = max(len(", ".join(suite.splits)) for suite in suites)
    for suite in suites:
        print(f"  {suite.name:<12} splits: {', '.join(suite.splits):<{width}}  {suite.description}")
    print("models:")
    for info in KNOWN_MODELS:
        print(f"  {info.name:<36} [{info.backend}] {info.description}")
    return 0


def cmd_score(argv: Sequence[str]) -> int:
    from evals.scoring import score_predictions
    from evals.suites import get_suite

    args = score_parser().parse_args(argv)
    suite = get_suite(args.suite)
    configure_extractor(suite, args)
    results = score_predictions(suite, args.predictions, args.out, split=args.split, overwrite=args.overwrite)
    print_results(results, model="predictions")
    print(f"scored {args.predictions} -> {args.out}")
    return 0


def cmd_run(argv: Sequence[str]) -> int:
    from evals.config import default_out_dir
    from evals.suites import get_suite

    args = run_parser().parse_args(argv)
    suite = get_suite(args.suite)
    split = args.split or suite.default_split
    if split not in suite.splits:
        raise UserError(f"{suite.name} has no split '{split}'; choose one of: {', '.join(suite.splits)}")
    config = run_config(args, suite, split, args.out or default_out_dir(suite.name, split, args.model), args.data)
    configure_extractor(suite, args)
    return execute_run(config, suite, progress=not args.no_progress, overwrite=args.overwrite)


def execute_run(config: Any, suite: Any, progress: bool = True, overwrite: bool = False) -> int:
    from tqdm import tqdm

    from evals.images import configure_images
    from evals.runner import run_suite
    from model import load_model

    configure_images(allow_outside=config.allow_outside_images, max_pixels=config.max_image_pixels)
    samples = list(suite.load(config.split, config.limit, config.data))
    if not samples:
        raise UserError(f"{suite.name}/{config.split} has no samples to run")

    def load() -> Any:
        print(f"loading model {config.model} ...", file=sys.stderr)
        return load_model(config)

    bars: list[tqdm] = []

    def on_start(todo: int, resumed: int) -> None:
        if resumed:
            print(f"continuing {config.out}: {resumed} samples already logged", file=sys.stderr)
        # On a terminal the bar redraws every second; in a log file a line every 30 s is enough.
        interval = 1.0 if sys.stderr.isatty() else 30.0
        bars.append(
            tqdm(
                total=todo,
                unit="sample",
                desc=suite.name,
                disable=not progress,
                mininterval=interval,
                dynamic_ncols=True,
            )
        )

    try:
        outcome = run_suite(
            config,
            suite,
            load,
            samples,
            on_progress=lambda n: bars[0].update(n),
            on_start=on_start,
            overwrite=overwrite,
        )
    except KeyboardInterrupt as exc:
        for bar in bars:
            bar.close()
        print(
            f"\n{PROG}: {interruption(exc)}; finished samples are kept in {config.out}; "
            "run the same command to continue",
            file=sys.stderr,
        )
        return exit_code_of(exc)
    finally:
        for bar in bars:
            bar.close()
    if outcome.results is None:
        print(f"this rank's shard is logged in {outcome.out}/shards; rank 0 merges the results when all ranks are done")
        return 0
    print_results(outcome.results, model=config.model)
    print(f"run directory: {outcome.out}")
    return 0


MAX_GROUPS_SHOWN = 12
EXTRA_FIGURES = ("n_questions", "vanilla_score", "n_guessed")


def print_results(results: dict[str, Any], model: str) -> None:
    headers = ("suite", "split", "model", "n", "score", "errors", "unresolved")
    if results["score"] is not None:
        score = f"{results['score']:.2f}"
    else:
        score = "-" if results.get("metric") == "none" else "server"
    row = (
        results["suite"],
        results["split"],
        model,
        str(results["n"]),
        score,
        str(results["n_errors"]),
        str(results["n_unresolved"]),
    )
    widths = [max(len(h), len(v)) for h, v in zip(headers, row, strict=True)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    for key, groups in results.get("breakdowns", {}).items():
        for group, values in list(groups.items())[:MAX_GROUPS_SHOWN]:
            print(f"  {key}={group:<20} n={values['n']:<6} score={values['score']:.2f}")
        if len(groups) > MAX_GROUPS_SHOWN:
            print(f"  {key}: {len(groups) - MAX_GROUPS_SHOWN} more groups in results.json")
    extras = {name: results[name] for name in EXTRA_FIGURES if results.get(name) is not None}
    if extras:
        print(
            "  "
            + "  ".join(
                f"{name}={value:.2f}" if isinstance(value, float) else f"{name}={value}"
                for name, value in extras.items()
            )
        )
    paths = results.get("extraction", {}).get("paths")
    if paths:
        print("  extraction: " + ", ".join(f"{path} {100 * p['share']:.1f}%" for path, p in paths.items()))
    if results.get("note"):
        print(results["note"])


def dispatch(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(top_help(), end="")
        return 0
    if argv and argv[0] == "--version":
        print(f"{PROG} {__version__}")
        return 0
    command = argv[0] if argv and argv[0] in COMMANDS else "run"
    rest = argv[1:] if argv and argv[0] in COMMANDS else argv
    if argv and not argv[0].startswith("-") and command == "run" and argv[0] != "run":
        raise UserError(f"unknown command '{argv[0]}'; choose one of: {', '.join(COMMANDS)} (see {PROG} --help)")
    if command == "list":
        return cmd_list()
    if command == "score":
        return cmd_score(rest)
    if command in ("report", "gate"):
        from reports.cli import cmd_gate, cmd_report

        return cmd_report(rest) if command == "report" else cmd_gate(rest)
    if command == "bench":
        from evals.bench_cli import cmd_bench

        return cmd_bench(rest)
    if command == "bias":
        from bias.cli import main as bias_main

        return bias_main(rest)
    return cmd_run(rest)


def main(argv: Sequence[str] | None = None) -> int:
    """The console program; `argv` is given only when called in-process (tests, other tools),
    which then keep their own signal handling."""
    as_program = argv is None
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    if as_program:
        handle_termination()
    try:
        return dispatch(args)
    except UserError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        print(f"{PROG}: {interruption(exc)}", file=sys.stderr)
        return exit_code_of(exc)
    except RecursionError:
        print(f"{PROG}: error: input nested too deeply to read (check the files you passed)", file=sys.stderr)
        return 2
    except Exception as exc:  # the last line of defence: one line, never a bare traceback
        if debug:
            raise
        print(
            f"{PROG}: internal error: {type(exc).__name__}: {first_line(exc)} "
            "(finished samples are kept; rerun with --debug for the traceback and report it)",
            file=sys.stderr,
        )
        return 1
    finally:
        if as_program:
            quiet_exit()
