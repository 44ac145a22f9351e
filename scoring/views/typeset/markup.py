"""Text and values written into Typst source: every symbol Typst markup gives a meaning to
is escaped, so a name typed in a form ("A*B", "#1", "2018.") prints as typed."""

from __future__ import annotations

import re

# The MIME type of a view's printed form beside its HTML (unregistered types go in the
# ``x.`` tree, RFC 6838).
TYPST_MIME = "text/x.typst"

_SPECIAL = re.compile(r"""([\\#*_`$<>@\[\]~"'/=+\-{}.:;|^&%!?()])""")
_SPACE = re.compile(r"\s+")


def escape(text: str) -> str:
    """``text`` as Typst markup that shows exactly it (whitespace kept as in HTML: runs of
    it are one space)."""
    return _SPECIAL.sub(r"\\\1", _SPACE.sub(" ", text))


def string(text: str) -> str:
    """``text`` as a Typst string literal."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{body}"'


def content(markup: str) -> str:
    """Markup as a content block argument: ``[...]``."""
    return f"[{markup}]"
