"""Scoring and ranking of e-government maturity against a criteria set.

For analysts in a notebook (README, "Analysing in a notebook")::

    import scoring
    totals = scoring.load_totals("../data")          # every year with data
    scores = scoring.load_scores("../data", 2018)    # one row per unit and node

In a report notebook, pass its ``snapshot`` parameter on (``snapshot=snapshot``): the
figures are then the build's, and the report is rebuilt when they change. Importing
``scoring`` stays light (no pandas) so a build with nothing to do is fast: the two
functions of ``scoring.analysis.data`` are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.analysis.data import load_scores, load_totals

__version__ = "0.1.0"
__all__ = ["load_scores", "load_totals"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from scoring.analysis import data

        return getattr(data, name)
    raise AttributeError(f"module 'scoring' has no attribute {name!r}")


def __dir__() -> list[str]:
    """Only what an analyst can use, not the imports."""
    return sorted([*__all__, "__version__"])
