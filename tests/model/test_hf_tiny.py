"""The `hf` backend on the bundled tiny Idefics2: the same code path as the 8B checkpoints."""

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from evals.config import RunConfig
from evals.errors import UserError
from evals.runner import run_suite
from model import TINY_CHECKPOINT, load_model
from model.base import Request
from model.hf import HFModel
from model.tiny.build import IMAGE_SEQ_LEN


def config(**overrides) -> RunConfig:
    return replace(RunConfig(suite="easyvqa", model="tiny", split="test", out="unused", max_new_tokens=4), **overrides)


@pytest.fixture(scope="module")
def tiny() -> HFModel:
    return load_model(config())


def request(sample_id: str, image: Path | None, text: str = "what is the shape?") -> Request:
    content = ([{"type": "image", "ref": str(image)}] if image else []) + [{"type": "text", "text": text}]
    return Request(id=sample_id, messages=[{"role": "user", "content": content}], max_new_tokens=4)


def test_tiny_loads_on_cpu_in_fp32_with_its_processor_defaults(tiny: HFModel) -> None:
    described = tiny.describe()
    assert described["class"] == "Idefics2ForConditionalGeneration"
    assert described["device"] == "cpu" and described["dtype"] == "fp32"
    assert described["image_splitting"] is False and described["image_seq_len"] == IMAGE_SEQ_LEN
    assert tiny.processor.tokenizer.padding_side == "left"


def test_prompt_uses_the_idefics2_chat_format(tiny: HFModel, image_dir: Path) -> None:
    prompt = tiny.render(request("a", image_dir / "red.png", "what colour?"))
    assert prompt == "User:<image>what colour?<end_of_utterance>\nAssistant:"


def test_generate_is_greedy_deterministic_and_batch_consistent(tiny: HFModel, image_dir: Path) -> None:
    batch = [request("a", image_dir / "red.png"), request("b", image_dir / "blue.png", "is it a long question?")]
    first = tiny.generate(batch)
    again = tiny.generate(batch)
    alone = tiny.generate(batch[:1])
    assert [g.text for g in first] == [g.text for g in again]
    assert first[0].text == alone[0].text  # left padding does not change the answer
    assert all(g.error is None and 0 < g.new_tokens <= 4 for g in first)


def test_never_generates_image_tokens(tiny: HFModel, image_dir: Path) -> None:
    tokenizer = tiny.processor.tokenizer
    banned = {tokenizer.convert_tokens_to_ids(t) for t in ("<image>", "<fake_token_around_image>")}
    assert {ids[0] for ids in tiny._bad_words} == banned
    assert tokenizer.convert_tokens_to_ids("<end_of_utterance>") in tiny._stop_ids


def test_corrupt_or_missing_image_is_a_per_sample_error(tiny: HFModel, image_dir: Path) -> None:
    out = tiny.generate(
        [
            request("ok", image_dir / "red.png"),
            request("bad", image_dir / "corrupt.png"),
            request("gone", image_dir / "missing.png"),
        ]
    )
    assert out[0].error is None and out[0].text is not None
    assert out[1].text is None and "cannot decode image" in out[1].error
    assert out[2].text is None and "image not found" in out[2].error


def test_text_only_and_image_requests_mix_in_one_batch(tiny: HFModel, image_dir: Path) -> None:
    out = tiny.generate([request("img", image_dir / "red.png"), request("txt", None)])
    assert [g.error for g in out] == [None, None]


def test_prompt_length_counts_image_tokens(tiny: HFModel, image_dir: Path) -> None:
    with_image = tiny.prompt_length(request("a", image_dir / "red.png"))
    without = tiny.prompt_length(request("a", None))
    assert with_image - without >= IMAGE_SEQ_LEN  # the <image> tokens, at least


def test_image_splitting_and_longest_edge_reach_the_processor(image_dir: Path) -> None:
    model = load_model(config(image_splitting=True, longest_edge=48))
    described = model.describe()
    assert described["image_splitting"] is True and described["longest_edge"] == 48
    assert described["shortest_edge"] == 48
    unsplit = load_model(config(image_splitting=False))
    # Four crops and the whole image instead of the whole image: 4 x (image + 2 boundary tokens) more.
    one_image = request("a", image_dir / "red.png")
    assert model.prompt_length(one_image) - unsplit.prompt_length(one_image) == 4 * (IMAGE_SEQ_LEN + 2)
    (generation,) = model.generate([request("a", image_dir / "red.png")])
    assert generation.error is None


def test_cuda_asked_for_without_cuda_is_a_clear_error() -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(UserError, match="CUDA is not available"):
        load_model(config(device="cuda"))
    with pytest.raises(UserError, match="flash_attention_2 needs a CUDA device"):
        load_model(config(attn="flash_attention_2"))
    with pytest.raises(UserError, match="needs a CUDA device"):
        load_model(config(quantization="4bit"))


def test_missing_checkpoint_and_offline_hub_id_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no checkpoint at"):
        load_model(config(model=str(tmp_path / "nothing")))
    with pytest.raises(UserError, match=r"cannot load model 'HuggingFaceM4/no-such-model'.*--model tiny"):
        load_model(config(model="HuggingFaceM4/no-such-model"))


def test_tiny_checkpoint_ships_safetensors_only() -> None:
    names = {p.name for p in TINY_CHECKPOINT.iterdir()}
    assert "model.safetensors" in names
    assert not any(n.endswith((".bin", ".pt", ".pkl", ".pth")) for n in names)


def test_full_run_with_tiny_and_a_corrupt_image(tmp_path: Path, fixture_suite, fixture_samples, image_dir) -> None:
    from evals.records import Sample

    samples = [
        *fixture_samples[:5],
        Sample(id="broken", question="what?", images=(str(image_dir / "corrupt.png"),), target={"answer": "red"}),
    ]
    outcome = run_suite(config(out=str(tmp_path), batch_size=4), fixture_suite, load_model(config()), samples)
    assert outcome.results["n"] == 6 and outcome.results["n_errors"] == 1


def test_bundled_tiny_model_really_answers_easyvqa(tmp_path: Path) -> None:
    """The trained checkpoint's known quality (98.85% on the full test split; see its model card)."""
    from evals.suites import get_suite

    suite = get_suite("easyvqa")
    samples = list(suite.load("test", limit=300))
    outcome = run_suite(
        config(out=str(tmp_path), batch_size=32, max_new_tokens=8), suite, load_model(config()), samples
    )
    assert outcome.results["score"] >= 95.0


@pytest.mark.skipif(shutil.which("g++") is None, reason="torch.compile on CPU needs g++")
def test_compiled_language_model_gives_the_same_answers(tiny: HFModel, image_dir: Path) -> None:
    compiled = load_model(config(compile=True))
    batch = [request(str(i), image_dir / ("red.png" if i % 2 else "blue.png")) for i in range(4)]
    assert compiled.describe()["compiled"] is True
    assert [g.text for g in compiled.generate(batch)] == [g.text for g in tiny.generate(batch)]


def test_prepare_in_worker_threads_matches_the_main_thread(tiny: HFModel, image_dir: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    batch = [request(str(i), image_dir / "red.png", "what is it? " * (i + 1)) for i in range(6)]
    expected = tiny.prepare(batch).groups[0].inputs["input_ids"]
    with ThreadPoolExecutor(4) as pool:
        prepared = list(pool.map(lambda _: tiny.prepare(batch), range(40)))
    assert all(p.groups[0].inputs["input_ids"].equal(expected) for p in prepared)
    assert [g.text for g in tiny.generate(batch, prepared[-1])] == [g.text for g in tiny.generate(batch)]


def test_a_sample_the_model_fails_on_is_that_samples_error_not_the_runs(image_dir: Path) -> None:
    """Before, any ValueError from generate ended the run as an internal error."""
    backend = load_model(config())
    real = backend.model.generate
    marker = backend.processor.tokenizer("zebra", add_special_tokens=False)["input_ids"][-1]

    def generate(**kwargs):
        if (kwargs["input_ids"] == marker).any():
            raise ValueError("cannot handle zebras")
        return real(**kwargs)

    backend.model.generate = generate
    requests = [request(f"r{i}", image_dir / "red.png") for i in range(3)]
    requests.insert(1, request("bad", image_dir / "red.png", "what is the zebra?"))
    generations = backend.generate(requests)
    assert [g.error for g in generations] == [None, "model: cannot handle zebras", None, None]
    assert all(g.text is not None for i, g in enumerate(generations) if i != 1)


def test_a_model_that_fails_on_every_sample_stops_with_one_line(image_dir: Path) -> None:
    from model.hf import FAILURES_BEFORE_STOP

    backend = load_model(config())

    def generate(**kwargs):
        raise ValueError("Input image size (224*224) doesn't match model (30*30)")

    backend.model.generate = generate
    requests = [request(f"r{i}", image_dir / "red.png") for i in range(FAILURES_BEFORE_STOP)]
    with pytest.raises(UserError, match=r"failed on each of its first 8 samples: model: Input image size .* match"):
        backend.generate(requests)
