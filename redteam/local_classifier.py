"""A safety classifier run through transformers on this machine (a GPU for the 7-13B published
ones; any causal LM checkpoint works, which is how the tests drive a tiny random one on CPU).

Safetensors only, no remote code. A hub id is looked up once: with the hub out of reach and the
model not in the local cache, one line says so instead of a retrying download.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals.errors import UserError, first_line


def check_reachable(model_id: str) -> None:
    """A local folder, or a hub id that is reachable or cached; otherwise one line saying so."""
    if Path(model_id).expanduser().exists():
        return
    if model_id.startswith((".", "/", "~")):  # a path, not a hub id: transformers would call it a bad repo id
        raise UserError(f"judge model folder {model_id} does not exist; pass a folder with safetensors weights")
    from model import check_hub_model

    try:
        check_hub_model(model_id)
    except UserError as exc:
        raise UserError(str(exc).replace("cannot load model", "cannot load judge model", 1)) from None


class TransformersBackend:
    def __init__(self, model_id: str) -> None:
        self.description = f"transformers {model_id}"
        self.model_id = model_id
        check_reachable(model_id)
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            self.tokenizer = AutoTokenizer.from_pretrained(model_id)
            dtype = torch.bfloat16 if torch.cuda.is_available() else torch.float32
            self.model = AutoModelForCausalLM.from_pretrained(model_id, use_safetensors=True, dtype=dtype)
        except (OSError, ValueError) as exc:
            raise UserError(
                f"cannot load judge model '{model_id}': {first_line(exc)} (a local folder with safetensors "
                "weights, or a hub id reachable from here, is needed; or use NAME:endpoint:URL#MODEL)"
            ) from None
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model.to(self.device).eval()

    def complete(self, text: str, max_tokens: int) -> str:
        # the published templates carry their own BOS (WildGuard's <s>) or expect the tokenizer's
        # (HarmBench's [INST] prompt is tokenised with special tokens, as HarmBench does)
        add_special = not text.startswith("<s>")
        ids = self.tokenizer(text, return_tensors="pt", add_special_tokens=add_special).input_ids
        return self._generate(ids, max_tokens)

    def chat(self, messages: list[dict[str, str]], max_tokens: int) -> str:
        if not getattr(self.tokenizer, "chat_template", None):
            raise UserError(f"judge model '{self.model_id}' has no chat template; Llama Guard needs its own")
        ids = self.tokenizer.apply_chat_template(messages, return_tensors="pt", return_dict=True)["input_ids"]
        return self._generate(ids, max_tokens)

    def _generate(self, ids: Any, max_tokens: int) -> str:
        import torch

        ids = ids.to(self.device)
        with torch.inference_mode():
            out = self.model.generate(
                ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=max_tokens,
                do_sample=False,
                pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id or 0,
            )
        return self.tokenizer.decode(out[0][ids.shape[-1] :], skip_special_tokens=True)
