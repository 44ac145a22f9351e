"""The unit report (``unit_report.ipynb``): each section as data and a helper that shows it."""

from __future__ import annotations

import functools
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, ClassVar

from scoring.analysis.compare import became, compare, load_mapping
from scoring.inputs import params
from scoring.inputs.lineage import KIND_NAMES_VI
from scoring.inputs.snapshot import ReadKind
from scoring.model.criteria import LEVEL_NAMES_VI, CriteriaSet
from scoring.model.result import YearResult
from scoring.model.scores import NodeScore, UnitScore
from scoring.text.i18n import N_
from scoring.views.report import notice
from scoring.views.report.base import (
    Fragment,
    Png,
    _frame,
    _OfUnit,
    _records,
    band_class,
    cset_view,
    format_value,
)

if TYPE_CHECKING:
    import pandas as pd

    from scoring.analysis.compare import Comparison


UNIT_SECTIONS = {
    "groups": N_("Điểm theo nhóm tiêu chí"),
    "peers": N_("So sánh với các đơn vị cùng cấp"),
    "to_improve": N_("Các tiêu chí chưa đạt điểm tối đa, cần khắc phục"),
    "verification": N_("Tự đánh giá và thẩm định"),
    "previous": N_("So sánh với năm trước"),
    "criteria": N_("Điểm chi tiết từng tiêu chí"),
    "provenance": N_("Cách lập báo cáo"),
}


class UnitReport(_OfUnit):
    """Everything the unit report shows, for one unit of one year."""

    SECTIONS: ClassVar[dict[str, str]] = UNIT_SECTIONS
    READ = ReadKind.UNIT

    def __repr__(self) -> str:
        year = self._result.year
        return f"UnitReport({self.unit_id} {self.unit.name!r}, {year}, lang={self.lang!r})"

    @staticmethod
    def _unit_id(value: object, result: YearResult) -> str:
        hint = ""
        if result.missing:
            listed = ", ".join(u.id for u in result.missing_units())
            hint = f"Đơn vị chưa nộp phiếu ({listed}): báo cáo do missing_report.ipynb lập"
        return params.unit_id(value, result.official, result.year, hint)

    @property
    def score(self) -> UnitScore:
        return self._result.official[self.unit_id]

    @property
    def cset(self) -> CriteriaSet:
        return self.score.criteria

    @property
    def level_name(self) -> str:
        return str(self._view["level_name"])

    @functools.cached_property
    def _view(self) -> dict[str, Any]:
        """Everything the helpers show, as plain data, computed once: they render from it
        alone, so its digest (``shown()``) is what the report shows."""
        result, uid, cset, unit = self._result, self.unit_id, self.cset, self.unit
        band, nodes, criteria = result.band(uid), self._nodes(), result.inputs.criteria
        subgroups = [
            {
                "code": s.code,
                "name": s.name,
                "percent": s.percent,
                "applicable": s.applicable,
                "peer_mean": float(m),
            }
            for s, m in zip(self._subgroups(), self._peer_means(), strict=True)
        ]
        score = {
            "total": self.score.total,
            "max": self.score.max,
            "percent": self.score.percent,
            "groups": [n for n in nodes if n["kind"] == "group"],
        }
        return {
            "year": result.year,
            "unit": {"id": uid, "name": unit.name, "level": unit.level},
            "level_name": self._(LEVEL_NAMES_VI[unit.level]),
            "cset": cset_view(cset),
            "score": score,
            "nodes": nodes,
            "subgroups": subgroups,
            "band": self._(band),
            "band_slug": band_class([b.name for b in criteria.bands], band),
            "rank": result.ranks[uid],
            "peers": result.peer_count(uid),
            "scored_peers": len(result.peer_ids(uid)),
            "verified": result.is_verified(uid),
            "rank_rule": self._rank_rule(),
            "targets": self._targets(),
            "verification": result.verification_view(uid),
            "previous": self._previous(),
            "notice": str(notice.source_notice(criteria, [unit.level], self.lang, marked=True)),
            "provenance": str(notice.provenance(result, uid, self.lang)),
            "note": self._note(uid),
        }

    def _nodes(self) -> list[dict[str, Any]]:
        """Every node of the tree in order, with what the unit reported (as shown) and,
        compared like for like, last year's points."""
        result, cset = self._result, self.cset
        values, groups = result.official_values(self.unit_id), {g.code for g in cset.groups}
        own = {n.code: n.points for n in result.self_scores[self.unit_id].nodes()}
        cmp, before = self._comparison, {}
        if cmp is not None and cmp.single:  # groups and like-for-like criteria
            before = {r.code: r.prev_points for r in [*cmp.groups, *cmp.criteria]}
        rows = []
        for node in self.score.nodes():
            spec = cset.nodes[node.code]
            inputs = [
                (
                    i.label + (f" ({i.unit})" if i.unit else ""),
                    format_value(values.get(i.code), i.kind, self.lang),
                )
                for i in spec.inputs
            ]
            kind = "group" if node.code in groups else "subgroup" if spec.children else "criterion"
            rows.append(
                {
                    "code": node.code,
                    "name": node.name,
                    "kind": kind,
                    "is_criterion": node.is_criterion,
                    "inputs": inputs,
                    "points": node.points,
                    "max": node.max,
                    "full_max": node.full_max,
                    "percent": node.percent,
                    "applicable": node.applicable,
                    "self_points": own[node.code],
                    "reconstructed": bool(spec.reconstructed),
                    "previous": before.get(node.code),
                }
            )
        return rows

    def _targets(self) -> dict[str, object]:
        """Points to the next rank and the next band, and which rank and band that is."""
        to_rank, next_rank = self._result.next_rank(self.unit_id)
        score, bands = self.score, self._result.inputs.criteria.bands
        higher = [b for b in bands if b.min_percent > score.percent + 1e-9]
        to_band, next_band = None, None
        if higher:
            target = min(higher, key=lambda b: b.min_percent)
            to_band = target.min_percent / 100 * score.max - score.total
            next_band = self._(target.name)
        return dict(to_rank=to_rank, next_rank=next_rank, to_band=to_band, next_band=next_band)

    def _rank_rule(self) -> dict[str, object]:
        """How the year ranks, and how robust this unit's rank and band are."""
        ranking = self._result.inputs.criteria.ranking
        analysis = self._result.robustness(self.unit.level)
        return {
            "rank_by": ranking.rank_by,
            "robust": asdict(analysis.units[self.unit_id]),
            "runs": analysis.runs,
            "spread": analysis.weight_spread,
            "offsets": len(analysis.offsets),
        }

    def _subgroups(self) -> list[NodeScore]:
        return [s for g in self.score.groups for s in g.children if not s.is_criterion]

    def _peer_means(self) -> list[int]:
        """Peers' mean percent per sub-group, to the whole percent the chart can show."""
        means = self._result.subgroup_means(self.unit.level)
        return [round(means.get(s.code, 0.0)) for s in self._subgroups()]

    def _previous(self) -> dict[str, object]:
        """The year before, like for like (``scoring.analysis.compare``), and what a reader
        must be told (last year unreadable, no form sent last year)."""
        result, source, cmp = self._result, self._source, self._comparison
        after = became(result, self.unit_id, source.changes())
        single = cmp.single if cmp is not None else None
        return {
            "cmp": None if cmp is None else {**asdict(cmp), "single": single and asdict(single)},
            "became": None if after is None else [asdict(after[0]), after[1]],
            "unreadable": source.previous_unreadable(result),
            "sent_none": self._missing_last_year(),
        }

    @functools.cached_property
    def _comparison(self) -> Comparison | None:
        """Last year against this one, computed once per report."""
        mapping = load_mapping(self._result.inputs.data_dir, self._result.year)
        prev = self._source.previous(self._result)
        return compare(self._result, prev, self.unit_id, self._source.changes(), mapping)

    def _missing_last_year(self) -> list[object] | None:
        """[rank (None: left out), peers] when the unit sent no form last year; else None."""
        prev, uid = self._source.previous(self._result), self.unit_id
        if prev is None or uid not in prev.inputs.units_by_id or not prev.is_missing(uid):
            return None
        return [prev.ranks.get(uid), prev.peer_count(uid)]

    # -- data -------------------------------------------------------------------------

    def groups(self) -> pd.DataFrame:
        """One row per criteria group: ``code, name, points, max, percent``."""
        return _frame(self._view["score"]["groups"], ["code", "name", "points", "max", "percent"])

    def subgroups(self) -> pd.DataFrame:
        """One row per sub-group: ``code, name, percent`` (of the applicable maximum; 0 if not
        applicable), ``applicable``, ``peer_mean`` (the level's, to the whole percent)."""
        columns = ["code", "name", "percent", "applicable", "peer_mean"]
        return _frame(self._view["subgroups"], columns)

    def gaps(self) -> pd.DataFrame:
        """Criteria below their maximum, biggest gap first: ``code, name, points, max, missing``."""
        below = [
            {**n, "missing": n["max"] - n["points"]}
            for n in self._view["nodes"]
            if n["is_criterion"] and n["applicable"]
        ]
        rows = sorted(below, key=lambda n: (-n["missing"], n["code"]))
        return _frame(
            [n for n in rows if n["missing"] > 1e-9], ["code", "name", "points", "max", "missing"]
        )

    def targets(self) -> dict[str, object]:
        """Points to the next rank and the next band, and which rank and band that is."""
        return dict(self._view["targets"])

    def differences(self) -> pd.DataFrame:
        """The criteria whose verified points differ from the self-assessed ones: ``code,
        name, self_points, verified_points, difference`` (empty for a unit not verified)."""
        rows = [
            (n["code"], n["name"], n["self_points"], n["points"], n["points"] - n["self_points"])
            for n in self._view["nodes"]
            if self._view["verified"]
            and n["is_criterion"]
            and abs(n["points"] - n["self_points"]) > 1e-9
        ]
        return _frame(rows, ["code", "name", "self_points", "verified_points", "difference"])

    def criteria_rows(self) -> pd.DataFrame:
        """Every node of the tree in order: ``code, name, kind`` (group, subgroup, criterion),
        ``inputs`` (what the unit reported, as shown), ``points, full_max, applicable``,
        ``reconstructed`` (not a published text), ``previous`` (last year's points, like for
        like, else None)."""
        columns = ["code", "name", "kind", "inputs", "points", "full_max", "applicable"]
        return _frame(self._view["nodes"], [*columns, "reconstructed", "previous"])

    def note(self) -> str | None:
        """The analysts' commentary on this unit (``data/<year>/notes/<unit_id>.md``)."""
        return self._view["note"]  # type: ignore[no-any-return]

    # -- presentation -----------------------------------------------------------------

    def header(self) -> Fragment:
        view = self._view
        header = self._render("unit_header.html.j2", **view, **view["rank_rule"])
        return Fragment(header + view["notice"])

    def robustness_chart(self) -> Png | Fragment:
        """The rank's robustness: share of runs at each rank; nothing for a unit alone."""
        robust = self._view["rank_rule"]["robust"]
        if len(robust["rank_share"]) < 2:
            return Fragment("")
        from scoring.views import charts

        rank, low, high = self._view["rank"], robust["rank_p05"], robust["rank_p95"]
        png = charts.rank_spread(robust["rank_share"], rank, low, high, lang=self.lang)
        return Png(png, self._("Độ vững của thứ hạng"))

    def groups_chart(self, groups: pd.DataFrame | None = None) -> Png:
        """Each group's points over its maximum (``groups``: a frame like ``groups()``)."""
        from scoring.views import charts

        frame = self.groups() if groups is None else groups
        labels = [f"{c}. {n}" for c, n in zip(frame["code"], frame["name"], strict=True)]
        points, maxima = [float(v) for v in frame["points"]], [float(v) for v in frame["max"]]
        png = charts.groups_against_max(labels, points, maxima, lang=self.lang)
        return Png(png, self._(self.SECTIONS["groups"]))

    def peers_chart(self, subgroups: pd.DataFrame | None = None) -> Png | Fragment:
        """The unit's sub-groups against its peers' means (``subgroups()``)."""
        from scoring.views import charts

        view = self._view
        if view["scored_peers"] < 2:
            name, year = view["unit"]["name"], view["year"]
            return self._render("no_peers.html.j2", name=name, level=self.level_name, year=year)
        frame = self.subgroups() if subgroups is None else subgroups
        applies = [bool(v) for v in frame["applicable"]] if "applicable" in frame else None
        mine, theirs = ([float(v) for v in frame[c]] for c in ("percent", "peer_mean"))
        png = charts.subgroups_against_peers(
            list(frame["code"]),
            mine,
            theirs,
            view["unit"]["name"],
            applicable=applies,
            lang=self.lang,
        )
        return Png(png, self._(self.SECTIONS["peers"]))

    def subgroup_legend(self, subgroups: pd.DataFrame | None = None) -> Fragment:
        frame = self.subgroups() if subgroups is None else subgroups
        return self._render("legend.html.j2", rows=_records(frame))

    def to_improve(self, gaps: pd.DataFrame | None = None) -> Fragment:
        """The criteria to improve (``gaps()``) and the points to the next rank and band."""
        every = self.gaps()
        frame = every if gaps is None else gaps
        return self._render(
            "to_improve.html.j2",
            rows=_records(frame),
            total=float(frame["missing"].sum()) if len(frame) else 0.0,
            # what a filtered table (``gaps.head(5)``) leaves out: the sentence says so
            every=len(every) if len(frame) != len(every) else None,
            every_total=float(every["missing"].sum()) if len(every) else 0.0,
            level_name=self.level_name,
            **self.targets(),
        )

    def verification(self, differences: pd.DataFrame | None = None) -> Fragment:
        """Self-assessed against verified points per group and in total, each figure the
        office changed and why; with ``differences()``, the criteria whose points differ."""
        view = self._view["verification"]
        shown = ("claimed", "verified")
        changes = [
            {**c, **{k: format_value(c[k], c["kind"], self.lang) for k in shown}}
            for c in view["changes"]
        ]
        return self._render(
            "verification.html.j2",
            verified=view["verified"],
            view=view,
            changes=changes,
            rows=[] if differences is None else _records(differences),
        )

    def previous_year(self) -> Fragment:
        """The year before, like for like, and what a reader must be told."""
        previous = self._view["previous"]
        return self._render(
            "previous.html.j2",
            cmp=previous["cmp"],
            became=previous["became"],
            kinds=KIND_NAMES_VI,
            year=self._view["year"],
            unreadable=previous["unreadable"],
            sent_none=previous["sent_none"],
        )

    def criteria_table(self, rows: pd.DataFrame | None = None) -> Fragment:
        """Every criterion's points (``criteria_rows()``, filtered as you like)."""
        records = _records(self.criteria_rows() if rows is None else rows)
        for r in records:  # a DataFrame turns a missing value into NaN (value != value)
            value = r.get("previous")
            r["previous"] = (
                float(value) if isinstance(value, int | float) and value == value else None
            )
        return self._render(
            "criteria.html.j2",
            rows=records,
            prev_year=self._view["year"] - 1,
            compared=any(r["previous"] is not None for r in records),
        )

    def provenance(self) -> Fragment:
        """Where the report comes from: its files and their SHA-256, version, date."""
        return Fragment(self._view["provenance"])
