"""Draws the Teams app icons: ``python manifest/teams/icons.py`` (needs Pillow, a dev dependency).

The motif is a crosswalk: slanted stripes where two paths cross. ``color.png`` is 192×192 on the
accent colour; ``outline.png`` is 32×32, white on transparent (every pixel is white, only alpha
varies, so edges stay white when Teams scales it).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
ACCENT = (15, 118, 110)  # #0F766E, the manifest's accentColor
PATH = (20, 83, 78)  # a darker band: the road the crosswalk crosses
WHITE = (255, 255, 255)
SCALE = 8  # draw large, then downsample for smooth edges


def _stripes(draw: ImageDraw.ImageDraw, size: int, fill: tuple[int, ...], inset: float) -> None:
    """Four slanted stripes across the middle of a ``size`` square."""
    top, bottom = size * inset, size * (1 - inset)
    width = size * 0.11
    gap = size * 0.075
    lean = size * 0.08
    total = 4 * width + 3 * gap
    left = (size - total) / 2
    for n in range(4):
        x = left + n * (width + gap)
        draw.polygon(
            [(x + lean, top), (x + lean + width, top), (x - lean + width, bottom),
             (x - lean, bottom)],
            fill=fill,
        )


def color_icon() -> Image.Image:
    size = 192 * SCALE
    image = Image.new("RGB", (size, size), ACCENT)
    draw = ImageDraw.Draw(image)
    band = size * 0.26
    draw.rectangle([0, (size - band) / 2, size, (size + band) / 2], fill=PATH)  # one path
    draw.rectangle([(size - band) / 2, 0, (size + band) / 2, size], fill=PATH)  # the other
    _stripes(draw, size, WHITE, inset=0.2)
    return image.resize((192, 192), Image.Resampling.LANCZOS)


def outline_icon() -> Image.Image:
    size = 32 * SCALE
    image = Image.new("RGBA", (size, size), (*WHITE, 0))
    draw = ImageDraw.Draw(image)
    _stripes(draw, size, (*WHITE, 255), inset=0.12)
    return image.resize((32, 32), Image.Resampling.LANCZOS)


def main() -> None:
    color_icon().save(HERE / "color.png", optimize=True)
    outline_icon().save(HERE / "outline.png", optimize=True)


if __name__ == "__main__":
    main()
