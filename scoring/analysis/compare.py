"""Year over year, like for like: a unit against the year before, for the unit report
(``UnitReport.previous_year``, ``previous.html.j2``), which renders it from its view.

* **Units.** A unit compares with itself, unless ``unit_changes.csv`` says it was formed
  that year: a merged unit with each predecessor and a combined baseline (their points
  over their applicable maxima); a unit split off with its parent's percent (its points
  were the parent's); a renamed one with its old id. A unit's last report says what it
  became.
* **Criteria.** Those whose code (after the year's optional ``mapping.csv``,
  ``old_code,new_code``), maximum and rule are unchanged compare one by one, whatever the
  set's version; every other is named with why not (maximum or rule changed, new, dropped).
* **Basis.** Every figure says whether it is verified or self-assessed.

Core module: plain data out, no pandas, no rendering.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from scoring.inputs.lineage import Event, Lineage
from scoring.inputs.units import _decode
from scoring.text.errors import CriteriaError
from scoring.text.i18n import N_, located, phrase

if TYPE_CHECKING:
    from scoring.inputs.submissions import Problem
    from scoring.model.criteria import CriteriaSet, CriteriaYear, Node
    from scoring.model.result import YearResult
    from scoring.model.scores import UnitScore

MAPPING_FILE = "mapping.csv"


@dataclass(frozen=True)
class Figure:
    """One unit's result in one year, with the basis it stands on."""

    unit_id: str
    name: str
    year: int
    total: float
    max: float
    percent: float
    verified: bool | None  # None: a combined baseline of verified and self-assessed units
    rank: int | None = None
    peers: int | None = None
    band: str = ""


@dataclass(frozen=True)
class Row:
    """A group or criterion compared: last year's points and maximum, then this year's."""

    code: str
    name: str
    prev_code: str
    prev_points: float
    prev_max: float
    points: float
    max: float


@dataclass(frozen=True)
class NotComparable:
    """A criterion compared by no figure, and why: ``max`` (its maximum changed),
    ``rule`` (how points are given changed), ``new`` or ``dropped``."""

    code: str
    name: str
    reason: str
    prev_max: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Comparison:
    """A unit's result set against what it was (or came from) the year before."""

    year: int
    kind: str  # same | rename | merge | split
    now: Figure
    sources: list[Figure]
    combined: Figure | None
    event: Event | None
    groups: list[Row] = field(default_factory=list)
    criteria: list[Row] = field(default_factory=list)
    not_comparable: list[NotComparable] = field(default_factory=list)
    mapped: list[tuple[str, str]] = field(default_factory=list)  # (old, new) codes used
    prev_version: str = ""
    version: str = ""

    @property
    def single(self) -> Figure | None:
        """The one previous-year figure a same-unit or renamed-unit comparison uses."""
        return self.sources[0] if self.kind in ("same", "rename") and self.sources else None


def figure(result: YearResult, unit_id: str) -> Figure:
    score, name, year = result.official[unit_id], result.unit(unit_id).name, result.year
    verified = result.is_verified(unit_id)
    rank, peers, band = result.ranks[unit_id], result.peer_count(unit_id), result.band(unit_id)
    return Figure(
        unit_id, name, year, score.total, score.max, score.percent, verified, rank, peers, band
    )


def combined(figures: list[Figure], year: int, name: str) -> Figure:
    """Predecessors taken as one unit: the sum of their points over the sum of their
    applicable maxima (a unit that did not apply a criterion adds nothing to either)."""
    total, maximum = sum(f.total for f in figures), sum(f.max for f in figures)
    states = {f.verified for f in figures}
    verified = states.pop() if len(states) == 1 else None
    percent = total / maximum * 100 if maximum else 0.0
    return Figure(
        "+".join(f.unit_id for f in figures), name, year, total, maximum, percent, verified
    )


def _mapping_error(path: Path, line: int, msgid: str, **params: object) -> CriteriaError:
    what = phrase(msgid, **params)
    return CriteriaError("%(where)s: %(what)s", where=located(path, line), what=what)


def read_mapping(path: Path) -> dict[str, str]:
    """``mapping.csv`` of a year: new code -> old code (the previous year's).

    A file Excel saved as plain CSV (Windows-1258), or a folder in its place, is one
    clear ``CriteriaError`` naming the file, as ``units.csv`` gets, never a traceback."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CriteriaError(
            N_("%(path)s: không đọc được tệp (%(reason)s)"), path=str(path), reason=exc.strerror
        ) from None
    reader = csv.DictReader(io.StringIO(_decode(path, raw, CriteriaError), newline=""))
    if reader.fieldnames is None or not {"old_code", "new_code"} <= set(reader.fieldnames):
        raise CriteriaError(
            N_("%(path)s: cần hai cột old_code,new_code (mã năm trước, mã năm nay)"), path=str(path)
        )
    found: dict[str, str] = {}
    olds: set[str] = set()
    for line, row in enumerate(reader, start=2):
        old, new = (row["old_code"] or "").strip(), (row["new_code"] or "").strip()
        if not old or not new:
            raise _mapping_error(path, line, N_("thiếu mã cũ hoặc mã mới"))
        if new in found or old in olds:
            raise _mapping_error(
                path, line, N_("mã %(new)s hoặc %(old)s đã có ở dòng trước"), new=new, old=old
            )
        found[new] = old
        olds.add(old)
    return found


@functools.lru_cache(maxsize=8)
def _mapping_cached(path: str, stamp: tuple[int, int]) -> dict[str, str]:
    return read_mapping(Path(path)) if stamp[0] >= 0 else {}


def load_mapping(data_dir: str | Path, year: int) -> dict[str, str]:
    """The year's renamed criteria (new code -> old code); {} without ``mapping.csv``."""
    path = Path(data_dir) / "criteria" / str(year) / MAPPING_FILE
    try:
        st = path.stat()
        stamp = (st.st_size, st.st_mtime_ns)
    except OSError:
        stamp = (-1, -1)
    return dict(_mapping_cached(str(path), stamp))


def mapping_problems(
    data_dir: str | Path, year: int, now: CriteriaYear, before: CriteriaYear
) -> list[Problem]:
    """``validate``'s check of the year's ``mapping.csv``: a line whose new code is not a
    criterion of ``year``, or whose old code is not one of the year before, does nothing
    (the comparison then shows the criterion as new and the old one as dropped), so it is
    named as a warning. A malformed file raises ``CriteriaError`` (``read_mapping``)."""
    from scoring.inputs.submissions import file_problem

    path = Path(data_dir) / "criteria" / str(year) / MAPPING_FILE
    mapping = load_mapping(data_dir, year)
    new_codes = {n.code for cset in now.levels.values() for n in cset.criteria()}
    old_codes = {n.code for cset in before.levels.values() for n in cset.criteria()}
    return [
        file_problem(path, kind, severity="warning", found=code, line=line, year=in_year)
        for line, (new, old) in enumerate(mapping.items(), start=2)
        for kind, code, known, in_year in (
            ("mapping.unknown_new", new, new_codes, year),
            ("mapping.unknown_old", old, old_codes, year - 1),
        )
        if code not in known
    ]


def _rule_text(node: Node, old_code: str, new_code: str) -> str:
    """A criterion's rule as text, with the old code's inputs written under the new code,
    so that a renamed criterion with the same rule compares equal."""
    text = repr(node.rule)
    if old_code != new_code:
        text = text.replace(f"'{old_code}.", f"'{new_code}.")
    return text


def criteria_rows(
    prev_set: CriteriaSet,
    cset: CriteriaSet,
    prev_score: UnitScore,
    score: UnitScore,
    mapping: dict[str, str],
) -> tuple[list[Row], list[NotComparable], list[tuple[str, str]]]:
    """Criteria compared one by one, criteria not comparable (with the reason), and the
    renamed codes used."""
    before = {n.code: n for n in prev_set.criteria()}
    rows: list[Row] = []
    other: list[NotComparable] = []
    used: list[tuple[str, str]] = []
    matched: set[str] = set()
    for node in cset.criteria():
        old = mapping.get(node.code, node.code)
        prev = before.get(old)
        if prev is None:
            other.append(NotComparable(node.code, node.name, "new"))
            continue
        matched.add(old)
        if old != node.code:
            used.append((old, node.code))
        if prev.max != node.max:
            other.append(NotComparable(node.code, node.name, "max", prev.max, node.max))
        elif _rule_text(prev, old, node.code) != repr(node.rule):
            other.append(NotComparable(node.code, node.name, "rule"))
        else:
            p, n = prev_score.node(old), score.node(node.code)
            rows.append(Row(node.code, node.name, old, p.points, p.max, n.points, n.max))
    for code, prev in before.items():
        if code not in matched:
            other.append(NotComparable(code, prev.name, "dropped"))
    return rows, other, used


def _group_rows(prev_scores: list[UnitScore], score: UnitScore) -> list[Row]:
    """Group by group: this year's points against last year's (summed over
    predecessors), for the groups both years have."""
    rows = []
    for group in score.groups:
        found = [
            s.node(group.code) for s in prev_scores if any(g.code == group.code for g in s.groups)
        ]
        if len(found) != len(prev_scores):
            continue
        points, maximum = sum(n.points for n in found), sum(n.max for n in found)
        rows.append(
            Row(group.code, group.name, group.code, points, maximum, group.points, group.max)
        )
    return rows


def compare(
    result: YearResult,
    prev_result: YearResult | None,
    unit_id: str,
    lineage: Lineage,
    mapping: dict[str, str],
) -> Comparison | None:
    """``unit_id``'s result of ``result.year`` against the year before; None when there
    is nothing to compare with (no data, or the unit and its predecessors not scored)."""
    if prev_result is None:
        return None
    event = lineage.formed(unit_id, result.year)
    kind = event.kind if event is not None else "same"
    sources = list(event.sources) if event is not None else [unit_id]
    sources = [s for s in sources if s in prev_result.official]
    if not sources:
        return None
    now = figure(result, unit_id)
    figures = [figure(prev_result, s) for s in sources]
    score = result.official[unit_id]
    cset = score.criteria
    prev_scores = [prev_result.official[s] for s in sources]
    prev_set = prev_scores[0].criteria
    base = Comparison(
        result.year,
        kind,
        now,
        figures,
        None,
        event,
        prev_version=prev_set.version,
        version=cset.version,
    )
    if kind == "split":
        return base
    groups = _group_rows(prev_scores, score)
    if kind == "merge":
        return replace(base, combined=combined(figures, prev_result.year, now.name), groups=groups)
    rows, other, used = criteria_rows(prev_set, cset, prev_scores[0], score, mapping)
    return replace(base, groups=groups, criteria=rows, not_comparable=other, mapped=used)


def became(result: YearResult, unit_id: str, lineage: Lineage) -> tuple[Event, list[str]] | None:
    """What ``unit_id`` becomes the year after ``result.year`` (its last report says so),
    with the names of the units it becomes part of."""
    event = lineage.became(unit_id, result.year + 1)
    if event is None:
        return None
    by_id = result.inputs.units_by_id
    return event, [by_id[t].name if t in by_id else t for t in event.targets]


def _old_code(code: str, mapping: dict[str, str]) -> str:
    """An input code of this year as it was last year (``mapping.csv`` renames criteria,
    and their inputs carry the criterion's code: B2.5.a was B2.4.a)."""
    for new, old in mapping.items():
        if code == new or code.startswith(new + "."):
            return old + code[len(new) :]
    return code


def previous_inputs(
    prev_result: YearResult, unit: str, codes: list[str], lineage: Lineage, mapping: dict[str, str]
) -> tuple[str, dict[str, str]]:
    """What a blank form of ``unit`` shows beside each input: its figure of the year
    before (official: verified where it was), its lineage followed (a merged unit sees
    each predecessor's figure, named). Returns the column's heading and code -> text."""
    from scoring.model.values import render_value

    year = prev_result.year
    event = lineage.formed(unit, year + 1)
    sources = [s for s in (event.sources if event else (unit,)) if s in prev_result.official]
    if not sources:
        return "", {}
    values = {s: prev_result.official_values(s) for s in sources}
    shown: dict[str, str] = {}
    for code in codes:
        old = _old_code(code, mapping)
        parts = [(s, v) for s in sources if (v := values[s].get(old)) is not None]
        if not parts:
            continue
        named = [f"{prev_result.unit(s).name}: {render_value(v)}" for s, v in parts]
        alone = len(sources) == 1 and parts[0][0] == unit  # its own figure, not named
        shown[code] = render_value(parts[0][1]) if alone else "; ".join(named)
    states = {prev_result.is_verified(s) for s in sources}
    basis = "đã thẩm định" if states == {True} else "tự đánh giá"
    if len(states) > 1:
        basis = "gồm số thẩm định và tự đánh giá"
    return f"Số liệu năm {year} ({basis}; để đối chiếu, không sửa)", shown
