"""Text for the terminal: names that come from data (sample ids, model names, group and split
names, a server's reason phrase) may hold escape sequences that clear the screen, retitle the
window or write the clipboard (OSC 52), or bidi controls that reorder what is shown. They are
printed as visible escapes (`\\x1b`, `\\u202e`) instead; a lone surrogate, which the terminal's
encoding cannot hold, likewise."""

from __future__ import annotations

import re
import sys
from typing import Any, TextIO

# C0 and C1 controls (and DEL), surrogates, and the bidi controls (embeddings, overrides, isolates, marks)
_OTHERS = "\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f{_OTHERS}]")
_UNSAFE_KEEPING_LINES = re.compile(f"[\x00-\x09\x0b-\x1f{_OTHERS}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(value: Any, keep_lines: bool = False) -> str:
    """`value` as text that shows on a terminal exactly as written (newlines kept with `keep_lines`)."""
    pattern = _UNSAFE_KEEPING_LINES if keep_lines else _UNSAFE
    return pattern.sub(_escape, str(value))


def echo(text: Any, file: TextIO | None = None, end: str = "\n") -> None:
    """print() for text that may carry names from data: line breaks kept, everything else escaped."""
    print(printable(text, keep_lines=True), file=file or sys.stdout, end=end)
