from dataclasses import replace
from pathlib import Path

import pytest

from evals.config import RunConfig
from evals.errors import DataError, UserError
from evals.records import Sample
from evals.runner import run_suite
from evals.store import RunDir
from model.base import Generation, OutOfMemory, Request
from model.scripted import ScriptedModel


def config_for(out: Path, **overrides) -> RunConfig:
    return replace(RunConfig(suite="fixture", model="scripted", split="test", out=str(out), batch_size=3), **overrides)


def right_answers(samples: list[Sample]) -> dict[str, str]:
    return {s.id: s.target["answer"] for s in samples}


def test_run_scores_every_sample_and_writes_three_files(tmp_path, fixture_suite, fixture_samples) -> None:
    answers = right_answers(fixture_samples)
    answers["s0"] = "green"  # one wrong
    outcome = run_suite(config_for(tmp_path), fixture_suite, ScriptedModel(answers=answers), fixture_samples)
    assert outcome.results["n"] == 10
    assert outcome.results["score"] == pytest.approx(90.0)
    run = RunDir(tmp_path)
    assert run.read_manifest()["invocations"][-1]["status"] == "finished"
    assert len(run.open_log()) == 10
    assert run.results_path.exists()


def test_resume_generates_only_what_is_missing(tmp_path, fixture_suite, fixture_samples) -> None:
    first = ScriptedModel(answers=right_answers(fixture_samples))
    run_suite(config_for(tmp_path, limit=4), fixture_suite, first, fixture_samples[:4])
    second = ScriptedModel(answers=right_answers(fixture_samples))
    outcome = run_suite(config_for(tmp_path), fixture_suite, second, fixture_samples)
    generated = [sample_id for call in second.calls for sample_id in call]
    assert sorted(generated) == sorted(s.id for s in fixture_samples[4:])
    assert outcome.resumed == 4 and outcome.new_samples == 6
    assert outcome.results["score"] == 100.0
    assert len(RunDir(tmp_path).read_manifest()["invocations"]) == 2


class InterruptingModel(ScriptedModel):
    """Stops the process (as Ctrl-C would) on its third call."""

    def generate(self, requests: list[Request]) -> list[Generation]:
        if len(self.calls) == 2:
            raise KeyboardInterrupt
        return super().generate(requests)


def test_interrupted_run_keeps_finished_batches_and_resumes_to_same_score(
    tmp_path, fixture_suite, fixture_samples
) -> None:
    answers = right_answers(fixture_samples) | {"s1": "no", "s6": "no"}
    with pytest.raises(KeyboardInterrupt):
        run_suite(config_for(tmp_path / "a"), fixture_suite, InterruptingModel(answers=answers), fixture_samples)
    assert len(RunDir(tmp_path / "a").open_log()) == 6
    assert RunDir(tmp_path / "a").read_manifest()["invocations"][-1]["status"] == "interrupted"
    resumed = run_suite(config_for(tmp_path / "a"), fixture_suite, ScriptedModel(answers=answers), fixture_samples)
    straight = run_suite(config_for(tmp_path / "b"), fixture_suite, ScriptedModel(answers=answers), fixture_samples)
    assert resumed.results == straight.results
    assert resumed.results["score"] == pytest.approx(80.0)


def test_batches_go_longest_prompt_first(tmp_path, image_dir) -> None:
    samples = [
        Sample(id=f"q{i}", question="x" * (10 * i), images=(str(image_dir / "red.png"),), target={"answer": "red"})
        for i in range(1, 7)
    ]
    from tests.conftest import FixtureSuite

    model = ScriptedModel()
    run_suite(config_for(tmp_path, batch_size=2), FixtureSuite(samples), model, samples)
    assert model.calls == [["q6", "q5"], ["q4", "q3"], ["q2", "q1"]]


def test_per_sample_errors_are_logged_counted_and_not_fatal(tmp_path, fixture_suite, fixture_samples) -> None:
    model = ScriptedModel(answers=right_answers(fixture_samples), errors={"s3": "cannot decode image x.png"})
    outcome = run_suite(config_for(tmp_path), fixture_suite, model, fixture_samples)
    assert outcome.results["n_errors"] == 1
    assert outcome.results["score"] == pytest.approx(90.0)  # an error counts as wrong
    logged = RunDir(tmp_path).open_log().records["s3"]
    assert logged.error == "cannot decode image x.png" and logged.score is None


class SmallMemoryModel(ScriptedModel):
    """Runs out of memory on batches larger than `fits`; never fits sample `huge`."""

    fits = 2

    def generate(self, requests: list[Request]) -> list[Generation]:
        if len(requests) > self.fits or any(r.id == "s0" for r in requests):
            raise OutOfMemory("CUDA out of memory")
        return super().generate(requests)


def test_out_of_memory_halves_the_batch_and_records_the_hopeless_sample(
    tmp_path, fixture_suite, fixture_samples
) -> None:
    model = SmallMemoryModel(answers=right_answers(fixture_samples))
    outcome = run_suite(config_for(tmp_path, batch_size=8), fixture_suite, model, fixture_samples)
    assert outcome.results["n"] == 10
    assert outcome.results["n_errors"] == 1
    assert "out of memory at batch size 1" in RunDir(tmp_path).open_log().records["s0"].error
    assert all(len(call) <= 2 for call in model.calls)


def test_continuing_with_other_settings_is_refused(tmp_path, fixture_suite, fixture_samples) -> None:
    run_suite(config_for(tmp_path, limit=2), fixture_suite, ScriptedModel(), fixture_samples[:2])
    with pytest.raises(UserError, match="max_new_tokens: 16 -> 4"):
        run_suite(config_for(tmp_path, max_new_tokens=4), fixture_suite, ScriptedModel(), fixture_samples)


def test_duplicate_sample_ids_are_a_data_error(tmp_path, fixture_suite, fixture_samples) -> None:
    with pytest.raises(DataError, match="duplicate"):
        run_suite(config_for(tmp_path), fixture_suite, ScriptedModel(), fixture_samples + fixture_samples[:1])


def test_a_finished_run_is_rescored_without_loading_the_model(tmp_path, fixture_suite, fixture_samples) -> None:
    answers = right_answers(fixture_samples)
    run_suite(config_for(tmp_path), fixture_suite, ScriptedModel(answers=answers), fixture_samples)
    loads = []

    def loader() -> ScriptedModel:
        loads.append(1)
        return ScriptedModel(answers=answers)

    outcome = run_suite(config_for(tmp_path), fixture_suite, loader, fixture_samples)
    assert loads == [] and outcome.new_samples == 0 and outcome.results["score"] == 100.0
    assert RunDir(tmp_path).read_manifest()["model"]["backend"] == "scripted"
    more = [*fixture_samples, Sample(id="extra", question="q", target={"answer": "red"})]
    run_suite(config_for(tmp_path), fixture_suite, loader, more)
    assert loads == [1]


def test_few_shot_prompts_hold_the_examples_and_their_images(tmp_path: Path, capsys) -> None:
    from cli import main
    from evals.prompt_log import PREFIX_MARK, full_prompt
    from evals.store import iter_jsonl, read_json

    out = tmp_path / "run"
    args = ["--suite", "easyvqa", "--model", "tiny", "--limit", "3", "--out", str(out), "--no-progress"]
    assert main([*args, "--shots", "4"]) == 0
    record = next(row for _, row in iter_jsonl(out / "samples.jsonl"))
    fewshot = read_json(out / "manifest.json")["fewshot"]
    # the examples are logged once, in the manifest; the prompt is that prefix and the rest (23.9)
    assert record["prompt"].startswith(PREFIX_MARK) and "Assistant:" in fewshot["prompt_prefix"]
    prompt = full_prompt(record["prompt"], {"fewshot": fewshot})
    assert prompt.count("Assistant:") == 5 and prompt.count("<image>") == 5
    assert len(record["images"]) == 5 and record["images"][-1].endswith(f"{record['meta']['image_id']}.png")
    assert fewshot["shots"] == 4 and fewshot["seed"] == 0 and fewshot["source"] == "train"
    assert len(fewshot["support_ids"]) == 4 and all(i.startswith("train-") for i in fewshot["support_ids"])
    capsys.readouterr()
    assert main([*args, "--shots", "2"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "shots: 4 -> 2" in err[0]


def test_few_shot_without_a_train_or_dev_split_says_so(tmp_path: Path, capsys) -> None:
    import json

    from cli import main
    from tests.conftest import make_png

    make_png(tmp_path / "1.png")
    row = {"pid": "1", "query": "How many?", "question_type": "free_form", "answer_type": "integer", "answer": "2",
           "image": "1.png"}  # fmt: skip
    data = tmp_path / "testmini.jsonl"
    data.write_text(json.dumps(row) + "\n")
    assert main(["--suite", "mathvista", "--data", str(data), "--shots", "2", "--out", str(tmp_path / "o")]) == 2
    assert "has no train or dev split" in capsys.readouterr().err
