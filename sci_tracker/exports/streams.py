"""Downloads written in pieces of many rows.

Each export makes its text a row (or a resource) at a time; a write to the socket per row costs
more than the row. `pieces` gathers the rows into writes of about PIECE bytes, so a ten-year
file goes out in a few hundred writes, and never sits whole in memory.
"""

from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

PIECE = 64 * 1024  # characters per write: a few hundred rows of a CSV file


def pieces(texts: Iterable[str]) -> Iterator[bytes]:
    """The texts joined into pieces of at least PIECE characters (the last may be shorter),
    encoded as UTF-8."""
    size = PIECE
    gathered: list[str] = []
    length = 0
    for text in texts:
        gathered.append(text)
        length += len(text)
        if length >= size:
            yield "".join(gathered).encode()
            gathered.clear()
            length = 0
    if gathered:
        yield "".join(gathered).encode()


def download(texts: Iterable[str], content_type: str, filename: str) -> StreamingHttpResponse:
    """An attachment streamed in pieces, never kept by a browser or a proxy cache (health
    information)."""
    return StreamingHttpResponse(
        pieces(texts),
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
