"""The unit report (``unit_report.ipynb``): each section as data and a helper that shows it."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, ClassVar

from scoring.analysis.compare import became, compare, load_mapping, shown_comparison
from scoring.inputs import params
from scoring.inputs.lineage import KIND_NAMES_VI
from scoring.inputs.snapshot import ReadKind
from scoring.inputs.year import build_date
from scoring.io import sha256_file
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
        return self._(LEVEL_NAMES_VI[self.unit.level])

    # -- data -------------------------------------------------------------------------

    def groups(self) -> pd.DataFrame:
        """One row per criteria group: ``code, name, points, max, percent``."""
        rows = [(g.code, g.name, g.points, g.max, g.percent) for g in self.score.groups]
        return _frame(rows, ["code", "name", "points", "max", "percent"])

    def subgroups(self) -> pd.DataFrame:
        """One row per sub-group: ``code, name, percent`` (of the applicable maximum; 0 if not
        applicable), ``applicable``, ``peer_mean`` (the level's, to the whole percent)."""
        rows = [
            (s.code, s.name, s.percent, s.applicable, float(m))
            for s, m in zip(self._subgroups(), self._peer_means(), strict=True)
        ]
        return _frame(rows, ["code", "name", "percent", "applicable", "peer_mean"])

    def gaps(self) -> pd.DataFrame:
        """Criteria below their maximum, biggest gap first: ``code, name, points, max, missing``."""
        below = [n for n in self.score.nodes() if n.is_criterion and n.applicable]
        rows = [
            (n.code, n.name, n.points, n.max, n.missing)
            for n in sorted(below, key=lambda n: (-n.missing, n.code))
            if n.missing > 1e-9
        ]
        return _frame(rows, ["code", "name", "points", "max", "missing"])

    def targets(self) -> dict[str, object]:
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

    def differences(self) -> pd.DataFrame:
        """The criteria whose verified points differ from the self-assessed ones: ``code,
        name, self_points, verified_points, difference`` (empty for a unit not verified)."""
        rows = []
        if self._result.is_verified(self.unit_id):
            own = {n.code: n.points for n in self._result.self_scores[self.unit_id].nodes()}
            rows = [
                (n.code, n.name, own[n.code], n.points, n.points - own[n.code])
                for n in self.score.nodes()
                if n.is_criterion and abs(n.points - own[n.code]) > 1e-9
            ]
        return _frame(rows, ["code", "name", "self_points", "verified_points", "difference"])

    def criteria_rows(self) -> pd.DataFrame:
        """Every node of the tree in order: ``code, name, kind`` (group, subgroup, criterion),
        ``inputs`` (what the unit reported, as shown), ``points, full_max, applicable``,
        ``reconstructed`` (not a published text), ``previous`` (last year's points, like for
        like, else None)."""
        values = self._result.official_values(self.unit_id)
        groups = {g.code for g in self.cset.groups}
        cmp = self._comparison
        before = {}
        if cmp is not None and cmp.single:  # groups and like-for-like criteria
            before = {r.code: r.prev_points for r in [*cmp.groups, *cmp.criteria]}
        rows = []
        for node in self.score.nodes():
            spec = self.cset.nodes[node.code]
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
                    "inputs": inputs,
                    "points": node.points,
                    "full_max": node.full_max,
                    "applicable": node.applicable,
                    "reconstructed": bool(spec.reconstructed),
                    "previous": before.get(node.code),
                }
            )
        columns = ["code", "name", "kind", "inputs", "points", "full_max", "applicable"]
        return _frame(rows, [*columns, "reconstructed", "previous"])

    def note(self) -> str | None:
        """The analysts' commentary on this unit (``data/<year>/notes/<unit_id>.md``)."""
        return self._view["note"]  # type: ignore[return-value]

    # -- presentation -----------------------------------------------------------------

    def header(self) -> Fragment:
        band = self._result.band(self.unit_id)
        return Fragment(
            self._render(
                "unit_header.html.j2",
                year=self._result.year,
                unit=self.unit,
                level_name=self.level_name,
                cset=self.cset,
                score=self.score,
                band=self._(band),
                band_slug=band_class(self._result.inputs.criteria, band),
                rank=self._result.ranks[self.unit_id],
                peers=self._result.peer_count(self.unit_id),
                verified=self._result.is_verified(self.unit_id),
                **self._rank_rule(),
            )
            + notice.source_notice(
                self._result.inputs.criteria, [self.unit.level], self.lang, marked=True
            )
        )

    def _rank_rule(self) -> dict[str, object]:
        """How the year ranks, and how robust this unit's rank and band are."""
        ranking = self._result.inputs.criteria.ranking
        analysis = self._result.robustness(self.unit.level)
        return {
            "rank_by": ranking.rank_by,
            "robust": analysis.units[self.unit_id],
            "runs": analysis.runs,
            "spread": analysis.weight_spread,
            "offsets": len(analysis.offsets),
        }

    def robustness_chart(self) -> Png | Fragment:
        """The rank's robustness: share of runs at each rank; nothing for a unit alone."""
        robust = self._result.robustness(self.unit.level).units[self.unit_id]
        if len(robust.rank_share) < 2:
            return Fragment("")
        from scoring.views import charts

        rank = self._result.ranks[self.unit_id]
        png = charts.rank_spread(
            robust.rank_share, rank, robust.rank_p05, robust.rank_p95, lang=self.lang
        )
        return Png(png, self._("Độ vững của thứ hạng"))

    def groups_chart(self, groups: pd.DataFrame | None = None) -> Png:
        """Each group's points over its maximum (``groups``: a frame like ``groups()``)."""
        from scoring.views import charts

        frame = self.groups() if groups is None else groups
        labels = [f"{c}. {n}" for c, n in zip(frame["code"], frame["name"], strict=True)]
        points, maxima = [float(v) for v in frame["points"]], [float(v) for v in frame["max"]]
        png = charts.groups_against_max(labels, points, maxima, lang=self.lang)
        return Png(png, self._(self.SECTIONS["groups"]))

    def _subgroups(self) -> list[NodeScore]:
        return [s for g in self.score.groups for s in g.children if not s.is_criterion]

    def _peer_means(self) -> list[int]:
        """Peers' mean percent per sub-group, to the whole percent the chart can show."""
        means = self._result.subgroup_means(self.unit.level)
        return [round(means.get(s.code, 0.0)) for s in self._subgroups()]

    def peers_chart(self, subgroups: pd.DataFrame | None = None) -> Png | Fragment:
        """The unit's sub-groups against its peers' means (``subgroups()``)."""
        from scoring.views import charts

        if len(self._result.peer_ids(self.unit_id)) < 2:
            name, year = self.unit.name, self._result.year
            return self._render("no_peers.html.j2", name=name, level=self.level_name, year=year)
        frame = self.subgroups() if subgroups is None else subgroups
        applies = [bool(v) for v in frame["applicable"]] if "applicable" in frame else None
        mine, theirs = ([float(v) for v in frame[c]] for c in ("percent", "peer_mean"))
        png = charts.subgroups_against_peers(
            list(frame["code"]), mine, theirs, self.unit.name, applicable=applies, lang=self.lang
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
        view = self._result.verification_view(self.unit_id)
        shown = ("claimed", "verified")
        changes = [
            {**c, **{k: format_value(c[k], c["kind"], self.lang) for k in shown}}
            for c in view["changes"]  # type: ignore[attr-defined]
        ]
        return self._render(
            "verification.html.j2",
            verified=view["verified"],
            view=view,
            changes=changes,
            rows=[] if differences is None else _records(differences),
        )

    def previous_year(self) -> Fragment:
        """The year before, like for like (``scoring.analysis.compare``), and what a reader
        must be told (last year unreadable, no form sent last year)."""
        result, source = self._result, self._source
        return self._render(
            "previous.html.j2",
            cmp=self._comparison,
            became=became(result, self.unit_id, source.changes()),
            kinds=KIND_NAMES_VI,
            year=result.year,
            unreadable=source.previous_unreadable(result),
            sent_none=self._missing_last_year(),
        )

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
            prev_year=self._result.year - 1,
            compared=any(r["previous"] is not None for r in records),
        )

    def provenance(self) -> Fragment:
        """Where the report comes from: its files and their SHA-256, version, date."""
        return notice.provenance(self._result, self.unit_id, self.lang)

    @functools.cached_property
    def _view(self) -> dict[str, object]:
        """What the helpers show, as data: its digest is the read (a fix rebuilds only these)."""
        result, cset = self._result, self.cset
        submission = result.inputs.collection.submissions[self.unit_id]
        own = result.self_scores[self.unit_id]
        prev = shown_comparison(
            self._comparison, became(result, self.unit_id, self._source.changes())
        )
        return {
            "unit": [self.unit.id, self.unit.name, self.unit.level],
            "criteria": [cset.fingerprint, cset.version, cset.title, list(cset.legal_basis)],
            "nodes": [
                (n.code, n.name, n.points, n.max, n.full_max, n.applicable)
                for n in self.score.nodes()
            ],
            "self": [n.points for n in own.nodes()],
            "verified": result.is_verified(self.unit_id),
            "rank": [
                result.ranks[self.unit_id],
                result.peer_count(self.unit_id),
                result.band(self.unit_id),
                repr(self._rank_rule()),
            ],
            "peer_means": self._peer_means(),
            "targets": self.targets(),
            "previous": prev,
            "previous_missing": self._missing_last_year(),
            "previous_unreadable": self._source.previous_unreadable(result),
            "form": submission.sha256,
            "verification": result.verification_view(self.unit_id),
            "bands": [(b.name, b.min_percent, b.inferred) for b in result.inputs.criteria.bands],
            "units": sha256_file(result.inputs.data_dir / "units.csv"),
            "date": build_date(result).isoformat(),
            "note": self._note(self.unit_id),
        }
