"""Compacting a workbook's sheets before openpyxl loads them: only cells with a value stay.

A returned form can carry hundreds of thousands of styled but empty rows (a whole column
formatted, rows "inserted" to the end of the sheet): 8 MB packed, 93 MB of sheet XML,
and openpyxl builds a Python object for every styled cell (109 s and 3,1 GB for one such
form). The reader needs values only, so each worksheet's XML is streamed through a
filter that drops cells without a value or formula, then rows left empty, in chunks of
a bounded size (plain regular expressions, no tree): the memory needed is the size of
the cells that hold something, whatever the size of the sheet. Files are never changed:
the filtered copy is built in memory.

The filter only removes ``<c>`` elements with no child (``<c r="A9" s="3"/>``, or an
empty pair) and ``<row>`` elements with no cell left; everything else is copied byte for
byte, so a form that has nothing to remove loads exactly as before.
"""

from __future__ import annotations

import io
import re
import zipfile

CHUNK = 1 << 20  # decompressed bytes filtered at a time
# A cell without content: self-closing, or an opening tag directly followed by its end.
_EMPTY_CELL = re.compile(rb"<(?:\w+:)?c\b[^<>]*?/>|<((?:\w+:)?c)\b[^<>]*></\1>")
_EMPTY_ROW = re.compile(rb"<(?:\w+:)?row\b[^<>]*?/>|<((?:\w+:)?row)\b[^<>]*>\s*</\1>")
_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")


class TooManyCells(ValueError):
    """A sheet keeps more filled cells than a survey form can have."""

    def __init__(self, sheet: str, count: int) -> None:
        super().__init__(f"{sheet}: {count} cells")
        self.sheet = sheet
        self.count = count


def _filter_stream(source: io.BufferedIOBase, max_cells: int, name: str) -> bytes:
    """The sheet XML of ``source`` without empty cells and rows, read ``CHUNK`` at a time."""
    out = io.BytesIO()
    carry = b""
    cells = 0
    while True:
        block = source.read(CHUNK)
        data = carry + block
        if block:
            # Filter up to the last complete tag; the rest waits for the next block.
            cut = data.rfind(b">") + 1
            data, carry = data[:cut], data[cut:]
        else:
            carry = b""
        data = _EMPTY_ROW.sub(b"", _EMPTY_CELL.sub(b"", data))
        cells += data.count(b"<c ") + data.count(b":c ")
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
