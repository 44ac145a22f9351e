"""The page templates and the print stylesheet shipped with the package.

Kept apart from ``html`` so that writing the index does not import nbconvert.
"""

from __future__ import annotations

import functools
from importlib.resources import files

TEMPLATES = files("scoring.views") / "templates"


@functools.lru_cache(maxsize=1)
def css() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")
