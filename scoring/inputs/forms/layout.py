"""The layout of the survey form (sheets, headers, columns, metadata keys, how to find them
again), shared by its writer, its reader, the verification form and ``dev.sample.fill``,
so a header renamed here is renamed for all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from scoring.io import workbook_bytes, write_bytes
from scoring.model.rules import NA
from scoring.model.values import NA_TEXT, NO_TEXT, YES_TEXT, normalize_text

SHEET_INPUTS = "Phiếu khảo sát"
SHEET_META = "Thông tin phiếu"
HEADER_CODE = "Mã"
HEADER_LABEL = "Tiêu chí / chỉ tiêu"
HEADER_UNIT = "Đơn vị tính"
HEADER_HOW = "Cách nhập"
HEADER_VALUE = "Giá trị"
HEADER_VERIFIED = "Giá trị thẩm định"
HEADER_EVIDENCE = "Minh chứng"
HEADER_NOTE = "Ghi chú / giải trình"
HEADER_SEARCH_ROWS = 60
META_SEARCH_ROWS = 50
FORM_FORMAT = "1"

# (header, column width); the order is the column order of the inputs sheet.
COLUMNS: tuple[tuple[str, float], ...] = (
    (HEADER_CODE, 11),
    (HEADER_LABEL, 58),
    (HEADER_UNIT, 11),
    (HEADER_HOW, 24),
    (HEADER_VALUE, 14),
    (HEADER_EVIDENCE, 30),
    (HEADER_NOTE, 30),
)

META_FIELDS: tuple[tuple[str, str], ...] = (
    ("form_format", "Định dạng phiếu"),
    ("unit_id", "Mã đơn vị"),
    ("unit_name", "Tên đơn vị"),
    ("level", "Cấp"),
    ("year", "Năm đánh giá"),
    ("criteria_version", "Phiên bản bộ tiêu chí"),
    ("criteria_fingerprint", "Dấu vân tay (sha256) của tệp bộ tiêu chí"),
    ("criteria_file", "Tệp bộ tiêu chí"),
)

FONT_NAME = "Times New Roman"


@dataclass(frozen=True)
class Header:
    """Where the header row of an inputs sheet is and which column holds which header."""

    row: int
    columns: dict[str, int]  # canonical header text -> 1-based column index

    def column(self, header: str) -> int | None:
        return self.columns.get(header)


def save_atomic(wb: Workbook, path: Path, when: datetime) -> None:
    """Write ``wb`` to ``path`` atomically (no reader sees half a form) and with the same
    bytes every time: document dates and zip entry times are ``when``."""
    write_bytes(path, workbook_bytes(wb, when))


def put(ws: Worksheet, row: int, column: int, value: object = None, **style: object) -> Cell:
    """The cell at ``row``, ``column`` (with ``value`` unless None), its attributes
    (font, fill, border, alignment, data_type...) set from ``style`` in that order."""
    cell = ws.cell(row=row, column=column, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def print_a4_landscape(ws: Worksheet, title_row: int, area: str, margin: float) -> None:
    """One page wide on A4 landscape, ``title_row`` repeated atop every printed page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{title_row}:{title_row}"
    ws.print_area = area
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = margin


def _canonical(text: object) -> str:
    return normalize_text(str(text)).casefold() if text is not None else ""


# HEADER_VERIFIED is no longer written but still recognised: a returned form that has
# such a column (an older form, or one a unit added) gets a warning and is not trusted.
_CANONICAL_HEADERS = {_canonical(h): h for h in (*dict(COLUMNS), HEADER_VERIFIED)}


def find_header(ws: Worksheet, max_rows: int = HEADER_SEARCH_ROWS) -> Header | None:
    """The first row with both "Mã" and "Giá trị" (NFC, trimmed, any case), or None."""
    for row in ws.iter_rows(min_row=1, max_row=max_rows):
        columns: dict[str, int] = {}
        for cell in row:
            header = _CANONICAL_HEADERS.get(_canonical(cell.value))
            if header is not None and header not in columns and cell.column is not None:
                columns[header] = int(cell.column)
        if HEADER_CODE in columns and HEADER_VALUE in columns:
            return Header(row=int(row[0].row or 0), columns=columns)
    return None


def read_meta(ws: Worksheet) -> dict[str, tuple[object, str]]:
    """Key -> (value, address of the value cell) from a metadata sheet."""
    found: dict[str, tuple[object, str]] = {}
    keys = {key for key, _ in META_FIELDS}
    for row in ws.iter_rows(min_row=1, max_row=META_SEARCH_ROWS, max_col=2):
        if len(row) < 2:
            continue
        key = _canonical(row[0].value)
        if key in keys and key not in found:
            found[key] = (row[1].value, str(row[1].coordinate))
    return found


def code_text(value: object) -> str:
    """A "Mã" cell as text: trimmed NFC; numbers typed as codes lose no ".0" noise."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value))


def cell_value(value: object) -> object:
    """What a person's answer looks like in a cell: NA and booleans as their words."""
    if value is NA:
        return NA_TEXT
    if isinstance(value, bool):
        return YES_TEXT if value else NO_TEXT
    return value
