"""`idefics2-eval import`: bring a peer harness's per-sample log in as a run, scored by our suite."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from cli.options import PROG, OneLineParser, add_extractor_options, configure_extractor
from cli.running import print_results
from evals.errors import UserError


def import_parser() -> OneLineParser:
    from evals.peers import TOOLS

    parser = OneLineParser(
        prog=f"{PROG} import",
        description="Turn lmms-eval sample logs (--log_samples: *_samples_<task>.jsonl) or VLMEvalKit "
        "prediction files (<model>_<dataset>.xlsx / .tsv) into a run directory scored by our suite, "
        "and show the peer's own score and the samples it judged differently.",
    )
    parser.add_argument("source", type=Path, help="the peer's file, or the folder holding it")
    parser.add_argument("--from", dest="tool", required=True, choices=TOOLS, help="which harness wrote it")
    parser.add_argument("--suite", required=True, help="our suite that scores it (see `list`)")
    parser.add_argument("--split", help="the split the log is of (default: the suite's evaluation split)")
    parser.add_argument("--out", type=Path, required=True, help="run directory to write")
    parser.add_argument(
        "--data",
        help="take the gold fields from the suite's data (hub id or local copy): by id for logs that lack them; "
        "lmms-eval 0.4+ logs (no 'doc', only its position doc_id) need it: the data lmms-eval ran on",
    )
    parser.add_argument("--reextract", action="store_true", help="MathVista: ignore the peer's GPT extraction")
    parser.add_argument("--overwrite", action="store_true", help="replace a run already in --out")
    add_extractor_options(parser)
    return parser


def cmd_import(argv: Sequence[str]) -> int:
    from evals.peers import read_peer
    from evals.peers.importer import import_run
    from evals.suites import get_suite

    args = import_parser().parse_args(argv)
    suite = get_suite(args.suite)
    configure_extractor(suite, args)
    split = args.split or suite.default_split
    if split not in suite.splits:
        raise UserError(f"{suite.name} has no split '{split}'; choose one of: {', '.join(suite.splits)}")
    log = read_peer(args.tool, args.source, suite.name, split)
    if args.reextract:
        for sample in log.samples:
            sample.record.pop("extraction", None)
    imported = import_run(suite, log, args.out, split, args.data, args.overwrite)
    print_results(imported.results, model=log.model or args.tool)
    for warning in log.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print_comparison(log.tool, imported.comparison)
    print(f"imported {log.files[0]} -> {args.out}")
    return 0


def print_comparison(tool: str, comparison: dict) -> None:
    peer, ours = comparison["peer_score"], comparison["our_score"]
    peer_text = f"{peer:.2f} (from {comparison['peer_score_source']})" if peer is not None else "not in its log"
    ours_text = f"{ours:.2f}" if ours is not None else "-"
    print(f"{tool}'s own score: {peer_text}; ours: {ours_text}")
    if comparison["n_peer_judged"]:
        print(
            f"judged differently: {comparison['n_judged_differently']} of the {comparison['n_peer_judged']} "
            f"samples {tool} scored itself"
        )
    if comparison["n_judged_differently"]:
        print(f"  every one of them: {comparison['differences_file']} in the run directory")
    if comparison["n_peer_extraction_failed"]:
        print(
            f"{tool}'s GPT answer extraction had failed on {comparison['n_peer_extraction_failed']} samples: "
            "those were extracted here, offline"
        )
    if comparison["n_no_reply"]:
        print(f"{comparison['n_no_reply']} lines of the log hold no reply: counted as errors")
    for example in comparison["examples"]:
        print(
            f"  {example['id']}: ours {example['ours']:g}, {tool} {example['peer']:g}; "
            f"reply {example['generation']!r} -> our answer {example['answer']!r}"
        )
