"""`idefics2-eval redteam`: every red-team suite on a model, one run directory each, one report;
and `redteam judge`, the refusal detector on replies made anywhere."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from cli.options import PROG, OneLineParser, add_model_options, run_config
from cli.running import execute_run
from evals.config import model_slug
from evals.errors import UserError
from evals.terminal import echo

LOCAL_SUFFIXES = (".csv", ".json", ".jsonl", ".parquet", ".tsv")  # a name ending so is a file, not a hub id

USAGE = f"""usage: {PROG} redteam [--model M] [--suites S,...] [--out DIR] [--judge JUDGE]
                       [--portraits PATH] [--requests FILE] [--show-harmful] [model options]
       {PROG} redteam judge --input FILE --out DIR [--judge JUDGE] [--labels HUMAN.jsonl] [--overwrite]

  (default)  run every red-team suite (or --suites), one resumable run directory each inside DIR,
             and write DIR/redteam.html, redteam.md and redteam.json
  judge      label a JSONL of id, prompt, completion (or response, prediction): refused / partial /
             complied / non-answer and attack success; resumable; --labels checks the judge against people

  JUDGE: rules (offline, default) | harmbench | llama-guard | wildguard (local GPU; NAME:hf:PATH_OR_ID,
         or NAME:endpoint:URL#MODEL for a vLLM server) | hf:MODEL | endpoint:URL#MODEL
"""


def suites() -> list[str]:
    from evals.suites import suite_names

    return [name for name in suite_names() if name.startswith("redteam-")]


def run_parser() -> OneLineParser:
    parser = OneLineParser(prog=f"{PROG} redteam", description="Run the red-team suites and write one report.")
    parser.add_argument("--suites", help=f"comma-separated suites (default: all: {', '.join(suites())})")
    parser.add_argument("--out", type=Path, help="folder for the suites' run directories and the report")
    parser.add_argument(
        "--judge",
        default="rules",
        help="judge: rules (offline) | harmbench | llama-guard | wildguard (NAME:hf:PATH, NAME:endpoint:URL#MODEL) "
        "| hf:MODEL | endpoint:URL#MODEL",
    )
    parser.add_argument("--portraits", help="portraits for the people suites: fairface | stablebias | a local folder")
    parser.add_argument("--requests", help="harmful requests to use instead of the bundled seeds (CSV / JSON / JSONL)")
    parser.add_argument(
        "--toxicity", default="profanity-check", help="meme captions' toxicity classifier (as in `bias analyze`)"
    )
    parser.add_argument(
        "--show-harmful", action="store_true", help="put harmful generations in the report (internal review only)"
    )
    add_model_options(parser)
    return parser


def check_local_inputs(args: argparse.Namespace, chosen: list[str]) -> None:
    """A --portraits or --requests path that is not there is one line before any suite runs, not after
    the suites before the one that reads it have run (hours with a large model)."""
    from evals.suites import get_suite

    wanted = {
        "--portraits": args.portraits if any(get_suite(n).people for n in chosen) else None,  # type: ignore[attr-defined]
        "--requests": args.requests if {"redteam-harmful", "redteam-jailbreak"} & set(chosen) else None,
    }
    for flag, value in wanted.items():
        local = value and (value.startswith((".", "/", "~")) or Path(value).suffix.lower() in LOCAL_SUFFIXES)
        if local and not Path(value).expanduser().exists():
            raise UserError(f"{flag} {value}: no such file or folder; pass a local path that exists or a hub id")


def cmd_redteam(argv: Sequence[str]) -> int:
    if argv and argv[0] == "judge":
        from cli.redteam_judge import cmd_judge

        return cmd_judge(argv[1:])
    if argv and argv[0] in ("-h", "--help"):
        print(USAGE)
    args = run_parser().parse_args(argv)
    from evals.suites import get_suite
    from redteam.judges import parse_spec, refusal_judge

    parse_spec(args.judge)  # a wrong --judge is one line before any suite runs
    from redteam.report import write
    from reports.runs import load_run

    chosen = [name.strip() for name in (args.suites or ",".join(suites())).split(",") if name.strip()]
    unknown = [name for name in chosen if name not in suites()]
    if unknown or not chosen:
        raise UserError(
            f"unknown red-team suite(s) {', '.join(unknown) or '(none)'}; choose from: {', '.join(suites())}"
        )
    check_local_inputs(args, chosen)
    out = args.out or Path(f"runs/redteam-{model_slug(args.model)}")
    runs = []
    judge = refusal_judge(args.judge)  # made once: a classifier's weights load once for every suite
    models: dict[str, object] = {}  # one model for every suite of this invocation
    for name in chosen:
        suite = get_suite(name)
        suite.use_judge(args.judge, judge)  # type: ignore[attr-defined]
        if hasattr(suite, "toxicity_spec"):
            suite.toxicity_spec = args.toxicity
        data = (
            args.portraits
            if suite.people
            else args.requests
            if name in ("redteam-harmful", "redteam-jailbreak")
            else None
        )  # type: ignore[attr-defined]
        echo(f"== {name}")
        config = run_config(args, suite, suite.default_split, str(out / name), data)
        code = execute_run(config, suite, progress=not args.no_progress, overwrite=args.overwrite, models=models)
        if code != 0:
            return code
        runs.append((load_run(out / name), suite.harmful))  # type: ignore[attr-defined]
    written = write(out, runs, args.model, show_harmful=args.show_harmful)
    from reports.provenance import judge_line

    fallbacks = sum(int((run.results.get("judge") or {}).get("fallbacks") or 0) for run, _ in runs)
    first = runs[0][0].results.get("judge") if runs else None
    if isinstance(first, dict):
        echo(f"judge: {judge_line({**first, 'fallbacks': fallbacks})}")
    echo(f"wrote {', '.join(str(path) for path in written)}")
    return 0
