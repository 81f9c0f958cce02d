"""Knowing, once and quickly, whether the Hugging Face hub can be reached.

Offline, `transformers` and `datasets` retry each request for half a minute ("Retrying in 8s")
before they fail. One probe (a TCP connection to the hub, bounded to a few seconds, DNS
included) decides instead; when the hub is out of reach the libraries are switched to their
offline mode before they are imported, so a model or dataset in the local cache still loads and
anything else fails at once, in one line.
"""

from __future__ import annotations

import os
import re
import socket
import threading
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

from evals.errors import UserError

OFFLINE_VARIABLES = ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE")
PROBE_SECONDS = 3.0
# ORG/NAME as the hub spells repository ids (letters, digits, '-', '_', '.'; at most 96 each).
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]{0,95}/[A-Za-z0-9][\w.-]{0,95}")


def plausible_hub_id(name: str) -> bool:
    return bool(_HUB_ID.fullmatch(name)) and ".." not in name


def _declared_offline() -> bool:
    return any(os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on") for name in OFFLINE_VARIABLES)


@cache
def hub_reachable() -> bool:
    """One bounded probe of the hub's host (HF_ENDPOINT's, where set); the answer is kept."""
    if _declared_offline():
        return False
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    host, port = endpoint.hostname or "huggingface.co", endpoint.port or (80 if endpoint.scheme == "http" else 443)
    outcome: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection((host, port), timeout=PROBE_SECONDS):
                outcome.append(True)
        except OSError:
            outcome.append(False)

    # in a thread, because name resolution ignores socket timeouts
    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(PROBE_SECONDS + 0.5)
    return bool(outcome and outcome[0])


def prepare_hub_access() -> bool:
    """Switch the hub libraries to offline mode when the hub cannot be reached; True if online.

    Call before `transformers` or `datasets` first touch the hub (they read these variables)."""
    online = hub_reachable()
    if not online:
        for name in OFFLINE_VARIABLES:
            os.environ[name] = "1"
    return online


def in_hub_cache(repo_id: str, filename: str = "config.json") -> bool:
    """Whether `repo_id` is in the local hub cache (its `filename` at least)."""
    from huggingface_hub import try_to_load_from_cache

    try:
        found = try_to_load_from_cache(repo_id, filename)
    except (ValueError, OSError):  # the hub client's own validation of the id
        return False
    return isinstance(found, str)


def require_hub_resource(name: str, what: str, instead: str) -> None:
    """Before loading `name` (a local folder or a hub id) with a hub library: a name that cannot be a
    hub id is an error now, and with the hub out of reach (one bounded probe) a repository that is not
    in the local cache fails at once instead of after the libraries' half a minute of retries.
    `what` names the thing ("toxicity classifier"), `instead` says what to pass instead.
    Shared by every loader of hub models: the model backends, classifiers and judges."""
    if name.startswith((".", "/", "~")) or Path(name).expanduser().exists():
        return
    if not plausible_hub_id(name):
        raise UserError(f"unknown {what} '{name}': not a local folder, nor a hub id ORG/NAME; {instead}")
    if not prepare_hub_access() and not in_hub_cache(name):
        raise UserError(
            f"cannot load {what} '{name}': the hub cannot be reached from here and it is not in the local "
            f"cache; {instead}"
        )
