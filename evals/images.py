"""Opening the images that records reference: one-line errors for bad files, a cap on decoded
pixels, and no reads outside the dataset's folder.

A dataset is untrusted input. Its image paths may be absolute, climb out with `..`, or be
symlinks leaving the folder (`/etc/passwd`, `/proc/self/environ`); such paths are refused unless
the user opts in (`--allow-images-outside-data`). A small PNG can decode to gigabytes (a
"decompression bomb"): images are measured from their header before decoding, and those above
the pixel cap (`--max-image-pixels`) are refused. Either refusal is a per-sample error.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from evals.errors import DataError

if TYPE_CHECKING:
    from PIL import Image

# 40 megapixels: larger than any page of DocVQA / InfographicVQA (the model sees at most
# 980 x 980 per crop anyway), small enough that one decoded image stays near 120 MB.
DEFAULT_MAX_PIXELS = 40_000_000


class ImageError(Exception):
    """An image that cannot be used; recorded as a per-sample error, never fatal to a run."""


class SampleDataError(DataError):
    """A problem with one sample's own data: that sample is logged with the error, the run goes on."""


@dataclass
class ImagePolicy:
    allow_outside: bool = False
    max_pixels: int = DEFAULT_MAX_PIXELS


POLICY = ImagePolicy()


def configure_images(allow_outside: bool = False, max_pixels: int = DEFAULT_MAX_PIXELS) -> None:
    """Set the process-wide image policy (the command line does, from the run's options)."""
    POLICY.allow_outside = allow_outside
    POLICY.max_pixels = max_pixels


def is_within(path: Path, root: Path) -> bool:
    """Whether `path`, with every symlink and `..` resolved, lies inside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def confined(path: Path, roots: list[Path], what: str = "the dataset folder") -> Path:
    """`path` if it resolves inside one of `roots` (or the user allowed images elsewhere)."""
    if POLICY.allow_outside or any(is_within(path, root) for root in roots):
        return path
    where = ", ".join(str(root) for root in roots) or "no local folder"
    raise SampleDataError(
        f"image path {str(path)[:200]} lies outside {what} ({where}); refused "
        "(pass --allow-images-outside-data if you keep images elsewhere on purpose)"
    )


def header_size(ref: str) -> tuple[int, int] | None:
    """(height, width) from an image file's header, without decoding it; None when unreadable."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(ref) as image:
                width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return None
    return height, width


def open_image(ref: str, max_pixels: int | None = None) -> Image.Image:
    """Open an image reference (a file path) fully decoded and in RGB, refusing oversized ones."""
    from PIL import Image, UnidentifiedImageError

    cap = POLICY.max_pixels if max_pixels is None else max_pixels
    path = Path(ref)
    if not path.is_file():
        raise ImageError(f"image not found: {ref}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size  # from the header: nothing is decoded yet
                if width * height > cap:
                    raise ImageError(
                        f"image {ref} is {width}x{height} ({width * height / 1e6:.0f} megapixels), over the "
                        f"cap of {cap / 1e6:g}; shrink it or raise --max-image-pixels"
                    )
                image.load()
                return image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ImageError(f"cannot decode image {ref}: {exc}") from None
