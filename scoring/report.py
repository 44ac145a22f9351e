"""What the notebooks show: each section as data, then its presentation.

A report object (``UnitReport``, ``RankingReport``) hands out tidy pandas DataFrames
(``report.groups()``, ``report.gaps()``...) and small helpers that show one
(``report.groups_chart(groups)``, ``report.to_improve(gaps)``): an analyst can filter or
extend a frame with plain pandas before showing it, or show it another way. The HTML
lives in Jinja templates beside the page template (``scoring/render/templates/report``),
rendered with autoescaping, so no unit name, label or note from the inputs can inject
markup into a report. Fragments and charts carry ``_repr_html_`` / ``_repr_png_`` so a
notebook displays them by simply returning them, with no IPython import here.

Section headings carry no number: the stylesheet numbers them (a CSS counter), so
removing or reordering sections in a notebook renumbers the rest.

Every report records what it shows as a read of the build's snapshot
(``scoring.snapshot``): ``UnitReport.build`` records the digest of ``shown()``, so a
report is rebuilt when anything it shows changed, and an analyst reaching for the whole
scored year (``report.result``) makes the report depend on the whole year.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import jinja2
from markupsafe import Markup

from scoring import __version__, i18n, numfmt, params, snapshot
from scoring import bands as band_styles
from scoring.criteria import (
    LEVEL_NAMES_VI,
    LEVEL_TITLES_VI,
    LEVELS,
    CriteriaSet,
    CriteriaYear,
    Node,
)
from scoring.i18n import LANGUAGES
from scoring.io import sha256_file
from scoring.pipeline import YearResult, build_date, previous, previous_unreadable, year_result
from scoring.rules import NA, Value
from scoring.scores import NodeScore, UnitScore

if TYPE_CHECKING:
    import pandas as pd

    from scoring.compare import Comparison
    from scoring.lineage import Lineage


@functools.lru_cache(maxsize=len(LANGUAGES))
def _environment(lang: str) -> jinja2.Environment:
    """Jinja with autoescaping, number filters and ``_()`` for the report's language.

    Text in the templates is written in Vietnamese inside ``_()``; for English it is
    looked up in ``scoring.i18n.EN`` (newstyle gettext: the arguments are escaped).
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("scoring.render", "templates/report"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.filters.update(
        pts=functools.partial(numfmt.points, lang=lang),
        mx=functools.partial(numfmt.maximum, lang=lang),
        pct=functools.partial(numfmt.percent, lang=lang),
        num=functools.partial(numfmt.number, lang=lang),
        signed=functools.partial(numfmt.signed, lang=lang),
        score=functools.partial(numfmt.score, lang=lang),
    )
    return i18n.install(env, lang)


UNIT_SECTIONS = {
    "groups": "Điểm theo nhóm tiêu chí",
    "peers": "So sánh với các đơn vị cùng cấp",
    "to_improve": "Các tiêu chí chưa đạt điểm tối đa, cần khắc phục",
    "verification": "Tự đánh giá và thẩm định",
    "previous": "So sánh với năm trước",
    "criteria": "Điểm chi tiết từng tiêu chí",
    "provenance": "Cách lập báo cáo",
}
UNNUMBERED = {"provenance"}
LEVEL_TITLES = LEVEL_TITLES_VI


class Fragment(str):
    """An HTML fragment that a notebook displays as HTML."""

    def _repr_html_(self) -> str:
        return str(self)

    def __html__(self) -> str:  # Jinja and markupsafe take it as markup
        return str(self)

    def __repr__(self) -> str:
        return f"Fragment({len(self)} characters of HTML)"


class Png(bytes):
    """A chart that a notebook displays as a PNG image."""

    def _repr_png_(self) -> bytes:
        return bytes(self)

    def __repr__(self) -> str:
        return f"Png({len(self)} bytes)"


def render(template: str, lang: str = "vi", **context: object) -> Fragment:
    """A template file of ``scoring/render/templates/report`` as a fragment."""
    return Fragment(_environment(lang).get_template(template).render(**context))


def format_value(value: Value | None, kind: str, lang: str = "vi") -> str:
    _ = i18n.translator(lang)
    if value is None:
        return "–"
    if value is NA:
        return _("Không áp dụng")
    if kind == "yes_no":
        return _("Có") if value else _("Không")
    number = float(value)  # type: ignore[arg-type]
    text = numfmt.number(number, 2, trim=True, lang=lang)
    return f"{text}%" if kind == "share" else text


def markdown_html(text: str) -> str:
    """Markdown an analyst wrote, as HTML safe to put in a report: raw HTML is escaped
    (shown as typed), images become their text (a report loads nothing), links keep only
    web and mail addresses.
    """
    import mistune
    from markupsafe import escape

    class Safe(mistune.HTMLRenderer):
        def image(self, text: str, url: str, title: str | None = None) -> str:
            return str(escape(text))

        def link(self, text: str, url: str, title: str | None = None) -> str:
            if url.lower().startswith(("http://", "https://", "mailto:")):
                return super().link(text, url, None)
            return text

    return str(mistune.create_markdown(escape=True, renderer=Safe(escape=True))(text))


def source_notice(
    criteria: CriteriaYear, levels: Iterable[str], lang: str = "vi", marked: bool = False
) -> Fragment:
    """The notice a reader sees when the year's criteria at ``levels`` or its band
    thresholds are not all official: the reconstructed parts by level and group, the
    inferred thresholds (``marked``: the report's criteria table marks the nodes). Empty
    when the files declare everything official."""
    _ = i18n.translator(lang)
    sets = []
    for level in levels:
        cset = criteria.levels.get(level)
        if cset is None or not cset.reconstructed_groups():
            continue
        count, total = cset.reconstructed_count()
        sets.append(
            {
                "level": _(LEVEL_TITLES[level]),
                "groups": cset.reconstructed_groups(),
                "count": count,
                "total": total,
            }
        )
    bands = [_(b) for b in criteria.inferred_bands()]
    if not sets and not bands:
        return Fragment("")
    return render(
        "source_notice.html.j2",
        lang,
        year=criteria.year,
        sets=sets,
        bands=bands,
        marked=marked and bool(sets),
    )


def band_class(criteria: CriteriaYear, band: str) -> str:
    """The CSS class of ``band`` (``band-<class>``): by its place in the year's bands."""
    return band_styles.style(band_names(criteria), band).css


def band_names(criteria: CriteriaYear) -> list[str]:
    """The year's band names, best first (bands.yaml, ordered by threshold)."""
    return [b.name for b in criteria.bands]


def _row_class(node: Node, groups: set[str]) -> str:
    """How a criteria-table row is styled: a group, a sub-group, or a criterion (leaf)."""
    if node.code in groups:
        return "group"
    return "subgroup" if node.children else "criterion"


def _frame(rows: list[dict[str, object]], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def _number_or_none(value: object) -> float | None:
    """A number, or None for None and NaN (pandas' blank)."""
    if value is None or not isinstance(value, (int, float)) or value != value:
        return None
    return float(value)


def _records(frame: pd.DataFrame | None) -> list[dict[str, object]]:
    return [] if frame is None else frame.to_dict("records")  # type: ignore[return-value]


class _Speaks:
    """What both reports share: their text is in ``self.lang`` (vi, or en for the option)."""

    lang: str
    SECTIONS: ClassVar[dict[str, str]] = {}
    _result: YearResult

    @property
    def result(self) -> YearResult:
        """The whole scored year: a report that uses it depends on all of it."""
        snapshot.record("year", self._result.year, data_digest=snapshot.year_digest(self._result))
        return self._result

    def section(self, key: str) -> Fragment:
        """A section heading in the report's language; numbered by the stylesheet."""
        return self.heading(self._(self.SECTIONS[key]), numbered=key not in UNNUMBERED)

    def heading(self, title: str, numbered: bool = True) -> Fragment:
        """A heading of the analyst's own section, numbered with the others."""
        return self._render("heading.html.j2", title=title, numbered=numbered)

    def show_table(self, frame: pd.DataFrame, decimals: int = 2) -> Fragment:
        """Any DataFrame as a report table, numbers in the report's format ("1.234,56")."""
        import pandas as pd

        columns = [
            {"title": str(c), "numeric": pd.api.types.is_numeric_dtype(frame[c])}
            for c in frame.columns
        ]
        rows = []
        for values in frame.itertuples(index=False):
            row = []
            for column, value in zip(columns, values, strict=True):
                shown = value
                if column["numeric"] and not isinstance(value, bool):
                    shown = numfmt.number(float(value), decimals, trim=True, lang=self.lang)
                row.append((column, shown))
            rows.append(row)
        return self._render("table.html.j2", columns=columns, rows=rows)

    def _(self, text: str) -> str:
        return i18n.translator(self.lang)(text)

    def _render(self, template: str, **context: object) -> Fragment:
        return render(template, self.lang, **context)

    def _note(self, name: str) -> str | None:
        return snapshot.read_note(self._result.inputs.data_dir, self._result.year, name)

    def _notes_fragment(self, name: str) -> Fragment:
        text = self._note(name)
        if not text or not text.strip():
            return Fragment("")
        return self._render("notes.html.j2", body=Markup(markdown_html(text)))


class UnitReport(_Speaks):
    """Everything the unit report shows, for one unit of one year."""

    SECTIONS: ClassVar[dict[str, str]] = UNIT_SECTIONS

    def __init__(self, result: YearResult, unit_id: str, lang: str = "vi") -> None:
        self._result = result
        self.unit_id = unit_id
        self.lang = lang

    def __repr__(self) -> str:
        return f"UnitReport({self.unit_id} {self.unit.name!r}, {self._result.year}, lang={self.lang!r})"

    @classmethod
    def build(cls, data_dir: str | Path, year: int, unit_id: str, lang: str = "vi") -> UnitReport:
        data = params.data_dir(data_dir)
        result = year_result(str(data), params.year(data, year))
        hint = ""
        if result.missing:
            listed = ", ".join(u.id for u in result.missing_units())
            hint = f"Đơn vị chưa nộp phiếu ({listed}): báo cáo do missing_report.ipynb lập"
        unit_id = params.unit_id(unit_id, result.official, result.year, hint)
        report = cls(result, unit_id, i18n.check(lang))
        snapshot.record(
            "unit", result.year, unit_id, lang, data_digest=snapshot.digest(report.shown())
        )
        return report

    @property
    def unit(self):  # noqa: ANN201 - a scoring.units.Unit
        return self._result.unit(self.unit_id)

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
        return _frame(
            [
                {
                    "code": g.code,
                    "name": g.name,
                    "points": g.points,
                    "max": g.max,
                    "percent": g.percent,
                }
                for g in self.score.groups
            ],
            ["code", "name", "points", "max", "percent"],
        )

    def subgroups(self) -> pd.DataFrame:
        """One row per sub-group: ``code, name, percent`` (of its applicable maximum) and
        ``peer_mean``, the level's mean percent (to the whole percent, as drawn).
        """
        means = self._peer_means()
        return _frame(
            [
                {"code": s.code, "name": s.name, "percent": s.percent, "peer_mean": float(m)}
                for s, m in zip(self._subgroups(), means, strict=True)
            ],
            ["code", "name", "percent", "peer_mean"],
        )

    def gaps(self) -> pd.DataFrame:
        """The criteria below their maximum, most points to gain first:
        ``code, name, points, max, missing``.
        """
        return _frame(
            [
                {
                    "code": n.code,
                    "name": n.name,
                    "points": n.points,
                    "max": n.max,
                    "missing": n.missing,
                }
                for n in self._to_improve_rows()
            ],
            ["code", "name", "points", "max", "missing"],
        )

    def targets(self) -> dict[str, object]:
        """Points to the next rank and the next band, and which rank and band that is."""
        return self._targets()

    def differences(self) -> pd.DataFrame:
        """The criteria whose verified points differ from the self-assessed ones:
        ``code, name, self_points, verified_points, difference`` (empty when the unit was
        not verified).
        """
        rows = []
        if self._result.is_verified(self.unit_id):
            own = {n.code: n for n in self._result.self_scores[self.unit_id].nodes()}
            for n in self.score.nodes():
                mine = own[n.code].points
                if n.is_criterion and abs(n.points - mine) > 1e-9:
                    rows.append(
                        {
                            "code": n.code,
                            "name": n.name,
                            "self_points": mine,
                            "verified_points": n.points,
                            "difference": n.points - mine,
                        }
                    )
        return _frame(rows, ["code", "name", "self_points", "verified_points", "difference"])

    def criteria_rows(self) -> pd.DataFrame:
        """Every node of the tree in order: ``code, name, kind`` (group, subgroup,
        criterion), ``inputs`` (what the unit reported, as shown), ``points``,
        ``full_max``, ``applicable``, ``reconstructed`` (the criteria file marks the node's
        content as a reconstruction, not a published text), ``previous`` (last year's points
        where the criterion is comparable like for like, ``scoring.compare``; else None).
        """
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
            rows.append(
                {
                    "code": node.code,
                    "name": node.name,
                    "kind": _row_class(spec, groups),
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
        return self._note(self.unit_id)

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
            + source_notice(self._result.inputs.criteria, [self.unit.level], self.lang, marked=True)
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
        """The small figure of the rank's robustness: share of runs at each rank; nothing
        for a unit alone at its level."""
        robust = self._result.robustness(self.unit.level).units[self.unit_id]
        if len(robust.rank_share) < 2:
            return Fragment("")
        from scoring import charts

        return Png(
            charts.rank_spread(
                robust.rank_share,
                self._result.ranks[self.unit_id],
                robust.rank_p05,
                robust.rank_p95,
                lang=self.lang,
            )
        )

    def groups_chart(self, groups: pd.DataFrame | None = None) -> Png:
        """Each group's points over its maximum (``groups``: a frame like ``groups()``)."""
        from scoring import charts

        frame = self.groups() if groups is None else groups
        return Png(
            charts.groups_against_max(
                [f"{c}. {n}" for c, n in zip(frame["code"], frame["name"], strict=True)],
                [float(v) for v in frame["points"]],
                [float(v) for v in frame["max"]],
                lang=self.lang,
            )
        )

    def _subgroups(self) -> list[NodeScore]:
        return [s for g in self.score.groups for s in g.children if not s.is_criterion]

    def _peer_means(self) -> list[int]:
        """Peers' mean percent per sub-group, to the whole percent the chart can show."""
        means = self._result.subgroup_means(self.unit.level)
        return [round(means.get(s.code, 0.0)) for s in self._subgroups()]

    def peers_chart(self, subgroups: pd.DataFrame | None = None) -> Png | Fragment:
        """The unit's sub-groups against its peers' means (``subgroups()``)."""
        from scoring import charts

        if len(self._result.peer_ids(self.unit_id)) < 2:
            return self._render(
                "no_peers.html.j2",
                name=self.unit.name,
                level=self.level_name,
                year=self._result.year,
            )
        frame = self.subgroups() if subgroups is None else subgroups
        return Png(
            charts.subgroups_against_peers(
                list(frame["code"]),
                [float(v) for v in frame["percent"]],
                [float(v) for v in frame["peer_mean"]],
                self.unit.name,
                lang=self.lang,
            )
        )

    def subgroup_legend(self, subgroups: pd.DataFrame | None = None) -> Fragment:
        frame = self.subgroups() if subgroups is None else subgroups
        return self._render("legend.html.j2", rows=_records(frame))

    def _to_improve_rows(self) -> list[NodeScore]:
        return sorted(
            (n for n in self.score.nodes() if n.is_criterion and n.applicable and n.missing > 1e-9),
            key=lambda n: (-n.missing, n.code),
        )

    def _targets(self) -> dict[str, object]:
        """Points to the next rank and the next band, and which rank and band that is."""
        to_rank, next_rank = self._result.next_rank(self.unit_id)
        to_band, next_band = self._to_next_band()
        return {
            "to_rank": to_rank,
            "next_rank": next_rank,
            "to_band": to_band,
            "next_band": next_band,
        }

    def to_improve(self, gaps: pd.DataFrame | None = None) -> Fragment:
        """The criteria to improve (``gaps()``) and the points to the next rank and band."""
        frame = self.gaps() if gaps is None else gaps
        return self._render(
            "to_improve.html.j2",
            rows=_records(frame),
            total=float(frame["missing"].sum()) if len(frame) else 0.0,
            level_name=self.level_name,
            **self._targets(),
        )

    def _to_next_band(self) -> tuple[float | None, str | None]:
        current = self.score.percent
        higher = [b for b in self._result.inputs.criteria.bands if b.min_percent > current + 1e-9]
        if not higher:
            return None, None
        target = min(higher, key=lambda b: b.min_percent)
        return target.min_percent / 100 * self.score.max - self.score.total, self._(target.name)

    def verification(self, differences: pd.DataFrame | None = None) -> Fragment:
        """Self-assessed against verified points for every group and the total, and each
        figure the office changed with its reason; with ``differences`` (a frame like
        ``differences()``), also the criteria whose points differ (left out by default:
        the figures and reasons say it, and the report keeps to four pages)."""
        view = self._result.verification_view(self.unit_id)
        changes = [
            {
                **c,
                "claimed": format_value(c["claimed"], c["kind"], self.lang),
                "verified": format_value(c["verified"], c["kind"], self.lang),
            }
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
        """The year before, like for like (``scoring.compare``): the unit or what it was
        formed from, criteria compared one by one where unchanged, each figure's basis."""
        from scoring.compare import became
        from scoring.lineage import KIND_NAMES_VI

        result = self._result
        unreadable = previous(result) is None and previous_unreadable(result)
        return self._render(
            "previous.html.j2",
            cmp=self._comparison,
            became=became(result, self.unit_id, self._lineage()),
            kinds=KIND_NAMES_VI,
            year=result.year,
            unreadable=unreadable,
            sent_none=self._missing_last_year(),
        )

    def _missing_last_year(self) -> list[object] | None:
        """[rank, peers] (rank None when left out) when the unit was valid last year but
        sent no form; else None."""
        prev = previous(self._result)
        if prev is None or self.unit_id not in prev.inputs.units_by_id:
            return None
        if not prev.is_missing(self.unit_id):
            return None
        return [prev.ranks.get(self.unit_id), prev.peer_count(self.unit_id)]

    def _lineage(self) -> Lineage:
        from scoring.lineage import load_changes

        return load_changes(self._result.inputs.data_dir)

    @functools.cached_property
    def _comparison(self) -> Comparison | None:
        """Last year against this one (read by the comparison section, the criteria table
        and ``shown``: computed once per report)."""
        from scoring.compare import compare, load_mapping

        result = self._result
        mapping = load_mapping(result.inputs.data_dir, result.year)
        return compare(result, previous(result), self.unit_id, self._lineage(), mapping)

    def criteria_table(self, rows: pd.DataFrame | None = None) -> Fragment:
        records = _records(self.criteria_rows() if rows is None else rows)
        for r in records:  # a DataFrame turns a missing value into NaN
            r["previous"] = _number_or_none(r.get("previous"))
        return self._render(
            "criteria.html.j2",
            rows=records,
            prev_year=self._result.year - 1,
            compared=any(r["previous"] is not None for r in records),
        )

    def notes(self) -> Fragment:
        """The section "Nhận xét của cơ quan đánh giá" when the unit has a note; else
        nothing (and no number taken).
        """
        return self._notes_fragment(self.unit_id)

    def provenance(self) -> Fragment:
        submission = self._result.inputs.collection.submissions[self.unit_id]
        check = self._result.inputs.collection.verifications.get(self.unit_id)
        data_dir = self._result.inputs.data_dir
        units_file = data_dir / "units.csv"
        return self._render(
            "provenance.html.j2",
            criteria_file=_relative(self.cset.path, data_dir),
            criteria_sha=self.cset.fingerprint,
            form_file=_relative(submission.path, data_dir),
            form_sha=submission.sha256,
            check_file=_relative(check.path, data_dir) if check else None,
            check_sha=check.sha256 if check else None,
            units_file=_relative(units_file, data_dir),
            units_sha=sha256_file(units_file),
            version=__version__,
            date=numfmt.date(build_date(self._result)),
        )

    def shown(self) -> dict[str, object]:
        """Everything this report's helpers can show, as plain data.

        Its digest is what ``build`` records as this report's read: a report is rebuilt
        only when this changes, so a correction in one unit's form rebuilds the units
        whose rank, gap to the next rank or peers' means (to the whole percent drawn) it
        moves, not the whole level.
        """
        result = self._result
        submission = result.inputs.collection.submissions[self.unit_id]
        own = result.self_scores[self.unit_id]
        prev_result = previous(result)
        from scoring.compare import became, shown_comparison

        prev = shown_comparison(self._comparison, became(result, self.unit_id, self._lineage()))
        return {
            "lang": self.lang,
            "unit": [self.unit.id, self.unit.name, self.unit.level],
            "criteria": [
                self.cset.fingerprint,
                self.cset.version,
                self.cset.title,
                list(self.cset.legal_basis),
            ],
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
            "targets": self._targets(),
            "previous": prev,
            "previous_missing": self._missing_last_year(),
            "previous_unreadable": prev_result is None and previous_unreadable(result),
            "form": submission.sha256,
            "verification": result.verification_view(self.unit_id),
            "bands": [(b.name, b.min_percent, b.inferred) for b in result.inputs.criteria.bands],
            "units": sha256_file(result.inputs.data_dir / "units.csv"),
            "date": build_date(result).isoformat(),
            "note": self._note(self.unit_id),
        }


def _relative(path: Path, data_dir: Path) -> str:
    try:
        return "data/" + Path(path).resolve().relative_to(data_dir.resolve()).as_posix()
    except ValueError:
        return Path(path).name


class RankingReport(_Speaks):
    """The city-wide ranking of one year: one peer group per level."""

    SECTIONS: ClassVar[dict[str, str]] = {"submissions": "Tình hình nộp phiếu"}

    def __init__(self, result: YearResult, lang: str = "vi") -> None:
        self._result = result
        self.lang = lang

    def __repr__(self) -> str:
        return f"RankingReport({self._result.year}, {len(self._result.official)} units, lang={self.lang!r})"

    @classmethod
    def build(cls, data_dir: str | Path, year: int, lang: str = "vi") -> RankingReport:
        data = params.data_dir(data_dir)
        report = cls(year_result(str(data), params.year(data, year)), i18n.check(lang))
        snapshot.record(
            "ranking", report._result.year, lang, data_digest=snapshot.digest(report.shown())
        )
        return report

    def levels(self) -> list[str]:
        return self._result.levels()

    def level_title(self, level: str) -> Fragment:
        cset = self._result.inputs.criteria.for_level(level)
        return self._render("level_title.html.j2", title=self._(LEVEL_TITLES[level]), max=cset.max)

    def header(self) -> Fragment:
        criteria = self._result.inputs.criteria
        sets = [
            {"level_name": self._(LEVEL_TITLES[lv]), "cset": criteria.for_level(lv)}
            for lv in self.levels()
        ]
        legal = list(
            dict.fromkeys(
                line for lv in self.levels() for line in criteria.for_level(lv).legal_basis
            )
        )
        return Fragment(
            self._render(
                "ranking_header.html.j2",
                year=self._result.year,
                sets=sets,
                legal=legal,
                bands=criteria.bands,
                rank_by=criteria.ranking.rank_by,
                missing=criteria.ranking.missing,
            )
            + source_notice(criteria, self.levels(), self.lang)
        )

    def _rows(self, level: str) -> list[dict[str, object]]:
        """The level's ranked units, best first (those without a form last, when ranked)."""
        result = self._result
        rows = [self._scored_row(uid) for uid in result.peers.get(level, [])]
        rows.sort(key=lambda r: (r["rank"], r["name"]))  # type: ignore[arg-type, return-value]
        if result.ranks_missing:
            rows += [self._missing_row(uid) for uid in result.missing.get(level, [])]
        return rows

    def _change(self, uid: str) -> str:
        prev = previous(self._result)
        if prev is None or prev.ranks.get(uid) is None or uid not in self._result.ranks:
            return "–"
        moved = prev.ranks[uid] - self._result.ranks[uid]
        return "=" if moved == 0 else (f"↑{moved}" if moved > 0 else f"↓{-moved}")

    def _scored_row(self, uid: str) -> dict[str, object]:
        result = self._result
        score = result.official[uid]
        band = result.band(uid)
        robust = result.robustness(result.unit(uid).level).units[uid]
        return {
            "unit_id": uid,
            "name": result.unit(uid).name,
            "rank": result.ranks[uid],
            "total": score.total,
            "max": score.max,
            "percent": score.percent,
            "band": band,
            "band_slug": band_class(result.inputs.criteria, band),
            "status": "submitted",
            "change": self._change(uid),
            "verified": result.is_verified(uid),
            "rank_p05": robust.rank_p05,
            "rank_median": robust.rank_median,
            "rank_p95": robust.rank_p95,
            "band_stability": robust.band_stability,
            "groups": {g.code: g.points for g in score.groups},
        }

    def _missing_row(self, uid: str) -> dict[str, object]:
        """A unit without a form: 0 points of the level's full maximum, ranked last."""
        cset = self._result.inputs.criteria.for_level(self._result.unit(uid).level)
        rank = self._result.ranks.get(uid)
        return {
            "unit_id": uid,
            "name": self._result.unit(uid).name,
            "rank": rank,
            "total": 0.0,
            "max": cset.max,
            "percent": 0.0,
            "band": "",
            "band_slug": "missing",
            "status": "missing",
            "change": self._change(uid),
            "verified": False,
            "rank_p05": rank,
            "rank_median": rank,
            "rank_p95": rank,
            "band_stability": None,
            "groups": {g.code: 0.0 for g in cset.groups},
        }

    def rows(self, level: str) -> pd.DataFrame:
        """The level's ranking, best first: ``unit_id, name, rank, total, max, percent,
        band, status`` ("submitted"; "missing" for a unit without a form, ranked last with
        0 points unless bands.yaml excludes it), ``change`` (against last year: "↑2", "=",
        "–"), ``verified``, the rank's 90 % range and one column per group's points.
        """
        import pandas as pd

        rows = self._rows(level)
        frame = pd.DataFrame(
            [{k: v for k, v in r.items() if k not in ("groups", "band_slug")} for r in rows]
        )
        for code in self._group_codes(level):
            frame[code] = [r["groups"].get(code) for r in rows]  # type: ignore[attr-defined]
        return frame

    def excluded(self, level: str) -> list[str]:
        """Names of the level's units without a form left out of the ranks
        (``missing: exclude`` in bands.yaml); empty when they are ranked last."""
        if self._result.ranks_missing:
            return []
        return [self._result.unit(u).name for u in self._result.missing.get(level, [])]

    def _group_codes(self, level: str) -> list[str]:
        return [g.code for g in self._result.inputs.criteria.for_level(level).groups]

    def table(self, level: str, rows: pd.DataFrame | None = None) -> Fragment:
        """The level's ranking table (``rows(level)``, filtered or sorted as you like)."""
        groups = self._group_codes(level)
        records = _records(self.rows(level) if rows is None else rows)
        criteria = self._result.inputs.criteria
        for r in records:
            missing = r.get("status") == "missing"
            r["band_slug"] = "missing" if missing else band_class(criteria, str(r["band"]))
            r["groups"] = {code: r.get(code) for code in groups}
        sent = [r for r in records if r.get("status") != "missing"]
        full_max = self._result.inputs.criteria.for_level(level).max
        totals = [float(r["total"]) for r in sent]  # type: ignore[arg-type]
        pcts = [float(r["percent"]) for r in sent]  # type: ignore[arg-type]
        counts = {b.name: 0 for b in self._result.inputs.criteria.bands}
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
            shifts=list(self._result.robustness(level).group_shift.items()),
            unverified=any(not r["verified"] and r.get("status") != "missing" for r in records),
        )

    def chart(self, level: str) -> list[Png]:
        """What the level is ranked on as bars (percent of the applicable maximum, or the
        total with ``rank_by: total``), best first, one figure per page of units."""
        rows = self._rows(level)
        cset = self._result.inputs.criteria.for_level(level)
        by_total = self._result.inputs.criteria.ranking.rank_by == "total"
        from scoring import charts

        labels = [self._bar_label(r, by_total) for r in rows]
        axis = None
        if not by_total:
            axis = self._("Tỷ lệ điểm đạt trên điểm tối đa áp dụng (%), căn cứ xếp hạng")
        return [
            Png(png)
            for png in charts.totals_by_band(
                [str(r["name"]) for r in rows],
                [float(r["total" if by_total else "percent"]) for r in rows],  # type: ignore[arg-type]
                [str(r["band"]) or self._("Chưa nộp phiếu") for r in rows],
                cset.max if by_total else 100.0,
                band_names(self._result.inputs.criteria),
                lang=self.lang,
                labels=labels,
                axis=axis,
            )
        ]

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
        """Units × sub-groups in percent of maximum, one figure per page of units (units
        that sent a form)."""
        rows = [r for r in self._rows(level) if r["status"] != "missing"]
        cset = self._result.inputs.criteria.for_level(level)
        subs = [s.code for g in cset.groups for s in g.children if not s.is_criterion]
        grid = []
        for r in rows:
            score = self._result.official[str(r["unit_id"])]
            grid.append([score.node(c).percent if score.node(c).applicable else None for c in subs])
        from scoring import charts

        names = [str(r["name"]) for r in rows]
        return [Png(png) for png in charts.heatmap(names, subs, grid, lang=self.lang)]

    @functools.cached_property
    def _summary_data(self) -> dict[str, object]:
        """The first page's data (read by ``summary`` and ``shown``: computed once)."""
        from scoring import summary

        prev = previous(self._result)
        return {
            "counts": summary.band_counts(self._result),
            "weakest": summary.weakest_criteria(self._result),
            "movers": summary.movers(self._result, prev),
            "attention": summary.attention(self._result, prev),
            "prev_year": prev.year if prev is not None else None,
        }

    def summary(self) -> Fragment:
        """The first page for leaders: units per band and level, the five weakest criteria
        city-wide, the units that moved most since last year, the units needing attention."""
        data = self._summary_data
        level_names = {lv: self._(LEVEL_TITLES[lv]) for lv in LEVELS}
        criteria = self._result.inputs.criteria
        return self._render(
            "summary.html.j2",
            year=self._result.year,
            bands=[b.name for b in criteria.bands],
            levels=level_names,
            notice=source_notice(criteria, self.levels(), self.lang),
            **data,
        )

    def submissions(self) -> Fragment:
        coll = self._result.inputs.collection
        names = {u.id: u.name for u in self._result.inputs.units}
        warned = sorted(
            {p.unit_id for p in coll.warnings if p.unit_id and p.unit_id in coll.submissions}
        )
        # The names follow the table as paragraphs: a list of a province's units would
        # make a table row taller than a page.
        return self._render(
            "submissions.html.j2",
            counts=[
                ("Phải nộp", coll.expected),
                ("Đã nộp", sorted(coll.submissions)),
                (
                    "Đã thẩm định",
                    [names[u] for u in sorted(coll.submissions) if u in coll.verifications],
                ),
                ("Chưa nộp", [names.get(u, u) for u in coll.missing]),
                ("Có cảnh báo", [names.get(u, u) for u in warned]),
            ],
            listed=("Đã thẩm định", "Chưa nộp", "Có cảnh báo"),
        )

    def notes(self) -> Fragment:
        """The section "Nhận xét của cơ quan đánh giá" from ``notes/ranking.md``, if any."""
        return self._notes_fragment("ranking")

    def shown(self) -> dict[str, object]:
        """Everything the ranking's helpers can show, as plain data (its read's digest)."""
        result = self._result
        prev = previous(result)

        def prev_rank(uid: str) -> int | None:
            return prev.ranks.get(uid) if prev is not None else None

        units = []
        for uid in sorted(result.official):
            score = result.official[uid]
            units.append(
                [
                    uid,
                    result.unit(uid).name,
                    result.unit(uid).level,
                    result.ranks[uid],
                    result.band(uid),
                    result.is_verified(uid),
                    [
                        (n.code, n.points, n.max, n.applicable)
                        for n in score.nodes()
                        if not n.is_criterion
                    ],
                    prev_rank(uid),
                ]
            )
        criteria = result.inputs.criteria
        return {
            "lang": self.lang,
            "units": units,
            "missing": [
                (uid, result.unit(uid).name, lv, result.ranks.get(uid), prev_rank(uid))
                for lv in result.levels()
                for uid in result.missing.get(lv, [])
            ],
            "criteria": [
                (lv, c.fingerprint, c.title, c.version, list(c.legal_basis), c.max)
                for lv, c in sorted(criteria.levels.items())
            ],
            "bands": [(b.name, b.min_percent, b.inferred) for b in criteria.bands],
            "ranking": repr(criteria.ranking),
            "summary": self._summary_data,
            "robustness": [repr(vars(result.robustness(level))) for level in sorted(result.peers)],
            "names": sorted((u.id, u.name) for u in result.inputs.units),
            "submissions": result.inputs.collection.summary(),
            "warned": sorted({p.unit_id or "" for p in result.inputs.collection.warnings}),
            "date": build_date(result).isoformat(),
            "note": self._note("ranking"),
        }
