"""``ranking.xlsx``: the ranking's tables for Excel, written when what they show changed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from scoring.model.result import YearResult


def write_ranking_xlsx(
    result: YearResult,
    folder: Path,
    scores: pd.DataFrame,
    details: pd.DataFrame,
    lang: str = "vi",
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
        headers = [
            _("Hạng"),
            _("Mã đơn vị"),
            _("Đơn vị"),
            *[_("Nhóm %(code)s") % {"code": g} for g in groups],
            _("Tổng điểm"),
            _("Điểm tối đa"),
            _("Tỷ lệ (%)"),
            _("Xếp loại"),
            _("Đã thẩm định"),
            _("Điểm tự đánh giá"),
        ]
        data = [
            [
                None if pd.isna(r["rank"]) else int(r["rank"]),
                r["unit_id"],
                r["name"],
                *[float(r[g]) for g in groups],
                float(r["total"]),
                float(r["max"]),
                float(r["percent"]),
                _(r["band"]) if r["status"] == "submitted" else _("Chưa nộp phiếu"),
                _("Có") if r["verified"] else _("Không"),
                None if pd.isna(r["self_total"]) else float(r["self_total"]),
            ]
            for _row, r in rows.iterrows()
        ]
        ws = wb.create_sheet(_(LEVEL_TITLES[level])[:31])
        workbook.add_table(
            ws, headers, data, [0, None, None, *[2] * len(groups), 2, 2, 2, None, None, 2]
        )
    names = dict(zip(scores["unit_id"], scores["name"], strict=True))
    crit = details[details["is_criterion"]]
    ws = wb.create_sheet(_("Điểm từng tiêu chí"))
    headers = [
        _("Mã đơn vị"),
        _("Đơn vị"),
        _("Mã tiêu chí"),
        _("Tiêu chí"),
        _("Điểm đạt"),
        _("Điểm tối đa"),
        _("Áp dụng"),
        _("Điểm tự đánh giá"),
        _("Điểm thẩm định"),
    ]
    data = [
        [
            r["unit_id"],
            names[r["unit_id"]],
            r["code"],
            r["name"],
            float(r["points"]),
            float(r["max"]),
            _("Có") if r["applicable"] else _("Không"),
            float(r["self_points"]),
            None if pd.isna(r["verified_points"]) else float(r["verified_points"]),
        ]
        for _row, r in crit.iterrows()
    ]
    workbook.add_table(ws, headers, data, [None, None, None, None, 2, 2, None, 2, 2])
    workbook.save(wb, Path(folder) / "ranking.xlsx", build_date(result))
