"""What every report needs: Markdown-safe text, and matplotlib figures as PNG bytes."""

from __future__ import annotations

import io
import re
from typing import Any

# ASCII punctuation that means something to CommonMark / GitHub Markdown inline: links and
# images ([ ] !; without a "[" no "(...)" is a link), raw HTML and autolinks (< >), entities (&),
# emphasis, code, tables (|), strikethrough (~) and GitHub's math ($). CommonMark lets any of them
# be escaped with a backslash, which renders the character itself: no HTML entities in the
# Markdown source, no live link or image in what it renders to.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]!<>&|~$])")


def md(value: Any) -> str:
    """Untrusted text made inert inside Markdown (and its tables), on one line."""
    text = " ".join(str(value).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def pyplot() -> Any:
    """matplotlib's pyplot on the file-only backend (no display needed), with labels taken as
    plain text: a group named `$\\foo{x}$` must not be parsed as mathtext (it would crash)."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["text.parse_math"] = False
    matplotlib.rcParams["text.usetex"] = False
    import matplotlib.pyplot as plt

    return plt


def png(figure: Any) -> bytes:
    """The figure as PNG bytes; the figure is closed."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    pyplot().close(figure)
    return buffer.getvalue()
