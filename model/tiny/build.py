"""Build the bundled tiny Idefics2 checkpoint: tokenizer, config, processor and weights.

The checkpoint is a real `Idefics2ForConditionalGeneration` of a few MB, so that the offline
default (`--model tiny`) exercises exactly the code path of the 8B model. This script makes the
randomly initialised starting point from a fixed seed; training on easy-VQA is a separate step.

    python -m model.tiny.build [--out DIR]        (default: ./tiny-idefics2-build)

The bundled checkpoint inside the package is replaced only with `--replace-bundled`: a random
starting point there would make `--model tiny` score 0 until a `git checkout`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

CHECKPOINT_DIR = Path(__file__).resolve().parent / "checkpoint"
SEED = 1234
# Few image tokens: from scratch, 4 latents learn to carry colour and shape much sooner than 16.
IMAGE_SEQ_LEN = 4
VOCAB_SIZE = 1024
SPECIAL_TOKENS = ["<unk>", "<s>", "</s>", "<pad>", "<fake_token_around_image>", "<image>", "<end_of_utterance>"]

# Idefics2's own chat format: "User:<image>question<end_of_utterance>\nAssistant: answer<end_of_utterance>\n".
CHAT_TEMPLATE = (
    "{% for message in messages %}{{ message['role'] | capitalize }}"
    "{% if message['content'][0]['type'] == 'image' %}{{ ':' }}{% else %}{{ ': ' }}{% endif %}"
    "{% for part in message['content'] %}{% if part['type'] == 'text' %}{{ part['text'] }}"
    "{% elif part['type'] == 'image' %}{{ '<image>' }}{% endif %}{% endfor %}"
    "<end_of_utterance>\n{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}"
)


def tokenizer_corpus() -> list[str]:
    """Text the tokenizer is trained on: easy-VQA questions and answers plus the prompt scaffolding."""
    import easy_vqa

    questions, answers, _ = easy_vqa.get_train_questions()
    scaffolding = [
        "User: Assistant:",
        "Answer the question using a single word or phrase.",
        "Answer with the option's letter from the given choices directly.",
    ]
    return [*questions, *answers, *easy_vqa.get_answers(), *scaffolding]


def build_tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    # Byte-level BPE: any benchmark text can be encoded, never an unknown token.
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(tokenizer_corpus(), trainer=trainer)
    bos_id = tokenizer.token_to_id("<s>")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", bos_id)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token="<s>",
        eos_token="</s>",
        unk_token="<unk>",
        pad_token="<pad>",
        additional_special_tokens=["<fake_token_around_image>", "<image>", "<end_of_utterance>"],
        padding_side="left",
        model_max_length=2048,
    )


def build_config(tokenizer):
    from transformers import Idefics2Config

    hidden = 128
    return Idefics2Config(
        vision_config={
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "image_size": 64,
            "patch_size": 8,
        },
        perceiver_config={
            "hidden_size": hidden,
            "resampler_n_latents": IMAGE_SEQ_LEN,
            "resampler_depth": 1,
            "resampler_n_heads": 4,
            "resampler_head_dim": 32,
            "num_key_value_heads": 2,
        },
        text_config={
            "model_type": "mistral",
            "vocab_size": len(tokenizer),
            "hidden_size": hidden,
            "intermediate_size": 256,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "max_position_embeddings": 2048,
            "pad_token_id": tokenizer.pad_token_id,
            "bos_token_id": tokenizer.bos_token_id,
            "eos_token_id": tokenizer.eos_token_id,
        },
        image_token_id=tokenizer.convert_tokens_to_ids("<image>"),
        tie_word_embeddings=False,
        # With transformers' 0.02 the randomly initialised text model learns to answer from the
        # question alone and never starts reading the image tokens; 0.1 gets it reading them.
        initializer_range=0.1,
    )


def build_processor(tokenizer):
    from transformers import Idefics2Processor
    from transformers.models.idefics2.image_processing_pil_idefics2 import Idefics2ImageProcessorPil

    # easy-VQA images are 64x64: keep them at native size instead of Idefics2's 378-980 range.
    image_processor = Idefics2ImageProcessorPil(
        size={"shortest_edge": 64, "longest_edge": 128}, do_image_splitting=False
    )
    return Idefics2Processor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        image_seq_len=IMAGE_SEQ_LEN,
        chat_template=CHAT_TEMPLATE,
    )


def build(out: Path = CHECKPOINT_DIR) -> Path:
    import torch
    from transformers import GenerationConfig, Idefics2ForConditionalGeneration

    torch.manual_seed(SEED)
    tokenizer = build_tokenizer()
    processor = build_processor(tokenizer)
    config = build_config(tokenizer)
    model = Idefics2ForConditionalGeneration(config).eval()
    # transformers initialises the perceiver's latent queries to ones: identical queries get
    # identical gradients, so from scratch they would never tell apart what they attend to.
    with torch.no_grad():
        model.model.connector.perceiver_resampler.latents.normal_(0.0, 0.02)
    model.generation_config = GenerationConfig(
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=[tokenizer.eos_token_id, tokenizer.convert_tokens_to_ids("<end_of_utterance>")],
        pad_token_id=tokenizer.pad_token_id,
        do_sample=False,
        max_new_tokens=16,
    )
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    processor.save_pretrained(out)
    return out


def output_folder(out: Path, replace_bundled: bool) -> Path:
    """Where a build or training run may write: anywhere but the bundled checkpoint, unless the
    user says so (exit 2 with one line otherwise)."""
    if replace_bundled:
        return CHECKPOINT_DIR
    if out.resolve() == CHECKPOINT_DIR.resolve():
        print(
            f"error: {out} is the bundled checkpoint that --model tiny loads; pass --replace-bundled "
            "to overwrite it, or another --out",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return out


def add_output_options(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument("--out", type=Path, default=Path(default), help=f"checkpoint folder (default: ./{default})")
    parser.add_argument(
        "--replace-bundled",
        action="store_true",
        help=f"write into the package's bundled checkpoint ({CHECKPOINT_DIR}) instead of --out",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_output_options(parser, "tiny-idefics2-build")
    args = parser.parse_args()
    print(f"wrote {build(output_folder(args.out, args.replace_bundled))}")


if __name__ == "__main__":
    main()
