"""What the notebooks show: views of a scored year as HTML fragments and charts.

The notebooks stay thin: one call per section. Every fragment is rendered by Jinja2
with autoescaping, so no unit name, label or note from the inputs can inject markup into
a report. Fragments and charts carry ``_repr_html_`` / ``_repr_png_`` so a notebook
displays them by simply returning them, with no IPython import here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import jinja2

from scoring import __version__, i18n, numfmt, params
from scoring.criteria import LEVEL_NAMES_VI, CriteriaSet, Node
from scoring.i18n import LANGUAGES
from scoring.io import sha256_file
from scoring.pipeline import YearResult, assess, build_date, previous
from scoring.ranking import points_to_next_rank
from scoring.rules import NA, Value
from scoring.scores import NodeScore, UnitScore


@functools.lru_cache(maxsize=len(LANGUAGES))
def _environment(lang: str) -> jinja2.Environment:
    """Jinja with autoescaping, number filters and ``_()`` for the report's language.

    Text in the templates is written in Vietnamese inside ``_()``; for English it is
    looked up in ``scoring.i18n.EN`` (newstyle gettext: the arguments are escaped).
    """
    env = jinja2.Environment(
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
    "groups": "1. Điểm theo nhóm tiêu chí",
    "peers": "2. So sánh với các đơn vị cùng cấp",
    "to_improve": "3. Các tiêu chí chưa đạt điểm tối đa, cần khắc phục",
    "verification": "4. Tự đánh giá và thẩm định",
    "previous": "5. So với năm trước",
    "criteria": "6. Điểm chi tiết từng tiêu chí",
    "provenance": "Cách lập báo cáo",
}
LEVEL_TITLES = {
    "district": "Cấp huyện (thành phố)",
    "department": "Các phòng, ban",
    "commune": "Các phường, xã",
}


class Fragment(str):
    """An HTML fragment that a notebook displays as HTML."""

    def _repr_html_(self) -> str:
        return str(self)


class Png(bytes):
    """A chart that a notebook displays as a PNG image."""

    def _repr_png_(self) -> bytes:
        return bytes(self)


def _render(template: str, lang: str = "vi", **context: object) -> Fragment:
    return Fragment(_environment(lang).from_string(template).render(**context))


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


HEADER = """
<div class="report-header">
  <div class="agency">{{ _("ỦY BAN NHÂN DÂN THÀNH PHỐ UÔNG BÍ · ĐÁNH GIÁ, XẾP HẠNG CHÍNH QUYỀN ĐIỆN TỬ") }}</div>
  <h1>{{ _("Báo cáo kết quả đánh giá mức độ chính quyền điện tử năm %(year)s", year=year) }}</h1>
  <div class="unit-name">{{ unit.name }}</div>
  <table class="meta">
    <tr><th>{{ _("Cấp đánh giá") }}</th><td>{{ level_name }}</td></tr>
    <tr><th>{{ _("Bộ tiêu chí") }}</th><td>{{ cset.title }} ({{ _("phiên bản") }} {{ cset.version }})</td></tr>
    <tr><th>{{ _("Căn cứ") }}</th><td>{% for line in cset.legal_basis %}{{ line }}<br>{% endfor %}</td></tr>
  </table>
</div>
<div class="headline">
  <div class="big">{{ _("%(total)s/%(max)s điểm", total=score.total|pts, max=score.max|mx) }}</div>
  <div class="facts">
    <span class="fact">{{ score.percent|pct }}</span>
    <span class="fact band band-{{ band_slug }}">{{ _("Xếp loại") }}: {{ band }}</span>
    <span class="fact">{{ _("Hạng %(rank)s/%(peers)s %(level)s", rank=rank, peers=peers, level=level_name) }}</span>
    <span class="fact">{{ _("Điểm thẩm định") if verified else _("Điểm tự đánh giá (chưa thẩm định)") }}</span>
  </div>
  {% if score.max < cset.max %}
  <p class="note">{{ _("Một số tiêu chí không áp dụng với đơn vị: điểm tối đa giảm từ %(full)s xuống %(max)s, tỷ lệ tính trên điểm tối đa đã giảm.", full=cset.max|mx, max=score.max|mx) }}</p>
  {% endif %}
  <table class="groups">
    <tr><th>{{ _("Nhóm tiêu chí") }}</th><th class="num">{{ _("Điểm đạt") }}</th><th class="num">{{ _("Tối đa") }}</th>
        <th class="num">{{ _("Tỷ lệ") }}</th></tr>
    {% for g in score.groups %}
    <tr><td>{{ g.code }}. {{ g.name }}</td><td class="num">{{ g.points|pts }}</td>
        <td class="num">{{ g.max|mx }}</td><td class="num">{{ g.percent|pct }}</td></tr>
    {% endfor %}
    <tr class="total"><td>{{ _("Tổng cộng") }}</td><td class="num">{{ score.total|pts }}</td>
        <td class="num">{{ score.max|mx }}</td><td class="num">{{ score.percent|pct }}</td></tr>
  </table>
</div>
"""

TO_IMPROVE = """
{% if rows %}
<p>{{ _("%(n)s tiêu chí chưa đạt điểm tối đa, xếp theo số điểm còn có thể đạt thêm (tổng cộng %(total)s điểm).", n=rows|length, total=total|pts) }}</p>
<table class="data">
  <thead><tr><th>{{ _("Mã") }}</th><th>{{ _("Tiêu chí") }}</th><th class="num">{{ _("Điểm đạt") }}</th><th class="num">{{ _("Tối đa") }}</th>
  <th class="num">{{ _("Còn thiếu") }}</th></tr></thead>
  <tbody>
  {% for n in rows %}
  <tr><td>{{ n.code }}</td><td>{{ n.name }}</td><td class="num">{{ n.points|pts }}</td>
      <td class="num">{{ n.max|mx }}</td><td class="num">{{ n.missing|pts }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% else %}
<p>{{ _("Đơn vị đạt điểm tối đa ở mọi tiêu chí áp dụng.") }}</p>
{% endif %}
<ul class="targets">
{% if to_rank is not none %}
  <li>{{ _("Cần thêm <b>%(points)s</b> điểm để lên hạng %(rank)s.", points=to_rank|pts, rank=next_rank) }}</li>
{% else %}
  <li>{{ _("Đơn vị đang đứng đầu %(level)s.", level=level_name) }}</li>
{% endif %}
{% if to_band is not none %}
  <li>{{ _("Cần thêm <b>%(points)s</b> điểm để đạt xếp loại <b>%(band)s</b>.", points=to_band|pts, band=next_band) }}</li>
{% endif %}
</ul>
"""

VERIFICATION = """
{% if not verified %}
<p>{{ _("Phiếu của đơn vị chưa được thẩm định: điểm trong báo cáo là điểm tự đánh giá.") }}</p>
{% else %}
<p>{{ _("Điểm tự đánh giá %(own)s, điểm thẩm định %(verified)s (chênh lệch %(diff)s điểm).", own=self_total|pts, verified=verified_total|pts, diff=(verified_total - self_total)|signed) }}
{% if rows %}{{ _("Các tiêu chí có điểm thẩm định khác điểm tự đánh giá:") }}{% endif %}</p>
{% if rows %}
<table class="data">
  <thead><tr><th>{{ _("Mã") }}</th><th>{{ _("Tiêu chí") }}</th><th class="num">{{ _("Tự đánh giá") }}</th>
  <th class="num">{{ _("Thẩm định") }}</th><th class="num">{{ _("Chênh lệch") }}</th></tr></thead>
  <tbody>
  {% for own, off in rows %}
  <tr><td>{{ off.code }}</td><td>{{ off.name }}</td><td class="num">{{ own.points|pts }}</td>
      <td class="num">{{ off.points|pts }}</td>
      <td class="num">{{ (off.points - own.points)|signed }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% endif %}
{% endif %}
"""

PREVIOUS = """
{% if prev is none %}
<p>{{ _("Không có dữ liệu năm %(year)s của đơn vị để so sánh.", year=year - 1) }}</p>
{% else %}
<table class="data keep">
  <thead><tr><th></th><th class="num">{{ _("Năm %(year)s", year=year - 1) }}</th><th class="num">{{ _("Năm %(year)s", year=year) }}</th>
  <th class="num">{{ _("Thay đổi") }}</th></tr></thead>
  <tbody>
  <tr><td>{{ _("Tổng điểm") }}</td><td class="num">{{ prev.total|pts }}/{{ prev.max|mx }}</td>
      <td class="num">{{ now.total|pts }}/{{ now.max|mx }}</td>
      <td class="num">{{ (now.total - prev.total)|signed }}</td></tr>
  <tr><td>{{ _("Tỷ lệ") }}</td><td class="num">{{ prev.percent|pct }}</td><td class="num">{{ now.percent|pct }}</td>
      <td class="num">{{ _("%(diff)s điểm %%", diff=(now.percent - prev.percent)|signed(1)) }}</td></tr>
  <tr><td>{{ _("Hạng") }}</td><td class="num">{{ prev_rank }}/{{ prev_peers }}</td>
      <td class="num">{{ rank }}/{{ peers }}</td><td class="num">{{ rank_change }}</td></tr>
  {% for code, p, n in groups %}
  <tr><td>{{ _("Nhóm %(code)s", code=code) }}</td><td class="num">{{ p.points|pts }}/{{ p.max|mx }}</td>
      <td class="num">{{ n.points|pts }}/{{ n.max|mx }}</td>
      <td class="num">{{ (n.points - p.points)|signed }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% if prev_version != version %}
<p class="note">{{ _("Bộ tiêu chí năm %(prev_year)s (phiên bản %(prev_version)s) khác năm %(year)s (phiên bản %(version)s): so sánh ở mức nhóm tiêu chí và tổng điểm.", prev_year=year - 1, prev_version=prev_version, year=year, version=version) }}</p>
{% endif %}
{% endif %}
"""

CRITERIA = """
<table class="data criteria">
  <thead><tr><th>{{ _("Mã") }}</th><th>{{ _("Tiêu chí / chỉ tiêu") }}</th><th>{{ _("Số liệu đơn vị báo cáo") }}</th>
  <th class="num">{{ _("Điểm đạt") }}</th><th class="num">{{ _("Tối đa") }}</th></tr></thead>
  <tbody>
  {% for row in rows %}
  <tr class="{{ row.kind }}{{ ' na' if not row.node.applicable }}">
    <td>{{ row.node.code }}</td><td>{{ row.node.name }}</td>
    <td>{% for label, value in row.inputs %}<div class="input">{{ label }}: <b>{{ value }}</b></div>{% endfor %}
      {% if not row.node.applicable %}<i>{{ _("Không áp dụng") }}</i>{% endif %}</td>
    <td class="num">{{ row.node.points|pts if row.node.applicable else "–" }}</td>
    <td class="num">{{ row.node.full_max|mx }}</td>
  </tr>
  {% endfor %}
  </tbody>
</table>
"""

PROVENANCE = """
<div class="keep">
<table class="meta provenance">
  <tr><th>{{ _("Bộ tiêu chí") }}</th><td>{{ criteria_file }}<br><code>SHA-256 {{ criteria_sha }}</code></td></tr>
  <tr><th>{{ _("Phiếu của đơn vị") }}</th><td>{{ form_file }}<br><code>SHA-256 {{ form_sha }}</code></td></tr>
  <tr><th>{{ _("Danh sách đơn vị") }}</th><td>{{ units_file }}<br><code>SHA-256 {{ units_sha }}</code></td></tr>
  <tr><th>{{ _("Phần mềm") }}</th><td>scoring {{ version }}</td></tr>
  <tr><th>{{ _("Ngày lập") }}</th><td>{{ date }}</td></tr>
</table>
<p class="note">{{ _("Điểm được tính trên số chưa làm tròn; báo cáo làm tròn đến hai chữ số thập phân. Đơn vị có tổng điểm bằng nhau được xếp cùng hạng.") }}</p>
</div>
"""


def _slug(band: str) -> str:
    return {"Tốt": "tot", "Khá": "kha", "Trung bình": "tb", "Yếu": "yeu"}.get(band, "other")


def _row_class(node: Node, groups: set[str]) -> str:
    """How a criteria-table row is styled: a group, a sub-group, or a criterion (leaf)."""
    if node.code in groups:
        return "group"
    return "subgroup" if node.children else "criterion"


class _Speaks:
    """What both reports share: their text is in ``self.lang`` (vi, or en for the option)."""

    lang: str
    SECTIONS: ClassVar[dict[str, str]] = {}

    def section(self, key: str) -> Fragment:
        """A section heading ("1. Điểm theo nhóm tiêu chí") in the report's language."""
        return self._render("<h2>{{ _(title) }}</h2>", title=self.SECTIONS[key])

    def _(self, text: str) -> str:
        return i18n.translator(self.lang)(text)

    def _render(self, template: str, **context: object) -> Fragment:
        return _render(template, self.lang, **context)


@dataclass(frozen=True)
class UnitReport(_Speaks):
    """Everything the unit report shows, for one unit of one year."""

    result: YearResult
    unit_id: str
    lang: str = "vi"
    SECTIONS: ClassVar[dict[str, str]] = UNIT_SECTIONS

    @classmethod
    def build(cls, data_dir: str | Path, year: int, unit_id: str, lang: str = "vi") -> UnitReport:
        data = params.data_dir(data_dir)
        result = assess(str(data), params.year(data, year))
        return cls(result, params.unit_id(unit_id, result.official, result.year), i18n.check(lang))

    @property
    def unit(self):  # noqa: ANN201 - a scoring.units.Unit
        return self.result.unit(self.unit_id)

    @property
    def score(self) -> UnitScore:
        return self.result.official[self.unit_id]

    @property
    def cset(self) -> CriteriaSet:
        return self.score.criteria

    @property
    def level_name(self) -> str:
        return self._(LEVEL_NAMES_VI[self.unit.level])

    def header(self) -> Fragment:
        band = self.result.band(self.unit_id)
        return self._render(
            HEADER,
            year=self.result.year,
            unit=self.unit,
            level_name=self.level_name,
            cset=self.cset,
            score=self.score,
            band=self._(band),
            band_slug=_slug(band),
            rank=self.result.ranks[self.unit_id],
            peers=len(self.result.peer_ids(self.unit_id)),
            verified=self.result.is_verified(self.unit_id),
        )

    def groups_chart(self) -> Png:
        groups = self.score.groups
        from scoring import charts

        return Png(
            charts.groups_against_max(
                [f"{g.code}. {g.name}" for g in groups],
                [g.points for g in groups],
                [g.max for g in groups],
                lang=self.lang,
            )
        )

    def _subgroups(self) -> list[NodeScore]:
        return [s for g in self.score.groups for s in g.children if not s.is_criterion]

    def _peer_means(self) -> list[int]:
        """Peers' mean percent per sub-group, to the whole percent the chart can show."""
        means = self.result.subgroup_means(self.unit.level)
        return [round(means.get(s.code, 0.0)) for s in self._subgroups()]

    def peers_chart(self) -> Png | Fragment:
        from scoring import charts

        if len(self.result.peer_ids(self.unit_id)) < 2:
            return self._render(
                "<p>{{ _('%(name)s là đơn vị duy nhất được đánh giá ở %(level)s năm %(year)s: "
                "không có đơn vị cùng cấp để so sánh.', name=name, level=level, year=year) }}</p>",
                name=self.unit.name,
                level=self.level_name,
                year=self.result.year,
            )
        subgroups = self._subgroups()
        return Png(
            charts.subgroups_against_peers(
                [s.code for s in subgroups],
                [s.percent for s in subgroups],
                [float(m) for m in self._peer_means()],
                self.unit.name,
                lang=self.lang,
            )
        )

    def subgroup_legend(self) -> Fragment:
        subgroups = [s for g in self.score.groups for s in g.children if not s.is_criterion]
        return self._render(
            "<p class='legend'>{% for s in subs %}<b>{{ s.code }}</b>: {{ s.name }}"
            "{{ '; ' if not loop.last }}{% endfor %}.</p>",
            subs=subgroups,
        )

    def _to_improve_rows(self) -> list[NodeScore]:
        return sorted(
            (n for n in self.score.nodes() if n.is_criterion and n.applicable and n.missing > 1e-9),
            key=lambda n: (-n.missing, n.code),
        )

    def _targets(self) -> dict[str, object]:
        """Points to the next rank and the next band, and which rank and band that is."""
        result, uid = self.result, self.unit_id
        to_rank = result.points_to_next_rank(uid)
        rank = result.ranks[uid]
        # The rank reached with those points: one past the peers still above the target.
        target = points_to_next_rank(
            result.rank_value(uid), [result.rank_value(u) for u in result.peer_ids(uid)]
        )
        above = result.rank_value(uid) + (target or 0) + 1e-9
        next_rank = 1 + sum(1 for u in result.peer_ids(uid) if result.rank_value(u) > above)
        to_band, next_band = self._to_next_band()
        return {
            "to_rank": to_rank,
            "next_rank": min(next_rank, rank),
            "to_band": to_band,
            "next_band": next_band,
        }

    def to_improve(self) -> Fragment:
        rows = self._to_improve_rows()
        return self._render(
            TO_IMPROVE,
            rows=rows,
            total=sum(n.missing for n in rows),
            level_name=self.level_name,
            **self._targets(),
        )

    def _to_next_band(self) -> tuple[float | None, str | None]:
        current = self.score.percent
        higher = [b for b in self.result.inputs.criteria.bands if b.min_percent > current + 1e-9]
        if not higher:
            return None, None
        target = min(higher, key=lambda b: b.min_percent)
        return target.min_percent / 100 * self.score.max - self.score.total, self._(target.name)

    def verification(self) -> Fragment:
        verified = self.result.is_verified(self.unit_id)
        own = self.result.self_scores[self.unit_id]
        rows: list[tuple[NodeScore, NodeScore]] = []
        if verified:
            own_nodes = {n.code: n for n in own.nodes()}
            rows = [
                (own_nodes[n.code], n)
                for n in self.score.nodes()
                if n.is_criterion and abs(n.points - own_nodes[n.code].points) > 1e-9
            ]
        return self._render(
            VERIFICATION,
            verified=verified,
            self_total=own.total,
            verified_total=self.score.total,
            rows=rows,
        )

    def previous_year(self) -> Fragment:
        prev_result = previous(self.result)
        year = self.result.year
        if prev_result is None or self.unit_id not in prev_result.official:
            return self._render(PREVIOUS, prev=None, year=year)
        prev = prev_result.official[self.unit_id]
        prev_rank = prev_result.ranks[self.unit_id]
        rank = self.result.ranks[self.unit_id]
        moved = prev_rank - rank
        rank_change = (
            self._("giữ nguyên")
            if moved == 0
            else self._("tăng %(n)s bậc") % {"n": moved}
            if moved > 0
            else self._("giảm %(n)s bậc") % {"n": -moved}
        )
        prev_groups = {g.code: g for g in prev.groups}
        groups = [
            (g.code, prev_groups[g.code], g) for g in self.score.groups if g.code in prev_groups
        ]
        return self._render(
            PREVIOUS,
            prev=prev,
            now=self.score,
            year=year,
            prev_rank=prev_rank,
            prev_peers=len(prev_result.peer_ids(self.unit_id)),
            rank=rank,
            peers=len(self.result.peer_ids(self.unit_id)),
            rank_change=rank_change,
            groups=groups,
            prev_version=prev.criteria.version,
            version=self.cset.version,
        )

    def shown(self) -> dict[str, object]:
        """Everything this report shows, as plain data.

        Its hash is the report's build key: a report is rebuilt only when this changes,
        so a correction in one unit's form rebuilds the units whose rank, gap to the next
        rank or peers' means (to the whole percent drawn) it moves, not the whole level.
        """
        submission = self.result.inputs.collection.submissions[self.unit_id]
        own = self.result.self_scores[self.unit_id]
        prev_result = previous(self.result)
        prev = None
        if prev_result is not None and self.unit_id in prev_result.official:
            p = prev_result.official[self.unit_id]
            prev = [
                p.total,
                p.max,
                prev_result.ranks[self.unit_id],
                len(prev_result.peer_ids(self.unit_id)),
                p.criteria.version,
                [(g.code, g.points, g.max) for g in p.groups],
            ]
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
            "verified": self.result.is_verified(self.unit_id),
            "rank": [
                self.result.ranks[self.unit_id],
                len(self.result.peer_ids(self.unit_id)),
                self.result.band(self.unit_id),
            ],
            "peer_means": self._peer_means(),
            "targets": self._targets(),
            "previous": prev,
            "form": submission.sha256,
            "units": sha256_file(self.result.inputs.data_dir / "units.csv"),
            "date": build_date(self.result).isoformat(),
        }

    def criteria_table(self) -> Fragment:
        submission = self.result.inputs.collection.submissions[self.unit_id]
        values = submission.verified if submission.verified is not None else submission.values
        rows = []
        groups = {g.code for g in self.cset.groups}
        for node in self.score.nodes():
            spec = self.cset.nodes[node.code]
            inputs = [
                (
                    i.label + (f" ({i.unit})" if i.unit else ""),
                    format_value(values.get(i.code), i.kind, self.lang),
                )
                for i in spec.inputs
            ]
            rows.append({"node": node, "kind": _row_class(spec, groups), "inputs": inputs})
        return self._render(CRITERIA, rows=rows)

    def provenance(self) -> Fragment:
        submission = self.result.inputs.collection.submissions[self.unit_id]
        data_dir = self.result.inputs.data_dir
        units_file = data_dir / "units.csv"
        return self._render(
            PROVENANCE,
            criteria_file=_relative(self.cset.path, data_dir),
            criteria_sha=self.cset.fingerprint,
            form_file=_relative(submission.path, data_dir),
            form_sha=submission.sha256,
            units_file=_relative(units_file, data_dir),
            units_sha=sha256_file(units_file),
            version=__version__,
            date=numfmt.date(build_date(self.result)),
        )


def _relative(path: Path, data_dir: Path) -> str:
    try:
        return "data/" + Path(path).resolve().relative_to(data_dir.resolve()).as_posix()
    except ValueError:
        return Path(path).name


RANKING_HEADER = """
<div class="report-header">
  <div class="agency">{{ _("ỦY BAN NHÂN DÂN THÀNH PHỐ UÔNG BÍ · ĐÁNH GIÁ, XẾP HẠNG CHÍNH QUYỀN ĐIỆN TỬ") }}</div>
  <h1>{{ _("Kết quả xếp hạng mức độ chính quyền điện tử năm %(year)s", year=year) }}</h1>
  <table class="meta">
    {% for c in sets %}
    <tr><th>{{ c.level_name }}</th><td>{{ c.cset.title }} ({{ _("phiên bản %(version)s, tối đa %(max)s điểm", version=c.cset.version, max=c.cset.max|mx) }})</td></tr>
    {% endfor %}
    <tr><th>{{ _("Căn cứ") }}</th><td>{% for line in legal %}{{ line }}<br>{% endfor %}</td></tr>
    <tr><th>{{ _("Xếp loại") }}</th><td>{% for b in bands %}{{ _(b.name) }}: {{ _("từ %(min)s%%", min=b.min_percent|mx) }}{{ "; " if not loop.last }}{% endfor %}
        ({{ _("tỷ lệ trên điểm tối đa áp dụng") }})</td></tr>
  </table>
</div>
"""

LEVEL_TABLE = """
<table class="data ranking">
  <thead><tr><th class="num">{{ _("Hạng") }}</th><th>{{ _("Đơn vị") }}</th>
  {% for code in groups %}<th class="num">{{ _("Nhóm %(code)s", code=code) }}</th>{% endfor %}
  <th class="num">{{ _("Tổng điểm") }}</th><th class="num">{{ _("Tỷ lệ") }}</th><th>{{ _("Xếp loại") }}</th>
  <th class="num">{{ _("So với năm trước") }}</th></tr></thead>
  <tbody>
  {% for r in rows %}
  <tr><td class="num">{{ r.rank }}</td><td>{{ r.name }}{% if not r.verified %}<sup>*</sup>{% endif %}</td>
    {% for code in groups %}<td class="num">{{ r.groups.get(code)|pts }}</td>{% endfor %}
    <td class="num"><b>{{ r.total|pts }}</b>/{{ r.max|mx }}</td><td class="num">{{ r.percent|pct }}</td>
    <td class="band band-{{ r.band_slug }}">{{ _(r.band) }}</td><td class="num">{{ r.change }}</td></tr>
  {% endfor %}
  </tbody>
</table>
<p class="stats">{{ _("Số đơn vị: %(n)s. Điểm trung bình %(mean)s (%(mean_pct)s), cao nhất %(high)s, thấp nhất %(low)s.", n=rows|length, mean=mean|pts, mean_pct=mean_pct|pct, high=high|pts, low=low|pts) }}
{% for band, n in band_counts %}{{ _(band) }}: {{ n }}{{ "; " if not loop.last }}{% endfor %}.
{% if unverified %}<br><sup>*</sup> {{ _("Điểm tự đánh giá, chưa thẩm định.") }}{% endif %}</p>
"""

SUBMISSIONS = """
<table class="data submissions">
  <thead><tr><th>{{ _("Tình trạng phiếu") }}</th><th class="num">{{ _("Số đơn vị") }}</th></tr></thead>
  <tbody>
  {% for title, names in counts %}
  <tr><td>{{ _(title) }}</td><td class="num">{{ names|length }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% for title, names in counts if names and title in listed %}
<p class="note"><b>{{ _(title) }}:</b> {{ names|join(", ") }}.</p>
{% endfor %}
"""


@dataclass(frozen=True)
class RankingReport(_Speaks):
    """The city-wide ranking of one year: one peer group per level."""

    result: YearResult
    lang: str = "vi"
    SECTIONS: ClassVar[dict[str, str]] = {"submissions": "Tình hình nộp phiếu"}

    @classmethod
    def build(cls, data_dir: str | Path, year: int, lang: str = "vi") -> RankingReport:
        data = params.data_dir(data_dir)
        return cls(assess(str(data), params.year(data, year)), i18n.check(lang))

    def levels(self) -> list[str]:
        order = ["district", "department", "commune"]
        return sorted(self.result.peers, key=lambda lv: order.index(lv) if lv in order else 9)

    def level_title(self, level: str) -> Fragment:
        cset = self.result.inputs.criteria.for_level(level)
        return self._render(
            "<h2>{{ _('%(title)s (tối đa %(max)s điểm)', title=t, max=m|mx) }}</h2>",
            t=self._(LEVEL_TITLES[level]),
            m=cset.max,
        )

    def header(self) -> Fragment:
        criteria = self.result.inputs.criteria
        sets = [
            {"level_name": self._(LEVEL_TITLES[lv]), "cset": criteria.for_level(lv)}
            for lv in self.levels()
        ]
        legal = list(
            dict.fromkeys(
                line for lv in self.levels() for line in criteria.for_level(lv).legal_basis
            )
        )
        return self._render(
            RANKING_HEADER, year=self.result.year, sets=sets, legal=legal, bands=criteria.bands
        )

    def rows(self, level: str) -> list[dict[str, object]]:
        prev = previous(self.result)
        rows = []
        for uid in self.result.peers[level]:
            score = self.result.official[uid]
            band = self.result.band(uid)
            change = "–"
            if prev is not None and uid in prev.ranks:
                moved = prev.ranks[uid] - self.result.ranks[uid]
                change = "=" if moved == 0 else (f"↑{moved}" if moved > 0 else f"↓{-moved}")
            rows.append(
                {
                    "unit_id": uid,
                    "name": self.result.unit(uid).name,
                    "rank": self.result.ranks[uid],
                    "total": score.total,
                    "max": score.max,
                    "percent": score.percent,
                    "band": band,
                    "band_slug": _slug(band),
                    "change": change,
                    "verified": self.result.is_verified(uid),
                    "groups": {g.code: g.points for g in score.groups},
                }
            )
        return sorted(rows, key=lambda r: (r["rank"], r["name"]))  # type: ignore[return-value]

    def table(self, level: str) -> Fragment:
        rows = self.rows(level)
        totals = [float(r["total"]) for r in rows]  # type: ignore[arg-type]
        pcts = [float(r["percent"]) for r in rows]  # type: ignore[arg-type]
        counts = {b.name: 0 for b in self.result.inputs.criteria.bands}
        for r in rows:
            counts[str(r["band"])] += 1
        groups = [g.code for g in self.result.inputs.criteria.for_level(level).groups]
        return self._render(
            LEVEL_TABLE,
            rows=rows,
            groups=groups,
            mean=sum(totals) / len(totals),
            mean_pct=sum(pcts) / len(pcts),
            high=max(totals),
            low=min(totals),
            band_counts=list(counts.items()),
            unverified=any(not r["verified"] for r in rows),
        )

    def chart(self, level: str) -> list[Png]:
        """The level's totals as bars, one figure per page of units."""
        rows = self.rows(level)
        cset = self.result.inputs.criteria.for_level(level)
        from scoring import charts

        return [
            Png(png)
            for png in charts.totals_by_band(
                [str(r["name"]) for r in rows],
                [float(r["total"]) for r in rows],  # type: ignore[arg-type]
                [str(r["band"]) for r in rows],
                cset.max,
                lang=self.lang,
            )
        ]

    def heatmap(self, level: str) -> list[Png]:
        """Units × sub-groups in percent of maximum, one figure per page of units."""
        rows = self.rows(level)
        cset = self.result.inputs.criteria.for_level(level)
        subs = [s.code for g in cset.groups for s in g.children if not s.is_criterion]
        grid = []
        for r in rows:
            score = self.result.official[str(r["unit_id"])]
            grid.append([score.node(c).percent if score.node(c).applicable else None for c in subs])
        from scoring import charts

        names = [str(r["name"]) for r in rows]
        return [Png(png) for png in charts.heatmap(names, subs, grid, lang=self.lang)]

    def submissions(self) -> Fragment:
        coll = self.result.inputs.collection
        names = {u.id: u.name for u in self.result.inputs.units}
        warned = sorted(
            {p.unit_id for p in coll.warnings if p.unit_id and p.unit_id in coll.submissions}
        )
        # The names follow the table as paragraphs: a list of a province's units would
        # make a table row taller than a page.
        return self._render(
            SUBMISSIONS,
            counts=[
                ("Phải nộp", coll.expected),
                ("Đã nộp", sorted(coll.submissions)),
                (
                    "Đã thẩm định",
                    [
                        names[u]
                        for u in sorted(coll.submissions)
                        if coll.submissions[u].verified is not None
                    ],
                ),
                ("Chưa nộp", [names.get(u, u) for u in coll.missing]),
                ("Có cảnh báo", [names.get(u, u) for u in warned]),
            ],
            listed=("Đã thẩm định", "Chưa nộp", "Có cảnh báo"),
        )
