"""``ranking.xlsx``: the ranking's tables for Excel, written when what they show changed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd
    from openpyxl.worksheet.worksheet import Worksheet

    from scoring.model.result import YearResult


def write_ranking_xlsx(
    result: YearResult, folder: Path, scores: pd.DataFrame, details: pd.DataFrame, lang: str = "vi"
) -> None:
    """One sheet per level (ranks, groups, totals, bands), then every unit's criteria."""
    import pandas as pd
    from openpyxl import Workbook

    from scoring.inputs.year import build_date
    from scoring.model.criteria import LEVELS
    from scoring.text import i18n
    from scoring.views import workbook
    from scoring.views.report import LEVEL_TITLES

    _ = i18n.translator(lang)
    wb = Workbook()
    wb.remove(wb.active)
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
            (
                _("Xếp loại"),
                None,
                lambda r: _(r["band"]) if r["status"] == "submitted" else _("Chưa nộp phiếu"),
            ),
            (_("Đã thẩm định"), None, lambda r: _("Có") if r["verified"] else _("Không")),
            (_("Điểm tự đánh giá"), 2, _number("self_total", blank=True)),
        ]
        _add_table(wb.create_sheet(_(LEVEL_TITLES[level])[:31]), columns, rows)
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
    sheet = wb.create_sheet(_("Điểm từng tiêu chí"))
    _add_table(sheet, columns, details[details["is_criterion"]])
    workbook.save(wb, Path(folder) / "ranking.xlsx", build_date(result))


def _number(column: str, blank: bool = False) -> Callable[[pd.Series], float | None]:
    """A numeric column's value as a float; with ``blank``, an empty cell as None."""
    import pandas as pd

    return lambda r: None if blank and pd.isna(r[column]) else float(r[column])


def _add_table(
    ws: Worksheet,
    columns: list[tuple[str, int | None, Callable[[pd.Series], object]]],
    rows: pd.DataFrame,
) -> None:
    """``workbook.add_table`` of (heading, decimals, value of a row) columns."""
    from scoring.views import workbook

    data = [[value(r) for _h, _d, value in columns] for _row, r in rows.iterrows()]
    workbook.add_table(ws, [h for h, _d, _v in columns], data, [d for _h, d, _v in columns])
