"""The one typeface of every report, shipped inside the package.

PDFs embed their fonts and charts rasterise theirs, so a report's bytes depend on which font
files were used. To give the same bytes on every machine, whatever fonts it has, WeasyPrint
and matplotlib use only the files in this folder, under a family name no system font has
("Scoring Sans": DejaVu Sans renamed, full Vietnamese coverage; see LICENSE and
scripts/make_fonts.py). The HTML reports name ordinary families instead, since a browser
shows them with the reader's own fonts and their bytes do not depend on it.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

FAMILY = "Scoring Sans"
FOLDER = Path(__file__).resolve().parent
FACES = (
    "ScoringSans-Regular.ttf",
    "ScoringSans-Bold.ttf",
    "ScoringSans-Oblique.ttf",
    "ScoringSans-BoldOblique.ttf",
)


def files() -> list[Path]:
    return [FOLDER / name for name in FACES]


@functools.lru_cache(maxsize=1)
def print_css() -> str:
    """CSS for WeasyPrint: the shipped family on every element and page margin box. The
    faces are found through fontconfig (``isolate_fontconfig``), not ``@font-face``, which
    would make WeasyPrint copy them into a temporary folder that a killed build leaves."""
    family = f'font-family: "{FAMILY}" !important;'
    boxes = ("top-left", "top-center", "top-right", "bottom-left", "bottom-center", "bottom-right")
    margins = " ".join(f"@{box} {{ {family} }}" for box in boxes)
    return f"html, html * {{ {family} }}\n@page {{ {family} {margins} }}\n"


def isolate_fontconfig() -> Path:
    """Point fontconfig (WeasyPrint's font lookup) at ``fonts.conf`` beside the faces, a
    configuration that knows only them and includes none of the machine's (an installed
    package's alias could otherwise replace even a family no other font has). WeasyPrint
    loads the configuration named by ``FONTCONFIG_FILE`` for each document it lays out, so
    this is called before each one. The file is shipped, not written: nothing is left in
    TMPDIR (fontconfig caches the scan in its usual per-user cache folder)."""
    conf = FOLDER / "fonts.conf"
    os.environ["FONTCONFIG_FILE"] = str(conf)
    return conf


_registered = False


def use_in_matplotlib() -> None:
    """Make the shipped faces matplotlib's only sans-serif family (idempotent)."""
    global _registered
    import matplotlib
    from matplotlib import font_manager

    if not _registered:
        for path in files():
            font_manager.fontManager.addfont(str(path))
        _registered = True
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
