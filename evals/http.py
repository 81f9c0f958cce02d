"""One POST of JSON to an OpenAI-compatible endpoint, with retries: shared by the endpoint model
backend and the LLM answer extractor. Standard library only."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from typing import Any

RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Never follow a redirect: urllib would resend the Authorization header (the user's API key)
    to wherever the Location points. A 3xx reply surfaces as an HTTPError instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def open_url(request: urllib.request.Request, timeout: float) -> Any:
    """Every request of the project goes through here: no redirects followed."""
    return _OPENER.open(request, timeout=timeout)


class EndpointError(Exception):
    """The endpoint could not give an answer after the retries; the message says why."""


def api_key() -> str | None:
    return os.environ.get("IDEFICS2_EVAL_ENDPOINT_KEY") or os.environ.get("OPENAI_API_KEY")


def post_json(url: str, body: dict[str, Any], timeout: float = 120.0, retries: int = 3) -> dict[str, Any]:
    """POST `body`, retrying timeouts, refused connections and 408/429/5xx with exponential backoff."""
    headers = {"Content-Type": "application/json"}
    key = api_key()
    if key:
        headers["Authorization"] = f"Bearer {key}"
    data = json.dumps(body).encode()
    reason = "no attempt"
    for attempt in range(max(1, retries)):
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            with open_url(request, timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            reason = f"HTTP {exc.code} {exc.reason}"
            if 300 <= exc.code < 400:
                location = exc.headers.get("Location", "?") if exc.headers else "?"
                reason = (
                    f"redirected (HTTP {exc.code}) to {location[:200]}; redirects are not followed, so the key "
                    "is sent only to the host you named: give the final address instead"
                )
            if exc.code not in RETRY_STATUS:
                break
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = str(getattr(exc, "reason", exc))
        except ValueError as exc:  # a reply that is not JSON
            reason = f"not JSON: {exc}"
            break
        if attempt + 1 < retries:
            time.sleep(min(30.0, 2.0**attempt))
    raise EndpointError(f"{url}: {reason}")


def chat_text(payload: dict[str, Any]) -> str:
    try:
        return str(payload["choices"][0]["message"]["content"] or "")
    except (KeyError, IndexError, TypeError):
        raise EndpointError("the reply has no choices[0].message.content") from None
