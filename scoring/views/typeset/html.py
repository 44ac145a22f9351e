"""HTML -> Typst markup calling ``templates/report.typ``, for our fragments (their classes
carry the design), pandas' tables and Stylers, Markdown and pages. Unknown elements keep their
text; unprintable ones (scripts, forms) are named in ``Converted.lost``, never dropped."""

from __future__ import annotations

import base64
import hashlib
import re
import struct
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, Tag
from bs4.element import ProcessingInstruction

from scoring.views.typeset.markup import content, escape, string

# Elements a printed page cannot show: named in the build's warnings.
UNPRINTABLE = {
    "script", "iframe", "object", "embed", "canvas", "video", "audio", "form", "input",
    "button", "select", "textarea", "math", "noscript", "applet", "frame", "frameset",
}  # fmt: skip
SKIPPED = {"head", "title", "meta", "link", "style", "template"}
BLOCKS = {
    "div", "section", "article", "header", "footer", "main", "nav", "aside", "figure",
    "body", "html", "details", "summary", "figcaption", "dl", "dt", "dd", "center", "p",
}  # fmt: skip
# Inline elements that wrap their content in one Typst function.
INLINE = {
    "b": "strong", "strong": "strong", "i": "emph", "em": "emph", "u": "underline",
    "s": "strike", "del": "strike", "small": "text(size: 0.85em)", "sup": "super", "sub": "sub",
}  # fmt: skip
BAND_COLOURS = {
    "band-tot": "#1b5e20", "band-kha": "#2e7d32", "band-tb": "#8d6e00",
    "band-yeu": "#b71c1c", "band-mid": "#5f6a00", "band-missing": "#555555",
}  # fmt: skip
ROW_STYLES = {  # tr class -> (bold, fill, text colour)
    "total": (True, "light-fill", None),
    "group": (True, "head-fill", None),
    "subgroup": (True, "light-fill", None),
    "na": (False, None, "#78909c"),
    "missing": (False, None, "#555555"),
}
SMALL_TABLES = {"data": ("8pt", "1pt", "3pt"), "dataframe": ("8pt", "1.5pt", "3pt"),
                "frame": ("8pt", "1.5pt", "3pt"), "changes": ("7.5pt", "1pt", "3pt"),
                "provenance": ("7.5pt", "1.5pt", "4pt")}  # fmt: skip
# Block elements that are one Typst call on their content.
BLOCK_CALLS = {"h3": "r-subheading", "blockquote": "quote(block: true)",
               **dict.fromkeys(("h4", "h5", "h6"), "r-heading(size: 10pt)")}  # fmt: skip
# Elements whose markup does not depend on their content, and the lists.
FIXED = {"br": "#linebreak()", "hr": "\n\n#line(length: 100%, stroke: 0.6pt + rule)\n\n"}
LISTS = {"ul": "list", "ol": "enum"}
# A container's class -> the report.typ function that draws it (the first that matches).
WRAPS = {"agency": "r-agency", "unit-name": "r-unit-name", "headline": "r-headline",
         "big": "r-big", "fact": "r-fact", "source-notice": "r-notice", "notes": "r-notes",
         **dict.fromkeys(("note", "legend", "stats"), "r-small-note")}  # fmt: skip
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/svg+xml": "svg"}
CSS_PX = 96  # a CSS pixel is 1/96 inch, as the HTML page lays images out


@dataclass
class Converted:
    """Typst markup, the image files it names, and what could not be converted."""

    typst: str
    images: dict[str, bytes] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)


def image_name(data: bytes, ext: str) -> str:
    """A file name for an image's bytes: the same image twice is one file."""
    return f"img-{hashlib.sha256(data).hexdigest()[:20]}.{ext}"


def image_call(name: str, data: bytes, width_px: float | None = None) -> str:
    """A centred image at its size in the HTML page (CSS pixels), never wider than the page."""
    width = width_px or _pixel_width(data)
    size = f"{width / CSS_PX * 72:.2f}pt" if width else "none"
    return f"\n\n#r-figure(r-image({string(name)}, {size}))\n\n"


def printed(text: str) -> str:
    """Text as printed (a ``<pre>``, a cell's output), in a block of its own."""
    body = string(text.rstrip("\n"))
    return f"\n\n#r-printed(raw({body}, block: true))\n\n"


def _pixel_width(data: bytes) -> float | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return float(struct.unpack(">I", data[16:20])[0])
    try:
        import io

        from PIL import Image

        with Image.open(io.BytesIO(data)) as img:
            return float(img.width)
    except Exception:  # noqa: BLE001 - an image Pillow cannot size takes the page width
        return None


def html_to_typst(html: str, markdown: bool = False) -> Converted:
    """An HTML fragment or page; ``markdown``: from Markdown, its ``##`` numbered like ours."""
    soup = BeautifulSoup(html, "html.parser")
    converter = _Converter(markdown, _styler_rules(soup))
    body = converter.children(soup)
    return Converted(_tidy(body), converter.images, converter.lost)


def _tidy(markup: str) -> str:
    markup = re.sub(r"[ \t]*\n[ \t]*", "\n", markup)
    return re.sub(r"\n{3,}", "\n\n", markup).strip() + "\n"


def _classes(tag: Tag) -> set[str]:
    value: object = tag.get("class") or []
    return set(value if isinstance(value, list) else str(value).split())


_RULE = re.compile(r"#(T_[\w-]+)\s*\{([^}]*)\}")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{3,8}$|^[a-z]+$")


def _styler_rules(soup: BeautifulSoup) -> dict[str, dict[str, str]]:
    """pandas Styler's per-cell CSS (``#T_x_row0_col1 { background-color: ... }``)."""
    rules: dict[str, dict[str, str]] = {}
    for style in soup.find_all("style"):
        for cell_id, body in _RULE.findall(style.get_text()):
            props = rules.setdefault(cell_id, {})
            for item in body.split(";"):
                if ":" in item:
                    name, value = item.split(":", 1)
                    props[name.strip().lower()] = value.strip()
    return rules


def _colour(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip().lower()
    match = re.fullmatch(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)[^)]*\)", value)
    if match:
        return "#{:02x}{:02x}{:02x}".format(*(min(255, int(v)) for v in match.groups()))
    return value if _COLOUR.match(value) and value not in ("none", "transparent") else None


def _typst_colour(value: str) -> str:
    return f"rgb({string(value)})" if value.startswith("#") else value


class _Converter:
    def __init__(self, markdown: bool, styles: dict[str, dict[str, str]]) -> None:
        self.markdown = markdown
        self.styles = styles
        self.images: dict[str, bytes] = {}
        self.lost: list[str] = []

    def children(self, tag: Tag) -> str:
        return "".join(self.node(child) for child in tag.children)

    def node(self, node: object) -> str:
        if isinstance(node, (Comment, Doctype, Declaration, ProcessingInstruction)):
            return ""
        if isinstance(node, NavigableString):
            return escape(str(node))
        if not isinstance(node, Tag):
            return ""
        name = node.name.lower()
        if name in SKIPPED:
            return ""
        if name in UNPRINTABLE:
            self.lost.append(f"<{name}>")
            return ""
        if name in FIXED:
            return FIXED[name]
        if name in LISTS:
            return self._list(node, LISTS[name])
        if name in INLINE:
            return f"#{INLINE[name]}{content(self.children(node))}"
        if name in BLOCK_CALLS:
            return f"\n\n#{BLOCK_CALLS[name]}{content(self.children(node))}\n\n"
        handler = getattr(self, f"tag_{name}", None)
        if handler is not None:
            return str(handler(node))
        return self.styled(node, self.children(node), block=name in BLOCKS)

    def styled(self, tag: Tag, inner: str, block: bool) -> str:
        """A container whose class carries the design, or plain text and paragraphs."""
        classes = _classes(tag)
        wrap = next((function for cls, function in WRAPS.items() if cls in classes), None)
        inner = self.coloured(classes, inner)
        if wrap is not None:
            inner = f"#{wrap}{content(inner)}"
        if "summary" in classes and tag.name == "section":
            return f"\n\n{inner}\n\n#pagebreak(weak: true)\n\n"
        return (
            f"\n\n{inner}\n\n" if block or wrap in ("r-headline", "r-notice", "r-notes") else inner
        )

    def coloured(self, classes: set[str], inner: str) -> str:
        for cls, colour in BAND_COLOURS.items():
            if cls in classes:
                style = ', style: "italic"' if cls == "band-missing" else ', weight: "bold"'
                return f'#text(fill: rgb("{colour}"){style}){content(inner)}'
        if "band" in classes or "rec" in classes:
            fill = ', fill: rgb("#8d6e00")' if "rec" in classes else ""
            return f'#text(weight: "bold"{fill}){content(inner)}'
        return inner

    def tag_code(self, tag: Tag) -> str:
        return f"#raw({string(tag.get_text())})"

    def tag_pre(self, tag: Tag) -> str:
        return printed(tag.get_text())

    def tag_a(self, tag: Tag) -> str:
        inner = self.children(tag)
        url = str(tag.get("href") or "")
        if url.lower().startswith(("http://", "https://", "mailto:")):
            return f"#link({string(url)}){content(inner)}"
        return inner

    def tag_h1(self, tag: Tag) -> str:
        call = "r-heading(size: 15pt)" if self.markdown else "r-title"
        return f"\n\n#{call}{content(self.children(tag))}\n\n"

    def tag_h2(self, tag: Tag) -> str:
        numbered = "section" in _classes(tag) or (
            self.markdown and "unnumbered" not in _classes(tag)
        )
        flag = "true" if numbered else "false"
        return f"\n\n#r-section(numbered: {flag}){content(self.children(tag))}\n\n"

    def _list(self, tag: Tag, kind: str) -> str:
        items = [
            content(_tidy(self.children(li)).strip()) for li in tag.find_all("li", recursive=False)
        ]
        if not items:
            return ""
        return f"\n\n#{kind}(" + ", ".join(items) + ")\n\n"

    def tag_img(self, tag: Tag) -> str:
        source = str(tag.get("src") or "")
        match = re.match(r"data:(image/[\w.+-]+);base64,(.*)", source, re.S)
        if match is None or match[1] not in IMAGE_TYPES:
            alt = str(tag.get("alt") or "")
            self.lost.append(f"<img src={source[:60]!r}>")
            return escape(alt)
        data = base64.b64decode(re.sub(r"\s", "", match[2]))
        return self.image(data, IMAGE_TYPES[match[1]], _number(tag.get("width")))

    def image(self, data: bytes, ext: str, width_px: float | None = None) -> str:
        name = image_name(data, ext)
        self.images[name] = data
        return image_call(name, data, width_px)

    def tag_svg(self, tag: Tag) -> str:
        if "xmlns" not in tag.attrs:
            tag["xmlns"] = "http://www.w3.org/2000/svg"
        return self.image(str(tag).encode("utf-8"), "svg", _number(tag.get("width")))

    def tag_table(self, tag: Tag) -> str:
        return _Table(self, tag).markup()


def _number(value: object) -> float | None:
    match = re.match(r"\s*(\d+(?:\.\d+)?)\s*(px)?\s*$", str(value or ""))
    return float(match[1]) if match else None


def _line_length(td: Tag) -> int:
    """The length of a cell's longest line (its ``<br>`` break it)."""
    if td.find("br") is None:
        return len(td.get_text(" ", strip=True))
    return max((len(line.strip()) for line in td.get_text("\n").split("\n")), default=0)


@dataclass
class _Cell:
    markup: str
    header: bool
    numeric: bool
    colspan: int
    rowspan: int
    text_length: int
    longest_word: int
    cell_id: str


_CELLS = ("td", "th")


class _Table:
    """An HTML table as a Typst ``table``: heads on every page, widths from the contents."""

    def __init__(self, converter: _Converter, tag: Tag) -> None:
        self.converter = converter
        self.tag = tag
        self.classes = _classes(tag)
        self.head: list[tuple[set[str], list[_Cell]]] = []
        self.body: list[tuple[set[str], list[_Cell]]] = []
        self.caption = ""
        self._collect()

    def _collect(self) -> None:
        for child in self.tag.children:
            if not isinstance(child, Tag):
                continue
            if child.name == "caption":
                self.caption = self.converter.children(child)
            elif child.name in ("thead", "tbody", "tfoot", "tr"):
                rows = [child] if child.name == "tr" else child.find_all("tr", recursive=False)
                (self.head if child.name == "thead" else self.body).extend(self._rows(rows))
        if not self.head and self.body and all(c.header for c in self.body[0][1]):
            self.head, self.body = self.body[:1], self.body[1:]

    def _rows(self, rows: list[Tag]) -> list[tuple[set[str], list[_Cell]]]:
        # Not ``find_all(["td", "th"])``: bs4 checks a list of names against a runtime
        # Protocol on every call, which cost more than converting the row.
        cells = [
            (tr, [c for c in tr.children if isinstance(c, Tag) and c.name in _CELLS]) for tr in rows
        ]
        return [(_classes(tr), [self._cell(td) for td in tds]) for tr, tds in cells]

    def _cell(self, td: Tag) -> _Cell:
        classes = _classes(td)
        numeric = "num" in classes or ("dataframe" in self.classes and td.name == "td")
        return _Cell(
            markup=_tidy(self.converter.children(td)).strip(),
            header=td.name == "th",
            numeric=numeric,
            colspan=max(1, int(_number(td.get("colspan")) or 1)),
            rowspan=max(1, int(_number(td.get("rowspan")) or 1)),
            text_length=_line_length(td),
            longest_word=max((len(w) for w in td.get_text(" ").split()), default=0),
            cell_id=str(td.get("id") or ""),
        )

    def _column_count(self) -> int:
        pending: list[int] = []  # rows still covered by a rowspan, per column
        width = 0
        for _row_classes, cells in self.head + self.body:
            pending = [n - 1 for n in pending if n > 1]
            used = len(pending) + sum(c.colspan for c in cells)
            width = max(width, used)
            pending += [c.rowspan for c in cells for _ in range(c.colspan) if c.rowspan > 1]
        return max(width, 1)

    def _widths(self, count: int) -> str:
        if self.classes & {"dataframe", "frame"} or "width" in str(self.tag.get("style", "")):
            return f"({', '.join(['auto'] * count)})"
        if "meta" in self.classes and count == 2:
            return "(28%, 1fr)"
        numeric, lengths = [True] * count, [0] * count
        words = [0] * count  # the longest word of a column's headings: they wrap, not it
        for rows, in_head in ((self.head, True), (self.body or self.head, False)):
            for _cls, cells in rows:
                col = 0
                for cell in cells:
                    if col >= count:
                        break
                    if cell.colspan == 1 and in_head:
                        half = (cell.text_length + 1) // 2  # a heading on two lines at most
                        words[col] = max(words[col], cell.longest_word, half)
                    elif cell.colspan == 1:
                        numeric[col] = numeric[col] and (cell.numeric or not cell.text_length)
                        lengths[col] = max(lengths[col], cell.text_length)
                    col += cell.colspan
        columns = []
        for col in range(count):
            if numeric[col] or lengths[col] <= 14:
                # Figures keep one line; their headings wrap ("Chưa nộp phiếu" fits).
                chars = min(max(lengths[col], words[col], 2), 16)
                columns.append(f"{chars * 0.6 + 0.9:.2f}em")
            else:
                columns.append(f"{min(max(lengths[col], 8), 60)}fr")
        return f"({', '.join(columns)})"

    def _cell_markup(self, cell: _Cell, row_classes: set[str], in_head: bool) -> str:
        styles = [style for cls, style in ROW_STYLES.items() if cls in row_classes]
        bold, fill, colour = styles[-1] if styles else (False, None, None)  # the last that matches
        if cell.header:
            bold = "meta" not in self.classes
            fill = "light-fill" if "meta" in self.classes else "head-fill"
            colour = "#455a64" if "meta" in self.classes else colour
        styler = self.converter.styles.get(cell.cell_id, {})
        fill = _colour(styler.get("background-color") or styler.get("background")) or fill
        colour = _colour(styler.get("color")) or colour
        bold = bold or styler.get("font-weight", "") in ("bold", "700", "800", "900")
        body = cell.markup
        if bold:
            body = f"#strong{content(body)}"
        if colour:
            body = f"#text(fill: {_typst_colour(colour)}){content(body)}"
        spans = {"colspan": cell.colspan, "rowspan": cell.rowspan}
        args = [f"{name}: {count}" for name, count in spans.items() if count > 1]
        if fill:
            args.append(f"fill: {_typst_colour(fill)}")
        if cell.numeric and not (in_head and "dataframe" in self.classes):
            args.append("align: right")
        elif in_head and "dataframe" in self.classes:
            args.append("align: center")
        return f"table.cell({', '.join(args)}){content(body)}"

    def markup(self) -> str:
        if not self.head and not self.body:
            return ""
        count = self._column_count()
        size, inset_y, inset_x = next(
            (SMALL_TABLES[c] for c in ("changes", "provenance", "data", "dataframe", "frame")
             if c in self.classes), ("", "", ""),
        )  # fmt: skip
        args = [f"columns: {self._widths(count)}"]
        if inset_y:
            args.append(f"inset: (x: {inset_x}, y: {inset_y})")
        cells = []
        if self.head:
            header = [self._cell_markup(c, cls, True) for cls, row in self.head for c in row]
            cells.append("table.header(" + ", ".join(header) + ")")
        cells += [self._cell_markup(c, cls, False) for cls, row in self.body for c in row]
        table = "table(\n  " + ",\n  ".join(args + cells) + ",\n)"
        if size:
            table = f"text(size: {size}, {table})"
        if self.caption:
            table = f"[{self.caption}\n\n#{table}]"
        breakable = "false" if "keep" in self.classes else "true"
        return (
            f"\n\n#block(width: 100%, breakable: {breakable}, above: 4pt, below: 8pt, {table})\n\n"
        )
