"""The transformers backend: Idefics1, Idefics2, Idefics3 and SmolVLM checkpoints (hub id or local
folder), other image-text-to-text models, and the bundled tiny Idefics2.

Greedy decoding, left padding, stops on `<end_of_utterance>` (or, for the completion format of
base checkpoints, at the end of the line), and never emits image tokens. The CLI's dtype,
attention, quantization, image-splitting and longest-edge settings are applied here, through the
model's family (`model.families`), and reported back through `describe()` for the manifest.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.errors import UserError, first_line
from evals.images import ImageError, header_size, open_image
from model.base import Generation, OutOfMemory, Prepared, PreparedGroup, Request
from model.families import Family, family_of
from model.prompts import COMPLETION_STOP, choose_format, render

if TYPE_CHECKING:
    from evals.config import RunConfig

DTYPE_NAMES = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}
STOP_TOKENS = ("<end_of_utterance>",)
NEVER_GENERATE = ("<image>", "<fake_token_around_image>")
FAILURES_BEFORE_STOP = 8  # model failures, with no success before them, that stop a run


def resolve_device(requested: str) -> str:
    import torch

    if requested == "auto":
        if not torch.cuda.is_available():
            return "cpu"
        # one GPU per process under torchrun / accelerate launch, which set LOCAL_RANK
        return f"cuda:{int(os.environ.get('LOCAL_RANK', 0)) % torch.cuda.device_count()}"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise UserError(f"--device {requested} was asked for but CUDA is not available here; use --device cpu")
    return requested


def compile_language_model(model: Any, device: str) -> None:
    """torch.compile the decoder's forward (dynamic shapes: batches and lengths vary). The vision
    side runs once per image and is left eager. On CPU, inductor needs a C compiler."""
    import shutil

    import torch

    if not device.startswith("cuda") and shutil.which(os.environ.get("CXX", "g++")) is None:
        raise UserError("--compile on CPU needs a C++ compiler (g++); drop --compile or install one")
    inner = getattr(model, "model", model)
    text_model = getattr(inner, "text_model", None) or getattr(inner, "language_model", None)
    if text_model is None:
        raise UserError(f"--compile: no language model found in {type(model).__name__}")
    text_model.forward = torch.compile(text_model.forward, dynamic=True)


def resolve_dtype(requested: str, device: str) -> str:
    if requested == "auto":
        return "bf16" if device.startswith("cuda") else "fp32"
    return requested


def _looks_like_path(spec: str) -> bool:
    return spec.startswith((".", "/", "~")) or Path(spec).exists()


def _check_optional(package: str, purpose: str, extra: str) -> None:
    if importlib.util.find_spec(package) is None:
        raise UserError(f"{purpose} needs the '{package}' package: pip install 'idefics2-eval[{extra}]'")


def _load_error(spec: str, exc: Exception) -> UserError:
    return UserError(
        f"cannot load model '{spec}': {first_line(exc)} "
        "(offline? pass a local checkpoint folder with --model PATH, or --model tiny)"
    )


@dataclass
class HFModel:
    model: Any
    processor: Any
    device: str
    settings: dict[str, Any]
    name: str
    family: Family = field(default_factory=Family)
    prompt_format: str = "chat"
    _stop_ids: list[int] = field(default_factory=list)
    _outcomes: list[int] = field(default_factory=lambda: [0, 0])  # generations made, model failures
    _bad_words: list[list[int]] = field(default_factory=list)
    _forward_options: dict[str, Any] = field(default_factory=dict)  # the family's, for forward and generate

    @classmethod
    def load(cls, spec: str, config: RunConfig, display_name: str | None = None) -> HFModel:
        if _looks_like_path(spec) and not (Path(spec).expanduser() / "config.json").is_file():
            raise UserError(f"no checkpoint at {spec} (a folder with config.json is expected)")
        import torch
        from huggingface_hub.utils import logging as hub_logging
        from transformers import AutoConfig, AutoProcessor
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # our own progress bar is the one that matters
        hf_logging.set_verbosity_error()
        hub_logging.set_verbosity_error()  # retries while offline end in our one-line error instead
        torch.manual_seed(config.seed)
        device = resolve_device(config.device)
        dtype = resolve_dtype(config.dtype, device)
        load_kwargs: dict[str, Any] = {"revision": config.revision, "trust_remote_code": config.trust_remote_code}
        try:
            hf_config = AutoConfig.from_pretrained(spec, **load_kwargs)
            processor = AutoProcessor.from_pretrained(spec, **load_kwargs)
        except (OSError, ValueError, ImportError) as exc:  # ImportError: a package the processor needs
            raise _load_error(display_name or spec, exc) from None
        model_kwargs = dict(load_kwargs, dtype=getattr(torch, DTYPE_NAMES[dtype]), use_safetensors=True)
        model_kwargs["attn_implementation"] = cls._attention(config.attn, device)
        model_kwargs.update(cls._quantization(config.quantization, hf_config, dtype, device))
        family = family_of(hf_config.model_type)
        model_class = family.model_class()
        try:
            model = model_class.from_pretrained(spec, **model_kwargs)
        except (OSError, ValueError) as exc:
            raise _load_error(display_name or spec, exc) from None
        if "device_map" not in model_kwargs:
            model = model.to(device)
        model.eval()
        if config.compile:
            compile_language_model(model, device)
        settings = {
            "backend": "hf",
            "path": spec,
            "revision": config.revision,
            "commit": getattr(hf_config, "_commit_hash", None),
            "class": type(model).__name__,
            "dtype": dtype,
            "device": device,
            "attn": model_kwargs["attn_implementation"],
            "quantization": config.quantization,
            "compiled": config.compile,
        }
        return cls.ready(model, processor, device, display_name or spec, spec, config, settings)

    @classmethod
    def ready(
        cls, model: Any, processor: Any, device: str, name: str, spec: str, config: RunConfig, settings: dict[str, Any]
    ) -> HFModel:
        """The backend around a built model and its processor: the family's processor settings and
        prompt format applied, and the manifest's settings (`settings` plus what they decided)."""
        model_type = getattr(model.config, "model_type", None)
        family = family_of(model_type)
        self = cls(model=model, processor=processor, device=device, settings={}, name=name, family=family)
        self.prompt_format = choose_format(config.prompt_format, model_type, spec)
        self._configure_processor(config)
        family_settings = self.family.settings(self.model, self.processor)
        self.settings = {**settings, **family_settings, "prompt_format": self.prompt_format}
        return self

    @staticmethod
    def _attention(attn: str, device: str) -> str:
        if attn == "flash_attention_2":
            if not device.startswith("cuda"):
                raise UserError("--attn flash_attention_2 needs a CUDA device; use --attn sdpa on CPU")
            _check_optional("flash_attn", "--attn flash_attention_2", "flash-attn")
        return attn

    @staticmethod
    def _quantization(quantization: str, hf_config: Any, dtype: str, device: str) -> dict[str, Any]:
        if quantization == "none":
            return {}
        if not device.startswith("cuda"):
            raise UserError(f"--quantization {quantization} needs a CUDA device")
        if quantization == "4bit":
            import torch
            from transformers import BitsAndBytesConfig

            _check_optional("bitsandbytes", "--quantization 4bit", "quantization")
            bnb = BitsAndBytesConfig(
                load_in_4bit=True,
                bnb_4bit_quant_type="nf4",
                bnb_4bit_use_double_quant=True,
                bnb_4bit_compute_dtype=getattr(torch, DTYPE_NAMES[dtype]),
            )
            return {"quantization_config": bnb, "device_map": {"": device}}
        # AWQ checkpoints carry their own quantization_config; we only check it is there.
        if getattr(hf_config, "quantization_config", None) is None:
            raise UserError("--quantization awq needs an AWQ checkpoint, e.g. HuggingFaceM4/idefics2-8b-AWQ")
        _check_optional("awq", "--quantization awq", "quantization")
        return {"device_map": {"": device}}

    def _configure_processor(self, config: RunConfig) -> None:
        tokenizer = self.processor.tokenizer
        tokenizer.padding_side = "left"
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.unk_token or tokenizer.eos_token
        self.family.configure(self.processor, config.image_splitting, config.longest_edge)
        vocab = tokenizer.get_vocab()
        self._stop_ids = [tokenizer.eos_token_id] + [vocab[t] for t in STOP_TOKENS if t in vocab]
        self._bad_words = [[vocab[t]] for t in NEVER_GENERATE if t in vocab]
        self._forward_options = self.family.forward_options(self.model, self.processor)

    def render(self, request: Request) -> str:
        return render(request.messages, self.prompt_format, self.processor)

    def prompt_length(self, request: Request) -> int:
        text = self.render(request).replace("<image>", "")
        tokens = len(self.processor.tokenizer(text, add_special_tokens=False)["input_ids"])
        return tokens + sum(self.family.image_tokens(self.processor, header_size(ref)) for ref in request.image_refs)

    def describe(self) -> dict[str, Any]:
        return dict(self.settings)

    def prepare(self, requests: list[Request]) -> Prepared:
        """The CPU side of a batch: prompts, decoded images, processor tensors. Thread-safe, so the
        runner prepares the next batches in background threads while this one generates."""
        prepared = Prepared(results=[None] * len(requests))
        ready: list[tuple[int, str, list[Any]]] = []
        for index, request in enumerate(requests):
            prompt = self.render(request)
            try:
                images = [open_image(ref) for ref in request.image_refs]
            except ImageError as exc:
                prepared.results[index] = Generation(text=None, prompt=prompt, error=str(exc))
                continue
            ready.append((index, prompt, images))
        # The processor cannot mix prompts with and without images in one call.
        for group in ([r for r in ready if r[2]], [r for r in ready if not r[2]]):
            if not group:
                continue
            indices = [index for index, _, _ in group]
            prompts = [prompt for _, prompt, _ in group]
            try:
                inputs = self.family.encode(self._own_processor(), prompts, [imgs for _, _, imgs in group])
            except (ValueError, RuntimeError) as exc:
                for index, prompt in zip(indices, prompts, strict=True):
                    prepared.results[index] = Generation(text=None, prompt=prompt, error=f"processor: {exc}")
                continue
            max_new = max(requests[index].max_new_tokens for index in indices)
            min_new = min(requests[index].min_new_tokens for index in indices)
            prepared.groups.append(PreparedGroup(indices, prompts, inputs, max_new, min_new))
        return prepared

    def _own_processor(self) -> Any:
        """This thread's copy of the processor: a fast tokenizer whose padding is being set by one
        thread can fail in another ("Already borrowed"), so worker threads never share it."""
        if threading.current_thread() is threading.main_thread():
            return self.processor
        local = self.__dict__.setdefault("_local", threading.local())
        if not hasattr(local, "processor"):
            local.processor = copy.deepcopy(self.processor)
        return local.processor

    def generate(self, requests: list[Request], prepared: Prepared | None = None) -> list[Generation]:
        prepared = prepared if prepared is not None else self.prepare(requests)
        results = list(prepared.results)
        for group in prepared.groups:
            generations = self._generate_isolating(group)
            for index, prompt, generation in zip(group.indices, group.prompts, generations, strict=True):
                generation.prompt = prompt
                results[index] = generation
        return [r if r is not None else Generation(text=None, error="not generated") for r in results]

    def _generate_isolating(self, group: PreparedGroup) -> list[Generation]:
        """A batch the model fails on (for another reason than memory) is retried one request at a
        time, so that one bad sample becomes that sample's error. A model that fails on each of
        its first samples is not one to run to the end: that stops the run with one line."""
        try:
            generations = self._generate_group(group.inputs, group.max_new_tokens, group.min_new_tokens)
        except (ValueError, RuntimeError, IndexError) as exc:  # OutOfMemory is none of these: the runner's
            if len(group.indices) == 1:
                generations = [Generation(text=None, error=f"model: {first_line(exc)}")]
            else:
                generations = [self._generate_row(group, row) for row in range(len(group.indices))]
        made = sum(g.error is None for g in generations)
        self._outcomes[0] += made
        self._outcomes[1] += len(generations) - made
        if self._outcomes[0] == 0 and self._outcomes[1] >= FAILURES_BEFORE_STOP:
            raise UserError(
                f"the model failed on each of its first {self._outcomes[1]} samples: "
                f"{generations[-1].error} (do the checkpoint and its processor match?)"
            )
        return generations

    def _generate_row(self, group: PreparedGroup, row: int) -> Generation:
        inputs = {key: value[row : row + 1] for key, value in group.inputs.items()}
        try:
            return self._generate_group(inputs, group.max_new_tokens, group.min_new_tokens)[0]
        except (ValueError, RuntimeError, IndexError) as exc:
            return Generation(text=None, error=f"model: {first_line(exc)}")

    def rank(self, requests: list[Request], candidates: list[list[str]]) -> list[list[float]]:
        """Summed log-likelihood of each candidate completion after each request's prompt."""
        return [self._rank_one(request, options) for request, options in zip(requests, candidates, strict=True)]

    def _rank_one(self, request: Request, options: list[str]) -> list[float]:
        import torch

        prompt = self.render(request)
        images = [open_image(ref) for ref in request.image_refs]
        prompt_length = len(self.family.encode(self.processor, [prompt], [images])["input_ids"][0])
        completions = [prompt + option for option in options]
        encoded = self.family.encode(self.processor, completions, [images] * len(options))
        inputs = {k: v.to(self.device) for k, v in encoded.items()}
        if "pixel_values" in inputs and inputs["pixel_values"].is_floating_point():
            inputs["pixel_values"] = inputs["pixel_values"].to(self.model.dtype)
        try:
            with torch.inference_mode():
                logprobs = self.model(**inputs, **self._forward_options).logits.float().log_softmax(-1)
        except torch.cuda.OutOfMemoryError as exc:
            torch.cuda.empty_cache()
            raise OutOfMemory(first_line(exc)) from None
        scores = []
        for row, option in enumerate(options):
            # the option's tokens are the row's last real tokens, whichever side the padding is on
            real = inputs["attention_mask"][row].nonzero().flatten().tolist()
            positions = real[prompt_length:]
            if not positions:
                raise ValueError(f"candidate {option!r} adds no tokens to the prompt")
            ids = inputs["input_ids"][row]
            scores.append(float(sum(logprobs[row, t - 1, ids[t]] for t in positions)))
        return scores

    def _generate_group(self, inputs: Any, max_new_tokens: int, min_new_tokens: int = 0) -> list[Generation]:
        import torch

        inputs = {k: v.to(self.device, non_blocking=True) for k, v in inputs.items()}
        if "pixel_values" in inputs and inputs["pixel_values"].is_floating_point():
            inputs["pixel_values"] = inputs["pixel_values"].to(self.model.dtype)
        try:
            with torch.inference_mode():
                output = self.model.generate(
                    **inputs,
                    max_new_tokens=max_new_tokens,
                    min_new_tokens=min_new_tokens or None,
                    do_sample=False,
                    num_beams=1,
                    eos_token_id=self._stop_ids,
                    pad_token_id=self.processor.tokenizer.pad_token_id,
                    bad_words_ids=self._bad_words or None,
                    **self._completion_stop(),
                    **self._forward_options,
                )
        except torch.cuda.OutOfMemoryError as exc:
            torch.cuda.empty_cache()
            raise OutOfMemory(first_line(exc)) from None
        new_tokens = output[:, inputs["input_ids"].shape[1] :]
        texts = self.processor.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
        if self.prompt_format == "completion":  # the answer is the line after "Answer:"
            texts = [text.lstrip().split(COMPLETION_STOP)[0] for text in texts]
        pad_id = self.processor.tokenizer.pad_token_id
        counts = [int((row != pad_id).sum()) for row in new_tokens]
        return [Generation(text=text.strip(), new_tokens=n) for text, n in zip(texts, counts, strict=True)]

    def _completion_stop(self) -> dict[str, Any]:
        """Base checkpoints answer in the completion format and then go on to a next example:
        stop at the end of the answer's line."""
        if self.prompt_format != "completion":
            return {}
        return {"stop_strings": [COMPLETION_STOP], "tokenizer": self.processor.tokenizer}
