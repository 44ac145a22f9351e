"""``share/<year>/site/``: one year's reports as a folder to publish, and its zip.

Copies of what ``make reports`` wrote (and the local files their pages refer to: href,
src, CSS urls), with an index of its own; every link is relative and stays inside the
folder, so it opens from the file system or any static server. The zip is in the folder
too (a download link must not leave it); the index inside the zip has no download link."""

from __future__ import annotations

import html.parser
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from scoring.io import write_bytes
from scoring.views.assets import css, template

ZIP_FOLDER = "site"  # the folder the zip unpacks to
# Already compressed: stored as they are, which is faster and no bigger.
_STORED = {".pdf", ".xlsx", ".zip", ".png", ".jpg"}
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


def source_files(year_reports: Path, unit_ids: Iterable[str]) -> dict[str, Path]:
    """Site path -> the file of ``make reports`` it copies (those that exist)."""
    names = [*(f"ranking.{x}" for x in ("html", "pdf", "xlsx")), "scores.csv"]
    names += ["criteria_scores.csv", "booklet.pdf", "trends.html", "trends.pdf"]
    for uid in unit_ids:
        names += [f"units/{uid}.html", f"units/{uid}.pdf"]
    found = {name: year_reports / name for name in names if (year_reports / name).is_file()}
    return found | _referenced(year_reports, found)


def _referenced(root: Path, pages: Mapping[str, Path]) -> dict[str, Path]:
    """The files of ``root`` that the HTML pages refer to, followed through their pages."""
    found: dict[str, Path] = {}
    todo = [name for name in pages if name.endswith(".html")]
    while todo:
        name = todo.pop()
        source = pages.get(name) or found[name]
        for ref in references(source.read_text(encoding="utf-8", errors="replace")):
            if is_internal(ref) or is_external(ref):
                continue
            target = local_target(name, ref)
            if target is None or target in pages or target in found:
                continue
            if (root / target).is_file():
                found[target] = root / target
                if target.endswith(".html"):
                    todo.append(target)
    return found


def index_page(
    year: int,
    units: Sequence[Mapping[str, object]],
    files: Iterable[str],
    lang: str,
    zip_name: str | None,
) -> str:
    """The site's index: ``units`` rows (id, name, level, total, percent, band, rank...)."""
    return template("share_index.html.j2", lang).render(
        year=year, units=units, has=set(files), zip_name=zip_name, css=css(), lang=lang
    )


def write_site(site: Path, files: Mapping[str, bytes]) -> list[str]:
    """Make ``site`` hold exactly ``files`` (site path -> bytes); unchanged files are not
    rewritten, files no longer planned are deleted. Returns the paths written."""
    written = [name for name, data in sorted(files.items()) if write_bytes(site / name, data)]
    if site.is_dir():
        for path in sorted(site.rglob("*"), reverse=True):
            name = path.relative_to(site).as_posix()
            if path.is_file() and name not in files:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return written


def zip_bytes(files: Mapping[str, bytes], when: tuple[int, int, int]) -> bytes:
    """The zip of the site: entries ``site/<path>`` in sorted order, with a fixed date,
    so the same files give the same bytes."""
    out = io.BytesIO()
    stamp = (max(when[0], 1980), when[1], when[2], 0, 0, 0)
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(files):
            entry = zipfile.ZipInfo(f"{ZIP_FOLDER}/{name}", date_time=stamp)
            stored = Path(name).suffix.lower() in _STORED
            entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, files[name])
    return out.getvalue()
