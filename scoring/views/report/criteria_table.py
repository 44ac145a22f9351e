"""The unit report's last section: every node of the criteria tree with what the unit
reported, its points, and last year's points where comparable like for like."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.model.criteria import Node
from scoring.model.result import YearResult
from scoring.views.report.base import (
    Fragment,
    _frame,
    _number_or_none,
    _records,
    format_value,
    render,
)

if TYPE_CHECKING:
    import pandas as pd

    from scoring.analysis.compare import Comparison


def _row_class(node: Node, groups: set[str]) -> str:
    """How a criteria-table row is styled: a group, a sub-group, or a criterion (leaf)."""
    if node.code in groups:
        return "group"
    return "subgroup" if node.children else "criterion"


def criteria_rows(
    result: YearResult, unit_id: str, cmp: Comparison | None, lang: str = "vi"
) -> pd.DataFrame:
    """Every node of the tree in order: ``code, name, kind`` (group, subgroup,
    criterion), ``inputs`` (what the unit reported, as shown), ``points``,
    ``full_max``, ``applicable``, ``reconstructed`` (the criteria file marks the node's
    content as a reconstruction, not a published text), ``previous`` (last year's points
    where the criterion is comparable like for like, ``scoring.analysis.compare``; else None).
    """
    score = result.official[unit_id]
    cset = score.criteria
    values = result.official_values(unit_id)
    groups = {g.code for g in cset.groups}
    before = {}
    if cmp is not None and cmp.single:  # groups and like-for-like criteria
        before = {r.code: r.prev_points for r in [*cmp.groups, *cmp.criteria]}
    rows = []
    for node in score.nodes():
        spec = cset.nodes[node.code]
        inputs = [
            (
                i.label + (f" ({i.unit})" if i.unit else ""),
                format_value(values.get(i.code), i.kind, lang),
            )
            for i in spec.inputs
        ]
        rows.append(
            {
                "code": node.code,
                "name": node.name,
                "kind": _row_class(spec, groups),
                "inputs": inputs,
                "points": node.points,
                "full_max": node.full_max,
                "applicable": node.applicable,
                "reconstructed": bool(spec.reconstructed),
                "previous": before.get(node.code),
            }
        )
    columns = ["code", "name", "kind", "inputs", "points", "full_max", "applicable"]
    return _frame(rows, [*columns, "reconstructed", "previous"])


def criteria_table(rows: pd.DataFrame, year: int, lang: str = "vi") -> Fragment:
    """The table of ``criteria_rows`` (filtered or sorted as the analyst likes)."""
    records = _records(rows)
    for r in records:  # a DataFrame turns a missing value into NaN
        r["previous"] = _number_or_none(r.get("previous"))
    return render(
        "criteria.html.j2",
        lang,
        rows=records,
        prev_year=year - 1,
        compared=any(r["previous"] is not None for r in records),
    )
