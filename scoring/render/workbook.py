"""ranking.xlsx: a sheet per peer group and a sheet of every criterion's points.

Formatted headers, frozen panes, two-decimal number formats, fitted widths and filters.
Text from the inputs is always written as text (never as a formula), and the file is
byte-stable (``scoring.io.workbook_bytes``).
"""

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
    """Write a header row and data rows with formats, freeze panes, filter, widths."""
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = Border(bottom=THIN)
    for row in rows:
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text from inputs, even "=...", stays text
    for col, places in enumerate(decimals, start=1):
        if places is None:
            continue
        fmt = "0" if places == 0 else "0." + "0" * places
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = fmt
    for col in range(1, len(headers) + 1):
        letter = get_column_letter(col)
        longest = max(
            (
                len(str(c.value))
                for (c,) in ws.iter_rows(min_col=col, max_col=col)
                if c.value is not None
            ),
            default=8,
        )
        ws.column_dimensions[letter].width = min(max(longest + 2, 8), 60)
    ws.freeze_panes = "C2" if len(headers) > 2 else "A2"
    ws.auto_filter.ref = ws.dimensions


def save(wb: Workbook, target: Path, when: dt.date) -> bool:
    """Write atomically, byte-stable; leave the file untouched when unchanged."""
    stamp = dt.datetime(when.year, when.month, when.day)
    return write_bytes(target, workbook_bytes(wb, stamp))
