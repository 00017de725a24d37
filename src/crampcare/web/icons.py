"""The app icons of the installable web app (192 and 512 px PNG), drawn with Pillow.

The PNGs are committed in ``static/icons``; run ``python -m crampcare.web.icons`` (``make icons``)
after changing the drawing. A crescent moon on the accent blue: crampcare is what people open at
night. The moon stays inside the central 80% so the icon also works where it is cut to a circle
("maskable").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ICON_DIR = Path(__file__).parent / "static" / "icons"
SIZES = (192, 512)
BLUE = (11, 79, 138, 255)  # --accent of the light theme
MOON = (255, 248, 220, 255)


def draw_icon(size: int) -> Any:
    from PIL import Image, ImageDraw

    scale = 4  # draw large and shrink: smooth edges without anti-aliasing support in ImageDraw
    big = size * scale
    image = Image.new("RGBA", (big, big), BLUE)
    draw = ImageDraw.Draw(image)
    r = big * 0.27
    cx, cy = big * 0.5, big * 0.5
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=MOON)
    # The bite that makes the crescent, offset up and to the right.
    bx, by = cx + r * 0.45, cy - r * 0.3
    draw.ellipse((bx - r * 0.85, by - r * 0.85, bx + r * 0.85, by + r * 0.85), fill=BLUE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(folder: Path = ICON_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for size in SIZES:
        path = folder / f"icon-{size}.png"
        draw_icon(size).save(path, format="PNG", optimize=True)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_icons():
        print(written)
