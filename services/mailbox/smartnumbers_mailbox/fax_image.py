"""Fax images: TIFF, validated and counted with Pillow."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError
from smartnumbers_kit.errors import Invalid


def tiff_pages(data: bytes) -> int:
    """How many pages a TIFF fax has; refuses what is not a readable TIFF."""
    if not data:
        raise Invalid("the fax is empty")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "TIFF":
                raise Invalid(f"a fax must be a TIFF image, not {image.format}")
            pages = 0
            for pages in range(1, 10_000):
                image.load()
                try:
                    image.seek(pages)
                except EOFError:
                    break
            return pages
    except (UnidentifiedImageError, OSError, SyntaxError) as e:
        raise Invalid(f"the fax is not a readable TIFF image ({e.__class__.__name__})") from None
