"""A Typst body -> an A4 PDF, compiled in process by the ``typst`` wheel.

Only the package's font is visible and the creation date is the one given, so the same
inputs give the same bytes on every machine."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from pathlib import Path

import typst

from scoring.io import write_bytes
from scoring.text.errors import ScoringError
from scoring.text.i18n import N_, translator
from scoring.views import fonts
from scoring.views.assets import TEMPLATES
from scoring.views.typeset.html import Converted
from scoring.views.typeset.markup import string


@functools.lru_cache(maxsize=1)
def _compiler() -> typst.Compiler:
    """One compiler per process: fonts are loaded once (the first compile costs more)."""
    faces = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(fonts.FOLDER)]
    )
    return typst.Compiler(font_paths=faces, ignore_system_fonts=True)


@functools.lru_cache(maxsize=1)
def preamble() -> str:
    """The print design (``templates/report.typ``)."""
    return (TEMPLATES / "report.typ").read_text(encoding="utf-8")


def source(body: str, title: str, lang: str = "vi") -> str:
    """The whole Typst document: the design, then the body on report pages."""
    page_word = translator(lang)(N_("Trang"))
    settings = f"title: {string(title)}, lang: {string(lang)}, page-word: {string(page_word)}"
    return f"{preamble()}\n#show: report-page.with({settings})\n\n{body}"


def compile_pdf(
    document: str, images: dict[str, bytes], date: dt.date, root: Path | None = None
) -> bytes:
    """Compile a Typst document whose ``images`` (name -> bytes) are files in ``root``: a
    build's own folder, where they stay (nothing left in TMPDIR), or a temporary one."""
    if root is None:
        with tempfile.TemporaryDirectory(prefix="scoring-typst-") as folder:
            return compile_pdf(document, images, date, Path(folder))
    Path(root).mkdir(parents=True, exist_ok=True)
    for name, data in images.items():
        if not (Path(root) / name).is_file():  # named by content, written atomically
            write_bytes(Path(root) / name, data)
    stamp = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
    try:
        pdf = _compiler().compile(
            input=document.encode("utf-8"), format="pdf", root=str(root), timestamp=stamp
        )
    except typst.TypstError as exc:
        detail = " ".join([exc.message, *exc.hints]).strip()
        raise ScoringError(N_("Không dựng được PDF (Typst): %(error)s"), error=detail) from exc
    assert isinstance(pdf, bytes)
    return pdf


def write_pdf(
    body: Converted,
    title: str,
    target: Path,
    date: dt.date,
    lang: str = "vi",
    images: Path | None = None,
) -> None:
    """``body`` as the PDF ``target``, atomically; its images kept in ``images``."""
    pdf = compile_pdf(source(body.typst, title, lang), body.images, date, images)
    write_bytes(Path(target), pdf)


def lost_warnings(body: Converted, notebook: str, lang: str = "vi") -> list[str]:
    """The build's warnings for what a notebook shows but its PDF cannot print."""
    _ = translator(lang)
    line = _("%(notebook)s, ô số %(cell)s: %(what)s không in được vào PDF")
    cells = [entry.split("\t", 1) for entry in body.lost]
    return [line % {"notebook": notebook, "cell": cell, "what": what} for cell, what in cells]


def warm_up() -> None:
    """Compile once as a worker starts: a process's first compile costs tenths of a second."""
    compile_pdf(source("Uông Bí", "warm-up"), {}, dt.date(2018, 1, 1))
