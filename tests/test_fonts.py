"""Reports are the same bytes whatever fonts the machine has.

The PDF of a built unit report is printed again in fresh processes: once with the machine's
font configuration and once with a fontconfig file that adds other fonts (DejaVu Serif and
STIX, from matplotlib's data) and makes them the first choice for every usual family. The
bytes must not change, and the only fonts embedded must be the package's own. A control
print without the package's stylesheet shows that the hostile configuration really changes
what an ordinary family resolves to (so the comparison can fail).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest
from pypdf import PdfReader

from scoring import fonts

pytestmark = pytest.mark.e2e

PRINT = """
import sys
from pathlib import Path
html, out, plain = Path(sys.argv[1]).read_text(encoding="utf-8"), Path(sys.argv[2]), sys.argv[3]
if plain == "1":  # WeasyPrint as it comes, with the process's fontconfig
    import weasyprint
    weasyprint.HTML(string=html).write_pdf(out, pdf_identifier=b"x" * 32)
else:
    from scoring.render.pdf import write_pdf
    write_pdf(html, out)
"""

CHART = """
import sys
from scoring import charts
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


def test_pdf_bytes_do_not_depend_on_the_machines_fonts(sample_build, tmp_path):
    html = sample_build / "reports" / "2018" / "units" / "196.html"
    built = html.with_suffix(".pdf")
    hostile = {"FONTCONFIG_FILE": str(hostile_fontconfig(tmp_path))}
    run(PRINT, str(html), str(tmp_path / "machine.pdf"), "0")
    run(PRINT, str(html), str(tmp_path / "hostile.pdf"), "0", env=hostile)
    assert (tmp_path / "machine.pdf").read_bytes() == built.read_bytes()
    assert (tmp_path / "hostile.pdf").read_bytes() == built.read_bytes()
    assert all(name.startswith("Scoring-Sans") for name in embedded_fonts(built)), embedded_fonts(
        built
    )
    # Control: without the package's fonts, the hostile configuration changes the fonts.
    run(PRINT, str(html), str(tmp_path / "plain-machine.pdf"), "1")
    run(PRINT, str(html), str(tmp_path / "plain-hostile.pdf"), "1", env=hostile)
    assert embedded_fonts(tmp_path / "plain-machine.pdf") != embedded_fonts(
        tmp_path / "plain-hostile.pdf"
    )


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


def test_pdfs_are_refused_without_harfbuzz_subsetting(monkeypatch, tmp_path):
    """Without libharfbuzz-subset WeasyPrint falls back to fontTools, whose subsets are other
    bytes: a PDF made so would differ from another machine's, so none is made."""
    from weasyprint.text import ffi

    from scoring.errors import ScoringError
    from scoring.render import pdf

    # What WeasyPrint's own loader leaves when it finds no libharfbuzz-subset.
    monkeypatch.setattr(ffi, "harfbuzz_subset", None)
    with pytest.raises(ScoringError, match="libharfbuzz-subset0"):
        pdf.write_pdf("<p>Uông Bí</p>", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
