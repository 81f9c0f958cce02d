"""One POST of JSON to an OpenAI-compatible endpoint, with retries: shared by the endpoint model
backend, the LLM answer extractor and the judges. Standard library only.

Every reply is bounded: at most `MAX_REPLY_BYTES` of body, and each attempt ends after `timeout`
seconds in all (a watchdog shuts the socket), so a never-ending chunked stream or a slow drip ends
too. Any malformed HTTP is an `EndpointError` like a refused connection, so the callers' fallbacks
(rules judge, offline extraction, per-sample error) run. Keys go only to their own host (see
`key_for`), never over plain http to another machine, and never into a message or a record.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any
from urllib.parse import urlsplit

from evals.errors import UserError

RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}
AUTH_STATUS = {401, 403}
MAX_REPLY_BYTES = 8 * 1024 * 1024  # a chat reply is a few KB; a model list a few hundred
OPENAI_HOST = "api.openai.com"
GENERIC_KEY = "IDEFICS2_EVAL_ENDPOINT_KEY"
GENERIC_KEY_HOSTS = "IDEFICS2_EVAL_ENDPOINT_KEY_HOSTS"


class EndpointError(Exception):
    """The endpoint could not give an answer after the retries; the message says why.

    `transport`: the failure is the server's or the network's (refused, timed out, 429/5xx after the
    retries, malformed HTTP, a key refused), not the request's own: the same request may succeed later."""

    def __init__(self, message: str, transport: bool = False) -> None:
        super().__init__(message)
        self.transport = transport


# ---- keys: each only to its own host ---------------------------------------------------------------


def key_variable(host: str) -> str:
    """The per-endpoint key variable: `IDEFICS2_EVAL_KEY_` + the host name, upper case, `_` for the rest."""
    return "IDEFICS2_EVAL_KEY_" + re.sub(r"[^A-Z0-9]", "_", host.upper())


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def key_for(url: str) -> str | None:
    """The API key for `url`'s host, or None.

    - `IDEFICS2_EVAL_KEY_<HOST>` (e.g. IDEFICS2_EVAL_KEY_API_TOGETHER_XYZ): that host's own key;
    - `IDEFICS2_EVAL_ENDPOINT_KEY`: for the hosts listed in IDEFICS2_EVAL_ENDPOINT_KEY_HOSTS
      (comma-separated), or for loopback hosts (a local vLLM) when that list is not set;
    - `OPENAI_API_KEY`: for api.openai.com only.
    A key is never sent over plain http to a host other than this machine: that is an error."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    key = os.environ.get(key_variable(host))
    if not key and os.environ.get(GENERIC_KEY):
        listed = os.environ.get(GENERIC_KEY_HOSTS)
        hosts = {h.strip().lower() for h in listed.split(",") if h.strip()} if listed is not None else None
        if (host in hosts) if hosts is not None else is_loopback(host):
            key = os.environ[GENERIC_KEY]
    if not key and host == OPENAI_HOST:
        key = os.environ.get("OPENAI_API_KEY")
    if key and not all(" " < char < "\x7f" for char in key):  # never echoed: it is a secret
        raise UserError(f"the API key for {host} holds spaces, line breaks or non-ASCII characters; set it again")
    if key and parts.scheme != "https" and not is_loopback(host):
        raise UserError(
            f"refusing to send the API key for {host} over plain http (anyone on the way could read it); "
            f"use https://{host}..., or unset the key for this host"
        )
    return key or None


def known_keys() -> list[str]:
    """Every key value this process could send: none of them may appear in a message or a record."""
    names = [GENERIC_KEY, "OPENAI_API_KEY", *(name for name in os.environ if name.startswith("IDEFICS2_EVAL_KEY_"))]
    return [value for name in names if len(value := os.environ.get(name, "")) >= 4]


def redact(text: str) -> str:
    """`text` with every key this process knows replaced (a server may echo the key it was sent)."""
    for key in known_keys():
        text = text.replace(key, "[key withheld]")
    return text


def auth_headers(url: str) -> dict[str, str]:
    key = key_for(url)
    return {"Authorization": f"Bearer {key}"} if key else {}


# ---- transport: no redirects, a total time per attempt, a bounded body ------------------------------

_watched = threading.local()


class _Watch:
    """The sockets of one attempt; `expire` (called by a timer) shuts them, ending any blocked read."""

    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []
        self.expired = False
        self.lock = threading.Lock()

    def add(self, sock: socket.socket) -> None:
        with self.lock:
            self.sockets.append(sock)
            if self.expired:
                _shut(sock)

    def expire(self) -> None:
        with self.lock:
            self.expired = True
            for sock in self.sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):  # already closed by its reader
        sock.shutdown(socket.SHUT_RDWR)


def _register(sock: Any) -> None:
    watch = getattr(_watched, "watch", None)
    if watch is not None and isinstance(sock, socket.socket):
        watch.add(sock)


class _HTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _register(self.sock)


class _HTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _register(self.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):  # type: ignore[no-untyped-def]
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):  # type: ignore[no-untyped-def]
        return self.do_open(_HTTPSConnection, req, context=getattr(self, "_context", None))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Never follow a redirect: urllib would resend the Authorization header (the user's API key)
    to wherever the Location points. A 3xx reply surfaces as an HTTPError instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


_OPENER = urllib.request.build_opener(_NoRedirects, _HTTPHandler, _HTTPSHandler)


def open_url(request: urllib.request.Request, timeout: float) -> Any:
    """Every request of the project goes through here: no redirects followed."""
    return _OPENER.open(request, timeout=timeout)


@contextmanager
def deadline(seconds: float) -> Iterator[_Watch]:
    """Bound everything inside (connect, headers, body) to `seconds` in all."""
    watch = _Watch()
    _watched.watch = watch
    timer = threading.Timer(seconds, watch.expire)
    timer.daemon = True
    timer.start()
    try:
        yield watch
    finally:
        timer.cancel()
        _watched.watch = None


class ReplyTooLarge(Exception):
    pass


def read_bounded(response: Any, limit: int = MAX_REPLY_BYTES) -> bytes:
    """The body, refused beyond `limit` bytes (read a piece at a time: a 1 GB body never sits in memory)."""
    declared = response.headers.get("Content-Length") if getattr(response, "headers", None) else None
    if declared and declared.isdigit() and int(declared) > limit:
        raise ReplyTooLarge(f"the reply declares {int(declared):,} bytes")
    read = getattr(response, "read1", None) or response.read
    pieces: list[bytes] = []
    size = 0
    while piece := read(65536):
        size += len(piece)
        if size > limit:
            raise ReplyTooLarge(f"the reply is over {limit:,} bytes")
        pieces.append(piece)
    return b"".join(pieces)


def fetch_json(request: urllib.request.Request, timeout: float) -> Any:
    """One attempt: the reply's JSON, within `timeout` seconds in all and `MAX_REPLY_BYTES`.
    Raises urllib's HTTPError for an error status, EndpointError for everything else."""
    with deadline(timeout) as watch:
        try:
            with open_url(request, timeout) as response:
                body = read_bounded(response)
        except urllib.error.HTTPError:
            if watch.expired:
                raise EndpointError(f"no complete reply within {timeout:g} s", transport=True) from None
            raise
        except ReplyTooLarge as exc:
            raise EndpointError(f"{exc}, more than any real reply ({MAX_REPLY_BYTES:,} at most)") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            if watch.expired or isinstance(exc, TimeoutError | socket.timeout):
                raise EndpointError(f"no complete reply within {timeout:g} s", transport=True) from None
            reason = getattr(exc, "reason", None) or exc
            if isinstance(exc, http.client.HTTPException) and not isinstance(exc, ConnectionError):
                reason = f"malformed HTTP reply ({type(exc).__name__}: {str(exc)[:120]})"
            raise EndpointError(redact(str(reason))[:300], transport=True) from None
        if watch.expired:
            raise EndpointError(f"no complete reply within {timeout:g} s", transport=True)
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise EndpointError(f"the reply is not JSON ({str(exc)[:120]})") from None


def post_json(url: str, body: dict[str, Any], timeout: float = 120.0, retries: int = 3) -> dict[str, Any]:
    """POST `body`, retrying timeouts, refused connections, malformed replies and 408/429/5xx with
    exponential backoff; `timeout` bounds each attempt in all."""
    headers = {"Content-Type": "application/json", **auth_headers(url)}
    data = json.dumps(body).encode()
    error = EndpointError("no attempt", transport=True)
    for attempt in range(max(1, retries)):
        request = urllib.request.Request(url, data=data, headers=headers)
        try:
            payload = fetch_json(request, timeout)
            if not isinstance(payload, dict):
                raise EndpointError("the reply is not a JSON object")
            return payload
        except urllib.error.HTTPError as exc:
            error = _status_error(url, exc)
            if exc.code not in RETRY_STATUS:
                break
        except EndpointError as exc:
            error = exc
            if not exc.transport:
                break
        if attempt + 1 < retries:
            time.sleep(min(30.0, 2.0**attempt))
    raise EndpointError(f"{url}: {error}", transport=error.transport)


def _status_error(url: str, exc: urllib.error.HTTPError) -> EndpointError:
    reason = redact(f"HTTP {exc.code} {exc.reason}")[:200]
    if 300 <= exc.code < 400:
        location = exc.headers.get("Location", "?") if exc.headers else "?"
        return EndpointError(
            f"redirected (HTTP {exc.code}) to {redact(location)[:200]}; redirects are not followed, so the key "
            "is sent only to the host you named: give the final address instead"
        )
    if exc.code in AUTH_STATUS:
        host = urlsplit(url).hostname or "?"
        hint = f"the server refused the key: set {key_variable(host)}" if key_for(url) else (
            f"the server wants a key: set {key_variable(host)} (or {GENERIC_KEY} with {GENERIC_KEY_HOSTS}={host})"
        )  # fmt: skip
        return EndpointError(f"{reason}; {hint}", transport=True)
    return EndpointError(reason, transport=exc.code in RETRY_STATUS)


def get_json(url: str, timeout: float = 30.0) -> Any:
    """One GET (a server's model list), with the same bounds and key rules as `post_json`."""
    try:
        return fetch_json(urllib.request.Request(url, headers=auth_headers(url)), timeout)
    except urllib.error.HTTPError as exc:
        raise _status_error(url, exc) from None


def chat_text(payload: dict[str, Any]) -> str:
    """The reply's text, with any key the server echoed withheld."""
    try:
        return redact(str(payload["choices"][0]["message"]["content"] or ""))
    except (KeyError, IndexError, TypeError):
        raise EndpointError("the reply has no choices[0].message.content") from None


def api_key() -> str | None:
    """The generic endpoint key (IDEFICS2_EVAL_ENDPOINT_KEY, else OPENAI_API_KEY), for callers that
    withhold it from text they show; which host is sent a key is `key_for`'s decision, not this."""
    return os.environ.get(GENERIC_KEY) or os.environ.get("OPENAI_API_KEY") or None
