"""The `endpoint` backend: a model served by vLLM, TGI or any OpenAI-compatible chat API.

`--model endpoint:http://host:8000/v1#MODEL_NAME` (without `#MODEL_NAME`, the first model the
server lists). Images travel as data URLs; requests go out with bounded concurrency
(`IDEFICS2_EVAL_ENDPOINT_CONCURRENCY`, default 8) and are retried on timeouts, refused
connections, 429 and 5xx. A request that still fails is a per-sample error, logged and counted:
when the server (not the sample) was at fault it is marked `error_kind: "transport"`, and the next
run of the same command retries it. Decoding is greedy (temperature 0), as with the other backends.
The key, if the server wants one, is the host's own (`evals.http.key_for`).
"""

from __future__ import annotations

import base64
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from evals.errors import UserError, first_line
from evals.http import EndpointError, chat_text, get_json, key_for, post_json
from evals.images import ImageError, open_image
from model.base import Generation, Request, render_idefics2

MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp", "BMP": "image/bmp"}
STOP = ["<end_of_utterance>"]


def data_url(ref: str) -> str:
    image = open_image(ref)  # validates the file: a corrupt image is a per-sample error, not a server error
    mime = MIME.get(str(image.format), "image/png")
    with open(ref, "rb") as handle:
        return f"data:{mime};base64," + base64.b64encode(handle.read()).decode()


def openai_messages(request: Request) -> list[dict[str, Any]]:
    messages = []
    for message in request.messages:
        parts = []
        for part in message["content"]:
            if part.get("type") == "image":
                parts.append({"type": "image_url", "image_url": {"url": data_url(part["ref"])}})
            else:
                parts.append({"type": "text", "text": part.get("text", "")})
        messages.append({"role": message["role"], "content": parts})
    return messages


@dataclass
class EndpointModel:
    url: str  # the API base, e.g. http://localhost:8000/v1
    served_model: str
    concurrency: int = 8
    timeout: float = 300.0
    retries: int = 4
    name: str = "endpoint"

    @classmethod
    def from_spec(cls, spec: str) -> EndpointModel:
        target = spec.partition(":")[2]
        url, _, served = target.partition("#")
        if not url.startswith(("http://", "https://")):
            raise UserError("use --model endpoint:http(s)://HOST:PORT/v1#MODEL_NAME")
        if "@" in url.split("/")[2]:  # the URL is stored in the manifest and printed: no credentials in it
            raise UserError(
                "the endpoint URL holds credentials (USER:KEY@HOST); give the key in IDEFICS2_EVAL_KEY_<HOST> instead"
            )
        concurrency_text = os.environ.get("IDEFICS2_EVAL_ENDPOINT_CONCURRENCY", "8")
        if not concurrency_text.strip().isdigit() or not 1 <= int(concurrency_text) <= 1024:
            raise UserError(
                f"IDEFICS2_EVAL_ENDPOINT_CONCURRENCY must be a whole number from 1 to 1024, not {concurrency_text!r}"
            )
        concurrency = int(concurrency_text)
        key_for(url)  # a key that would go over plain http to another machine is refused before any work
        return cls(
            url=url.rstrip("/"), served_model=served or first_served_model(url), concurrency=concurrency, name=spec
        )

    def describe(self) -> dict[str, Any]:
        return {"backend": "endpoint", "url": self.url, "model": self.served_model, "concurrency": self.concurrency}

    def prompt_length(self, request: Request) -> int:
        # The server tokenises; a rough length is enough to sort batches.
        return len(render_idefics2(request.messages)) // 4 + 64 * len(request.image_refs)

    def generate(self, requests: list[Request]) -> list[Generation]:
        with ThreadPoolExecutor(max_workers=max(1, min(self.concurrency, len(requests)))) as pool:
            return list(pool.map(self._one, requests))

    def _one(self, request: Request) -> Generation:
        prompt = render_idefics2(request.messages)
        try:
            body = {
                "model": self.served_model,
                "messages": openai_messages(request),
                "temperature": 0,
                "max_tokens": request.max_new_tokens,
                "stop": STOP,
            }
            if request.min_new_tokens:
                body["min_tokens"] = request.min_new_tokens  # vLLM's extension; others ignore it
            payload = post_json(self.url + "/chat/completions", body, self.timeout, self.retries)
            text = chat_text(payload).strip()
        except EndpointError as exc:
            kind = "transport" if exc.transport else None
            return Generation(text=None, prompt=prompt, error=first_line(exc), error_kind=kind)
        except (ImageError, OSError) as exc:
            return Generation(text=None, prompt=prompt, error=first_line(exc))
        usage = payload.get("usage") if isinstance(payload, dict) else None
        tokens = usage.get("completion_tokens") if isinstance(usage, dict) else None
        new_tokens = tokens if isinstance(tokens, int) and not isinstance(tokens, bool) else 0
        return Generation(text=text, prompt=prompt, new_tokens=new_tokens)


def first_served_model(url: str) -> str:
    try:
        return str(get_json(url.rstrip("/") + "/models")["data"][0]["id"])
    except (EndpointError, KeyError, IndexError, TypeError) as exc:
        raise UserError(
            f"cannot list the models of {url} ({first_line(exc)}); name one: --model endpoint:URL#MODEL_NAME"
        ) from None
