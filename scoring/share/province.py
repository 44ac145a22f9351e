"""One unit's assessment as a workbook laid out like the criteria set, printable on A4:
``share/<year>/province/<city_id>.xlsx`` for the province, and each unit's message's
attachment. Every group, sub-group and criterion has its maximum, self-assessed, verified
and official points and the evidence cited; totals are the report's (the same scores).
Text from the inputs stays text (never a formula); the bytes are stable.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scoring.inputs.forms.layout import print_a4_landscape, put
from scoring.io import workbook_bytes
from scoring.model.criteria import LEVEL_NAMES_VI, Node
from scoring.model.result import YearResult
from scoring.model.scores import NodeScore
from scoring.text import i18n, numfmt

HEADER_FILL = PatternFill("solid", fgColor="DCE9F7")
GROUP_FILL = PatternFill("solid", fgColor="EEF3F8")
THIN = Side(style="thin", color="B0BEC5")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
TOP = Alignment(wrap_text=True, vertical="top")
WIDTHS = (9, 26, 26, 46, 10, 11, 11, 10, 44)
FIRST_ROW = 6  # the table's header row, under the title block


def headers(lang: str) -> list[str]:
    _ = i18n.translator(lang)
    tree = [_("Mã"), _("Nhóm tiêu chí"), _("Nhóm con"), _("Tiêu chí"), _("Điểm tối đa")]
    return tree + [_("Điểm tự đánh giá"), _("Điểm thẩm định"), _("Điểm đạt"), _("Minh chứng")]


def assessment_workbook(result: YearResult, unit_id: str, lang: str = "vi") -> bytes:
    """The .xlsx bytes of ``unit_id``'s assessment (see the module's docstring)."""
    from scoring.inputs.year import build_date

    _ = i18n.translator(lang)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Kết quả đánh giá")[:31]
    _title_block(ws, result, unit_id, lang)
    ws.row_dimensions[FIRST_ROW].height = 30
    for column, text in enumerate(headers(lang), start=1):
        put(ws, FIRST_ROW, column, text, font=BOLD, fill=HEADER_FILL, border=BOX, alignment=CENTER)
    row = FIRST_ROW + 1
    for node, depth in _rows(result.official[unit_id].groups):
        _node_row(ws, row, result, unit_id, node, depth, lang)
        row += 1
    _total_row(ws, row, result, unit_id, lang)
    _page_setup(ws, row)
    day = build_date(result)
    return workbook_bytes(wb, dt.datetime(day.year, day.month, day.day))


def _title_block(ws: Worksheet, result: YearResult, unit_id: str, lang: str) -> None:
    _ = i18n.translator(lang)
    unit = result.unit(unit_id)
    official = result.official[unit_id]
    cset = official.criteria
    verified = result.is_verified(unit_id)
    kind = _("Điểm thẩm định") if verified else _("Điểm tự đánh giá (chưa thẩm định)")
    level = _(LEVEL_NAMES_VI[unit.level])
    rank = {"rank": result.ranks[unit_id], "peers": result.peer_count(unit_id), "level": level}
    lines = [
        _("Kết quả đánh giá mức độ chính quyền điện tử năm %(year)s") % {"year": result.year}
        + f" – {unit.name}",
        _("Bộ tiêu chí") + f": {cset.title} ({_('phiên bản')} {cset.version}), " + level,
        f"{kind}: {numfmt.score(official.total, official.max, lang)} "
        f"({numfmt.percent(official.percent, lang=lang)}) · {_('Xếp loại')}: "
        f"{_(result.band(unit_id))} · " + _("Hạng %(rank)s/%(peers)s %(level)s") % rank,
        _(
            "Điểm đạt là điểm chính thức: điểm thẩm định khi đơn vị đã được thẩm định, "
            "nếu không là điểm tự đánh giá."
        ),
    ]
    for number, text in enumerate(lines, start=1):
        font = Font(bold=number == 1, size=13 if number == 1 else 10)
        put(ws, number, 1, text, data_type="s", font=font)


def _rows(nodes: Iterable[NodeScore], depth: int = 0) -> Iterator[tuple[NodeScore, int]]:
    """Every node of ``nodes`` and below in order, with its depth (0: a group)."""
    for node in nodes:
        yield node, depth
        yield from _rows(node.children, depth + 1)


def _evidence(result: YearResult, unit_id: str, node: Node) -> str | None:
    """The evidence the unit cited for the node's inputs, each once, in input order."""
    submission = result.inputs.collection.submissions.get(unit_id)
    if submission is None:
        return None
    texts = ((submission.evidence.get(item.code) or "").strip() for item in node.inputs)
    return "; ".join(dict.fromkeys(text for text in texts if text)) or None


def _points(node: NodeScore | None, lang: str) -> float | str | None:
    if node is None:
        return None
    return node.points if node.applicable else i18n.translator(lang)("Không áp dụng")


def _node_row(
    ws: Worksheet,
    row: int,
    result: YearResult,
    unit_id: str,
    node: NodeScore,
    depth: int,
    lang: str,
) -> None:
    own = result.self_scores[unit_id].node(node.code)
    verified = (
        result.verified_scores[unit_id].node(node.code) if result.is_verified(unit_id) else None
    )
    column = 4 if node.is_criterion else min(depth + 2, 3)
    values: list[object] = [node.code, None, None, None]
    values[column - 1] = node.name
    criteria_node = result.official[unit_id].criteria.nodes.get(node.code)
    evidence = _evidence(result, unit_id, criteria_node) if criteria_node is not None else None
    values += [node.max, _points(own, lang), _points(verified, lang), _points(node, lang), evidence]
    ws.row_dimensions[row].height = _height(values)
    for number, value in enumerate(values, start=1):
        cell = put(ws, row, number, value, border=BOX, alignment=TOP)
        if isinstance(value, str):
            cell.data_type = "s"  # text from the inputs, even "=...", stays text
        elif isinstance(value, float | int):
            cell.number_format = "0.00"
        if not node.is_criterion:
            cell.font = Font(bold=depth == 0, italic=depth > 0)
            if depth == 0:
                cell.fill = GROUP_FILL


def _height(values: list[object]) -> float:
    """The row's height in points for its longest wrapped text: spreadsheet programs do
    not measure rows written by openpyxl, and wrapped lines would overlap the next row."""
    lines = 1
    for value, width in zip(values, WIDTHS, strict=False):
        if isinstance(value, str):
            lines = max(lines, math.ceil(len(value) * 1.1 / width))
    return 13.0 * lines + 2


def _total_row(ws: Worksheet, row: int, result: YearResult, unit_id: str, lang: str) -> None:
    _ = i18n.translator(lang)
    official = result.official[unit_id]
    own = result.self_scores[unit_id]
    verified = result.verified_scores[unit_id].total if result.is_verified(unit_id) else None
    values = [None, _("Tổng cộng"), None, None, official.max, own.total, verified, official.total]
    for number, value in enumerate(values, start=1):
        cell = put(ws, row, number, value, font=BOLD, border=BOX)
        if isinstance(value, float | int):
            cell.number_format = "0.00"


def _page_setup(ws: Worksheet, last_row: int) -> None:
    """A4 landscape, one page wide, the header row repeated on every page, page numbers."""
    for number, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(number)].width = width
    ws.freeze_panes = ws.cell(row=FIRST_ROW + 1, column=1)
    print_a4_landscape(ws, FIRST_ROW, f"A1:I{last_row}", 0.6)
    ws.oddFooter.right.text = "&P/&N"
    ws.oddFooter.left.text = "&A"
