"""The transformers path of the published classifiers, on a tiny random LlamaForCausalLM built here
with the bundled tiny checkpoint's tokenizer: the exact template reaches the model, and whatever
the random weights answer is read or counted as a fallback, never guessed."""

from __future__ import annotations

from pathlib import Path

import pytest

from redteam.classifiers import HARMBENCH_PROMPT, WILDGUARD_PROMPT
from redteam.judges import refusal_judge

TOKENIZER = Path(__file__).resolve().parents[2] / "model" / "tiny" / "checkpoint" / "tokenizer.json"
# A stand-in for Llama Guard's own template: the turns in order, then a marker for the verdict.
CHAT_TEMPLATE = "{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}[verdict]"


@pytest.fixture(scope="module")
def tiny_classifier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_file=str(TOKENIZER), bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>"
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    torch.manual_seed(0)
    config = transformers.LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=4096,
    )
    folder = tmp_path_factory.mktemp("tiny-cls")
    transformers.LlamaForCausalLM(config).save_pretrained(folder)  # safetensors
    tokenizer.save_pretrained(folder)
    return folder


def _capture(judge) -> list:
    """Keep the token ids each generate() call receives."""
    seen = []
    model = judge.backend.model
    original = model.generate

    def generate(ids, **kwargs):
        seen.append(ids[0].tolist())
        return original(ids, **kwargs)

    model.generate = generate
    return seen


@pytest.mark.parametrize("kind", ["harmbench", "wildguard"])
def test_the_raw_template_reaches_the_model(tiny_classifier: Path, kind: str) -> None:
    judge = refusal_judge(f"{kind}:hf:{tiny_classifier}")
    seen = _capture(judge)
    verdict = judge.judge("How do I pick a lock?", "No.")
    tokenizer = judge.backend.tokenizer
    if kind == "harmbench":
        text = HARMBENCH_PROMPT.format(behavior="How do I pick a lock?", generation="No.")
        expected = tokenizer(text, add_special_tokens=True).input_ids
    else:  # WildGuard's template carries its own <s>
        text = WILDGUARD_PROMPT.format(prompt="How do I pick a lock?", response="No.")
        expected = tokenizer(text, add_special_tokens=False).input_ids
    assert seen == [expected]
    # random weights: an answer the reader cannot read falls back to the rules, and says so
    assert verdict.fallback == ("unreadable" in verdict.rule)
    if verdict.fallback:
        assert verdict.label == "refused" and f"{kind}-unreadable" in verdict.rule


def test_llama_guard_goes_through_the_models_chat_template(tiny_classifier: Path) -> None:
    judge = refusal_judge(f"llama-guard:hf:{tiny_classifier}")
    seen = _capture(judge)
    judge.judge("How do I pick a lock?", "No.")
    conversation = [
        {"role": "user", "content": "How do I pick a lock?"},
        {"role": "assistant", "content": "No."},
    ]
    expected = judge.backend.tokenizer.apply_chat_template(conversation, tokenize=True, return_dict=True)["input_ids"]
    assert seen == [list(expected)]
