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
import tempfile
from pathlib import Path

FAMILY = "Scoring Sans"
FOLDER = Path(__file__).resolve().parent
# file name -> (CSS font-weight, CSS font-style)
FACES = {
    "ScoringSans-Regular.ttf": ("normal", "normal"),
    "ScoringSans-Bold.ttf": ("bold", "normal"),
    "ScoringSans-Oblique.ttf": ("normal", "italic"),
    "ScoringSans-BoldOblique.ttf": ("bold", "italic"),
}


def files() -> list[Path]:
    return [FOLDER / name for name in FACES]


@functools.lru_cache(maxsize=1)
def print_css() -> str:
    """CSS for WeasyPrint: the shipped faces, forced on every element and page margin box."""
    faces = "\n".join(
        f'@font-face {{ font-family: "{FAMILY}"; src: url("{(FOLDER / name).as_uri()}");'
        f" font-weight: {weight}; font-style: {style}; }}"
        for name, (weight, style) in FACES.items()
    )
    family = f'font-family: "{FAMILY}" !important;'
    margins = " ".join(
        f"@{box} {{ {family} }}"
        for box in ("top-left", "top-center", "top-right", "bottom-left", "bottom-center")
        + ("bottom-right",)
    )
    return f"{faces}\nhtml, html * {{ {family} }}\n@page {{ {family} {margins} }}\n"


def isolate_fontconfig() -> Path:
    """Point fontconfig (WeasyPrint's font lookup) at a configuration that knows only the
    shipped faces, ignoring the machine's fonts and rules (an installed package's alias
    could otherwise replace even a family no other font has). Call before WeasyPrint is
    imported: fontconfig reads ``FONTCONFIG_FILE`` once per process."""
    folder = Path(tempfile.gettempdir()) / f"scoring-fontconfig-{os.getuid()}"
    folder.mkdir(exist_ok=True)
    conf = folder / "fonts.conf"
    text = (
        "<?xml version='1.0'?>\n<!DOCTYPE fontconfig SYSTEM 'fonts.dtd'>\n<fontconfig>\n"
        f"  <dir>{FOLDER}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n</fontconfig>\n"
    )
    if not conf.is_file() or conf.read_text(encoding="utf-8") != text:
        tmp = folder / f".fonts.conf.{os.getpid()}.tmp"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(conf)
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
