"""The unit report's comparison with the year before, like for like (``scoring.analysis.compare``).

The unit itself or what it was formed from (``scoring.inputs.lineage``), criteria compared one
by one where unchanged, each figure's basis (verified or self-assessed), and the cases a
reader must be told about: last year's data unreadable, no form sent last year.
"""

from __future__ import annotations

from scoring.analysis.compare import Comparison, became, compare, load_mapping
from scoring.inputs.lineage import KIND_NAMES_VI
from scoring.inputs.source import Source
from scoring.model.result import YearResult
from scoring.views.report.base import Fragment, render


def comparison(result: YearResult, unit_id: str, source: Source) -> Comparison | None:
    """Last year against this one, for ``unit_id`` (None when there is no year before)."""
    mapping = load_mapping(result.inputs.data_dir, result.year)
    return compare(result, source.previous(result), unit_id, source.changes(), mapping)


def missing_last_year(result: YearResult, unit_id: str, source: Source) -> list[object] | None:
    """[rank, peers] (rank None when left out) when the unit was valid last year but
    sent no form; else None."""
    prev = source.previous(result)
    if prev is None or unit_id not in prev.inputs.units_by_id:
        return None
    if not prev.is_missing(unit_id):
        return None
    return [prev.ranks.get(unit_id), prev.peer_count(unit_id)]


def previous_year(
    result: YearResult, unit_id: str, cmp: Comparison | None, source: Source, lang: str = "vi"
) -> Fragment:
    """The section "So sánh với năm trước"."""
    return render(
        "previous.html.j2",
        lang,
        cmp=cmp,
        became=became(result, unit_id, source.changes()),
        kinds=KIND_NAMES_VI,
        year=result.year,
        unreadable=source.previous_unreadable(result),
        sent_none=missing_last_year(result, unit_id, source),
    )
