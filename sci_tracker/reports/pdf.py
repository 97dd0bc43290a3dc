"""The report as a PDF, made on the server with WeasyPrint.

WeasyPrint draws text with Pango, a system library (Debian: libpango-1.0-0, libpangoft2-1.0-0).
Without it, importing WeasyPrint fails; `PdfUnavailable` says so and the view answers with a page
that points to the browser's Print instead.

WeasyPrint never reaches the network: `StaticFilesFetcher` serves our own static files from disk
(found by django.contrib.staticfiles' finders, as in development) and refuses every other URL.
"""

import logging
import mimetypes
import posixpath
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

# The document's base URL: a name that can never resolve (.invalid is reserved), so a link or
# resource the fetcher let through by mistake could not be fetched anyway.
BASE_URL = "https://sci-tracker.invalid/"


class PdfUnavailable(Exception):
    """WeasyPrint, or the Pango library it needs, cannot be loaded on this server."""


@cache
def _load():
    """The weasyprint module, or the reason it cannot be loaded (tried once per process)."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango or a library it needs is missing
        return None, f"{type(error).__name__}: {error}"
    # WeasyPrint logs each of its seven steps at INFO for every PDF: keep its warnings only.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    return weasyprint, None


def weasyprint():
    module, problem = _load()
    if module is None:
        raise PdfUnavailable(problem)
    return module


def static_prefix():
    """Where our static files are, as WeasyPrint sees them: STATIC_URL on BASE_URL."""
    return urljoin(BASE_URL, settings.STATIC_URL)


def static_file(url):
    """The file on disk behind one of our static URLs, or None for anything else."""
    prefix = static_prefix()
    if not url.startswith(prefix):
        return None
    relative = unquote(urlsplit(url).path)[len(urlsplit(prefix).path) :]
    normalised = posixpath.normpath(relative)
    if relative != normalised or normalised.startswith(("/", "..")) or "\\" in normalised:
        return None
    found = finders.find(normalised)
    return Path(found) if found else None


@cache
def fetcher_class(module):
    class StaticFilesFetcher(module.urls.URLFetcher):
        """Serves our static files from disk and refuses everything else."""

        def fetch(self, url, headers=None):
            path = static_file(url)
            if path is None:
                raise ValueError(f"The report may only load its own static files, not {url}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return module.urls.URLFetcherResponse(
                url, path.read_bytes(), {"Content-Type": content_type}
            )

    return StaticFilesFetcher


def document(html):
    """The laid-out document (its `pages` can be counted); raises PdfUnavailable."""
    module = weasyprint()
    fetcher = fetcher_class(module)()
    return module.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render()


def render_pdf(html):
    """The PDF's bytes; raises PdfUnavailable."""
    return document(html).write_pdf()
