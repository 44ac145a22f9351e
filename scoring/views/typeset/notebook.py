"""An executed notebook -> its PDF's Typst body, from the HTML page's outputs (``presentable``)
in the form that prints best (a view's Typst, Markdown and HTML converted, images at their
HTML size); what has no printable form is named in the warnings, with its cell."""

from __future__ import annotations

import base64
import functools
from typing import Any

from scoring.views.html import cell_number, presentable
from scoring.views.typeset.html import (
    IMAGE_TYPES,
    Converted,
    html_to_typst,
    image_call,
    image_name,
    printed,
)
from scoring.views.typeset.markup import TYPST_MIME

PRINT_ORDER = (TYPST_MIME, "text/markdown", "text/html", "image/svg+xml", "image/png", "image/jpeg")


@functools.lru_cache(maxsize=1)
def _markdown() -> Any:
    import mistune

    return mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])


def markdown_to_typst(text: str) -> Converted:
    """Markdown as JupyterLab shows it (raw HTML in it included), as Typst."""
    return html_to_typst(str(_markdown()(text)), markdown=True)


def output_to_typst(output: Any) -> tuple[Converted | None, str]:
    """(an output's Typst, or None when it shows nothing; what could not be printed)."""
    if output.get("output_type") == "stream":
        return Converted(printed(str(output.get("text", "")))), ""
    data = output.get("data", {})
    for mime in PRINT_ORDER:
        if mime not in data:
            continue
        value = data[mime]
        text = "".join(value) if isinstance(value, list) else str(value)
        if mime == TYPST_MIME:
            return Converted(text, _view_images(output)), ""
        if mime in ("text/markdown", "text/html"):
            convert = markdown_to_typst if mime == "text/markdown" else html_to_typst
            converted = convert(text)
            return converted, ", ".join(converted.lost)
        return _image(mime, text, output.get("metadata", {}).get(mime, {})), ""
    lost = sorted(m for m in data if m != "text/plain")
    return None, ", ".join(lost)


def _view_images(output: Any) -> dict[str, bytes]:
    """The images a view's Typst form names, carried beside it as PNG outputs."""
    images = output.get("metadata", {}).get(TYPST_MIME, {}).get("images", {})
    return {str(name): base64.b64decode(text) for name, text in images.items()}


def _image(mime: str, text: str, metadata: dict[str, Any]) -> Converted:
    data = text.encode("utf-8") if mime == "image/svg+xml" else base64.b64decode(text)
    name = image_name(data, IMAGE_TYPES[mime])
    width = metadata.get("width") if isinstance(metadata, dict) else None
    call = image_call(name, data, float(width) if isinstance(width, (int, float)) else None)
    return Converted(call, {name: data})


def notebook_body(nb: Any) -> Converted:
    """The Typst body of a notebook already made presentable (no code, kept outputs)."""
    parts: list[str] = []
    images: dict[str, bytes] = {}
    lost: list[str] = []
    for cell in nb.cells:
        pieces: list[Converted] = []
        if cell.cell_type == "markdown":
            pieces.append(markdown_to_typst(str(cell.source)))
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                converted, missing = output_to_typst(output)
                if converted is not None:
                    pieces.append(converted)
                if missing:
                    lost.append(_where(cell, missing))
        for piece in pieces:
            parts.append(piece.typst)
            images.update(piece.images)
        if cell.cell_type == "markdown" and pieces[0].lost:
            lost.append(_where(cell, ", ".join(pieces[0].lost)))
    return Converted("\n\n".join(parts), images, lost)


def _where(cell: Any, what: str) -> str:
    return f"{cell_number(cell) or '?'}\t{what}"


def printed_body(nb: Any, lang: str = "vi") -> Converted:
    """The Typst body of an executed notebook, as the report's PDF prints it."""
    clean, _warnings = presentable(nb, "", lang)
    return notebook_body(clean)
