"""Every Idefics family member as a first-class model (issue 16): tiny random Idefics1, Idefics2 and
Idefics3 checkpoints built here (config + the bundled tokenizer, `save_pretrained`) run through
`--model PATH` on every suite's prompt path (one image, several interleaved images, MMBench
options) at batch size 1 and 8 with the same answers, and rank for `bias classify`."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from evals.store import read_json
from tests.evals.suites.test_mmbench_suite import QUESTIONS, write_tsv
from tests.evals.suites.test_mmmu_suite import mmmu_row
from tests.helpers import png_bytes, write_parquet
from tests.hostile import cli

FAMILIES = {"tiny-idefics1": "IdeficsForVisionText2Text", "tiny-idefics2": "Idefics2ForConditionalGeneration",
            "tiny-idefics3": "Idefics3ForConditionalGeneration"}  # fmt: skip


@pytest.fixture(scope="module", params=list(FAMILIES))
def checkpoint(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from transformers import AutoTokenizer

    from model import TINY_CHECKPOINT
    from model.architectures import architecture, build_config, build_processor, model_class

    folder = tmp_path_factory.mktemp(request.param, numbered=False)
    arch = architecture(request.param)
    tokenizer = AutoTokenizer.from_pretrained(TINY_CHECKPOINT)
    config = build_config(arch, tokenizer)
    torch.manual_seed(0)
    model_class(config)(config).save_pretrained(folder)
    build_processor(arch, config, tokenizer).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def suite_data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("data")
    for subject in ("Art_Theory", "Physics"):
        write_parquet(root / "MMMU" / subject, "validation", [mmmu_row(subject, n) for n in (1, 2, 3)])
    image = base64.b64encode(png_bytes((200, 30, 30))).decode()
    tsv = write_tsv(root / "MMBench_DEV_EN.tsv", [{**row, "image": image} for row in QUESTIONS])
    return {"mmmu": root / "MMMU", "mmbench": tsv}


def generations(out: Path) -> dict[str, str]:
    return {row["id"]: row["generation"] for row in map(json.loads, (out / "samples.jsonl").read_text().splitlines())}


@pytest.mark.parametrize(
    ("suite", "split"),
    [("easyvqa", "test"), ("mmmu", "validation"), ("mmbench", "dev")],
    ids=["one-image", "interleaved-images", "mmbench-options"],
)
def test_every_prompt_path_gives_the_same_answers_at_batch_1_and_8(
    checkpoint: Path, suite_data: dict[str, Path], suite: str, split: str, tmp_path: Path, capsys
) -> None:
    data = ["--data", str(suite_data[suite])] if suite in suite_data else ["--limit", "12"]
    answers = {}
    for batch in (1, 8):
        out = tmp_path / f"b{batch}"
        args = ["--suite", suite, "--split", split, "--model", str(checkpoint), *data, "--batch-size", str(batch)]
        assert cli(capsys, *args, "--out", str(out), "--no-progress").code == 0
        results = read_json(out / "results.json")
        assert results["n"] > 0 and results["n_errors"] == 0
        answers[batch] = generations(out)
        if suite == "mmmu":  # the two-image questions really carry both images into the prompt
            rows = map(json.loads, (out / "samples.jsonl").read_text().splitlines())
            record = next(r for r in rows if r["id"].endswith("_1"))
            assert len(record["images"]) == 2 and record["prompt"].count("<image>") == 2
    assert answers[1] == answers[8]


def test_the_manifest_names_the_family_and_what_it_really_used(checkpoint: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert cli(capsys, "--suite", "easyvqa", "--model", str(checkpoint), "--limit", "2", "--out", str(out)).code == 0
    model = read_json(out / "manifest.json")["model"]
    assert model["class"] == FAMILIES[checkpoint.name] and model["family"] == checkpoint.name.removeprefix("tiny-")
    assert model["prompt_format"] == ("completion" if model["family"] == "idefics1" else "chat")
    if model["family"] == "idefics3":
        assert model["tile_size"] == 28 and model["longest_edge"] == 56 and model["image_splitting"] is True
    if model["family"] == "idefics1":
        assert model["image_attention"] == "cross-attention" and model["image_seq_len"] == 1


def test_bias_classify_ranks_on_every_family(checkpoint: Path, tmp_path: Path, image_dir: Path) -> None:
    from bias.classify import PROBES, read_log, run_probe
    from evals.config import RunConfig
    from evals.records import Sample
    from model import load_model

    model = load_model(RunConfig(suite="x", model=str(checkpoint), split="test", out=str(tmp_path)))
    face = Sample(id="f", question="", images=(str(image_dir / "red.png"),), meta={"gender": "Female",
                  "race": "White", "age": "20-29"})  # fmt: skip
    results = run_probe(model, [face], tmp_path, progress=False)
    rows = read_log(tmp_path / "predictions.jsonl")
    assert set(results) == {"gender", "race", "age"} and len(rows) == 3
    for row in rows:
        assert set(row["scores"]) == set(PROBES[row["attribute"]].labels)
        assert all(score < 0 for score in row["scores"].values())


def test_a_red_team_suite_runs_on_every_family(checkpoint: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "captcha"
    args = ["--suite", "redteam-captcha", "--model", str(checkpoint), "--limit", "3", "--out", str(out)]
    assert cli(capsys, *args, "--no-progress").code == 0
    assert read_json(out / "results.json")["n_errors"] == 0


def test_smolvlm_without_its_processor_packages_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    import importlib.util

    from tests.hostile import assert_one_line_error

    if importlib.util.find_spec("torchvision") and importlib.util.find_spec("num2words"):
        pytest.skip("SmolVLM's processor can be built here")
    outcome = cli(capsys, "--model", "random:smolvlm", "--limit", "1", "--out", str(tmp_path / "run"))
    assert_one_line_error(outcome, "cannot build the smolvlm processor")
