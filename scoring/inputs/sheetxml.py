"""Compacting a workbook's sheets before openpyxl loads them: only cells with a value stay.

A returned form can carry hundreds of thousands of styled empty rows, each an object in
openpyxl; the reader needs values only. Each worksheet's XML is streamed in bounded chunks
through regular expressions that drop rows with no value, formula or inline string and
cells with no child, copying the rest byte for byte. Files are never changed.
"""

from __future__ import annotations

import io
import re
import zipfile

CHUNK = 1 << 20  # decompressed bytes filtered at a time
# A cell without content: self-closing, or an opening tag directly followed by its end.
_EMPTY_CELL = re.compile(rb"<(?:\w+:)?c\b[^<>]*?/>|<((?:\w+:)?c)\b[^<>]*></\1>")
# What makes a cell worth keeping: a value, an inline string, or a formula (a cell with
# only a shared formula's "<f .../>" and no cached value is dropped: it reads as empty).
_VALUE = re.compile(rb"</(?:\w+:)?(?:v|f|is)>")
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b")
_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
# A formula element, "<f>", "<f t=...>", "<f/>" or with a namespace prefix ("<x:f>").
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s/>]")


class TooManyCells(ValueError):
    """A sheet keeps more filled cells than a survey form can have."""

    def __init__(self, sheet: str, count: int) -> None:
        super().__init__(f"{sheet}: {count} cells")
        self.sheet = sheet
        self.count = count


def _keep_rows(block: bytes, prefix: bytes) -> bytes:
    """``block`` (whole rows and what lies between them) without rows that hold no value."""
    opener = b"<" + prefix + b"row "
    if not _VALUE.search(block):
        # No value anywhere in the block (the usual case in a sheet of styled rows): drop
        # every row at once; sheetData holds nothing but rows.
        first = block.find(opener)
        if first < 0:
            return block
        last = block.find(b"</" + prefix + b"sheetData>", first)
        return block[:first] + (block[last:] if last >= 0 else b"")
    pieces = block.split(opener)
    kept = [pieces[0]]
    for piece in pieces[1:]:
        tag_end = piece.find(b">")
        if tag_end > 0 and piece[tag_end - 1 : tag_end] == b"/":
            end = tag_end + 1  # <row .../>: no cells at all
        else:
            close = piece.find(b"</" + prefix + b"row>")
            end = len(piece) if close < 0 else close + len(prefix) + 6
        row = piece[:end]
        if _VALUE.search(row):
            kept.append(opener + _EMPTY_CELL.sub(b"", row))
        kept.append(piece[end:])
    return b"".join(kept)


def _filter_stream(source: io.BufferedIOBase, max_cells: int, name: str) -> bytes:
    """The sheet XML of ``source`` without empty rows and cells, read ``CHUNK`` at a time."""
    out = io.BytesIO()
    carry = b""
    cells = 0
    prefix: bytes | None = None
    while True:
        block = source.read(CHUNK)
        data = carry + block
        if prefix is None:  # the elements' namespace prefix ("" or "x:"), from the first bytes
            found = _SHEET_DATA.search(data[:65536])
            prefix = (found.group(1) or b"") if found else b""
        if block:
            # Filter whole rows only; the rest waits for the next block.
            cut = data.rfind(b"</" + prefix + b"row>")
            cut = 0 if cut < 0 else cut + len(prefix) + 6
            data, carry = data[:cut], data[cut:]
        else:
            carry = b""
        data = _keep_rows(data, prefix)
        cells += data.count(b"<" + prefix + b"c ")
        if cells > max_cells:
            raise TooManyCells(name, cells)
        out.write(data)
        if not block:
            return out.getvalue()


def compact_workbook(data: bytes, max_cells: int) -> bytes:
    """``data`` (an .xlsx) with every worksheet's empty cells and rows removed.

    Raises TooManyCells when a sheet still has more than ``max_cells`` cells, and
    zipfile/zlib errors for a damaged archive (the caller reports those).
    """
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        for info in src.infolist():
            if _SHEET.match(info.filename):
                with src.open(info) as fh:
                    dst.writestr(info.filename, _filter_stream(fh, max_cells, info.filename))  # type: ignore[arg-type]
            else:
                dst.writestr(info, src.read(info))
    return out.getvalue()


def has_formulas(data: bytes) -> bool:
    """Whether any worksheet of ``data`` (an .xlsx, compacted or not) holds a formula
    (when none does, the reader loads the workbook once, values only)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return any(
            _FORMULA.search(archive.read(info))
            for info in archive.infolist()
            if _SHEET.match(info.filename)
        )
