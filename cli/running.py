"""Running a suite from the command line and printing its results: shared by `run` and `bias run`."""

from __future__ import annotations

import sys
from typing import Any

from cli.options import PROG
from evals.errors import UserError
from evals.signals import exit_code_of, interruption


def execute_run(
    config: Any, suite: Any, progress: bool = True, overwrite: bool = False, models: dict[str, Any] | None = None
) -> int:
    """Run one suite. `models` (model id -> loaded model), when given, is shared by several runs of
    one command (`redteam`), so the model is loaded once for all of them, and only if one needs it."""
    from tqdm import tqdm

    from evals.images import configure_images
    from evals.runner import run_suite
    from model import load_model

    configure_images(allow_outside=config.allow_outside_images, max_pixels=config.max_image_pixels)
    samples = list(suite.load(config.split, config.limit, config.data))
    if not samples:
        raise UserError(f"{suite.name}/{config.split} has no samples to run")

    def load() -> Any:
        if models is not None and config.model in models:
            return models[config.model]
        print(f"loading model {config.model} ...", file=sys.stderr)
        model = load_model(config)
        if models is not None:
            models[config.model] = model
        return model

    bars: list[tqdm] = []

    def on_start(todo: int, resumed: int) -> None:
        if resumed:
            print(
                f"continuing {config.out}: {resumed} of the {todo + resumed} samples asked for are already "
                f"logged; {todo} to run",
                file=sys.stderr,
            )
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
    if outcome.results_file != "results.json":
        print(
            f"scored the {outcome.results['n']} samples asked for (of {outcome.logged} logged in this run) into "
            f"{outcome.results_file}; results.json is unchanged"
        )
    print(f"run directory: {outcome.out}")
    return 0


MAX_GROUPS_SHOWN = 12
EXTRA_FIGURES = ("n_questions", "vanilla_score", "n_guessed")
MAX_LABEL = 48  # longer group names are cut in the terminal (results.json has them whole)
# MathVista's extraction paths (`evals.suites.mathvista.extraction_path`), in words
EXTRACTION_PATHS = {
    "rules": "offline rules",
    "official": "the official code's shortcuts (empty reply, or a reply that is the answer)",
    "given": "extractions given in the file",
    "llm": "the LLM extractor",
    "llm-failed": "offline rules after the LLM failed",
}


def interval_text(ci: Any) -> str:
    """A results.json `ci` pair as the terminal shows it (two numbers, an en dash between), "-" where none."""
    from evals.stats import Interval, format_interval

    if not (isinstance(ci, list | tuple) and len(ci) == 2):
        return "-"
    return format_interval(Interval(float("nan"), float(ci[0]), float(ci[1])))


def print_results(results: dict[str, Any], model: str) -> None:
    headers = ("suite", "split", "model", "n", "score", "95% CI", "errors", "unresolved")
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
        interval_text(results.get("ci")),
        str(results["n_errors"]),
        str(results["n_unresolved"]),
    )
    widths = [max(len(h), len(v)) for h, v in zip(headers, row, strict=True)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    shown = {key: list(groups.items())[:MAX_GROUPS_SHOWN] for key, groups in results.get("breakdowns", {}).items()}
    labels = [f"{key}={group}" for key, cells in shown.items() for group, _ in cells]
    width = min(MAX_LABEL, max(map(len, labels), default=0))
    for key, cells in shown.items():
        for group, values in cells:
            label = f"{key}={group}"
            label = label if len(label) <= width else label[: width - 1] + "\u2026"
            ci = interval_text(values.get("ci"))
            print(f"  {label:<{width}}  n={values['n']:>6}  score={values['score']:6.2f}  95% CI {ci}")
        hidden = len(results["breakdowns"][key]) - len(cells)
        if hidden:
            print(f"  {key}: {hidden} more groups in results.json")
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
        shares = ", ".join(f"{EXTRACTION_PATHS.get(path, path)} {100 * p['share']:.1f}%" for path, p in paths.items())
        print(f"  answers extracted by: {shares}")
    if results.get("note"):
        print(results["note"])
