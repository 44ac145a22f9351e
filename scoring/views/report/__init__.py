"""What the notebooks show: each section as data, then its presentation.

A report object (``UnitReport``, ``RankingReport``) hands out tidy pandas DataFrames
(``report.groups()``, ``report.gaps()``...) and small helpers that show one
(``report.groups_chart(groups)``, ``report.to_improve(gaps)``): an analyst can filter or
extend a frame with plain pandas before showing it, or show it another way. The HTML
lives in Jinja templates beside the page template (``scoring/views/templates/report``),
rendered with autoescaping, so no unit name, label or note from the inputs can inject
markup into a report. Fragments and charts carry ``_repr_html_`` / ``_repr_png_`` so a
notebook displays them by simply returning them, with no IPython import here.

Section headings carry no number: the stylesheet numbers them (a CSS counter), so
removing or reordering sections in a notebook renumbers the rest.

Every report records what it shows as a read of the build's snapshot
(``scoring.inputs.snapshot``): ``UnitReport.build`` records the digest of ``shown()``, so a
report is rebuilt when anything it shows changed, and an analyst reaching for the whole
scored year (``report.result``) makes the report depend on the whole year.

Modules, by job: ``base`` (fragments, charts, the Jinja environment, the base class),
``unit`` (``UnitReport``), ``previous`` (its comparison with last year),
``criteria_table`` (its criteria table), ``notice`` (the source notice and the
provenance), ``ranking`` (``RankingReport``). The names below are what notebooks and the
rest of the package import from ``scoring.views.report``.
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
