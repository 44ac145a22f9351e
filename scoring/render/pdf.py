"""HTML page -> A4 PDF with WeasyPrint, in-process (no browser, no TeX).

WeasyPrint uses pango and fontconfig; this process's fontconfig knows only the package's own
font (``scoring.fonts``), which covers every Vietnamese diacritic, never a system font, so
the embedded font programs are the same on every machine. Output is made byte-stable for
reproducible builds: a fixed document identifier derived from the content and no creation
date.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes.util
import functools
import hashlib
import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from scoring import fonts
from scoring.errors import ScoringError
from scoring.io import atomic_path


@contextlib.contextmanager
def _no_library_search() -> Iterator[None]:
    """While WeasyPrint loads pango, harfbuzz and fontconfig, no library search by name.

    WeasyPrint tries several names per library ("libgobject-2.0-0", "gobject-2.0", ...,
    "libgobject-2.0.so.0"); for each name the loader refuses, cffi asks
    ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p`` and then ``gcc`` and
    ``ld``: 22 ldconfig, 16 gcc and 64 ld processes at every import, 0,1-0,3 s of each
    worker's start, and a worker killed meanwhile leaves gcc's temporary file in TMPDIR.
    The soname of every library is among the names tried and is loaded directly by the
    system's loader, so the search is skipped for the time of the import.
    """
    if not sys.platform.startswith("linux") or "weasyprint" in sys.modules:
        yield
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = search


with _no_library_search():
    import weasyprint
    from weasyprint.text import ffi as _weasyprint_ffi
    from weasyprint.urls import URLFetcher, URLFetcherResponse


def _check_subsetter() -> None:
    """WeasyPrint subsets embedded fonts with HarfBuzz when libharfbuzz-subset is present,
    else with fontTools, and the two give different bytes: refuse the second rather than
    print PDFs that differ from another machine's."""
    if _weasyprint_ffi.harfbuzz_subset is None:
        raise ScoringError(
            "Thiếu thư viện libharfbuzz-subset (gói Debian libharfbuzz-subset0), cần để PDF "
            "giống hệt nhau trên mọi máy: chạy `make reports` với quyền root hoặc "
            "`apt-get install libharfbuzz-subset0`"
        )


logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def write_pdf(html: str, target: Path) -> None:
    """Render ``html`` to ``target`` atomically."""
    _check_subsetter()
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    fonts.isolate_fontconfig()  # read again by WeasyPrint for every document
    markup, images = lift_images(html)
    document = weasyprint.HTML(
        string=markup, base_url=str(Path(target).parent), url_fetcher=_Embedded(images)
    )
    with atomic_path(target) as tmp:
        document.write_pdf(
            tmp,
            stylesheets=[print_stylesheet()],
            pdf_identifier=identifier,
            uncompressed_pdf=False,
        )


# An image embedded in the page as a data: URI, as nbconvert embeds every figure.
_EMBEDDED = re.compile(
    r'(<img\b[^>]*?\ssrc=")data:(image/[\w.+-]+);base64,([A-Za-z0-9+/=\s]*)"', re.ASCII
)


def lift_images(html: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """The page with each embedded image's data: URI replaced by a short name, and what
    each name stands for (its type and base64 text).

    WeasyPrint's HTML parser reads a page character by character: the base64 text of the
    figures was most of what it read (0,7–1,2 s of the 300-unit ranking's 5 MB, 16 charts).
    Only ``<img src="data:...">`` inside a tag is lifted (text shows ``<`` escaped); the
    same image twice keeps one name, so it is embedded once, as before.
    """
    images: dict[str, tuple[str, str]] = {}

    def lift(match: re.Match[str]) -> str:
        name = "scoring-image:" + hashlib.sha256(match[3].encode("ascii")).hexdigest()[:24]
        images[name] = (match[2], match[3])
        return f'{match[1]}{name}"'

    return _EMBEDDED.sub(lift, html), images


class _Embedded(URLFetcher):
    """WeasyPrint's fetcher, answering the lifted images' names from memory."""

    def __init__(self, images: dict[str, tuple[str, str]]) -> None:
        super().__init__()
        self.images = images

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if url not in self.images:
            return super().fetch(url, headers)
        mime, text = self.images[url]
        return URLFetcherResponse(url, base64.b64decode(text), {"Content-Type": mime})


@functools.lru_cache(maxsize=1)
def print_stylesheet() -> weasyprint.CSS:
    """The package's font on every element and page box (``scoring.fonts``)."""
    return weasyprint.CSS(string=fonts.print_css())
