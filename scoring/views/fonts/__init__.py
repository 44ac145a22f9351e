"""The one typeface of every report, shipped inside the package.

PDFs embed their fonts and charts rasterise theirs, so for the same bytes on every machine
Typst and matplotlib use only this folder's files, under a family no system font has ("Scoring
Sans": DejaVu Sans renamed, full Vietnamese; see LICENSE, scripts/make_fonts.py). The HTML
names ordinary families: a browser uses the reader's fonts, the bytes do not depend on them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

FAMILY = "Scoring Sans"
FOLDER = Path(__file__).resolve().parent
FACES = tuple(f"ScoringSans-{style}.ttf" for style in ("Regular", "Bold", "Oblique", "BoldOblique"))


def files() -> list[Path]:
    return [FOLDER / name for name in FACES]


@cache  # matplotlib's font manager is the process's: its faces are added once
def _add_faces() -> None:
    from matplotlib import font_manager

    for path in files():
        font_manager.fontManager.addfont(str(path))


def use_in_matplotlib() -> None:
    """Make the shipped faces matplotlib's only sans-serif family (idempotent)."""
    import matplotlib

    _add_faces()
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [FAMILY],
            "mathtext.fontset": "custom",
            "mathtext.rm": FAMILY,
            "mathtext.it": f"{FAMILY}:italic",
            "mathtext.bf": f"{FAMILY}:bold",
        }
    )
