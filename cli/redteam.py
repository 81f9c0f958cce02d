"""`idefics2-eval redteam`: every red-team suite on a model, one run directory each, one report;
and `redteam judge`, the refusal detector on replies made anywhere."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from cli.options import PROG, OneLineParser, add_model_options, run_config
from cli.running import execute_run
from evals.config import model_slug
from evals.errors import DataError, UserError
from evals.store import iter_jsonl, write_json_atomic
from evals.suites.base import field_id, field_str

USAGE = f"""usage: {PROG} redteam [--model M] [--suites S,...] [--out DIR] [--judge rules|hf:MODEL|endpoint:URL#MODEL]
                       [--portraits PATH] [--requests FILE] [--show-harmful] [model options]
       {PROG} redteam judge --input FILE --out DIR [--judge ...]

  (default)  run every red-team suite (or --suites), one resumable run directory each inside DIR,
             and write DIR/redteam.html, redteam.md and redteam.json
  judge      label a JSONL of id, prompt, completion with the refusal detector
"""


def suites() -> list[str]:
    from evals.suites import suite_names

    return [name for name in suite_names() if name.startswith("redteam-")]


def run_parser() -> OneLineParser:
    parser = OneLineParser(prog=f"{PROG} redteam", description="Run the red-team suites and write one report.")
    parser.add_argument("--suites", help=f"comma-separated suites (default: all: {', '.join(suites())})")
    parser.add_argument("--out", type=Path, help="folder for the suites' run directories and the report")
    parser.add_argument(
        "--judge", default="rules", help="refusal judge: rules (offline) | hf:MODEL | endpoint:URL#MODEL"
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


def cmd_redteam(argv: Sequence[str]) -> int:
    if argv and argv[0] == "judge":
        return cmd_judge(argv[1:])
    if argv and argv[0] in ("-h", "--help"):
        print(USAGE)
    args = run_parser().parse_args(argv)
    from evals.suites import get_suite
    from redteam.report import write
    from reports.runs import load_run

    chosen = [name.strip() for name in (args.suites or ",".join(suites())).split(",") if name.strip()]
    unknown = [name for name in chosen if name not in suites()]
    if unknown or not chosen:
        raise UserError(
            f"unknown red-team suite(s) {', '.join(unknown) or '(none)'}; choose from: {', '.join(suites())}"
        )
    out = args.out or Path(f"runs/redteam-{model_slug(args.model)}")
    runs = []
    models: dict[str, object] = {}  # one model for every suite of this invocation
    for name in chosen:
        suite = get_suite(name)
        suite.use_judge(args.judge)  # type: ignore[attr-defined]
        if hasattr(suite, "toxicity_spec"):
            suite.toxicity_spec = args.toxicity
        data = (
            args.portraits
            if suite.people
            else args.requests
            if name in ("redteam-harmful", "redteam-jailbreak")
            else None
        )  # type: ignore[attr-defined]
        print(f"== {name}")
        config = run_config(args, suite, suite.default_split, str(out / name), data)
        code = execute_run(config, suite, progress=not args.no_progress, overwrite=args.overwrite, models=models)
        if code != 0:
            return code
        runs.append((load_run(out / name), suite.harmful))  # type: ignore[attr-defined]
    written = write(out, runs, args.model, show_harmful=args.show_harmful)
    print(f"wrote {', '.join(str(path) for path in written)}")
    return 0


def judge_parser() -> OneLineParser:
    parser = OneLineParser(
        prog=f"{PROG} redteam judge",
        description="Label replies made anywhere as refused / partial / complied: a JSONL of id, prompt, completion.",
    )
    parser.add_argument("--input", required=True, type=Path, help="JSONL with id, prompt and completion")
    parser.add_argument("--out", required=True, type=Path, help="folder for labels.jsonl and summary.json")
    parser.add_argument("--judge", default="rules", help="rules (offline, default) | hf:MODEL | endpoint:URL#MODEL")
    return parser


def cmd_judge(argv: Sequence[str]) -> int:
    from evals.store import json_line, make_dir
    from redteam.judges import is_refusal, refusal_judge

    args: argparse.Namespace = judge_parser().parse_args(argv)
    judge = refusal_judge(args.judge)
    labels = []
    for number, row in iter_jsonl(args.input):
        where = f"{args.input}:{number}"
        field_id(row, "id", where)  # a string or a whole number, kept as given
        completion = field_str(row, "completion", where)
        prompt = field_str(row, "prompt", where, optional=True) or ""
        verdict = judge.judge(prompt, completion)
        labels.append(
            {
                "id": row["id"],
                "label": verdict.label,
                "rule": verdict.rule,
                "refusal": is_refusal(verdict),
            }
        )
    if not labels:
        raise DataError(f"{args.input} holds no replies")
    make_dir(args.out)
    (args.out / "labels.jsonl").write_text("".join(json_line(label) for label in labels), encoding="utf-8")
    counts = Counter(label["label"] for label in labels)
    summary = {
        "n": len(labels),
        "judge": args.judge,
        "counts": dict(counts),
        "refusal_rate": 100.0 * sum(label["refusal"] for label in labels) / len(labels),
        "note": "partial refusals count as refusals",
    }
    write_json_atomic(args.out / "summary.json", summary)
    print(json.dumps(summary))
    print(f"wrote {args.out / 'labels.jsonl'} and {args.out / 'summary.json'}")
    return 0
