"""Reading a rendered picture back: its pixels decoded with Pillow, and how varied they are."""

from __future__ import annotations

import io

from PIL import Image

from bot.pictures.data import Picture


def decoded(picture: Picture) -> Image.Image:
    """The picture's PNG decoded, after checking it is a PNG of the size the picture states."""
    image = Image.open(io.BytesIO(picture.png))
    image.load()
    assert image.format == "PNG"
    assert image.size == (picture.width, picture.height)
    return image


def colours(picture: Picture) -> int:
    """How many distinct colours the picture's pixels use."""
    image = decoded(picture).convert("RGB")
    found = image.getcolors(maxcolors=image.width * image.height)
    assert found is not None
    return len(found)


def opaque(picture: Picture) -> bool:
    """Whether every pixel is fully opaque, so the picture looks the same on any chat background."""
    image = decoded(picture).convert("RGBA")
    low, _high = image.getchannel("A").getextrema()
    return bool(low == 255)
