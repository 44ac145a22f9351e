"""HTML page -> A4 PDF with WeasyPrint, in-process (no browser, no TeX).

WeasyPrint uses pango and the system's fonts; the Makefile installs DejaVu, which covers
every Vietnamese diacritic. Output is made byte-stable for reproducible builds: a fixed
document identifier derived from the content and no creation date.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import weasyprint

from scoring.io import atomic_path

logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def write_pdf(html: str, target: Path) -> None:
    """Render ``html`` to ``target`` atomically."""
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    document = weasyprint.HTML(string=html, base_url=str(Path(target).parent))
    with atomic_path(target) as tmp:
        document.write_pdf(tmp, pdf_identifier=identifier, uncompressed_pdf=False)
