"""The transformers backend: Idefics2 checkpoints (hub id or local folder) and the bundled tiny one.

Greedy decoding, left padding, stops on `<end_of_utterance>`, and never emits image tokens. The
CLI's dtype, attention, quantization, image-splitting and longest-edge settings are applied here
and reported back through `describe()` for the manifest.
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
from evals.images import ImageError, open_image
from model.base import Generation, OutOfMemory, Prepared, PreparedGroup, Request, render_idefics2

if TYPE_CHECKING:
    from evals.config import RunConfig

DTYPE_NAMES = {"bf16": "bfloat16", "fp16": "float16", "fp32": "float32"}
STOP_TOKENS = ("<end_of_utterance>",)
NEVER_GENERATE = ("<image>", "<fake_token_around_image>")


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


def _size_field(image_processor: Any, name: str) -> int | None:
    """Read one edge from an image processor's size, a dict or a SizeDict depending on the version."""
    size = getattr(image_processor, "size", None)
    value = size.get(name) if isinstance(size, dict) else getattr(size, name, None)
    return int(value) if value else None


@dataclass
class HFModel:
    model: Any
    processor: Any
    device: str
    settings: dict[str, Any]
    name: str
    _stop_ids: list[int] = field(default_factory=list)
    _bad_words: list[list[int]] = field(default_factory=list)

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
        except (OSError, ValueError) as exc:
            raise _load_error(display_name or spec, exc) from None
        model_kwargs = dict(load_kwargs, dtype=getattr(torch, DTYPE_NAMES[dtype]), use_safetensors=True)
        model_kwargs["attn_implementation"] = cls._attention(config.attn, device)
        model_kwargs.update(cls._quantization(config.quantization, hf_config, dtype, device))
        model_class = cls._model_class(hf_config)
        try:
            model = model_class.from_pretrained(spec, **model_kwargs)
        except (OSError, ValueError) as exc:
            raise _load_error(display_name or spec, exc) from None
        if "device_map" not in model_kwargs:
            model = model.to(device)
        model.eval()
        if config.compile:
            compile_language_model(model, device)
        self = cls(model=model, processor=processor, device=device, settings={}, name=display_name or spec)
        self._configure_processor(config)
        self.settings = {
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
            **self._image_settings(),
        }
        return self

    @staticmethod
    def _model_class(hf_config: Any) -> Any:
        import transformers

        if hf_config.model_type == "idefics2":
            return transformers.Idefics2ForConditionalGeneration
        return transformers.AutoModelForImageTextToText

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
        image_processor = getattr(self.processor, "image_processor", None)
        tokenizer = self.processor.tokenizer
        tokenizer.padding_side = "left"
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.unk_token or tokenizer.eos_token
        if image_processor is not None:
            if config.image_splitting is not None and hasattr(image_processor, "do_image_splitting"):
                image_processor.do_image_splitting = config.image_splitting
            if config.longest_edge is not None:
                current = _size_field(image_processor, "shortest_edge") or config.longest_edge
                shortest = min(current, config.longest_edge)
                image_processor.size = {"shortest_edge": shortest, "longest_edge": config.longest_edge}
        vocab = tokenizer.get_vocab()
        self._stop_ids = [tokenizer.eos_token_id] + [vocab[t] for t in STOP_TOKENS if t in vocab]
        self._bad_words = [[vocab[t]] for t in NEVER_GENERATE if t in vocab]

    def _image_settings(self) -> dict[str, Any]:
        image_processor = getattr(self.processor, "image_processor", None)
        settings = {
            "image_splitting": getattr(image_processor, "do_image_splitting", None),
            "longest_edge": _size_field(image_processor, "longest_edge"),
            "shortest_edge": _size_field(image_processor, "shortest_edge"),
            "image_seq_len": self._image_seq_len(),
        }
        if self._cross_attention():
            # Idefics1 reads images through cross-attention: the prompt holds one <image> token
            # per image, and the perceiver's latents are what the text attends to.
            perceiver = getattr(self.model.config, "perceiver_config", None)
            settings.update(
                image_attention="cross-attention",
                image_size=getattr(image_processor, "image_size", None),
                perceiver_latents=getattr(perceiver, "resampler_n_latents", None),
                use_resampler=getattr(self.model.config, "use_resampler", None),
            )
        return settings

    def _cross_attention(self) -> bool:
        return getattr(getattr(self.model, "config", None), "model_type", None) == "idefics"

    def _image_seq_len(self) -> int:
        """Prompt tokens each image stands for (besides the two tokens around it)."""
        if self._cross_attention():
            return 1
        return int(getattr(self.processor, "image_seq_len", 64))

    def render(self, request: Request) -> str:
        # The processor's template wants bare image parts; our parts also carry a reference.
        messages = [
            {
                "role": message["role"],
                "content": [{"type": "image"} if p.get("type") == "image" else p for p in message["content"]],
            }
            for message in request.messages
        ]
        if getattr(self.processor, "chat_template", None):
            return self.processor.apply_chat_template(messages, add_generation_prompt=True)
        return render_idefics2(messages)

    def prompt_length(self, request: Request) -> int:
        text = self.render(request).replace("<image>", "")
        n_images = len(request.image_refs)
        image_processor = getattr(self.processor, "image_processor", None)
        crops = 5 if getattr(image_processor, "do_image_splitting", False) else 1
        tokens = len(self.processor.tokenizer(text, add_special_tokens=False)["input_ids"])
        return tokens + n_images * crops * (self._image_seq_len() + 2)

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
                inputs = self._own_processor()(
                    text=prompts, images=[imgs for _, _, imgs in group] if group[0][2] else None,
                    return_tensors="pt", padding=True,
                )  # fmt: skip
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
            generations = self._generate_group(group.inputs, group.max_new_tokens, group.min_new_tokens)
            for index, prompt, generation in zip(group.indices, group.prompts, generations, strict=True):
                generation.prompt = prompt
                results[index] = generation
        return [r if r is not None else Generation(text=None, error="not generated") for r in results]

    def rank(self, requests: list[Request], candidates: list[list[str]]) -> list[list[float]]:
        """Summed log-likelihood of each candidate completion after each request's prompt."""
        return [self._rank_one(request, options) for request, options in zip(requests, candidates, strict=True)]

    def _rank_one(self, request: Request, options: list[str]) -> list[float]:
        import torch

        prompt = self.render(request)
        images = [open_image(ref) for ref in request.image_refs]
        prompt_images = [images] if images else None
        prompt_length = len(self.processor(text=[prompt], images=prompt_images, return_tensors="pt")["input_ids"][0])
        inputs = self.processor(
            text=[prompt + option for option in options],
            images=[images] * len(options) if images else None,
            return_tensors="pt",
            padding=True,
        )
        inputs = {k: v.to(self.device) for k, v in inputs.items()}
        if "pixel_values" in inputs and inputs["pixel_values"].is_floating_point():
            inputs["pixel_values"] = inputs["pixel_values"].to(self.model.dtype)
        try:
            with torch.inference_mode():
                logprobs = self.model(**inputs).logits.float().log_softmax(-1)
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
                )
        except torch.cuda.OutOfMemoryError as exc:
            torch.cuda.empty_cache()
            raise OutOfMemory(first_line(exc)) from None
        new_tokens = output[:, inputs["input_ids"].shape[1] :]
        texts = self.processor.tokenizer.batch_decode(new_tokens, skip_special_tokens=True)
        pad_id = self.processor.tokenizer.pad_token_id
        counts = [int((row != pad_id).sum()) for row in new_tokens]
        return [Generation(text=text.strip(), new_tokens=n) for text, n in zip(texts, counts, strict=True)]
