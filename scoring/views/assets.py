"""The page templates and stylesheet (apart from ``html``: the index needs no nbconvert)."""

from __future__ import annotations

import functools
from importlib.resources import files

import jinja2

from scoring.text import i18n, numfmt

TEMPLATES = files("scoring.views") / "templates"


@functools.lru_cache(maxsize=1)
def css() -> str:
    return (TEMPLATES / "report.css").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=8)
def template(name: str, lang: str) -> jinja2.Template:
    """The page template ``name``, with ``_()`` and ``pct`` in ``lang``."""
    env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    i18n.install(env, lang).filters["pct"] = functools.partial(numfmt.percent, lang=lang)
    return env.from_string((TEMPLATES / name).read_text(encoding="utf-8"))
