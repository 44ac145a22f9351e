"""The ranking report: what ``notebooks/ranking.ipynb`` shows of one year, city-wide, per
level: the table, the bars, the heat map, the leaders' first page
(``scoring.analysis.summary``), how the forms came in; each as data and a helper."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scoring.inputs.snapshot import ReadKind
from scoring.model.criteria import LEVELS
from scoring.text import i18n, numfmt
from scoring.text.i18n import N_
from scoring.views.report.base import (
    LEVEL_TITLES,
    Fragment,
    Png,
    _records,
    _Speaks,
    band_class,
    cset_view,
)
from scoring.views.report.notice import source_notice

if TYPE_CHECKING:
    import pandas as pd


class RankingReport(_Speaks):
    """The city-wide ranking of one year: one peer group per level."""

    SECTIONS: ClassVar[dict[str, str]] = {"submissions": N_("Tình hình nộp phiếu")}

    def __repr__(self) -> str:
        year, count = self._view["year"], self._view["count"]
        return f"RankingReport({year}, {count} units, lang={self.lang!r})"

    @classmethod
    def build(
        cls, data_dir: str | Path, year: int, lang: str = "vi", snapshot: str = ""
    ) -> RankingReport:
        """The year's ranking; ``snapshot``: the notebook's parameter (the build's)."""
        source, result = cls._open(data_dir, year, snapshot)
        source.record(ReadKind.RANKING, result.year, i18n.check(lang))
        return cls(result, lang, source)

    @functools.cached_property
    def _view(self) -> dict[str, Any]:
        """Everything the ranking's helpers show, as plain data, computed once: they render
        from it alone, so its digest (``shown()``) is what the ranking shows."""
        result, criteria = self._result, self._result.inputs.criteria
        csets = {lv: criteria.for_level(lv) for lv in result.levels()}
        levels = {lv: self._level(lv) for lv in csets}
        return {
            "year": result.year,
            "count": len(result.official),
            "levels": levels,
            "sets": [
                {"level_name": levels[lv]["title"], "cset": cset_view(c)} for lv, c in csets.items()
            ],
            "legal": list(dict.fromkeys(line for c in csets.values() for line in c.legal_basis)),
            "bands": [b.model_dump() for b in criteria.bands],
            "rank_by": criteria.ranking.rank_by,
            "missing": criteria.ranking.missing,
            "notice": str(source_notice(criteria, csets, self.lang)),
            "summary": self._summary_data(),
            "submissions": self._submissions(),
            "note": self._note("ranking"),
        }

    def _level(self, level: str) -> dict[str, Any]:
        """One level's rows and what its table, bars and heat map show besides."""
        result, cset = self._result, self._result.inputs.criteria.for_level(level)
        subgroups = [s.code for g in cset.groups for s in g.children if not s.is_criterion]
        grid = {}
        for uid in result.peers.get(level, []):
            score = result.official[uid]
            grid[uid] = [
                score.node(c).percent if score.node(c).applicable else None for c in subgroups
            ]
        excluded = [] if result.ranks_missing else result.missing.get(level, [])
        return {
            "title": self._(LEVEL_TITLES[level]),
            "max": cset.max,
            "groups": [g.code for g in cset.groups],
            "subgroups": subgroups,
            "rows": self._rows(level),
            "excluded": [result.unit(u).name for u in excluded],
            "shifts": list(result.robustness(level).group_shift.items()),
            "grid": grid,
        }

    def _rows(self, level: str) -> list[dict[str, Any]]:
        """The level's ranked units, best first (those without a form last, when ranked)."""
        result = self._result
        rows = [self._row(uid, sent=True) for uid in result.peers.get(level, [])]
        rows.sort(key=lambda r: (r["rank"], r["name"]))
        if result.ranks_missing:
            rows += [self._row(uid, sent=False) for uid in result.missing.get(level, [])]
        return rows

    def _change(self, uid: str) -> str:
        """The move since last year; "–" if either rank is a missing form's (no real move)."""
        prev = self._source.previous(self._result)
        if prev is None or prev.ranks.get(uid) is None or uid not in self._result.ranks:
            return "–"
        if self._result.is_missing(uid) or prev.is_missing(uid):
            return "–"
        moved = prev.ranks[uid] - self._result.ranks[uid]
        return "=" if moved == 0 else (f"↑{moved}" if moved > 0 else f"↓{-moved}")

    def _row(self, uid: str, sent: bool) -> dict[str, Any]:
        """A unit's row; one without a form (not ``sent``): 0 points of the level's full
        maximum, its rank (last, or None) as its whole range."""
        result = self._result
        level = result.unit(uid).level
        cset = result.inputs.criteria.for_level(level)
        score = result.official[uid] if sent else None
        robust = result.robustness(level).units[uid] if sent else None
        rank = result.ranks.get(uid)
        zeros = {g.code: 0.0 for g in cset.groups}
        return {
            "unit_id": uid,
            "name": result.unit(uid).name,
            "rank": rank,
            "total": score.total if score else 0.0,
            "max": score.max if score else cset.max,
            "percent": score.percent if score else 0.0,
            "band": result.band(uid) if sent else "",
            "status": "submitted" if sent else "missing",
            "change": self._change(uid),
            "verified": sent and result.is_verified(uid),
            "rank_p05": robust.rank_p05 if robust else rank,
            "rank_median": robust.rank_median if robust else rank,
            "rank_p95": robust.rank_p95 if robust else rank,
            "band_stability": robust.band_stability if robust else None,
            "groups": {g.code: g.points for g in score.groups} if score else zeros,
        }

    def _summary_data(self) -> dict[str, object]:
        """The first page's data (``scoring.analysis.summary``)."""
        from scoring.analysis import summary

        prev = self._source.previous(self._result)
        return {
            "counts": summary.band_counts(self._result),
            "weakest": summary.weakest_criteria(self._result),
            "movers": summary.movers(self._result, prev),
            "attention": summary.attention(self._result, prev),
            "prev_year": prev.year if prev is not None else None,
        }

    def _submissions(self) -> list[tuple[str, object]]:
        """How the forms came in: each count's label and its units (names, or ids expected)."""
        coll = self._result.inputs.collection
        names = {u.id: u.name for u in self._result.inputs.units}
        warned = sorted(
            {p.unit_id for p in coll.warnings if p.unit_id and p.unit_id in coll.submissions}
        )
        verified = [names[u] for u in sorted(coll.submissions) if u in coll.verifications]
        return [
            (N_("Phải nộp"), list(coll.expected)),
            (N_("Đã nộp"), sorted(coll.submissions)),
            ("Đã thẩm định", verified),
            (N_("Chưa nộp"), [names.get(u, u) for u in coll.missing]),
            (N_("Có cảnh báo"), [names.get(u, u) for u in warned]),
        ]

    # -- data and presentation ----------------------------------------------------------

    def levels(self) -> list[str]:
        return list(self._view["levels"])

    def level_title(self, level: str) -> Fragment:
        view = self._view["levels"][level]
        return self._render("level_title.html.j2", title=view["title"], max=view["max"])

    def header(self) -> Fragment:
        return Fragment(self._render("ranking_header.html.j2", **self._view) + self._view["notice"])

    def rows(self, level: str) -> pd.DataFrame:
        """The level's ranking, best first: ``unit_id, name, rank, total, max, percent,
        band, status`` ("submitted"; "missing": no form, ranked last with 0 points unless
        bands.yaml excludes it), ``change`` ("↑2", "=", "–"), ``verified``, the rank's 90 %
        range and one column per group's points."""
        import pandas as pd

        view = self._view["levels"][level]
        rows = view["rows"]
        frame = pd.DataFrame([{k: v for k, v in r.items() if k != "groups"} for r in rows])
        for code in view["groups"]:
            frame[code] = [r["groups"].get(code) for r in rows]
        return frame

    def excluded(self, level: str) -> list[str]:
        """Names of the level's units without a form left out (``missing: exclude``)."""
        return list(self._view["levels"][level]["excluded"])

    def _band_names(self) -> list[str]:
        return [b["name"] for b in self._view["bands"]]

    def table(self, level: str, rows: pd.DataFrame | None = None) -> Fragment:
        """The level's ranking table (``rows(level)``, filtered or sorted as you like)."""
        view = self._view["levels"][level]
        groups, names = view["groups"], self._band_names()
        records = _records(self.rows(level) if rows is None else rows)
        for r in records:
            missing = r.get("status") == "missing"
            r["band_slug"] = "missing" if missing else band_class(names, str(r["band"]))
            r["groups"] = {code: r.get(code) for code in groups}
        sent = [r for r in records if r.get("status") != "missing"]
        full_max = view["max"]
        totals = [float(r["total"]) for r in sent]  # type: ignore[arg-type]
        pcts = [float(r["percent"]) for r in sent]  # type: ignore[arg-type]
        counts = dict.fromkeys(names, 0)
        for r in sent:
            counts[str(r["band"])] += 1
        return self._render(
            "level_table.html.j2",
            rows=records,
            groups=groups,
            sent=len(sent),
            missing=len(records) - len(sent),
            excluded=self.excluded(level),
            reduced=any(float(r["max"]) < full_max - 1e-9 for r in sent),  # type: ignore[arg-type]
            full_max=full_max,
            mean=sum(totals) / len(totals) if totals else 0.0,
            mean_pct=sum(pcts) / len(pcts) if pcts else 0.0,
            high=max(totals, default=0.0),
            low=min(totals, default=0.0),
            band_counts=list(counts.items()),
            shifts=view["shifts"],
            unverified=any(not r["verified"] and r.get("status") != "missing" for r in records),
        )

    def chart(self, level: str) -> list[Png]:
        """What the level is ranked on (percent, or ``rank_by: total``) as bars, best first."""
        view = self._view["levels"][level]
        rows, by_total = view["rows"], self._view["rank_by"] == "total"
        from scoring.views import charts

        names = [str(r["name"]) for r in rows]
        on = [float(r["total" if by_total else "percent"]) for r in rows]
        bands = [str(r["band"]) or N_("Chưa nộp phiếu") for r in rows]  # the chart translates
        top = view["max"] if by_total else 100.0
        labels = [self._bar_label(r, by_total) for r in rows]
        axis = None
        if not by_total:
            axis = self._("Tỷ lệ điểm đạt trên điểm tối đa áp dụng (%), căn cứ xếp hạng")
        pngs = charts.totals_by_band(
            names, on, bands, top, self._band_names(), self.lang, labels, axis, self._cache
        )
        return [Png(png, view["title"]) for png in pngs]

    def _bar_label(self, row: dict[str, object], by_total: bool) -> str:
        """ "150,77/170" at a bar's end, with the percent the rank is on when it is."""
        if row["status"] == "missing":
            return self._("Chưa nộp phiếu")
        total, top = float(row["total"]), float(row["max"])  # type: ignore[arg-type]
        text = f"{numfmt.points(total, self.lang)}/{numfmt.maximum(top, self.lang)}"
        if by_total:
            return text
        return f"{text} · {numfmt.percent(float(row['percent']), lang=self.lang)}"  # type: ignore[arg-type]

    def heatmap(self, level: str) -> list[Png]:
        """The units that sent a form × sub-groups, in percent of maximum."""
        view = self._view["levels"][level]
        rows = [r for r in view["rows"] if r["status"] != "missing"]
        grid = [view["grid"][r["unit_id"]] for r in rows]
        from scoring.views import charts

        names, subs = [str(r["name"]) for r in rows], view["subgroups"]
        return [
            Png(png, view["title"])
            for png in charts.heatmap(names, subs, grid, lang=self.lang, cache=self._cache)
        ]

    def summary(self) -> Fragment:
        """The leaders' first page: units per band and level, the five weakest criteria, the
        units that moved most since last year, the units needing attention."""
        level_names = {lv: self._(LEVEL_TITLES[lv]) for lv in LEVELS}
        return self._render(
            "summary.html.j2",
            year=self._view["year"],
            bands=self._band_names(),
            levels=level_names,
            notice=Fragment(self._view["notice"]),
            **self._view["summary"],
        )

    def submissions(self) -> Fragment:
        # the names follow the table as paragraphs: a row could grow taller than a page
        return self._render(
            "submissions.html.j2",
            counts=self._view["submissions"],
            listed=("Đã thẩm định", "Chưa nộp", "Có cảnh báo"),
        )
