"""Reports are the same bytes whatever fonts the machine has.

The PDF of a built unit report is printed again from its executed notebook in fresh
processes: once as the machine is and once with a fontconfig file that adds other fonts
(DejaVu Serif and STIX, from matplotlib's data) and prefers them for every usual family.
The bytes must not change, and the only fonts embedded must be the package's own. A
control shows that a document asking for another family, which Typst would find in that
folder, still gets only the package's font from our compiler (so the check can fail).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest
from pypdf import PdfReader

from scoring.views import fonts

pytestmark = pytest.mark.e2e

PRINT = """
import datetime as dt, sys
import nbformat
from scoring.views.html import presentable
from scoring.views.typeset import document
from scoring.views.typeset.notebook import notebook_body
executed, out, title, date = sys.argv[1:5]
clean, _ = presentable(nbformat.read(executed, as_version=4), "", "vi")
document.write_pdf(notebook_body(clean), title, out, dt.date.fromisoformat(date))
"""

CHART = """
import sys
from scoring.views import charts
labels = ["Điều kiện sẵn sàng", "Kết quả"]
png = charts.groups_against_max(labels, [43.72, 89.27], [50, 100])
open(sys.argv[1], "wb").write(png)
"""


def hostile_fontconfig(folder: Path) -> Path:
    """A fontconfig file: the machine's config, plus other fonts preferred for every family."""
    extra = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    prefer = "".join(
        f"<alias binding='strong'><family>{family}</family>"
        "<prefer><family>DejaVu Serif</family><family>STIXGeneral</family></prefer></alias>"
        for family in ("sans-serif", "serif", "DejaVu Sans", "Noto Sans", "Arial", "Scoring Sans")
    )
    conf = folder / "fonts.conf"
    conf.write_text(
        "<?xml version='1.0'?><!DOCTYPE fontconfig SYSTEM 'fonts.dtd'><fontconfig>"
        "<include ignore_missing='yes'>/etc/fonts/fonts.conf</include>"
        f"<dir>{extra}</dir><cachedir>{folder / 'cache'}</cachedir>{prefer}</fontconfig>",
        encoding="utf-8",
    )
    return conf


def run(script: str, *args: str, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def embedded_fonts(pdf: Path) -> set[str]:
    names = set()
    for page in PdfReader(pdf).pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def _title_and_date(pdf: Path) -> tuple[str, str]:
    meta = PdfReader(pdf).metadata
    assert meta is not None and meta.creation_date is not None
    return str(meta.title), meta.creation_date.date().isoformat()


def test_pdf_bytes_do_not_depend_on_the_machines_fonts(sample_build, tmp_path):
    built = sample_build / "reports" / "2018" / "units" / "196.pdf"
    executed = sample_build / "build" / "2018" / "notebooks" / "196.ipynb"
    title, date = _title_and_date(built)
    hostile = {"FONTCONFIG_FILE": str(hostile_fontconfig(tmp_path))}
    run(PRINT, str(executed), str(tmp_path / "machine.pdf"), title, date)
    run(PRINT, str(executed), str(tmp_path / "hostile.pdf"), title, date, env=hostile)
    assert (tmp_path / "machine.pdf").read_bytes() == built.read_bytes()
    assert (tmp_path / "hostile.pdf").read_bytes() == built.read_bytes()
    assert all(name.startswith("Scoring") for name in embedded_fonts(built)), embedded_fonts(built)


def test_the_compiler_sees_no_font_but_the_packages(tmp_path):
    """Control: Typst given matplotlib's font folder embeds DejaVu Serif when asked for it;
    our compiler, asked the same, can only use the package's own font."""
    import typst

    from scoring.views.typeset import document

    asked = '#set text(font: "DejaVu Serif")\nUông Bí'
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    other = tmp_path / "other.pdf"
    other.write_bytes(typst.compile(asked.encode(), font_paths=[str(folder)], format="pdf"))
    assert any("DejaVuSerif" in name for name in embedded_fonts(other)), embedded_fonts(other)
    ours = tmp_path / "ours.pdf"
    ours.write_bytes(document.compile_pdf(asked, {}, dt.date(1970, 1, 1)))
    assert all(name.startswith("Scoring") for name in embedded_fonts(ours)), embedded_fonts(ours)


def test_chart_bytes_do_not_depend_on_the_font_cache(tmp_path):
    """matplotlib reads its own font list (MPLCONFIGDIR), not fontconfig: a fresh list made on
    a machine with other fonts gives the same PNG."""
    run(CHART, str(tmp_path / "a.png"))
    run(
        CHART,
        str(tmp_path / "b.png"),
        env={
            "MPLCONFIGDIR": str(tmp_path / "mpl"),
            "FONTCONFIG_FILE": str(hostile_fontconfig(tmp_path)),
        },
    )
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()


def test_shipped_fonts_cover_vietnamese():
    from fontTools.ttLib import TTFont

    text = (
        "ẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộ"
        "ỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹĐđƠơƯư→–≥"
    )
    for path in fonts.files():
        cmap = TTFont(path).getBestCmap()
        assert [c for c in text if ord(c) not in cmap] == [], path.name
