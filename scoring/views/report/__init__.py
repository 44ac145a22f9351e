"""What the notebooks show: a report object (``UnitReport``, ``RankingReport``) hands out
tidy DataFrames (``report.groups()``...) and helpers that show one
(``report.groups_chart(groups)``), so an analyst can filter a frame with pandas first. The
HTML lives in autoescaped Jinja templates (``templates/report``): no input can inject
markup. Headings carry no number (the stylesheet counts them), so a notebook can remove or
reorder sections. Each report computes its view once (``_view``: plain data) and its
helpers render from it alone; its digest (``shown()``) is the report's read in the build's
key, so the report is rebuilt exactly when what it shows changes."""

from __future__ import annotations

from scoring.views.report.base import LEVEL_TITLES, markdown_html
from scoring.views.report.notice import source_notice
from scoring.views.report.ranking import RankingReport
from scoring.views.report.unit import UNIT_SECTIONS, UnitReport

__all__ = [
    "LEVEL_TITLES",
    "UNIT_SECTIONS",
    "RankingReport",
    "UnitReport",
    "markdown_html",
    "source_notice",
]
