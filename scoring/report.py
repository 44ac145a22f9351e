"""What the notebooks show: views of a scored year as HTML fragments and charts.

The notebooks stay thin: one call per section. Every fragment is rendered by Jinja2
with autoescaping, so no unit name, label or note from the inputs can inject markup into
a report. Fragments and charts carry ``_repr_html_`` / ``_repr_png_`` so a notebook
displays them by simply returning them, with no IPython import here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from scoring import __version__, numfmt
from scoring.criteria import LEVEL_NAMES_VI, CriteriaSet
from scoring.errors import ScoringError
from scoring.io import sha256_file
from scoring.pipeline import YearResult, assess, build_date, previous
from scoring.ranking import points_to_next_rank
from scoring.rules import NA, Value
from scoring.scores import NodeScore, UnitScore

_ENV = jinja2.Environment(
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
)
_ENV.filters.update(
    pts=numfmt.points,
    mx=numfmt.maximum,
    pct=numfmt.percent,
    num=numfmt.number,
    signed=numfmt.signed,
    score=lambda p, m: numfmt.score(p, m),
)
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


def _render(template: str, **context: object) -> Fragment:
    return Fragment(_ENV.from_string(template).render(**context))


def format_value(value: Value | None, kind: str) -> str:
    if value is None:
        return "–"
    if value is NA:
        return "Không áp dụng"
    if kind == "yes_no":
        return "Có" if value else "Không"
    number = float(value)  # type: ignore[arg-type]
    text = numfmt.number(number, 2, trim=True)
    return f"{text}%" if kind == "share" else text


HEADER = """
<div class="report-header">
  <div class="agency">ỦY BAN NHÂN DÂN THÀNH PHỐ UÔNG BÍ · ĐÁNH GIÁ, XẾP HẠNG CHÍNH QUYỀN ĐIỆN TỬ</div>
  <h1>Báo cáo kết quả đánh giá mức độ chính quyền điện tử năm {{ year }}</h1>
  <div class="unit-name">{{ unit.name }}</div>
  <table class="meta">
    <tr><th>Cấp đánh giá</th><td>{{ level_name }}</td></tr>
    <tr><th>Bộ tiêu chí</th><td>{{ cset.title }} (phiên bản {{ cset.version }})</td></tr>
    <tr><th>Căn cứ</th><td>{% for line in cset.legal_basis %}{{ line }}<br>{% endfor %}</td></tr>
  </table>
</div>
<div class="headline">
  <div class="big">{{ score.total|pts }}/{{ score.max|mx }} điểm</div>
  <div class="facts">
    <span class="fact">{{ score.percent|pct }}</span>
    <span class="fact band band-{{ band_slug }}">Xếp loại: {{ band }}</span>
    <span class="fact">Hạng {{ rank }}/{{ peers }} {{ level_name }}</span>
    <span class="fact">{{ "Điểm thẩm định" if verified else "Điểm tự đánh giá (chưa thẩm định)" }}</span>
  </div>
  {% if score.max < cset.max %}
  <p class="note">Một số tiêu chí không áp dụng với đơn vị: điểm tối đa giảm từ
  {{ cset.max|mx }} xuống {{ score.max|mx }}, tỷ lệ tính trên điểm tối đa đã giảm.</p>
  {% endif %}
  <table class="groups">
    <tr><th>Nhóm tiêu chí</th><th class="num">Điểm đạt</th><th class="num">Tối đa</th>
        <th class="num">Tỷ lệ</th></tr>
    {% for g in score.groups %}
    <tr><td>{{ g.code }}. {{ g.name }}</td><td class="num">{{ g.points|pts }}</td>
        <td class="num">{{ g.max|mx }}</td><td class="num">{{ g.percent|pct }}</td></tr>
    {% endfor %}
    <tr class="total"><td>Tổng cộng</td><td class="num">{{ score.total|pts }}</td>
        <td class="num">{{ score.max|mx }}</td><td class="num">{{ score.percent|pct }}</td></tr>
  </table>
</div>
"""

TO_IMPROVE = """
{% if rows %}
<p>{{ rows|length }} tiêu chí chưa đạt điểm tối đa, xếp theo số điểm còn có thể đạt thêm
(tổng cộng {{ total|pts }} điểm).</p>
<table class="data">
  <thead><tr><th>Mã</th><th>Tiêu chí</th><th class="num">Điểm đạt</th><th class="num">Tối đa</th>
  <th class="num">Còn thiếu</th></tr></thead>
  <tbody>
  {% for n in rows %}
  <tr><td>{{ n.code }}</td><td>{{ n.name }}</td><td class="num">{{ n.points|pts }}</td>
      <td class="num">{{ n.max|mx }}</td><td class="num">{{ n.missing|pts }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% else %}
<p>Đơn vị đạt điểm tối đa ở mọi tiêu chí áp dụng.</p>
{% endif %}
<ul class="targets">
{% if to_rank is not none %}
  <li>Cần thêm <b>{{ to_rank|pts }}</b> điểm để lên hạng {{ next_rank }}.</li>
{% else %}
  <li>Đơn vị đang đứng đầu {{ level_name }}.</li>
{% endif %}
{% if to_band is not none %}
  <li>Cần thêm <b>{{ to_band|pts }}</b> điểm để đạt xếp loại <b>{{ next_band }}</b>.</li>
{% endif %}
</ul>
"""

VERIFICATION = """
{% if not verified %}
<p>Phiếu của đơn vị chưa được thẩm định: điểm trong báo cáo là điểm tự đánh giá.</p>
{% else %}
<p>Điểm tự đánh giá {{ self_total|pts }}, điểm thẩm định {{ verified_total|pts }}
(chênh lệch {{ (verified_total - self_total)|signed }} điểm).
{% if rows %}Các tiêu chí có điểm thẩm định khác điểm tự đánh giá:{% endif %}</p>
{% if rows %}
<table class="data">
  <thead><tr><th>Mã</th><th>Tiêu chí</th><th class="num">Tự đánh giá</th>
  <th class="num">Thẩm định</th><th class="num">Chênh lệch</th></tr></thead>
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
<p>Không có dữ liệu năm {{ year - 1 }} của đơn vị để so sánh.</p>
{% else %}
<table class="data">
  <thead><tr><th></th><th class="num">Năm {{ year - 1 }}</th><th class="num">Năm {{ year }}</th>
  <th class="num">Thay đổi</th></tr></thead>
  <tbody>
  <tr><td>Tổng điểm</td><td class="num">{{ prev.total|pts }}/{{ prev.max|mx }}</td>
      <td class="num">{{ now.total|pts }}/{{ now.max|mx }}</td>
      <td class="num">{{ (now.total - prev.total)|signed }}</td></tr>
  <tr><td>Tỷ lệ</td><td class="num">{{ prev.percent|pct }}</td><td class="num">{{ now.percent|pct }}</td>
      <td class="num">{{ (now.percent - prev.percent)|signed(1) }} điểm %</td></tr>
  <tr><td>Hạng</td><td class="num">{{ prev_rank }}/{{ prev_peers }}</td>
      <td class="num">{{ rank }}/{{ peers }}</td><td class="num">{{ rank_change }}</td></tr>
  {% for code, p, n in groups %}
  <tr><td>Nhóm {{ code }}</td><td class="num">{{ p.points|pts }}/{{ p.max|mx }}</td>
      <td class="num">{{ n.points|pts }}/{{ n.max|mx }}</td>
      <td class="num">{{ (n.points - p.points)|signed }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% if prev_version != version %}
<p class="note">Bộ tiêu chí năm {{ year - 1 }} (phiên bản {{ prev_version }}) khác năm {{ year }}
(phiên bản {{ version }}): so sánh ở mức nhóm tiêu chí và tổng điểm.</p>
{% endif %}
{% endif %}
"""

CRITERIA = """
<table class="data criteria">
  <thead><tr><th>Mã</th><th>Tiêu chí / chỉ tiêu</th><th>Số liệu đơn vị báo cáo</th>
  <th class="num">Điểm đạt</th><th class="num">Tối đa</th></tr></thead>
  <tbody>
  {% for row in rows %}
  <tr class="depth-{{ row.depth }}{{ ' na' if not row.node.applicable }}">
    <td>{{ row.node.code }}</td><td>{{ row.node.name }}</td>
    <td>{% for label, value in row.inputs %}<div class="input">{{ label }}: <b>{{ value }}</b></div>{% endfor %}
      {% if not row.node.applicable %}<i>Không áp dụng</i>{% endif %}</td>
    <td class="num">{{ row.node.points|pts if row.node.applicable else "–" }}</td>
    <td class="num">{{ row.node.full_max|mx }}</td>
  </tr>
  {% endfor %}
  </tbody>
</table>
"""

PROVENANCE = """
<table class="meta provenance">
  <tr><th>Bộ tiêu chí</th><td>{{ criteria_file }}<br><code>SHA-256 {{ criteria_sha }}</code></td></tr>
  <tr><th>Phiếu của đơn vị</th><td>{{ form_file }}<br><code>SHA-256 {{ form_sha }}</code></td></tr>
  <tr><th>Danh sách đơn vị</th><td>{{ units_file }}<br><code>SHA-256 {{ units_sha }}</code></td></tr>
  <tr><th>Phần mềm</th><td>scoring {{ version }}</td></tr>
  <tr><th>Ngày lập</th><td>{{ date }}</td></tr>
</table>
<p class="note">Điểm được tính trên số chưa làm tròn; báo cáo làm tròn đến hai chữ số thập phân.
Đơn vị có tổng điểm bằng nhau được xếp cùng hạng.</p>
"""


def _slug(band: str) -> str:
    return {"Tốt": "tot", "Khá": "kha", "Trung bình": "tb", "Yếu": "yeu"}.get(band, "other")


def _depth(code: str) -> int:
    return code.count(".") + (1 if any(ch.isdigit() for ch in code.split(".")[0]) else 0)


@dataclass(frozen=True)
class UnitReport:
    """Everything the unit report shows, for one unit of one year."""

    result: YearResult
    unit_id: str

    @classmethod
    def build(cls, data_dir: str | Path, year: int, unit_id: str) -> UnitReport:
        result = assess(str(data_dir), int(year))
        if unit_id not in result.official:
            raise ScoringError(f"Đơn vị '{unit_id}' không có điểm năm {year}")
        return cls(result, unit_id)

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
        return LEVEL_NAMES_VI[self.unit.level]

    def header(self) -> Fragment:
        band = self.result.band(self.unit_id)
        return _render(
            HEADER,
            year=self.result.year,
            unit=self.unit,
            level_name=self.level_name,
            cset=self.cset,
            score=self.score,
            band=band,
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
            return _render(
                "<p>{{ name }} là đơn vị duy nhất được đánh giá ở {{ level }} năm {{ year }}: "
                "không có đơn vị cùng cấp để so sánh.</p>",
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
            )
        )

    def subgroup_legend(self) -> Fragment:
        subgroups = [s for g in self.score.groups for s in g.children if not s.is_criterion]
        return _render(
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
        peers = [self.result.official[u].total for u in self.result.peer_ids(self.unit_id)]
        to_rank = points_to_next_rank(self.score.total, peers)
        rank = self.result.ranks[self.unit_id]
        next_rank = 1 + sum(1 for t in peers if t > self.score.total + (to_rank or 0) + 1e-9)
        to_band, next_band = self._to_next_band()
        return {
            "to_rank": to_rank,
            "next_rank": min(next_rank, rank),
            "to_band": to_band,
            "next_band": next_band,
        }

    def to_improve(self) -> Fragment:
        rows = self._to_improve_rows()
        return _render(
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
        return target.min_percent / 100 * self.score.max - self.score.total, target.name

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
        return _render(
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
            return _render(PREVIOUS, prev=None, year=year)
        prev = prev_result.official[self.unit_id]
        prev_rank = prev_result.ranks[self.unit_id]
        rank = self.result.ranks[self.unit_id]
        moved = prev_rank - rank
        rank_change = (
            "giữ nguyên"
            if moved == 0
            else f"tăng {moved} bậc"
            if moved > 0
            else f"giảm {-moved} bậc"
        )
        prev_groups = {g.code: g for g in prev.groups}
        groups = [
            (g.code, prev_groups[g.code], g) for g in self.score.groups if g.code in prev_groups
        ]
        return _render(
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
        for node in self.score.nodes():
            spec = self.cset.nodes[node.code]
            inputs = [
                (
                    i.label + (f" ({i.unit})" if i.unit else ""),
                    format_value(values.get(i.code), i.kind),
                )
                for i in spec.inputs
            ]
            rows.append({"node": node, "depth": _depth(node.code), "inputs": inputs})
        return _render(CRITERIA, rows=rows)

    def provenance(self) -> Fragment:
        submission = self.result.inputs.collection.submissions[self.unit_id]
        data_dir = self.result.inputs.data_dir
        units_file = data_dir / "units.csv"
        return _render(
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
  <div class="agency">ỦY BAN NHÂN DÂN THÀNH PHỐ UÔNG BÍ · ĐÁNH GIÁ, XẾP HẠNG CHÍNH QUYỀN ĐIỆN TỬ</div>
  <h1>Kết quả xếp hạng mức độ chính quyền điện tử năm {{ year }}</h1>
  <table class="meta">
    {% for c in sets %}
    <tr><th>{{ c.level_name }}</th><td>{{ c.cset.title }} (phiên bản {{ c.cset.version }},
        tối đa {{ c.cset.max|mx }} điểm)</td></tr>
    {% endfor %}
    <tr><th>Căn cứ</th><td>{% for line in legal %}{{ line }}<br>{% endfor %}</td></tr>
    <tr><th>Xếp loại</th><td>{% for b in bands %}{{ b.name }}: từ {{ b.min_percent|mx }}%{{ "; " if not loop.last }}{% endfor %}
        (tỷ lệ trên điểm tối đa áp dụng)</td></tr>
  </table>
</div>
"""

LEVEL_TABLE = """
<table class="data ranking">
  <thead><tr><th class="num">Hạng</th><th>Đơn vị</th>
  {% for code in groups %}<th class="num">Nhóm {{ code }}</th>{% endfor %}
  <th class="num">Tổng điểm</th><th class="num">Tỷ lệ</th><th>Xếp loại</th>
  <th class="num">So với năm trước</th></tr></thead>
  <tbody>
  {% for r in rows %}
  <tr><td class="num">{{ r.rank }}</td><td>{{ r.name }}{% if not r.verified %}<sup>*</sup>{% endif %}</td>
    {% for code in groups %}<td class="num">{{ r.groups.get(code)|pts }}</td>{% endfor %}
    <td class="num"><b>{{ r.total|pts }}</b>/{{ r.max|mx }}</td><td class="num">{{ r.percent|pct }}</td>
    <td class="band band-{{ r.band_slug }}">{{ r.band }}</td><td class="num">{{ r.change }}</td></tr>
  {% endfor %}
  </tbody>
</table>
<p class="stats">Số đơn vị: {{ rows|length }}. Điểm trung bình {{ mean|pts }}
({{ mean_pct|pct }}), cao nhất {{ high|pts }}, thấp nhất {{ low|pts }}.
{% for band, n in band_counts %}{{ band }}: {{ n }}{{ "; " if not loop.last }}{% endfor %}.
{% if unverified %}<br><sup>*</sup> Điểm tự đánh giá, chưa thẩm định.{% endif %}</p>
"""

SUBMISSIONS = """
<table class="data submissions">
  <thead><tr><th>Tình trạng phiếu</th><th class="num">Số đơn vị</th></tr></thead>
  <tbody>
  {% for title, names in counts %}
  <tr><td>{{ title }}</td><td class="num">{{ names|length }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% for title, names in counts if names and title in listed %}
<p class="note"><b>{{ title }}:</b> {{ names|join(", ") }}.</p>
{% endfor %}
"""


@dataclass(frozen=True)
class RankingReport:
    """The city-wide ranking of one year: one peer group per level."""

    result: YearResult

    @classmethod
    def build(cls, data_dir: str | Path, year: int) -> RankingReport:
        return cls(assess(str(data_dir), int(year)))

    def levels(self) -> list[str]:
        order = ["district", "department", "commune"]
        return sorted(self.result.peers, key=lambda lv: order.index(lv) if lv in order else 9)

    def level_title(self, level: str) -> Fragment:
        cset = self.result.inputs.criteria.for_level(level)
        return _render(
            "<h2>{{ t }} (tối đa {{ m|mx }} điểm)</h2>", t=LEVEL_TITLES[level], m=cset.max
        )

    def header(self) -> Fragment:
        criteria = self.result.inputs.criteria
        sets = [
            {"level_name": LEVEL_TITLES[lv], "cset": criteria.for_level(lv)} for lv in self.levels()
        ]
        legal = list(
            dict.fromkeys(
                line for lv in self.levels() for line in criteria.for_level(lv).legal_basis
            )
        )
        return _render(
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
        return _render(
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

        return [Png(png) for png in charts.heatmap([str(r["name"]) for r in rows], subs, grid)]

    def submissions(self) -> Fragment:
        coll = self.result.inputs.collection
        names = {u.id: u.name for u in self.result.inputs.units}
        warned = sorted(
            {p.unit_id for p in coll.warnings if p.unit_id and p.unit_id in coll.submissions}
        )
        # The names follow the table as paragraphs: a list of a province's units would
        # make a table row taller than a page.
        return _render(
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
