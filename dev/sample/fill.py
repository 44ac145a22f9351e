"""Filling a blank form as a person would: the sample's forms, the bench's and the tests'.

Not part of the annual cycle: units fill their forms in Excel. ``fill_form`` writes
answers into a form written by ``scoring.inputs.forms.writer`` the way a unit (and, for the
"Giá trị thẩm định" column, a unit that typed where it should not) would type them.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from scoring.inputs.forms.layout import (
    HEADER_CODE,
    HEADER_EVIDENCE,
    HEADER_NOTE,
    HEADER_VALUE,
    HEADER_VERIFIED,
    SHEET_INPUTS,
    Header,
    cell_value,
    code_text,
    find_header,
    save_atomic,
)
from scoring.text.errors import SubmissionError
from scoring.text.i18n import N_


class UnknownCodeError(SubmissionError, KeyError):
    """fill_form was given a code the form has no row for."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


def fill_form(
    src: Path,
    dst: Path,
    values: Mapping[str, object],
    verified: Mapping[str, object] | None = None,
    evidence: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
) -> None:
    """Write answers into a form as a unit (and the assessing office) would; atomic.

    Keys are input codes; values are written as given (text stays text, so messy input
    can be simulated; as in Excel, text starting with "=" becomes a formula), except NA
    and booleans, written "Không áp dụng", "Có", "Không". Unknown codes raise
    UnknownCodeError (a KeyError) before anything is written. ``verified`` simulates a
    unit typing in a "Giá trị thẩm định" column: the form must have one (the forms this
    package writes do not), and the reader ignores it with a warning.
    """
    wb = load_workbook(io.BytesIO(Path(src).read_bytes()))
    if SHEET_INPUTS not in wb.sheetnames:
        raise SubmissionError(
            N_("%(src)s: không có trang tính '%(sheet)s'"), src=src, sheet=SHEET_INPUTS
        )
    ws = wb[SHEET_INPUTS]
    header = find_header(ws)
    if header is None:
        raise SubmissionError(N_("%(src)s: không tìm thấy dòng tiêu đề của phiếu"), src=src)
    rows = _input_rows(ws, header)
    columns = (
        (HEADER_VALUE, values),
        (HEADER_VERIFIED, verified or {}),
        (HEADER_EVIDENCE, evidence or {}),
        (HEADER_NOTE, notes or {}),
    )
    unknown = sorted({code for _, answers in columns for code in answers} - rows.keys())
    if unknown:
        raise UnknownCodeError(
            N_("%(src)s: phiếu không có mã %(codes)s"), src=src, codes=", ".join(unknown)
        )
    for header_text, answers in columns:
        column = header.column(header_text)
        if column is None and not answers:
            continue
        if column is None:
            raise SubmissionError(
                N_("%(src)s: phiếu không có cột '%(column)s'"), src=src, column=header_text
            )
        for code, value in answers.items():
            ws.cell(row=rows[code], column=column, value=cell_value(value))
    when = wb.properties.created or datetime(2000, 1, 1)
    save_atomic(wb, Path(dst), when)


def _input_rows(ws: Worksheet, header: Header) -> dict[str, int]:
    column = header.columns[HEADER_CODE]
    rows: dict[str, int] = {}
    for (cell,) in ws.iter_rows(min_row=header.row + 1, min_col=column, max_col=column):
        code = code_text(cell.value)
        if code and code not in rows:
            rows[code] = int(cell.row or 0)
    return rows
