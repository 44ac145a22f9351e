"""The local files an HTML page refers to (href, src), for copying a site and checking it:
a published site must open from the file system, so every reference stays in the page or
is a relative path to a file of the site."""

from __future__ import annotations

import html.parser
import posixpath
import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

_URL_ATTRS = {"href", "src", "action", "formaction", "poster", "data", "srcset", "background"}
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)|@import\s+['\"]([^'\"]+)['\"]")


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name == "srcset":
                self.found += [part.strip().split(" ")[0] for part in value.split(",")]
            elif name in _URL_ATTRS:
                self.found.append(value.strip())
            elif name == "style":
                self.found += _css_urls(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found += _css_urls(data)


def _css_urls(css: str) -> list[str]:
    return [a or b for a, b in _CSS_URL.findall(css)]


def references(page: str) -> list[str]:
    """Every URL the page names in an attribute or in CSS, as written."""
    collector = _Collector()
    collector.feed(page)
    collector.close()
    return [ref for ref in collector.found if ref]


def is_internal(ref: str) -> bool:
    """A reference to the page itself or inline data: never a request for another file."""
    return ref.startswith("#") or ref.lower().startswith("data:")


def is_external(ref: str) -> bool:
    """A reference with a scheme or host (``https:``, ``//cdn``, ``file:``, ``mailto:``),
    or an absolute path: it does not stay inside the site's folder."""
    if is_internal(ref):
        return False
    parts = urlsplit(ref)
    return bool(parts.scheme or parts.netloc or ref.startswith("/"))


def local_target(page_path: str, ref: str) -> str | None:
    """The site-relative path ``ref`` points to from the page at ``page_path`` (both
    POSIX, relative to the site's root), or None when it climbs out of the site."""
    path = unquote(urlsplit(ref).path)
    if not path:
        return page_path
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), path))
    if joined.startswith("../") or joined == ".." or PurePosixPath(joined).is_absolute():
        return None
    return joined
