"""Write the report fonts shipped in scoring/views/fonts/ (run once; the result is committed).

The reports must be the same bytes on every machine, whatever fonts it has, so WeasyPrint and
matplotlib use only fonts shipped inside the package, under a family name no system font has:
"Scoring Sans", which is DejaVu Sans (full Vietnamese coverage) renamed. The source files
are the ones matplotlib ships (pinned in requirements.lock). DejaVu's licence (Bitstream Vera
terms plus public-domain changes) allows redistribution and modification provided a modified
font is renamed, which is what this does; the licence text is kept next to the fonts.

Usage: .venv/bin/python scripts/make_fonts.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from fontTools.ttLib import TTFont

FAMILY = "Scoring Sans"
SOURCE = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
TARGET = Path(__file__).resolve().parents[1] / "scoring" / "views" / "fonts"
STYLES = {
    "DejaVuSans.ttf": ("Regular", "Book"),
    "DejaVuSans-Bold.ttf": ("Bold", "Bold"),
    "DejaVuSans-Oblique.ttf": ("Oblique", "Oblique"),
    "DejaVuSans-BoldOblique.ttf": ("BoldOblique", "Bold Oblique"),
}


NOTICE = f"""The fonts in this folder are DejaVu Sans, renamed "{FAMILY}" by scripts/make_fonts.py
(only the names in the 'name' table were changed, as the licence below asks of modified fonts).

"""


def rename(source: Path, style: str, subfamily: str) -> TTFont:
    font = TTFont(source, recalcTimestamp=False)
    names = font["name"]
    postscript = f"{FAMILY.replace(' ', '')}-{style}"
    for record in names.names:
        if record.nameID in (1, 16):  # family, typographic family
            record.string = FAMILY
        elif record.nameID == 3:  # unique id
            record.string = f"{postscript} (DejaVu Sans, renamed)"
        elif record.nameID == 4:  # full name
            record.string = FAMILY if style == "Regular" else f"{FAMILY} {subfamily}"
        elif record.nameID == 6:  # PostScript name
            record.string = postscript
    return font


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for source, (style, subfamily) in STYLES.items():
        font = rename(SOURCE / source, style, subfamily)
        font.save(TARGET / f"ScoringSans-{style}.ttf", reorderTables=True)
    licence = (SOURCE / "LICENSE_DEJAVU").read_text(encoding="utf-8")
    (TARGET / "LICENSE").write_text(NOTICE + licence, encoding="utf-8")
    print(f"wrote {len(STYLES)} fonts to {TARGET}")


if __name__ == "__main__":
    main()
