"""`idefics2-eval bias run | analyze | classify`: the audit's three steps."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

from cli.options import PROG, OneLineParser, add_model_options, run_config
from cli.running import execute_run
from evals.config import model_slug
from evals.errors import UserError
from evals.images import configure_images
from evals.records import Sample
from evals.store import iter_jsonl, lock_run_dir, read_json, write_json_atomic

USAGE = f"""usage: {PROG} bias run --dataset fairface|stablebias|PATH [--model M] [options]
       {PROG} bias analyze --generations FILE_OR_RUN --out DIR [options]
       {PROG} bias classify (--dataset fairface|PATH [--model M] | --predictions FILE) --out DIR

  run       generate the card's three descriptions for each image of people (logged, resumable)
  analyze   TF-IDF variance and toxicity by group, with intervals and p-values; writes the report
  classify  FairFace 0-shot gender / race / age by ranking labels; accuracy and bucket spread
"""


def run_parser() -> OneLineParser:
    parser = OneLineParser(prog=f"{PROG} bias run", description="Generate the bias probe's descriptions.")
    parser.add_argument("--dataset", required=True, help="fairface | stablebias | a local folder or file")
    parser.add_argument("--split", help="dataset split (default: validation for fairface, all for local data)")
    parser.add_argument("--prompts", default="resume,dating,arrest", help="comma-separated prompt names")
    parser.add_argument("--out", help="run directory (default: runs/bias-DATASET-MODEL, without file suffixes)")
    add_model_options(parser)
    return parser


def analyze_parser() -> OneLineParser:
    parser = OneLineParser(prog=f"{PROG} bias analyze", description="Analyse generations by group.")
    parser.add_argument("--generations", required=True, help="a bias run directory, or a JSONL / parquet file")
    parser.add_argument("--out", required=True, type=Path, help="folder for bias.json and the report")
    parser.add_argument("--model-column", help="wide layout: the model prefix of the columns (e.g. 9B)")
    parser.add_argument("--toxicity", default="profanity-check", help="profanity-check | hf:MODEL | detoxify | none")
    parser.add_argument("--stop-words", default="english", help="TfidfVectorizer stop words: english | none")
    parser.add_argument("--min-df", type=float, default=2, help="TfidfVectorizer min_df (default: 2 documents)")
    parser.add_argument("--max-df", type=float, default=0.95, help="TfidfVectorizer max_df (default: 0.95)")
    parser.add_argument("--top-k", type=int, default=50, help="terms kept per prompt and attribute (default: 50)")
    parser.add_argument("--bootstrap", type=int, default=200, help="bootstrap draws for intervals (0: none)")
    parser.add_argument("--permutations", type=int, default=1000, help="permutations for p-values (0: none)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the resampling (default: 0)")
    parser.add_argument(
        "--fdr",
        type=float,
        default=0.05,
        help="false-discovery rate (Benjamini-Hochberg over all terms) a term must pass to be reported "
        "as one a group uses most (default: 0.05)",
    )
    parser.add_argument("--min-group-size", type=int, default=30, help="flag groups smaller than this")
    parser.add_argument("--classification", type=Path, help="a classification.json to show in the report")
    return parser


def classify_parser() -> OneLineParser:
    parser = OneLineParser(prog=f"{PROG} bias classify", description="FairFace zero-shot classification.")
    parser.add_argument("--dataset", help="fairface | a local folder or file with gender, race and age")
    parser.add_argument("--split", help="dataset split (default: validation for fairface, all for local data)")
    parser.add_argument("--predictions", type=Path, help="score this JSONL of predictions instead of running a model")
    parser.add_argument("--out", required=True, type=Path, help="folder for predictions.jsonl and classification.json")
    add_model_options(parser)
    return parser


def run_name(text: str) -> str:
    """A folder-name part for a dataset or model: its slug without a file suffix (a run directory
    named `...-model.json` would read as a file)."""
    return re.sub(r"\.(jsonl?|csv|parquet|txt|ya?ml)$", "", model_slug(text), flags=re.IGNORECASE) or "local"


def cmd_run(argv: Sequence[str]) -> int:
    from bias.probes import PROMPTS, BiasProbe

    args = run_parser().parse_args(argv)
    prompts = [p.strip() for p in args.prompts.split(",") if p.strip()]
    unknown = [p for p in prompts if p not in PROMPTS]
    if unknown or not prompts:
        raise UserError(f"unknown prompt(s) {', '.join(unknown) or '(none)'}; choose from: {', '.join(PROMPTS)}")
    probe = BiasProbe(args.dataset, prompts)
    split = args.split or probe.default_split
    out = args.out or f"runs/bias-{run_name(args.dataset)}-{run_name(args.model)}"
    config = run_config(args, probe, split, out, args.dataset)
    return execute_run(config, probe, progress=not args.no_progress, overwrite=args.overwrite)


def cmd_analyze(argv: Sequence[str]) -> int:
    from bias.analyze import analyze, load_generations
    from bias.provenance import classification_provenance, generations_provenance, mixed_models
    from bias.report import write_report
    from bias.tfidf import TfidfSettings
    from bias.toxicity import get_classifier

    args = analyze_parser().parse_args(argv)
    generations = load_generations(args.generations, args.model_column)
    settings = TfidfSettings(
        stop_words=None if args.stop_words == "none" else args.stop_words,
        min_df=args.min_df,
        max_df=args.max_df,
        top_k=args.top_k,
        bootstrap=args.bootstrap,
        permutations=args.permutations,
        seed=args.seed,
        fdr=args.fdr,
    )
    classifier = None if args.toxicity == "none" else get_classifier(args.toxicity)
    print(f"analysing {len(generations)} generations ...", file=sys.stderr)
    result = analyze(generations, settings, classifier, args.min_group_size)
    result["source"] = str(args.generations)
    image_ids = {g.id.rsplit("/", 1)[0] for g in generations}
    result["provenance"] = generations_provenance(args.generations, image_ids, args.model_column)
    classification_file = args.classification or args.out / "classification.json"
    classification = read_json(classification_file) if classification_file.exists() else None
    if classification is not None:
        result["classification_provenance"] = classification_provenance(classification_file)
    result["warnings"] = mixed_models(result["provenance"], result.get("classification_provenance"))
    write_json_atomic(args.out / "bias.json", result)
    written = write_report(args.out, result, classification)
    for warning in result["warnings"]:
        print(f"  warning: {warning}", file=sys.stderr)
    for flag in result["flags"][:5]:
        print(f"  note: {flag}", file=sys.stderr)
    print(f"wrote {args.out / 'bias.json'}, " + ", ".join(str(path) for path in written[:2]))
    return 0


def cmd_classify(argv: Sequence[str]) -> int:
    from bias.classify import CLASSIFICATION, score_predictions

    args = classify_parser().parse_args(argv)
    if args.predictions:
        if not args.predictions.is_file():
            raise UserError(f"no predictions file at {args.predictions}")
        rows = [row for _, row in iter_jsonl(args.predictions)]
        results = score_predictions(rows)
        write_json_atomic(args.out / CLASSIFICATION, results)
    elif args.dataset:
        results = _classify_with_model(args)
    else:
        raise UserError("pass --dataset to run the probe, or --predictions FILE to score predictions")
    for attribute, values in results.items():
        print(
            f"  {attribute:<7} accuracy {values['accuracy']:.1f}  std over buckets {values['std']:.1f}  n={values['n']}"
        )
    print(f"wrote {args.out / CLASSIFICATION}")
    return 0


def _classify_with_model(args: argparse.Namespace) -> dict:
    from bias.classify import run_probe
    from bias.probes import BiasProbe
    from model import load_model
    from reports.provenance import model_of

    probe = BiasProbe(args.dataset, prompts=["resume"])
    split = args.split or probe.default_split
    configure_images(allow_outside=args.allow_images_outside_data, max_pixels=args.max_image_pixels)
    samples = list(probe.load(split, args.limit))  # one prompt, so one sample per image
    with lock_run_dir(args.out):
        if args.overwrite and (args.out / "predictions.jsonl").exists():
            (args.out / "predictions.jsonl").unlink()
        config = run_config(args, probe, split, str(args.out), args.dataset)
        print(f"loading model {args.model} ...", file=sys.stderr)
        model = load_model(config)
        usable = [_image_sample(s) for s in samples if s.error is None]
        for sample in samples:
            if sample.error is not None:
                print(f"  skipped {sample.meta.get('image_id', sample.id)}: {sample.error}", file=sys.stderr)
        about = {
            "model": model_of({"config": asdict(config), "model": model.describe()}),
            "dataset": args.dataset,
            "split": split,
        }
        return run_probe(model, usable, args.out, progress=not args.no_progress, about=about)


def _image_sample(sample: Sample) -> Sample:
    """One sample per image: the probe's id without its prompt suffix."""
    return replace(sample, id=sample.meta["image_id"])


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0
    commands = {"run": cmd_run, "analyze": cmd_analyze, "classify": cmd_classify}
    if argv[0] not in commands:
        raise UserError(f"unknown bias command '{argv[0]}'; choose one of: {', '.join(commands)}")
    return commands[argv[0]](argv[1:])
