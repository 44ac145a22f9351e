"""``ranking.xlsx``: the ranking's tables for Excel (written when they changed), formatted,
frozen, filtered; text from the inputs is always written as text (never as a formula)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scoring.inputs.year import build_date
from scoring.io import workbook_bytes, write_bytes
from scoring.model.criteria import LEVELS
from scoring.text import i18n
from scoring.views.report import LEVEL_TITLES

if TYPE_CHECKING:
    from scoring.model.result import YearResult

HEADER_FILL = PatternFill("solid", fgColor="DCE9F7")
THIN = Side(style="thin", color="B0BEC5")


def write_ranking_xlsx(
    result: YearResult, folder: Path, scores: pd.DataFrame, details: pd.DataFrame, lang: str = "vi"
) -> None:
    """One sheet per level (ranks, groups, totals, bands), then every unit's criteria."""
    _ = i18n.translator(lang)
    wb = Workbook()
    wb.remove(wb.active)
    unsent = _("Chưa nộp phiếu")
    for level in LEVELS:
        rows = scores[scores["level"] == level].sort_values(["rank", "name"], na_position="last")
        if rows.empty:
            continue
        groups = [g.code for g in result.inputs.criteria.for_level(level).groups]
        columns: list[tuple[str, int | None, Callable[[pd.Series], object]]] = [
            (_("Hạng"), 0, lambda r: None if pd.isna(r["rank"]) else int(r["rank"])),
            (_("Mã đơn vị"), None, lambda r: r["unit_id"]),
            (_("Đơn vị"), None, lambda r: r["name"]),
            *[(_("Nhóm %(code)s") % {"code": g}, 2, _number(g)) for g in groups],
            (_("Tổng điểm"), 2, _number("total")),
            (_("Điểm tối đa"), 2, _number("max")),
            (_("Tỷ lệ (%)"), 2, _number("percent")),
            (_("Xếp loại"), None, lambda r: _(r["band"]) if r["status"] == "submitted" else unsent),
            (_("Đã thẩm định"), None, lambda r: _("Có") if r["verified"] else _("Không")),
            (_("Điểm tự đánh giá"), 2, _number("self_total", blank=True)),
        ]
        _sheet(wb.create_sheet(_(LEVEL_TITLES[level])[:31]), columns, rows)
    names = dict(zip(scores["unit_id"], scores["name"], strict=True))
    columns = [
        (_("Mã đơn vị"), None, lambda r: r["unit_id"]),
        (_("Đơn vị"), None, lambda r: names[r["unit_id"]]),
        (_("Mã tiêu chí"), None, lambda r: r["code"]),
        (_("Tiêu chí"), None, lambda r: r["name"]),
        (_("Điểm đạt"), 2, _number("points")),
        (_("Điểm tối đa"), 2, _number("max")),
        (_("Áp dụng"), None, lambda r: _("Có") if r["applicable"] else _("Không")),
        (_("Điểm tự đánh giá"), 2, _number("self_points")),
        (_("Điểm thẩm định"), 2, _number("verified_points", blank=True)),
    ]
    _sheet(wb.create_sheet(_("Điểm từng tiêu chí")), columns, details[details["is_criterion"]])
    save(wb, Path(folder) / "ranking.xlsx", build_date(result))


def _number(column: str, blank: bool = False) -> Callable[[pd.Series], float | None]:
    """A numeric column's value as a float; with ``blank``, an empty cell as None."""
    return lambda r: None if blank and pd.isna(r[column]) else float(r[column])


def _sheet(
    ws: Worksheet,
    columns: list[tuple[str, int | None, Callable[[pd.Series], object]]],
    rows: pd.DataFrame,
) -> None:
    """``add_table`` of (heading, decimals, value of a row) columns."""
    data = [[value(r) for _h, _d, value in columns] for _row, r in rows.iterrows()]
    add_table(ws, [h for h, _d, _v in columns], data, [d for _h, d, _v in columns])


def add_table(
    ws: Worksheet,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    decimals: Sequence[int | None],
) -> None:
    """Header, formatted rows, panes, filter, widths in one pass (``max_row``: quadratic)."""
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
