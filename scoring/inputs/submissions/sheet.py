"""The third stage: reading the inputs sheet, row by row, into checked values.

Rows are found by their input code (column "Mã"), not by position, so a unit that sorts
or moves rows loses nothing; every cell value goes through ``scoring.model.values.parse_value``.
A formula never calculated, a formula error, a code not in the criteria set or repeated,
and a value in the office's "verified" column are reported where they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from scoring.inputs.forms import (
    HEADER_CODE,
    HEADER_EVIDENCE,
    HEADER_NOTE,
    HEADER_SEARCH_ROWS,
    HEADER_VALUE,
    HEADER_VERIFIED,
    SHEET_INPUTS,
    Header,
    code_text,
    find_header,
)
from scoring.inputs.submissions.container import find_sheet
from scoring.inputs.submissions.problems import Reader
from scoring.model.criteria import CriteriaSet
from scoring.model.rules import Value
from scoring.model.values import ValueProblem, format_number_vi, parse_value, quote

_QUOTED = re.compile(r'"[^"]*"|\\.')


@dataclass
class Answers:
    """What the inputs sheet holds, code by code, before the cross-field checks."""

    values: dict[str, Value] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    note_cells: dict[str, str] = field(default_factory=dict)
    evidence_cells: dict[str, str] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)  # codes whose self-assessed value was refused
    self_verified: list[str] = field(default_factory=list)  # filled "verified" cells: ignored


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    return code_text(value)


def raw_value(
    reader: Reader, ws: Worksheet, fws: Worksheet, row: int, column: int, code: str
) -> tuple[object, bool] | None:
    """(raw value, percent format) of a cell; None, reported, when it holds no usable value."""
    cell = ws.cell(row=row, column=column)
    if cell.data_type == "e":
        reader.add("value.formula_error", cell=cell.coordinate, code=code, found=cell.value)
        return None
    if cell.value is None and fws.cell(row=row, column=column).data_type == "f":
        reader.add("value.formula_not_calculated", cell=cell.coordinate, code=code)
        return None
    # Whether Excel shows the cell ×100 with "%": quoted or escaped "%" do not count.
    return cell.value, "%" in _QUOTED.sub("", cell.number_format or "")


def parse_cell(
    reader: Reader,
    cset: CriteriaSet,
    code: str,
    raw: tuple[object, bool] | None,
    cell: str,
    bad: set[str],
) -> Value | None:
    """The figure of ``code`` from its cell's ``raw_value`` (``parse_value``'s own None
    for an empty answer); None with ``code`` added to ``bad`` when the cell gave no value
    (``raw_value`` reported why) or one that is not usable (reported here)."""
    node = cset.nodes[cset.input_owner[code]]
    kind = cset.inputs[code].kind
    try:
        if raw is not None:
            maximum = node.max if kind == "points" else None
            return parse_value(
                raw[0], kind, allow_na=node.allow_na, maximum=maximum, is_percent_format=raw[1]
            )
    except ValueProblem as exc:
        reader.add_value(exc, cell=cell, code=code)
    bad.add(code)
    return None


def read_inputs(reader: Reader, wb: Workbook, fwb: Workbook, cset: CriteriaSet) -> Answers | None:
    ws = find_sheet(wb, SHEET_INPUTS)
    if ws is None:
        reader.sheet = None
        reader.add("sheet.no_inputs", found=", ".join(wb.sheetnames), expected=SHEET_INPUTS)
        return None
    reader.sheet = ws.title
    fws = fwb[ws.title]
    header = find_header(ws)
    if header is None:
        reader.add(
            "sheet.no_header",
            code_column=HEADER_CODE,
            value_column=HEADER_VALUE,
            rows=HEADER_SEARCH_ROWS,
        )
        return None
    answers = Answers()
    seen: dict[str, str] = {}
    code_column = header.columns[HEADER_CODE]
    for row in filled_rows(ws, code_column, header.row + 1):
        code_cell = ws.cell(row=row, column=code_column)
        code, here = code_text(code_cell.value), code_cell.coordinate
        if not code:
            continue
        if code not in cset.inputs:
            reader.add("sheet.unknown_code", cell=here, found=quote(code), column=HEADER_CODE)
            continue
        if code in seen:
            reader.add("sheet.repeated_code", cell=here, found=code, first=seen[code])
            continue
        seen[code] = here
        _read_row(reader, ws, fws, header, row, code, cset, answers)
    cells = answers.self_verified
    if cells:  # a unit cannot verify itself: what it typed as "verified" is named and ignored
        shown = ", ".join(cells[:10]) + (f" (+{len(cells) - 10})" if len(cells) > 10 else "")
        reader.warn("sheet.self_verified", cell=cells[0], found=shown, column=HEADER_VERIFIED)
    return answers


def filled_rows(ws: Worksheet, column: int, first: int) -> list[int]:
    """The rows from ``first`` on whose cell in ``column`` exists, in order.

    Only the cells the file holds are visited: one space typed in A1048576 must not
    make the reader walk (and create) a million empty cells.
    """
    cells = ws._cells  # noqa: SLF001 - openpyxl's map of the cells present in the file
    return sorted(r for r, c in cells if c == column and r >= first)


def _read_row(
    reader: Reader,
    ws: Worksheet,
    fws: Worksheet,
    header: Header,
    row: int,
    code: str,
    cset: CriteriaSet,
    answers: Answers,
) -> None:
    column = header.columns[HEADER_VALUE]
    address = ws.cell(row=row, column=column).coordinate
    answers.cells[code] = address
    raw = raw_value(reader, ws, fws, row, column, code)
    value = parse_cell(reader, cset, code, raw, address, answers.bad)
    if raw is not None and value is not None:
        answers.values[code] = value
        _check_fraction(reader, cset.inputs[code].kind, raw, value, address, code)
    verified_column = header.column(HEADER_VERIFIED)
    if verified_column is not None:
        cell = ws.cell(row=row, column=verified_column)
        if cell_text(cell.value) or fws.cell(row=row, column=verified_column).value is not None:
            answers.self_verified.append(cell.coordinate)
    for name, texts, cells in (
        (HEADER_EVIDENCE, answers.evidence, answers.evidence_cells),
        (HEADER_NOTE, answers.notes, answers.note_cells),
    ):
        text_column = header.column(name)
        if text_column is not None:
            cell = ws.cell(row=row, column=text_column)
            cells[code] = cell.coordinate
            text = cell_text(cell.value)
            if text:
                texts[code] = text


def _check_fraction(
    reader: Reader, kind: str, raw: tuple[object, bool], value: Value, cell: str, code: str
) -> None:
    """A share typed as a fraction (0,891, or =178/200) without a % format: probably 89,1 %."""
    typed, percent_format = raw
    if kind != "share" or percent_format or not isinstance(value, float) or not 0 < value < 1:
        return
    if isinstance(typed, str) and typed.strip().endswith("%"):
        return
    meant = value * 100
    # The example is what to type in the (Vietnamese) form, in every language.
    reader.warn(
        "value.looks_like_fraction",
        cell=cell,
        code=code,
        found=value,
        expected=meant,
        example=format_number_vi(meant),
    )
