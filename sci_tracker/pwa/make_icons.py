"""Draws the home-screen icons (static/icons/*.png) from the favicon's design: a blue square with
a white trace. Run it again after changing the design or ICON_BLUE, and commit the PNGs:

    .venv/bin/python -m sci_tracker.pwa.make_icons

Pillow draws them (a tool for this script only: the app reads the PNG files, not Pillow).
"""

from pathlib import Path

from PIL import Image, ImageDraw

ICON_BLUE = "#1a4fd1"  # the favicon's blue
ICONS = Path(__file__).resolve().parents[2] / "static" / "icons"
# The favicon's trace, in its 32 x 32 grid (static/favicon.svg).
TRACE = [(6, 20), (11, 20), (14, 11), (18, 25), (21, 16), (26, 16)]
SUPERSAMPLE = 4  # drawn larger, then scaled down, for smooth edges


def draw(size: int, *, rounded: bool, inset: float) -> Image.Image:
    """`inset`: the share of the side the trace's 32-unit grid leaves empty on each side (a
    maskable icon keeps it in the central circle of 80% that every mask shows)."""
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    box = [0, 0, big - 1, big - 1]
    if rounded:
        pen.rounded_rectangle(box, radius=big * 6 // 32, fill=ICON_BLUE)
    else:
        pen.rectangle(box, fill=ICON_BLUE)
    scale = big * (1 - 2 * inset) / 32
    offset = big * inset
    points = [(offset + x * scale, offset + y * scale) for x, y in TRACE]
    width = round(3 * scale)
    pen.line(points, fill="white", width=width, joint="curve")
    for x, y in (points[0], points[-1]):  # round caps
        pen.ellipse([x - width / 2, y - width / 2, x + width / 2, y + width / 2], fill="white")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    ICONS.mkdir(exist_ok=True)
    draw(192, rounded=True, inset=0).save(ICONS / "icon-192.png", optimize=True)
    draw(512, rounded=True, inset=0).save(ICONS / "icon-512.png", optimize=True)
    # Full-bleed square, the trace within the safe zone: the phone cuts its own shape.
    draw(512, rounded=False, inset=0.2).save(ICONS / "icon-maskable-512.png", optimize=True)
    # iOS rounds the corners itself and shows transparency as black: a full square.
    apple = draw(180, rounded=False, inset=0.12).convert("RGB")
    apple.save(ICONS / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
