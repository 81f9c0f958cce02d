"""The `idefics2-eval` command line.

    idefics2-eval [run] --suite S --model M [options]   run a suite and score it
    idefics2-eval list                                  suites and models
    idefics2-eval score --suite S --predictions F --out DIR   score predictions made anywhere

Every failure the user can fix ends in one line on stderr and exit code 2; an interrupted run
keeps every finished sample and says how to continue.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from cli.options import PROG
from evals import __version__
from evals.errors import UserError, first_line
from evals.signals import exit_code_of, handle_termination, interruption, quiet_exit

# command -> (module of this package, the function in it that takes the command's arguments)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("run", "cmd_run"),
    "list": ("run", "cmd_list"),
    "score": ("run", "cmd_score"),
    "import": ("importing", "cmd_import"),
    "report": ("report", "cmd_report"),
    "gate": ("report", "cmd_gate"),
    "bench": ("bench", "cmd_bench"),
    "bias": ("bias", "main"),
    "redteam": ("redteam", "cmd_redteam"),
}


def top_help() -> str:
    return (
        f"usage: {PROG} [run] --suite S --model M [options]\n"
        f"       {PROG} list\n"
        f"       {PROG} score --suite S --predictions FILE --out DIR [--split SPLIT] [--overwrite]\n"
        f"       {PROG} import --from lmms-eval|vlmevalkit FILE_OR_DIR --suite S --out DIR [--data D]\n"
        f"       {PROG} report RUN [RUN ...] [--out report.html | --format md|csv|json|model-index]\n"
        f"       {PROG} gate --baseline RUN --candidate RUN [--max-drop 1.0] [--max-drop-breakdown P] [--junit FILE]\n"
        f"       {PROG} bench [--model M] [--workload docvqa] [--batch-sizes 1,8,32] [--card]\n"
        f"       {PROG} bias run|analyze|classify ...\n"
        f"       {PROG} redteam [--model M] [--suites S,...] [--out DIR] | redteam judge --input FILE --out DIR\n\n"
        "Evaluation harness for Idefics vision-language models.\n\n"
        "commands:\n"
        "  run     run a suite on a model and score it (the default command)\n"
        "  list    show suites and models\n"
        "  score   score a predictions file without a model\n"
        "  import  an lmms-eval or VLMEvalKit log as a run scored by our suite, beside the peer's score\n"
        "  report  HTML or Markdown report of runs (runs of one suite compared side by side), beside the\n"
        "          published Idefics2 numbers; CSV, JSON or model card model-index exports\n"
        "  gate    CI regression gate: fail on a significant drop between two runs (or in a category)\n"
        "  bench   throughput (samples/s, tokens/s) and the model card's efficiency table\n"
        "  bias    bias audit: generate probes, analyse them by group, classify FairFace faces\n"
        "  redteam red-team suites (CAPTCHAs, harmful requests, jailbreaks, judgements of people, memes,\n"
        "          phishing) with a safety score per sample, and one report; `redteam judge` labels replies\n\n"
        f"`{PROG} run --help` and `{PROG} score --help` list the options.\n"
        f"With no arguments, runs the offline default: --suite easyvqa --model tiny.\n"
    )


def dispatch(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help"):
        print(top_help(), end="")
        return 0
    if argv and argv[0] == "--version":
        print(f"{PROG} {__version__}")
        return 0
    if argv and argv[0] in COMMANDS:
        command, rest = argv[0], argv[1:]
    elif argv and not argv[0].startswith("-"):
        raise UserError(f"unknown command '{argv[0]}'; choose one of: {', '.join(COMMANDS)} (see {PROG} --help)")
    else:
        command, rest = "run", argv  # `run` is the default command
    module, function = COMMANDS[command]
    # Imported on use: `idefics2-eval list` need not import torch, and a new command group is one
    # new module in this package plus one line above.
    handler = getattr(importlib.import_module(f"{__name__}.{module}"), function)
    return int(handler(rest))


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
