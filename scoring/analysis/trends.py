"""Trends across every year with data: the tables behind ``reports/trends.html``.

Core module (pandas, no rendering): one frame per view, built on the analyst's API
(``load_totals``, ``load_scores``) so that the trends page and a notebook agree. Units are
followed through their ``lineage`` (``scoring.inputs.lineage``): a merged ward and what it
came from are one line, Điền Công's 2019 band is compared with Trưng Vương's 2020 one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.model.criteria import CITY_LEVEL, LEVELS

if TYPE_CHECKING:
    import pandas as pd

LINEAGE_COLUMNS = "lineage level year unit_id name percent rank peers band verified".split()


def lineages(totals: pd.DataFrame) -> pd.DataFrame:
    """``LINEAGE_COLUMNS``, sorted by level, lineage and year."""
    order = {level: n for n, level in enumerate(LEVELS)}
    frame = totals[LINEAGE_COLUMNS].copy()
    frame["_order"] = frame["level"].map(order).fillna(9)
    frame = frame.sort_values(["_order", "lineage", "year", "unit_id"]).drop(columns="_order")
    return frame.reset_index(drop=True)


def city_groups(scores: pd.DataFrame) -> pd.DataFrame:
    """The district-level unit's percent per group (rows) and year (columns)."""
    groups = scores[(scores["level"] == CITY_LEVEL) & (scores["parent"] == "")]
    return groups.pivot_table(index="node", columns="year", values="percent", aggfunc="mean")


def band_moves(totals: pd.DataFrame) -> pd.DataFrame:
    """``year, lineage, name, before, after, direction`` (+1 up, -1 down): every band change
    between consecutive years: a unit against itself, a unit formed by a change against its
    lineage's units of the year before (bands joined, "Yếu, Tốt": up when above them all,
    down when below them all). Bands compare by their place in their own year's bands
    (``band_position``), so differently named bands compare correctly; a year adding a band
    above the others moves its old top band down a place."""
    import pandas as pd

    rows = []
    years = sorted(totals["year"].unique())
    for before_year, year in zip(years, years[1:], strict=False):
        now = totals[totals["year"] == year]
        prev = totals[totals["year"] == before_year]
        for _, unit in now.iterrows():
            earlier = prev[prev["unit_id"] == unit["unit_id"]]  # itself, when it was there
            if earlier.empty:  # else what it was formed from
                earlier = prev[prev["lineage"] == unit["lineage"]]
            if earlier.empty:
                continue
            best = int(earlier["band_position"].min())  # 1 = the year's best band
            worst = int(earlier["band_position"].max())
            here = int(unit["band_position"])
            direction = 1 if here < best else (-1 if here > worst else 0)
            if not direction:
                continue
            before = ", ".join(dict.fromkeys(earlier["band"]))
            rows.append([int(year), unit["lineage"], unit["name"], before, unit["band"], direction])
    columns = ["year", "lineage", "name", "before", "after", "direction"]
    return pd.DataFrame(rows, columns=columns)
