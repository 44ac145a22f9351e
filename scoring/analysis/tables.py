"""The year's tables: ``scores.csv`` (one row per unit) and ``criteria_scores.csv`` (one row
per unit and node), rounded as the reports show them, safe to open in Excel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from scoring.io import write_bytes

if TYPE_CHECKING:
    import pandas as pd

    from scoring.inputs.units import Unit
    from scoring.model.result import YearResult


def scores_table(result: YearResult) -> pd.DataFrame:
    """One row per unit assessed: scored ones level by level, then those without a form
    (``status`` missing: 0 points of the level's full maximum, no band; ranked last, or
    without a rank when bands.yaml says ``missing: exclude``)."""
    import pandas as pd

    rows = [_row(result, unit, False) for unit in result.scored_units()]
    rows += [_row(result, unit, True) for unit in result.missing_units()]
    table = pd.DataFrame(rows)
    for column in ("rank", "rank_p05", "rank_median", "rank_p95"):
        if column in table:
            table[column] = table[column].astype("Int64")  # blank, not "8.0", when unranked
    return table


def _row(result: YearResult, unit: Unit, missing: bool) -> dict[str, object]:
    """A unit's row; one without a form (``missing``) has 0 points of its level's full
    maximum, no self-assessment, no band, and its rank (if any) in every rank column."""
    rank = result.ranks.get(unit.id)
    if missing:
        cset = result.inputs.criteria.for_level(unit.level)
        groups = [(g.code, 0.0, g.max) for g in cset.groups]
        total, maximum, percent, band, own, verified = 0.0, cset.max, 0.0, "", None, False
        spread: tuple[object, ...] = (rank, rank, rank, None)
    else:
        off = result.official[unit.id]
        groups = [(g.code, g.points, g.max) for g in off.groups]
        total, maximum, percent, band = off.total, off.max, off.percent, result.band(unit.id)
        own, verified = result.self_scores[unit.id].total, result.is_verified(unit.id)
        robust = result.robustness(unit.level).units[unit.id]
        stability = round(robust.band_stability, 4)
        spread = (robust.rank_p05, robust.rank_median, robust.rank_p95, stability)
    row: dict[str, object] = {"unit_id": unit.id, "name": unit.name, "level": unit.level}
    row |= {code: points for code, points, _ in groups}
    row |= {f"{code}_max": group_max for code, _, group_max in groups}
    row |= {
        "total": total,
        "max": maximum,
        "percent": percent,
        "band": band,
        "rank": rank,
        "peers": result.peer_count(unit.id),
        "self_total": own,
        "verified": verified,
        "verified_total": total if verified else None,
        "difference": total - own if verified and own is not None else None,
        "status": "missing" if missing else "submitted",
    }
    return row | dict(
        zip(("rank_p05", "rank_median", "rank_p95", "band_stability"), spread, strict=True)
    )


def criteria_table(result: YearResult) -> pd.DataFrame:
    rows = []
    for unit in result.scored_units():
        own = {n.code: n for n in result.self_scores[unit.id].nodes()}
        for node in result.official[unit.id].nodes():
            verified = result.is_verified(unit.id)
            rows.append(
                {
                    "unit_id": unit.id,
                    "code": node.code,
                    "name": node.name,
                    "is_criterion": node.is_criterion,
                    "applicable": node.applicable,
                    "points": node.points,
                    "max": node.max,
                    "full_max": node.full_max,
                    "self_points": own[node.code].points,
                    "verified_points": node.points if verified else None,
                    "difference": node.points - own[node.code].points if verified else None,
                }
            )
    import pandas as pd

    return pd.DataFrame(rows)


def write_scores(result: YearResult, folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``scores.csv`` and ``criteria_scores.csv`` of the year, written atomically."""
    scores, details = scores_table(result), criteria_table(result)
    write_bytes(folder / "scores.csv", csv_bytes(rounded(scores)))
    write_bytes(folder / "criteria_scores.csv", csv_bytes(rounded(details)))
    return scores, details


# Decimals a figure is shown with in the reports (scoring.text.numfmt): points 2, percent 1.
SHOWN_DECIMALS = {"percent": 1, "band_stability": 3}


def rounded(table: pd.DataFrame) -> pd.DataFrame:
    """The table's figures as the reports show them: scores.csv held 92.49310409552783
    where every report says 92,49 (issue 30). Ranks stay those of the exact scores."""
    out = table.copy()
    for column in out.columns:
        if out[column].dtype.kind == "f":
            out[column] = out[column].round(SHOWN_DECIMALS.get(str(column), 2))
    return out


# A text cell starting with one of these is a formula to Excel, even in a CSV file.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(table: pd.DataFrame) -> bytes:
    """A table as CSV that Excel opens as written: UTF-8 with a BOM (so Vietnamese shows),
    and "'" (Excel's text mark) before text like "=..." so a unit name never runs as a formula."""
    import pandas as pd

    safe = table.copy()
    for column in safe.columns:
        values = safe[column]
        if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
            try:
                formula = values.str.startswith(FORMULA_START, na=False).astype(bool)
            except AttributeError:  # no text in the column (None and numbers)
                continue
            if formula.any():  # a cell by cell map took a second on 40 000 rows
                safe.loc[formula, column] = "'" + values[formula]
    return safe.to_csv(index=False).encode("utf-8-sig")
