"""ranking.xlsx's sheets: formatted headers, frozen panes, number formats, widths and
filters; text from the inputs is always written as text (never as a formula)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scoring.io import workbook_bytes, write_bytes

HEADER_FILL = PatternFill("solid", fgColor="DCE9F7")
THIN = Side(style="thin", color="B0BEC5")


def add_table(
    ws: Worksheet,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    decimals: Sequence[int | None],
) -> None:
    """Write a header row and data rows with formats, freeze panes, filter, widths, in one
    pass (asking openpyxl for ``max_row`` after every row would make it quadratic)."""
    formats = [None if p is None else ("0" if p == 0 else "0." + "0" * p) for p in decimals]
    widths = [len(str(h)) for h in headers]
    for column, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = Border(bottom=THIN)
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            cell = ws.cell(row=row_number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text from inputs, even "=...", stays text
            elif formats[column - 1] is not None and value is not None:
                cell.number_format = formats[column - 1]
            if value is not None:
                widths[column - 1] = max(widths[column - 1], len(str(value)))
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "C2" if len(headers) > 2 else "A2"
    ws.auto_filter.ref = ws.dimensions


def save(wb: Workbook, target: Path, when: dt.date) -> bool:
    """Write atomically, byte-stable; leave the file untouched when unchanged."""
    stamp = dt.datetime(when.year, when.month, when.day)
    return write_bytes(target, workbook_bytes(wb, stamp))
