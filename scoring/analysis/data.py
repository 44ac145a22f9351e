"""The analyst's data API: scored years as tidy pandas DataFrames, one row per year and
unit (``load_totals``) or per year, unit and node (``load_scores``), so a notebook compares
years with plain pandas. Given a build's ``snapshot``, they answer from it and record the
years they handed out: a report showing them is rebuilt when those years' figures change.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from scoring.inputs.snapshot import ReadKind, digest
from scoring.inputs.source import Source, open_source
from scoring.text.errors import ScoringError

if TYPE_CHECKING:
    import pandas as pd

    from scoring.model.result import YearResult

TOTALS_COLUMNS = (
    "year level unit_id name self_total verified_total total max percent band band_position "
    "rank peers verified lineage"
).split()
SCORES_COLUMNS = (
    "year level unit_id name node node_name parent is_criterion self_points verified_points "
    "points max percent applicable"
).split()


def _results(source: Source, years: int | Iterable[int] | None) -> list[tuple[int, YearResult]]:
    """The scored years asked for; a year whose forms have errors raises when asked for
    by number, else is left out with a warning."""
    if years is None:
        wanted = source.years()
    else:
        wanted = [years] if isinstance(years, int) else sorted({int(y) for y in years})
    found = []
    for year in wanted:
        try:
            found.append((year, source.result(year)))
        except ScoringError as exc:
            if years is not None:
                raise
            warnings.warn(f"Năm {year} bị bỏ qua: {str(exc).splitlines()[0]}", stacklevel=3)
    return found


def totals_frame(result: YearResult, source: Source) -> pd.DataFrame:
    """One year's totals: one row per scored unit, columns ``TOTALS_COLUMNS``."""
    import pandas as pd

    lineage = source.changes()
    names = [b.name for b in result.inputs.criteria.bands]
    rows = []
    for unit in result.scored_units():
        off, band = result.official[unit.id], result.band(unit.id)
        verified = result.is_verified(unit.id)
        own, checked = result.self_scores[unit.id].total, off.total if verified else float("nan")
        who = [result.year, unit.level, unit.id, unit.name]
        figures = [own, checked, off.total, off.max, off.percent, band, names.index(band) + 1]
        ranked = [result.ranks[unit.id], result.peer_count(unit.id)]
        rows.append(who + figures + ranked + [verified, lineage.lineage_id(unit.id)])
    return pd.DataFrame(rows, columns=TOTALS_COLUMNS)


def scores_frame(result: YearResult) -> pd.DataFrame:
    """One year's scores: one row per unit and node, columns ``SCORES_COLUMNS``."""
    import pandas as pd

    rows = []
    for unit in result.scored_units():
        verified = result.is_verified(unit.id)
        own = {n.code: n for n in result.self_scores[unit.id].nodes()}
        score = result.official[unit.id]
        parents = {c.code: n.code for n in score.nodes() for c in n.children}
        who = [result.year, unit.level, unit.id, unit.name]
        for node in score.nodes():
            tree = [node.code, node.name, parents.get(node.code, ""), node.is_criterion]
            checked = node.points if verified else float("nan")
            percent = node.percent if node.applicable else float("nan")
            figures = [own[node.code].points, checked, node.points, node.max, percent]
            rows.append(who + tree + figures + [node.applicable])
    return pd.DataFrame(rows, columns=SCORES_COLUMNS)


def frame_digest(frame: pd.DataFrame) -> str:
    """A digest of a frame's values, the same in every process for the same data."""
    return digest(frame.to_json(orient="split", double_precision=12))


def _load(
    data_dir: str | Path, years: int | Iterable[int] | None, kind: ReadKind, snapshot: str
) -> pd.DataFrame:
    import pandas as pd

    source = open_source(data_dir, snapshot)
    totals = kind == ReadKind.TOTALS
    frames = []
    for year, result in _results(source, years):
        frames.append(totals_frame(result, source) if totals else scores_frame(result))
        source.record(kind, year)
    if not frames:
        return pd.DataFrame(columns=TOTALS_COLUMNS if totals else SCORES_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def load_totals(
    data_dir: str | Path, years: int | Iterable[int] | None = None, snapshot: str = ""
) -> pd.DataFrame:
    """One row per year and scored unit: ``year, level, unit_id, name, self_total,
    verified_total, total, max, percent, band, band_position, rank, peers, verified,
    lineage``.

    ``total`` is the official score (verified where the unit was verified, else
    self-assessed; ``verified_total`` NaN otherwise), ``percent`` is on the applicable
    maximum, ``band_position`` the band's place in the year's bands (1 = the best: compare
    bands across years by it), ``rank`` is within the level among ``peers`` units (ties
    share a rank), ``lineage`` the line of units across mergers, splits and renames
    (``groupby("lineage")`` follows a unit across years).

    ``years``: a year, a list of years, or None (every year with data); ``snapshot``: the
    notebook's parameter of that name (the build's scored data).
    """
    return _load(data_dir, years, ReadKind.TOTALS, snapshot)


def load_scores(
    data_dir: str | Path, years: int | Iterable[int] | None = None, snapshot: str = ""
) -> pd.DataFrame:
    """One row per year, scored unit and node of the criteria tree, in the tree's order:
    ``year, level, unit_id, name, node, node_name, parent, is_criterion, self_points,
    verified_points, points, max, percent, applicable``.

    ``node`` is the code ("A", "A1", "A1.1"), ``parent`` its parent's ("" for a group),
    ``is_criterion`` marks the leaves; ``points`` is official, ``verified_points`` NaN for
    a unit not verified; ``max`` is the applicable maximum (0 where the node does not
    apply, ``percent`` then NaN). ``years`` and ``snapshot`` as in ``load_totals``.
    """
    return _load(data_dir, years, ReadKind.SCORES, snapshot)
