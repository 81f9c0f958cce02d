"""Stopping cleanly: SIGTERM is handled like Ctrl-C, and a signal after the work is done is quiet.

Schedulers (SLURM, Kubernetes, systemd) stop a job with SIGTERM and kill it a little later. The
run loop treats SIGTERM as it treats Ctrl-C: the batch in flight is abandoned, every logged sample
stays, the manifest records the invocation as interrupted, and the process says how to continue.
Once the command's work is done, a late Ctrl-C or SIGTERM (during interpreter shutdown, inside
some library's exit handler) simply ends the process, without a traceback.
"""

from __future__ import annotations

import signal
from types import FrameType


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread where Ctrl-C would raise KeyboardInterrupt."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    # A second SIGTERM must not interrupt the clean-up that the first one started.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Terminated()


def handle_termination() -> None:
    """Turn SIGTERM into `Terminated` (main thread only, as Python delivers signals there)."""
    signal.signal(signal.SIGTERM, _on_sigterm)


def quiet_exit() -> None:
    """From now on Ctrl-C and SIGTERM end the process at once: the work is done and saved."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def interruption(exc: BaseException) -> str:
    return "stopped by SIGTERM" if isinstance(exc, Terminated) else "interrupted"


def exit_code_of(exc: BaseException) -> int:
    """The shell's convention: 128 + the signal number."""
    return 128 + (signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT)
