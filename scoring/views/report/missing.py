"""The short report of a unit that sent no form in a year (``missing_report.ipynb``).

Such a unit is still assessed: ranked last with 0 points (bands.yaml ``missing:
rank_last``) or left out (``missing: exclude``). Its head reads why: what was expected,
where, what it means for the rank, and what last year's result was."""

from __future__ import annotations

import functools
from typing import Any, ClassVar

from scoring.inputs import params
from scoring.inputs.snapshot import ReadKind
from scoring.model.criteria import LEVEL_NAMES_VI
from scoring.model.result import YearResult
from scoring.text.i18n import N_
from scoring.views.report.base import Fragment, _OfUnit, cset_view
from scoring.views.report.notice import source_notice, sources


class MissingReport(_OfUnit):
    """What the report of a unit without a form shows."""

    SECTIONS: ClassVar[dict[str, str]] = {"provenance": N_("Cách lập báo cáo")}
    READ = ReadKind.MISSING

    def __repr__(self) -> str:
        return f"MissingReport({self.unit_id}, {self._view['year']}, lang={self.lang!r})"

    @staticmethod
    def _unit_id(value: object, result: YearResult) -> str:
        missing = [u.id for u in result.missing_units()]
        hint = "Báo cáo của đơn vị đã nộp phiếu: unit_report.ipynb"
        return params.unit_id(value, missing, result.year, hint, missing=True)

    @functools.cached_property
    def _view(self) -> dict[str, Any]:
        """Plain data: everything the report shows (computed once per report)."""
        result, uid = self._result, self.unit_id
        unit = result.unit(uid)
        cset = result.inputs.criteria.for_level(unit.level)
        prev = self._source.previous(result)
        last = None
        if prev is not None and uid in prev.official:
            p = prev.official[uid]
            last = {
                "year": prev.year,
                "total": p.total,
                "max": p.max,
                "rank": prev.ranks[uid],
                "peers": prev.peer_count(uid),
                "band": prev.band(uid),
                "verified": prev.is_verified(uid),
            }
        elif prev is not None and uid in prev.inputs.units_by_id and prev.is_missing(uid):
            last = {"year": prev.year, "missing": True}
        return {
            "year": result.year,
            "unit": {"id": unit.id, "name": unit.name, "level": unit.level},
            "cset": cset_view(cset),
            "rank": result.ranks.get(self.unit_id),
            "peers": result.peer_count(self.unit_id),
            "missing_peers": len(result.missing.get(unit.level, [])),
            "ranked": result.ranks_missing,
            "expected": f"data/{result.year}/submissions/{unit.id}.xlsx",
            "last": last,
            "note": self._note(self.unit_id),
            "notice": str(source_notice(result.inputs.criteria, [unit.level], self.lang)),
            "sources": sources(result, cset),
        }

    def header(self) -> Fragment:
        """The heading, "Chưa nộp phiếu", the rank it leaves the unit with, and why."""
        view = self._view
        header = self._render(
            "missing_header.html.j2",
            view=view,
            unit=view["unit"],
            cset=view["cset"],
            level_name=self._(LEVEL_NAMES_VI[view["unit"]["level"]]),
            date=view["sources"]["date"],
        )
        return Fragment(header + view["notice"])

    def provenance(self) -> Fragment:
        return self._render("missing_provenance.html.j2", **self._view["sources"])
