"""``<year>/booklet.pdf``: the ranking and every unit report in one printed booklet.

Built from the very HTML pages ``make reports`` wrote (so the booklet never disagrees
with them): their bodies are put one after the other in one document, each starting
on a new page, after a table of contents. One document means one page counter, so the
footer's "Trang n/N" runs across the booklet and the contents give each part's page
(``target-counter``). Each part has one PDF bookmark (units under their level); the
reports' own headings make none. Element ids are prefixed per part, as every report
uses the same ones. Byte-identical across builds: ``scoring.render.pdf.write_pdf``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2

from scoring import i18n
from scoring.render.assets import TEMPLATES

_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)
_ID = re.compile(r'(\sid=")([^"]*")')
_FRAGMENT = re.compile(r'(\shref="#)([^"]*")')


@dataclass(frozen=True)
class Part:
    """One report of the booklet: its page, bookmark and contents line."""

    anchor: str  # the id of its first element, for the contents' page numbers
    label: str  # bookmark and contents text
    detail: str  # the contents' second column (rank, band), may be ""
    group: str  # the level's title for units, "" for the ranking
    html: str  # the report page as written by ``make reports``


@functools.lru_cache(maxsize=2)
def _template(lang: str) -> jinja2.Template:
    env = i18n.install(jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"]), lang)
    return env.from_string((TEMPLATES / "booklet.html.j2").read_text(encoding="utf-8"))


def _body(page: str, prefix: str) -> str:
    """The page's body with its ids (and the links to them) made unique in the booklet."""
    found = _BODY.search(page)
    body = found.group(1) if found else page
    body = _ID.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", body)
    return _FRAGMENT.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", body)


def _styles(pages: Sequence[str]) -> list[str]:
    """Every distinct style sheet of the pages, in first-seen order."""
    seen: list[str] = []
    for page in pages:
        head = page.split("<body", 1)[0]
        for css in _STYLE.findall(head):
            if css not in seen:
                seen.append(css)
    return seen


def booklet_html(title: str, year: int, parts: Sequence[Part], lang: str = "vi") -> str:
    """The booklet as one HTML document (contents, then each part on its own pages)."""
    bodies = [_body(p.html, f"{p.anchor}-") for p in parts]
    groups_started: set[str] = set()
    rows = []
    for part, body in zip(parts, bodies, strict=True):
        first_of_group = bool(part.group) and part.group not in groups_started
        groups_started.add(part.group)
        rows.append({"part": part, "body": body, "first_of_group": first_of_group})
    return _template(lang).render(
        title=title,
        year=year,
        rows=rows,
        styles=_styles([p.html for p in parts]),
        lang=lang,
    )


def write_booklet(html: str, target: Path) -> None:
    from scoring.render.pdf import write_pdf

    write_pdf(html, target)
