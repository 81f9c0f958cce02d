"""What every report needs: Markdown-safe text, and matplotlib figures as PNG bytes."""

from __future__ import annotations

import html
import io
from typing import Any


def md(value: Any) -> str:
    """Text safe inside Markdown (and its tables): HTML entities escaped, pipes escaped, one line."""
    return html.escape(str(value)).replace("|", "\\|").replace("\n", " ")


def pyplot() -> Any:
    """matplotlib's pyplot on the file-only backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def png(figure: Any) -> bytes:
    """The figure as PNG bytes; the figure is closed."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    pyplot().close(figure)
    return buffer.getvalue()
