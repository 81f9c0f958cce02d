"""Idefics1 (cross-attention to images) through the hf backend: a tiny random checkpoint built at
test time, saved with `save_pretrained` as any transformers user would (issue 16, first part)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.prompt_log import full_prompt
from evals.store import read_json
from model import TINY_CHECKPOINT
from model.base import Request
from tests.hostile import cli


@pytest.fixture(scope="module")
def idefics1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch
    from transformers import AutoTokenizer, IdeficsConfig, IdeficsForVisionText2Text, IdeficsProcessor
    from transformers.models.idefics.image_processing_idefics import IdeficsImageProcessor

    folder = tmp_path_factory.mktemp("idefics1-tiny")
    tokenizer = AutoTokenizer.from_pretrained(TINY_CHECKPOINT)  # has <image>, <fake_token_around_image>, ...
    config = IdeficsConfig(
        vocab_size=len(tokenizer), additional_vocab_size=2, hidden_size=32, intermediate_size=64,
        num_hidden_layers=2, num_attention_heads=2, cross_layer_interval=1, use_resampler=True,
        vision_config={"embed_dim": 32, "image_size": 30, "patch_size": 15, "num_hidden_layers": 1,
                       "num_attention_heads": 2, "intermediate_size": 64},
        perceiver_config={"resampler_n_latents": 4, "resampler_depth": 1, "resampler_n_heads": 2,
                          "resampler_head_dim": 8},
        pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
    )  # fmt: skip
    torch.manual_seed(0)
    IdeficsForVisionText2Text(config).save_pretrained(folder)
    IdeficsProcessor(image_processor=IdeficsImageProcessor(image_size=30), tokenizer=tokenizer).save_pretrained(folder)
    return folder


def generations(out: Path) -> dict[str, str]:
    return {row["id"]: row["generation"] for row in map(json.loads, (out / "samples.jsonl").read_text().splitlines())}


def test_idefics1_runs_to_the_end_with_the_same_answers_at_batch_1_and_8(idefics1: Path, tmp_path: Path, capsys):
    outs = {}
    for batch in (1, 8):
        out = tmp_path / f"b{batch}"
        args = ["--suite", "easyvqa", "--model", str(idefics1), "--limit", "20", "--batch-size", str(batch)]
        assert cli(capsys, *args, "--out", str(out), "--no-progress").code == 0
        results = read_json(out / "results.json")
        assert results["n"] == 20 and results["n_errors"] == 0
        outs[batch] = generations(out)
    assert outs[1] == outs[8]


def test_idefics1_manifest_says_how_it_sees_images(idefics1: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "run"
    assert cli(capsys, "--suite", "easyvqa", "--model", str(idefics1), "--limit", "2", "--out", str(out)).code == 0
    model = read_json(out / "manifest.json")["model"]
    assert model["class"] == "IdeficsForVisionText2Text" and model["image_attention"] == "cross-attention"
    assert model["image_seq_len"] == 1 and model["perceiver_latents"] == 4 and model["image_size"] == 30


def test_idefics1_prompt_length_counts_no_latent_tokens(idefics1: Path, tmp_path: Path) -> None:
    from evals.config import RunConfig
    from model import load_model

    backend = load_model(RunConfig(suite="easyvqa", model=str(idefics1), split="test", out=str(tmp_path)))
    image = str(Path(__file__).resolve().parents[1] / "conftest.py")  # never opened: lengths are counted from text
    content = [{"type": "image", "ref": image}, {"type": "text", "text": "what colour?"}]
    with_image = backend.prompt_length(Request(id="a", messages=[{"role": "user", "content": content}]))
    without = backend.prompt_length(Request(id="b", messages=[{"role": "user", "content": content[1:]}]))
    assert 0 < with_image - without <= 4  # one <image> and the two tokens around it, not 66


def test_idefics1_ranks_candidates_for_bias_classify(idefics1: Path, tmp_path: Path) -> None:
    from evals.config import RunConfig
    from model import load_model
    from tests.conftest import make_png

    backend = load_model(RunConfig(suite="easyvqa", model=str(idefics1), split="test", out=str(tmp_path)))
    image = str(make_png(tmp_path / "face.png"))
    request = Request(id="r", messages=[{"role": "user", "content": [{"type": "image", "ref": image},
                                                                     {"type": "text", "text": "Who?"}]}])  # fmt: skip
    scores = backend.rank([request], [["This person is a man.", "This person is a woman."]])[0]
    assert len(scores) == 2 and all(score < 0 for score in scores)


def test_images_sit_where_the_prompt_puts_them_not_after_the_text(idefics1: Path, tmp_path: Path) -> None:
    """The processor's text+images call appends every image after the prompt; ours interleaves."""
    from evals.config import RunConfig
    from model import load_model
    from model.idefics1 import expand_images
    from tests.conftest import make_png

    assert expand_images("a<image><image>b<image>") == (
        "a<fake_token_around_image><image><fake_token_around_image><image><fake_token_around_image>b"
        "<fake_token_around_image><image><fake_token_around_image>"
    )
    backend = load_model(RunConfig(suite="easyvqa", model=str(idefics1), split="test", out=str(tmp_path)))
    red, blue = str(make_png(tmp_path / "r.png")), str(make_png(tmp_path / "b.png", (0, 0, 200)))
    content = [{"type": "text", "text": "Compare"}, {"type": "image", "ref": red}, {"type": "text", "text": "with"},
               {"type": "image", "ref": blue}, {"type": "text", "text": "please"}]  # fmt: skip
    request = Request(id="r", messages=[{"role": "user", "content": content}])
    inputs = backend.prepare([request]).groups[0].inputs
    tokenizer = backend.processor.tokenizer
    ids = inputs["input_ids"][0].tolist()
    image_positions = [i for i, t in enumerate(ids) if t == tokenizer.convert_tokens_to_ids("<image>")]
    text = tokenizer.decode(ids)
    assert len(image_positions) == 2 and text.index("Compare") < text.index("with") < text.index("please")
    assert image_positions[-1] < len(ids) - 4  # the second image comes before "please" and the answer cue
    mask = inputs["image_attention_mask"][0]
    assert mask.shape[-1] == 2 and mask[-1].tolist() == [0, 1]  # the last token attends to the latest image
    assert mask[image_positions[0] - 1].tolist() == [0, 0]  # text before any image attends to none


def test_a_literal_image_tag_in_a_question_is_a_per_sample_error(idefics1: Path, tmp_path: Path) -> None:
    from evals.config import RunConfig
    from model import load_model

    backend = load_model(RunConfig(suite="easyvqa", model=str(idefics1), split="test", out=str(tmp_path)))
    request = Request(id="r", messages=[{"role": "user", "content": [{"type": "text", "text": "a <image> b"}]}])
    [generation] = backend.generate([request])
    assert generation.text is None and "image tokens" in (generation.error or "")


def test_base_idefics1_takes_few_shot_examples_in_the_completion_format(idefics1: Path, tmp_path: Path, capsys):
    out = tmp_path / "fewshot"
    args = ["--suite", "easyvqa", "--model", str(idefics1), "--limit", "3", "--shots", "2", "--out", str(out)]
    assert cli(capsys, *args, "--no-progress").code == 0
    logged = json.loads((out / "samples.jsonl").read_text().splitlines()[0])["prompt"]
    prompt = full_prompt(logged, read_json(out / "manifest.json"))  # the examples are logged once
    assert prompt.count("<image>") == 3 and prompt.endswith("\nAnswer:") and "User:" not in prompt
    assert prompt.count("\nAnswer: ") == 2  # each example followed by its answer
    assert read_json(out / "manifest.json")["model"]["prompt_format"] == "completion"


def test_a_processor_sized_unlike_the_vision_encoder_still_runs(tmp_path: Path, capsys) -> None:
    """A plain `IdeficsProcessor(IdeficsImageProcessor(), tokenizer)` resizes to 224 px; a small
    vision encoder interpolates its position embeddings instead of failing every batch."""
    import torch
    from transformers import AutoTokenizer, IdeficsConfig, IdeficsForVisionText2Text, IdeficsProcessor
    from transformers.models.idefics.image_processing_pil_idefics import IdeficsImageProcessorPil

    tokenizer = AutoTokenizer.from_pretrained(TINY_CHECKPOINT)
    config = IdeficsConfig(
        vocab_size=len(tokenizer), additional_vocab_size=2, hidden_size=32, intermediate_size=64,
        num_hidden_layers=2, num_attention_heads=2, cross_layer_interval=1, use_resampler=False,
        vision_config={"embed_dim": 32, "image_size": 30, "patch_size": 15, "num_hidden_layers": 1,
                       "num_attention_heads": 2, "intermediate_size": 64},
    )  # fmt: skip
    torch.manual_seed(0)
    IdeficsForVisionText2Text(config).save_pretrained(tmp_path / "ckpt")
    IdeficsProcessor(image_processor=IdeficsImageProcessorPil(), tokenizer=tokenizer).save_pretrained(tmp_path / "ckpt")
    out = tmp_path / "run"
    args = ["--suite", "easyvqa", "--model", str(tmp_path / "ckpt"), "--limit", "20", "--out", str(out)]
    assert cli(capsys, *args, "--no-progress").code == 0
    assert read_json(out / "results.json")["n_errors"] == 0 and len(generations(out)) == 20
    assert read_json(out / "manifest.json")["model"]["interpolate_pos_encoding"] is True
