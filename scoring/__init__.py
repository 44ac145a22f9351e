"""Scoring and ranking of e-government maturity against a criteria set.

The core (criteria, units, forms, rules, scores, ranks) has no dependency on the
rendering layer in ``scoring.render`` (papermill, nbconvert, Typst), which sits on
top of it. In a report notebook, pass its ``snapshot`` parameter on (``snapshot=snapshot``):
the figures are then the build's, and the report is rebuilt when they change.

For analysts in a notebook (see the README, "Analysing in a notebook")::

    import scoring
    totals = scoring.load_totals("../data")          # every year with data
    scores = scoring.load_scores("../data", 2018)    # one row per unit and node

Importing ``scoring`` stays light (no pandas) so a build with nothing to do is fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    import pandas as pd

__version__ = "0.1.0"
__all__ = ["load_scores", "load_totals"]


def __dir__() -> list[str]:
    """What an analyst can use: ``dir(scoring)`` listed ``Path``, ``Iterable`` and the
    like (issue 30)."""
    return sorted([*__all__, "__version__"])


def load_totals(
    data_dir: str | Path, years: int | Iterable[int] | None = None, snapshot: str = ""
) -> pd.DataFrame:
    """One row per year and scored unit: ``year, level, unit_id, name, self_total,
    verified_total, total, max, percent, band, band_position, rank, peers, verified,
    lineage``.

    ``band_position`` is the band's place in the year's bands (1 = the best: compare bands
    across years by it), ``lineage`` the line of units a unit belongs to across mergers,
    splits and renames (``groupby("lineage")`` follows it across years).

    ``years``: a year, a list of years, or None (every year with data). More in
    ``scoring.analysis.data.load_totals``.
    """
    from scoring.analysis.data import load_totals as load

    return load(data_dir, years, snapshot)


def load_scores(
    data_dir: str | Path, years: int | Iterable[int] | None = None, snapshot: str = ""
) -> pd.DataFrame:
    """One row per year, scored unit and node of the criteria tree: ``year, level,
    unit_id, name, node, node_name, parent, is_criterion, self_points, verified_points,
    points, max, percent, applicable``.

    ``years``: a year, a list of years, or None (every year with data). More in
    ``scoring.analysis.data.load_scores``.
    """
    from scoring.analysis.data import load_scores as load

    return load(data_dir, years, snapshot)
