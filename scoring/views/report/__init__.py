"""What the notebooks show: each section as data, then its presentation.

A report object (``UnitReport``, ``RankingReport``) hands out tidy DataFrames
(``report.groups()``...) and helpers that show one (``report.groups_chart(groups)``), so an
analyst can filter a frame with pandas before showing it. The HTML lives in autoescaped
Jinja templates (``scoring/views/templates/report``): no name or note from the inputs can
inject markup. Headings carry no number (the stylesheet counts them), so a notebook can
remove or reorder sections. Each report records what it shows (``shown()``) as a read of
the build's snapshot: it is rebuilt when that changes.
"""

from __future__ import annotations

from scoring.views.report.base import (
    LEVEL_TITLES,
    UNNUMBERED,
    Fragment,
    Png,
    band_class,
    band_names,
    format_value,
    markdown_html,
    render,
)
from scoring.views.report.notice import provenance, source_notice
from scoring.views.report.ranking import RankingReport
from scoring.views.report.unit import UNIT_SECTIONS, UnitReport

__all__ = [
    "LEVEL_TITLES",
    "UNIT_SECTIONS",
    "UNNUMBERED",
    "Fragment",
    "Png",
    "RankingReport",
    "UnitReport",
    "band_class",
    "band_names",
    "format_value",
    "markdown_html",
    "provenance",
    "render",
    "source_notice",
]
