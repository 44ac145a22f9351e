"""The writer of blank survey forms (``make forms``): what only a fresh form has (title
block, instructions, shading, Excel data validation, protection, print setup) on top of
``scoring.inputs.forms.layout``; ``scoring.inputs.forms`` says what the form looks like and why.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from scoring.inputs.forms.layout import (
    COLUMNS,
    FONT_NAME,
    FORM_FORMAT,
    HEADER_CODE,
    HEADER_EVIDENCE,
    HEADER_HOW,
    HEADER_LABEL,
    HEADER_NOTE,
    HEADER_UNIT,
    HEADER_VALUE,
    META_FIELDS,
    SHEET_INPUTS,
    SHEET_META,
    print_a4_landscape,
    put,
    save_atomic,
)
from scoring.inputs.units import Unit
from scoring.model.criteria import LEVEL_NAMES_VI, CriteriaSet, Input, Node
from scoring.model.values import NA_TEXT, NO_TEXT, YES_TEXT, format_number_vi
from scoring.text.errors import SubmissionError
from scoring.text.i18n import N_

_COL = {header: index for index, (header, _) in enumerate(COLUMNS, start=1)}
_UNLOCKED_HEADERS = (HEADER_VALUE, HEADER_EVIDENCE, HEADER_NOTE)

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADING_FILLS = ("BDD7EE", "DDEBF7", "EDF3FA")
_CRITERION_FILL = "F2F2F2"
_VALUE_FILL = "FFF2CC"
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
_LAST = get_column_letter(len(COLUMNS))
_VALUE_LETTER = get_column_letter(_COL[HEADER_VALUE])
_UNLOCKED = Protection(locked=False)
_LINE_HEIGHT = 15.75

_KIND_HOW = {
    "count": "Số nguyên, từ 0 trở lên",
    "share": "Tỷ lệ % từ 0 đến 100 (ví dụ 85 hoặc 85%)",
    "amount": "Số, từ 0 trở lên (dấu phẩy thập phân)",
    "yes_no": "Chọn Có hoặc Không",
}
_KIND_UNIT = {"share": "%", "points": "điểm"}
# Excel's check of a numeric value cell, by kind (points: up to the criterion's maximum).
_NUMERIC_RULES: dict[str, dict[str, object]] = {
    "count": {"type": "whole", "operator": "greaterThanOrEqual", "formula1": "0"},
    "share": {"type": "decimal", "operator": "between", "formula1": "0", "formula2": "100"},
    "amount": {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": "0"},
}


def _font(*, bold: bool = False, italic: bool = False, size: float = 12) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


def _indented(depth: int) -> Alignment:
    return Alignment(wrap_text=True, vertical="top", indent=depth)


_BOLD = _font(bold=True)
_PLAIN = _font()
_Checks = dict[tuple[object, ...], DataValidation]  # one per (kind, allow_na, maximum)

INSTRUCTIONS = (
    "1. Chỉ nhập vào các ô nền vàng ở cột 'Giá trị' và các cột minh chứng, giải trình. "
    "Cơ quan thẩm định ghi kết quả thẩm định trên phiếu thẩm định riêng, không trên phiếu này.",
    "2. Số: chỉ ghi chữ số, dùng dấu phẩy cho phần thập phân (ví dụ 43,72) và dấu chấm "
    "phân cách hàng nghìn (ví dụ 1.234); không ghi đơn vị tính vào ô.",
    "3. Tỷ lệ %: ghi số từ 0 đến 100 (ví dụ 85 hoặc 85%).",
    "4. Có/Không: chọn trong danh sách của ô.",
    f"5. '{NA_TEXT}': chỉ dùng cho tiêu chí có ghi 'được chọn {NA_TEXT}'. Tiêu chí chỉ áp "
    "dụng theo điều kiện: nếu câu hỏi điều kiện trả lời 'Không' thì để trống các chỉ tiêu "
    "của tiêu chí đó.",
    "6. Cột 'Minh chứng': ghi số, ký hiệu, ngày văn bản hoặc tên tệp tài liệu kiểm chứng "
    "gửi kèm. Điểm tự chấm phải có giải trình ở cột 'Ghi chú / giải trình'.",
    "7. Không đổi tên trang tính, không sửa cột 'Mã'. Lưu tệp dạng Excel (.xlsx), giữ "
    "nguyên tên tệp, gửi lại kèm tài liệu kiểm chứng trong 15 ngày làm việc kể từ ngày "
    "nhận phiếu.",
)


def write_form(
    path: Path,
    cset: CriteriaSet,
    unit: Unit,
    year: int,
    previous: tuple[str, Mapping[str, str]] | None = None,
) -> None:
    """Write the blank form of ``unit`` for ``year`` to ``path``, atomically.

    ``previous``: a heading and, per input code, the unit's figure of the year before
    (``scoring.analysis.compare.previous_inputs``), shown in a last, locked, grey column so the
    unit sees what it reported; the reader ignores that column.
    """
    if unit.level != cset.level:
        what = N_("Đơn vị %(unit)s thuộc %(level)s, không lập phiếu theo bộ tiêu chí %(set)s")
        level, other = (LEVEL_NAMES_VI.get(lv, lv) for lv in (unit.level, cset.level))
        raise SubmissionError(what, unit=unit.id, level=level, set=other)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_INPUTS
    header_row = _write_title_block(ws, cset, unit, year)
    _write_header_row(ws, header_row)
    validations: _Checks = {}
    row = header_row + 1
    for group in cset.groups:
        row = _write_node(ws, group, 0, row, validations)
    _finish_inputs_sheet(ws, header_row, row - 1)
    if previous is not None and previous[1]:
        _write_previous(ws, header_row, row - 1, *previous)
    _write_meta_sheet(wb.create_sheet(SHEET_META), cset, unit, year)
    wb.active = 0
    wb.properties.title = f"{SHEET_INPUTS} {year} – {unit.name}"
    save_atomic(wb, Path(path), datetime(year, 1, 1))  # it sets the dates and the creator


def _title_line(ws: Worksheet, row: int, text: str, font: Font, center: bool = False) -> None:
    ws.merge_cells(f"A{row}:{_LAST}{row}")
    horizontal = "center" if center else "left"
    alignment = Alignment(wrap_text=True, vertical="center", horizontal=horizontal)
    put(ws, row, 1, text, font=font, alignment=alignment)
    total_width = sum(width for _, width in COLUMNS)
    ws.row_dimensions[row].height = _LINE_HEIGHT * _line_count(text, total_width) + 2


def _write_title_block(ws: Worksheet, cset: CriteriaSet, unit: Unit, year: int) -> int:
    """Title, unit, criteria set, legal basis and instructions; returns the header row."""
    level = LEVEL_NAMES_VI.get(unit.level, unit.level)
    title = f"PHIẾU KHẢO SÁT ĐÁNH GIÁ, XẾP HẠNG MỨC ĐỘ CHÍNH QUYỀN ĐIỆN TỬ NĂM {year}"
    top = format_number_vi(cset.max)
    lines: list[tuple[str, Font, bool]] = [
        (title, _font(bold=True, size=14), True),
        (cset.title, _font(italic=True), True),
        (f"Đơn vị: {unit.name} (mã đơn vị: {unit.id}; {level})", _BOLD, False),
        (f"Bộ tiêu chí phiên bản {cset.version}; điểm tối đa {top} điểm.", _PLAIN, False),
        ("Căn cứ:", _BOLD, False),
        *((f"– {line}", _PLAIN, False) for line in cset.legal_basis),
        ("Hướng dẫn nhập liệu:", _BOLD, False),
        *((line, _PLAIN, False) for line in INSTRUCTIONS),
    ]
    for row, (text, font, center) in enumerate(lines, start=1):
        _title_line(ws, row, text, font, center)
    return len(lines) + 2


def _write_header_row(ws: Worksheet, row: int) -> None:
    fill = PatternFill("solid", fgColor=_HEADING_FILLS[0])
    for column, (header, width) in enumerate(COLUMNS, start=1):
        put(ws, row, column, header, font=_BOLD, fill=fill, alignment=_CENTER, border=_BORDER)
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.row_dimensions[row].height = _LINE_HEIGHT * 2 + 2


def heading_text(node: Node) -> str:
    """A heading row's label: "A1 – Hạ tầng thông tin (20 điểm)" plus conditions, note."""
    text = f"{node.code} – {node.name} ({format_number_vi(node.max)} điểm)"
    if node.applicable_if is not None:
        text += f"; chỉ áp dụng khi chỉ tiêu {node.applicable_if} là 'Có'"
    if node.allow_na:
        text += f"; được chọn '{NA_TEXT}'"
    if node.note:
        text += f"\n{node.note}"
    return text


def _write_node(ws: Worksheet, node: Node, depth: int, row: int, validations: _Checks) -> int:
    """The heading row of ``node``, its input rows, then its children; the next free row."""
    fill = _CRITERION_FILL if node.is_criterion else _HEADING_FILLS[min(depth, 2)]
    shade, text = PatternFill("solid", fgColor=fill), heading_text(node)
    for column in range(1, len(COLUMNS) + 1):
        put(ws, row, column, fill=shade, border=_BORDER, font=_BOLD, alignment=_WRAP)
    put(ws, row, _COL[HEADER_LABEL], text, alignment=_indented(depth))
    _fit_row_height(ws, row, {HEADER_LABEL: text})
    row += 1
    for inp in node.inputs:
        _write_input_row(ws, row, inp, node, depth + 1)
        _validation_for(ws, inp, node, validations).add(f"{_VALUE_LETTER}{row}")
        row += 1
    for child in node.children:
        row = _write_node(ws, child, depth + 1, row, validations)
    return row


def _write_input_row(ws: Worksheet, row: int, inp: Input, node: Node, depth: int) -> None:
    label = inp.label if not inp.help else f"{inp.label}\n({inp.help})"
    top = format_number_vi(node.max)
    how = f"Điểm từ 0 đến {top}; ghi giải trình" if inp.kind == "points" else _KIND_HOW[inp.kind]
    texts = {
        HEADER_CODE: inp.code,
        HEADER_LABEL: label,
        HEADER_UNIT: inp.unit or _KIND_UNIT.get(inp.kind, ""),
        HEADER_HOW: how + (f"; hoặc '{NA_TEXT}'" if node.allow_na else ""),
    }
    for header, column in _COL.items():
        cell = put(ws, row, column, texts.get(header), font=_PLAIN, border=_BORDER, alignment=_WRAP)
        if header in _UNLOCKED_HEADERS:
            cell.protection = _UNLOCKED
    put(ws, row, _COL[HEADER_LABEL], alignment=_indented(depth))
    put(ws, row, _COL[HEADER_VALUE], fill=PatternFill("solid", fgColor=_VALUE_FILL))
    _fit_row_height(ws, row, texts)


def _validation_for(ws: Worksheet, inp: Input, node: Node, validations: _Checks) -> DataValidation:
    """Excel's own check of a value cell, with a Vietnamese input message; one shared
    DataValidation per (kind, allow_na, maximum), created on first use. Numeric criteria
    that allow "Không áp dụng" get the message only: a numeric rule would refuse that text.
    """
    kind, allow_na = inp.kind, node.allow_na
    maximum = node.max if kind == "points" else None
    key = (kind, allow_na, maximum)
    if key in validations:
        return validations[key]
    if kind == "points":
        top = format_number_vi(maximum) if maximum is not None else ""
        prompt = f"Điểm tự chấm từ 0 đến {top}; ghi giải trình ở cột '{HEADER_NOTE}'"
    else:
        prompt = _KIND_HOW[kind]
    if allow_na:
        prompt += f", hoặc '{NA_TEXT}'"
    options: dict[str, object] = {}
    if kind == "yes_no":
        choices = [YES_TEXT, NO_TEXT, *([NA_TEXT] if allow_na else [])]
        options = {"type": "list", "formula1": '"' + ",".join(choices) + '"'}
    elif kind == "points" and maximum is not None and not allow_na:
        options = {**_NUMERIC_RULES["share"], "formula2": f"{maximum:g}"}
    elif not allow_na:
        options = _NUMERIC_RULES.get(kind, _NUMERIC_RULES["amount"])
    dv = DataValidation(allow_blank=True, showInputMessage=True, **options)  # type: ignore[arg-type]
    dv.promptTitle = "Cách nhập"
    dv.prompt = prompt
    if options:
        dv.showErrorMessage = True
        dv.errorStyle = "stop"
        dv.errorTitle = "Giá trị không hợp lệ"
        dv.error = f"Cần: {prompt}."
    validations[key] = dv
    ws.add_data_validation(dv)
    return dv


def _line_count(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column of ``width`` characters (an estimate)."""
    per_line = max(int(width * 1.05), 1)
    return sum(max(math.ceil(len(part) / per_line), 1) for part in text.split("\n"))


def _fit_row_height(ws: Worksheet, row: int, texts: Mapping[str, str | None]) -> None:
    """Set the row height so wrapped text shows; files must look right before any edit."""
    widths = dict(COLUMNS)
    lines = max(_line_count(t, widths[h]) for h, t in texts.items() if t is not None)
    ws.row_dimensions[row].height = _LINE_HEIGHT * lines + 3


def _finish_inputs_sheet(ws: Worksheet, header_row: int, last_row: int) -> None:
    """Protection, print setup, header repeated on every printed page."""
    # Users may still widen columns and resize rows.
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)
    print_a4_landscape(ws, header_row, f"A1:{_LAST}{max(last_row, header_row)}", 0.5)
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.sheet_view.zoomScale = 90
    first_value = f"{_VALUE_LETTER}{header_row + 1}"
    ws.sheet_view.selection[0].activeCell = first_value
    ws.sheet_view.selection[0].sqref = first_value


_PREVIOUS_FILL = "D9D9D9"


def _write_previous(
    ws: Worksheet, header_row: int, last_row: int, heading: str, figures: Mapping[str, str]
) -> None:
    """Last year's figures in the column after the last one: grey, italic, locked (the
    sheet is protected), as text, so they read as a reference and are never typed over."""
    column = len(COLUMNS) + 1
    letter = get_column_letter(column)
    grey = PatternFill("solid", fgColor=_PREVIOUS_FILL)
    font = _font(bold=True, italic=True)
    put(ws, header_row, column, heading, font=font, fill=grey, alignment=_CENTER, border=_BORDER)
    ws.column_dimensions[letter].width = 24
    ws.row_dimensions[header_row].height = _LINE_HEIGHT * 4 + 2
    for row in range(header_row + 1, last_row + 1):
        code = ws.cell(row=row, column=_COL[HEADER_CODE]).value
        if not isinstance(code, str) or code not in figures:
            continue
        cell = put(ws, row, column, figures[code], fill=grey, alignment=_WRAP, border=_BORDER)
        cell.data_type = "s"  # a unit name starting with "=" stays text
        cell.font = Font(name=FONT_NAME, size=12, italic=True, color="595959")
    ws.print_area = f"A1:{letter}{max(last_row, header_row)}"


def _write_meta_sheet(ws: Worksheet, cset: CriteriaSet, unit: Unit, year: int) -> None:
    values = (  # in META_FIELDS' order: the form's and the unit's, then the criteria file's
        *(FORM_FORMAT, unit.id, unit.name, unit.level, year),
        *(cset.version, cset.fingerprint, Path(cset.path).name),
    )
    put(ws, 1, 1, "Thông tin phiếu do chương trình lập; không sửa trang này.", font=_BOLD)
    for column, header in enumerate(("Khóa", "Giá trị", "Ý nghĩa"), start=1):
        put(ws, 2, column, header, font=_BOLD, border=_BORDER)
    for row, ((key, meaning), own) in enumerate(zip(META_FIELDS, values, strict=True), start=3):
        for column, value in enumerate((key, own, meaning), start=1):
            cell = put(ws, row, column, value, font=_PLAIN, border=_BORDER)
            cell.number_format = "@" if isinstance(value, str) else "0"
            if isinstance(value, str):
                cell.data_type = "s"  # a name starting with "=" stays text, not a formula
    for letter, width in zip("ABC", (22, 70, 40), strict=True):
        ws.column_dimensions[letter].width = width
    ws.protection.sheet = True
