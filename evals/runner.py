"""The run loop: skip what is logged, batch by prompt length, generate, score, append, repeat.

Every finished batch is in `samples.jsonl` (fsync'd) before the next one starts, so the same
command run again after a crash or `kill -9` continues where it stopped. The next batches are
prepared in background threads (`evals.pipeline`); under torchrun each rank runs its shard
(`evals.distributed`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.config import IDENTITY_FIELDS, RunConfig
from evals.distributed import SHARDS, Shard, absorb_shards, current_shard, merge_lock, shard_records, wait_for_all_ranks
from evals.environment import git_revision, hardware, now, package_versions
from evals.errors import DataError, UserError
from evals.fewshot import Support, draw_support, with_examples
from evals.pipeline import BatchSizer, generate_batches
from evals.records import SCHEMA_VERSION, Sample, SampleRecord
from evals.scoring import make_record, results_for
from evals.store import MANIFEST, RESULTS, SAMPLES, RunDir, SampleLog, lock_run_dir, write_json_atomic
from evals.suites import Suite
from model.base import Model, Request


@dataclass
class RunOutcome:
    results: dict[str, Any] | None  # None: a data-parallel rank whose results another rank writes
    out: str
    new_samples: int
    resumed: int
    results_file: str = RESULTS  # where the results were written, inside `out`
    logged: int = 0  # samples the run directory holds in all (more than asked for under --limit)


def check_resumable(existing: dict[str, Any] | None, config: RunConfig) -> None:
    """A run directory may only be continued with the settings that made its samples."""
    if not existing:
        return
    before = existing.get("config", {})
    changed = [name for name in IDENTITY_FIELDS if name in before and before[name] != getattr(config, name)]
    if changed:
        detail = ", ".join(f"{name}: {before[name]!r} -> {getattr(config, name)!r}" for name in changed)
        raise UserError(
            f"{config.out} holds a run made with other settings ({detail}); "
            "pass a new --out folder, or --overwrite to start it again"
        )


def build_requests(
    suite: Suite, samples: Sequence[Sample], config: RunConfig, support: Support | None = None
) -> list[Request]:
    def messages(sample: Sample) -> list[Any]:
        own = suite.prompt(sample, config.instruction, config.images_first)
        if support is None:
            return own
        return with_examples(suite, support, own, config.instruction, config.images_first)

    return [
        Request(
            id=s.id,
            messages=messages(s),
            max_new_tokens=config.max_new_tokens,
            min_new_tokens=suite.min_new_tokens,
        )
        for s in samples
    ]


def length_sorted_batches(requests: list[Request], model: Model, batch_size: int) -> list[list[Request]]:
    """Longest prompts first (image tokens counted), so padding is small and OOM shows up early."""
    ordered = sorted(requests, key=lambda r: (-model.prompt_length(r), r.id))
    return [ordered[i : i + batch_size] for i in range(0, len(ordered), batch_size)]


def new_manifest(
    config: RunConfig,
    suite: Suite,
    model_settings: dict[str, Any],
    existing: dict[str, Any] | None,
    shard: Shard | None = None,
) -> dict[str, Any]:
    invocations = list(existing.get("invocations", [])) if existing else []
    invocation = {"started_at": now(), "finished_at": None, "new_samples": 0, "status": "running"}
    if shard is not None and shard.active:
        invocation["world_size"] = shard.world  # new_samples then counts rank 0's shard
    invocations.append(invocation)
    return {
        "schema_version": SCHEMA_VERSION,
        "config": config.to_json(),
        "suite": {
            "name": suite.name,
            "split": config.split,
            "prompt_version": suite.prompt_version,
            "instruction": suite.instruction if config.instruction is None else config.instruction,
            "image_placement": "first" if config.images_first else suite.image_placement,
        },
        "model": model_settings,
        "packages": package_versions(),
        "git_revision": git_revision(),
        "hardware": hardware(),
        "started_at": (existing or {}).get("started_at") or invocations[0]["started_at"],
        "finished_at": None,
        "invocations": invocations,
    }


def run_suite(
    config: RunConfig,
    suite: Suite,
    model: Model | Callable[[], Model],
    samples: Sequence[Sample],
    on_progress: Callable[[int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
    overwrite: bool = False,
) -> RunOutcome:
    """Run `model` over `samples`, continuing the run in `config.out` if there is one.

    `model` may be a function that loads it: it is then called only if some sample is still
    missing, so re-running a finished run re-scores it without loading any weights. The run
    directory is locked for the whole call; `overwrite` discards what it held first.
    """
    ids = [sample.id for sample in samples]
    if len(set(ids)) != len(ids):
        raise DataError(f"suite {suite.name} yielded duplicate sample ids; ids must be unique")
    shard = current_shard()
    run = RunDir(config.out)
    rank = f"rank-{shard.rank}-of-{shard.world}" if shard.active else None
    with lock_run_dir(run.root, rank):
        if overwrite:
            clear_run_dir(run.root, shard)
        return _run_locked(config, suite, model, samples, ids, shard, run, on_progress, on_start)


def clear_run_dir(root: Path, shard: Shard | None = None) -> None:
    """Discard the run in `root` (for --overwrite): its manifest, log, results and shard logs."""
    import shutil

    if shard is not None and shard.active:
        shard.log_path(root).unlink(missing_ok=True)  # the other ranks clear their own logs
        if shard.rank != 0:
            return
    for name in (MANIFEST, SAMPLES, RESULTS):
        (root / name).unlink(missing_ok=True)
    if shard is None or not shard.active:
        shutil.rmtree(root / SHARDS, ignore_errors=True)


def _run_locked(
    config: RunConfig,
    suite: Suite,
    model: Model | Callable[[], Model],
    samples: Sequence[Sample],
    ids: list[str],
    shard: Shard,
    run: RunDir,
    on_progress: Callable[[int], None] | None,
    on_start: Callable[[int, int], None] | None,
) -> RunOutcome:
    existing = run.read_manifest()
    check_resumable(existing, config)
    log = run.open_log()
    if shard.active:
        writer = SampleLog(shard.log_path(run.root))
        if existing is None:
            refuse_orphan_samples(run, len(log) + len(writer))
        logged = set(log.records) | {record.id for record in shard_records(run.root)}
    else:
        if existing is None:
            refuse_orphan_samples(run, len(log) + sum(1 for _ in shard_records(run.root)))
        absorb_shards(log, run.root)  # samples logged by an earlier data-parallel run count
        writer, logged = log, set(log.records)
    mine = shard.take(samples)
    resumed = sum(1 for sample in mine if sample.id in logged)
    todo = [sample for sample in mine if sample.id not in logged]
    broken = [sample for sample in todo if sample.error is not None]
    todo = [sample for sample in todo if sample.error is None]
    # Drawn before the model loads, so a suite without examples fails at once; a finished run
    # being re-scored keeps the examples its manifest names (no need to read the support data).
    earlier = (existing or {}).get("fewshot")
    support = None
    if config.shots and (todo or not earlier):
        support = draw_support(suite, config.shots, config.seed, config.data, config.support)
        check_support(existing, support.describe(config.shots, config.seed), run)
    if callable(model) and (todo or not existing):
        model = model()
    # Still a loader here only when nothing is left to generate: keep what the manifest says.
    model_settings = (existing or {}).get("model", {}) if callable(model) else model.describe()
    manifest = new_manifest(config, suite, model_settings, existing, shard)
    if config.shots:
        manifest["fewshot"] = support.describe(config.shots, config.seed) if support is not None else earlier
    if shard.rank == 0 or existing is None:  # a rank started alone still says what made its samples
        run.write_manifest(manifest)
    by_id = {sample.id: sample for sample in todo}
    if on_start:
        on_start(len(todo) + len(broken), resumed)
    new_samples = 0
    status = "interrupted"
    sizer = BatchSizer()
    try:
        # Samples whose own data is bad are logged with their error; the model never sees them.
        writer.append(make_record(suite, sample, "", None, sample.error, 0.0) for sample in broken)
        new_samples += len(broken)
        if on_progress and broken:
            on_progress(len(broken))
        batches = length_sorted_batches(build_requests(suite, todo, config, support), model, config.batch_size)
        for batch, generations, seconds in generate_batches(model, batches, config.workers, sizer):
            writer.append(
                make_record(suite, by_id[req.id], gen.prompt, gen.text, gen.error, seconds, req.image_refs)
                for req, gen in zip(batch, generations, strict=True)
            )
            new_samples += len(batch)
            if on_progress:
                on_progress(len(batch))
        status = "finished"
    finally:
        if shard.rank == 0:
            _close_invocation(run, manifest, new_samples, status)
    if shard.active and not merge_shards(shard, run, log, ids):
        return RunOutcome(results=None, out=str(run.root), new_samples=new_samples, resumed=resumed)
    # A limited run over a folder that holds more samples keeps its results beside the full
    # ones (results.limit-N.json) instead of rewriting results.json with a part of the run.
    partial = len(log) > len(ids) and config.limit is not None
    name = f"results.limit-{config.limit}.json" if partial else RESULTS
    results = finish(config, suite, run, [log.records[sample_id] for sample_id in ids], name)
    return RunOutcome(results, str(run.root), new_samples, resumed, results_file=name, logged=len(log))


def check_support(existing: dict[str, Any] | None, fewshot: dict[str, Any], run: RunDir) -> None:
    """The examples are part of what made the samples: the same shots must get the same examples."""
    before = (existing or {}).get("fewshot")
    if before and before.get("support_ids") != fewshot["support_ids"]:
        raise UserError(
            f"{run.root} was run with other few-shot examples than this command draws (was the support data "
            "changed?); pass a new --out, or --overwrite to start it again"
        )


def refuse_orphan_samples(run: RunDir, logged: int) -> None:
    """Samples without the manifest that says which model and settings made them cannot be
    continued: another model's answers would be mixed into one score."""
    if logged:
        raise UserError(
            f"{run.root} holds {logged} logged samples but no {MANIFEST}, so nothing says which model and "
            "settings made them; run again with --overwrite to discard them and start afresh, or pass another "
            "--out (the samples stay where they are until then)"
        )


def merge_shards(shard: Shard, run: RunDir, log: SampleLog, ids: Sequence[str]) -> bool:
    """Fold the shard logs into samples.jsonl once every sample is logged; True for the rank that
    then writes the results (rank 0 of a launched group, or a rank resumed alone)."""
    together = wait_for_all_ranks(shard)
    if together and shard.rank != 0:
        return False
    with merge_lock(run.root):
        absorb_shards(log, run.root)
    return all(sample_id in log for sample_id in ids)


def finish(
    config: RunConfig, suite: Suite, run: RunDir, records: list[SampleRecord], name: str = RESULTS
) -> dict[str, Any]:
    """Score the run into results.json, or `name` (and the submission file of a hidden split)."""
    results = results_for(suite, config.split, records, model=config.model)
    if config.split in suite.hidden_splits:
        # No gold answers here: the number must come from the benchmark's own server.
        suite.write_submission(run.root / suite.submission_name, records)
        results.update(
            score=None,
            ci=None,
            breakdowns={},
            submission=suite.submission_name,
            note=f"answers of {suite.name}/{config.split} are hidden: submit "
            f"{suite.submission_name} to the official evaluation server for the score",
        )
    write_json_atomic(run.root / name, results)
    return results


def _close_invocation(run: RunDir, manifest: dict[str, Any], new_samples: int, status: str) -> None:
    finished = now()
    manifest["invocations"][-1].update(finished_at=finished, new_samples=new_samples, status=status)
    if status == "finished":
        manifest["finished_at"] = finished
    run.write_manifest(manifest)
