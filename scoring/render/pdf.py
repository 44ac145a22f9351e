"""HTML page -> A4 PDF with WeasyPrint, in-process (no browser, no TeX).

WeasyPrint uses pango and fontconfig; this process's fontconfig knows only the package's own
font (``scoring.fonts``), which covers every Vietnamese diacritic, never a system font, so
the embedded font programs are the same on every machine. Output is made byte-stable for
reproducible builds: a fixed document identifier derived from the content and no creation
date.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from scoring import fonts
from scoring.io import atomic_path

fonts.isolate_fontconfig()  # before WeasyPrint loads pango and fontconfig

import weasyprint  # noqa: E402
from weasyprint.text import ffi as _weasyprint_ffi  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from scoring.errors import ScoringError  # noqa: E402


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
    document = weasyprint.HTML(string=html, base_url=str(Path(target).parent))
    font_config = FontConfiguration()
    stylesheet = weasyprint.CSS(string=fonts.print_css(), font_config=font_config)
    with atomic_path(target) as tmp:
        document.write_pdf(
            tmp,
            stylesheets=[stylesheet],
            font_config=font_config,
            pdf_identifier=identifier,
            uncompressed_pdf=False,
        )
