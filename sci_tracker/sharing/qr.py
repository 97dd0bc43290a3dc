"""A share link as a QR code to show on screen, drawn on the server with segno (pure Python).

The page draws it as inline SVG from numbers only: `path` is built here from segno's module
matrix, so the template needs no `|safe` and nothing from the link reaches the markup unescaped.
"""

from dataclasses import dataclass

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


@dataclass(frozen=True)
class QRDrawing:
    size: int  # the viewBox's width and height, in modules, quiet zone included
    path: str  # one horizontal stroke per run of dark modules


def qr_drawing(text: str) -> QRDrawing:
    """The QR code of `text` (error correction M: still reads from a scratched screen)."""
    # Imported here, so only the one page that draws a code needs the package (a server whose
    # requirements.txt is not installed yet fails there, with this import, not everywhere).
    import segno  # noqa: PLC0415

    code = segno.make(text, error="m", micro=False)
    strokes = []
    for y, row in enumerate(code.matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                strokes.append(f"M{start + QUIET_ZONE} {y + QUIET_ZONE + 0.5}h{x - start}")
            else:
                x += 1
    return QRDrawing(size=len(code.matrix) + 2 * QUIET_ZONE, path="".join(strokes))
