"""The options and parser helpers every command group shares (below the commands that use them)."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from evals.errors import UserError

PROG = "idefics2-eval"


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
    from evals.config import ATTENTION, DTYPES, PROMPT_FORMATS, QUANTIZATION
    from evals.images import DEFAULT_MAX_PIXELS

    parser.add_argument(
        "--model",
        default="tiny",
        help="tiny | scripted[:FILE] | random[:CONFIG] | endpoint:URL#NAME | hub id ORG/NAME | checkpoint folder "
        "(default: tiny)",
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
        help="image splitting, Idefics2 / Idefics3 / SmolVLM (default: the model processor's own setting)",
    )
    parser.add_argument(
        "--longest-edge", type=positive_int, help="resize images to this longest edge in pixels (not Idefics1)"
    )
    parser.add_argument(
        "--prompt-format",
        choices=PROMPT_FORMATS,
        default="auto",
        help="chat: user/assistant turns (instruct models); completion: 'question Answer:' as base checkpoints "
        "were evaluated; auto: completion for base checkpoints, chat otherwise (default: auto)",
    )
    parser.add_argument("--max-new-tokens", type=positive_int, help="generation budget (default: the suite's)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0); decoding is greedy")
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda | cuda:N (default: auto)")
    parser.add_argument(
        "--compile", action="store_true", help="torch.compile the language model (slow start; pays on long runs)"
    )
    parser.add_argument("--overwrite", action="store_true", help="discard an existing run in --out and start again")
    parser.add_argument("--trust-remote-code", action="store_true", help="allow model code from the hub")
    parser.add_argument(
        "--ignore-memory-check",
        action="store_true",
        help="build a model even where its estimated memory exceeds what the device has free",
    )
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
        prompt_format=args.prompt_format,
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
        ignore_memory_check=args.ignore_memory_check,
        shots=getattr(args, "shots", 0),
        support=getattr(args, "support", None),
    )


def add_extractor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--extractor-url",
        help="MathVista: extract answers with an LLM at this OpenAI-compatible endpoint (e.g. "
        "https://api.openai.com/v1; key from OPENAI_API_KEY), sent the official extraction prompt with its "
        "demonstrations, instead of the offline rules",
    )
    parser.add_argument("--extractor-model", default="gpt-4o-mini", help="model for --extractor-url")


def configure_extractor(suite: Any, args: argparse.Namespace) -> None:
    if args.extractor_url:
        suite.use_llm_extractor(args.extractor_url, args.extractor_model)
