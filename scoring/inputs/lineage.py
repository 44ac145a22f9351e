"""Units over time: mergers, splits and renames, read from ``data/unit_changes.csv``, so
a unit formed by a change is compared with what it came from, not with nothing.

One row per link ``year,from,to,kind,basis``: ``year`` is the first year of the new
arrangement, ``kind`` is ``merge`` (several ``from`` to one ``to``, which may be one of the
``from``), ``split`` (one ``from`` to several ``to``) or ``rename``, ``basis`` the legal
act. Checked against ``units.csv`` (ids, validity years, no cycle); errors are
``UnitsError`` (exit 2) naming the file, line and column.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from scoring.inputs.units import Unit, _check_text, _fail, _year, load_units, read_rows
from scoring.model.values import quote
from scoring.text.errors import UnitsError
from scoring.text.i18n import N_

FILE_NAME = "unit_changes.csv"
COLUMNS = ("year", "from", "to", "kind", "basis")
KINDS = ("merge", "split", "rename")
KIND_NAMES_VI = {"merge": N_("sáp nhập"), "split": N_("chia tách"), "rename": N_("đổi tên, đổi mã")}


@dataclass(frozen=True)
class UnitChange:
    """One link of the file: ``source`` became (part of) ``target`` from ``year`` on."""

    year: int
    source: str
    target: str
    kind: str
    basis: str
    line: int


@dataclass(frozen=True)
class Event:
    """One change as a reader sees it: the units before, the units after, why."""

    year: int
    kind: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    basis: str


@dataclass(frozen=True)
class Lineage:
    """Every unit change, with the questions the reports ask of them."""

    changes: tuple[UnitChange, ...] = ()

    def __repr__(self) -> str:
        return f"Lineage({len(self.changes)} links)"

    def _event(self, change: UnitChange) -> Event:
        """The change ``change`` is a link of (a merger's rows, a split's rows)."""
        if change.kind == "split":
            same = [c for c in self.changes if c.source == change.source]
        else:
            same = [c for c in self.changes if c.target == change.target]
        links = [c for c in same if c.year == change.year and c.kind == change.kind]
        first = links[0]
        return Event(
            first.year,
            first.kind,
            tuple(dict.fromkeys(c.source for c in links)),
            tuple(dict.fromkeys(c.target for c in links)),
            first.basis,
        )

    def formed(self, unit_id: str, year: int) -> Event | None:
        """The change that formed ``unit_id`` in ``year``; None: it compares with itself."""
        found = (c for c in self.changes if c.year == year and c.target == unit_id)
        return next((self._event(c) for c in found), None)

    def became(self, unit_id: str, year: int) -> Event | None:
        """What ``unit_id`` became from ``year`` on when it changes then; else None."""
        events = (self._event(c) for c in self.changes if c.year == year and c.source == unit_id)
        return next((e for e in events if e.targets != (unit_id,)), None)

    @functools.cached_property
    def _components(self) -> dict[str, str]:
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            while parent.setdefault(x, x) != x:
                x = parent[x]
            return x

        for c in self.changes:
            parent[find(c.source)] = find(c.target)
        return {x: find(x) for x in list(parent)}

    def lineage_id(self, unit_id: str) -> str:
        """The name of the line of units ``unit_id`` belongs to: the id(s) of the units
        its changes end in ("06820" for Điền Công and Trưng Vương; "B+C" for a unit A
        split into B and C). A unit that never changed is its own line."""
        root = self._components.get(unit_id)
        if root is None:
            return unit_id
        members = {x for x, r in self._components.items() if r == root}
        kept = {(c.year, c.source) for c in self.changes if c.source == c.target}
        ended = {
            c.source
            for c in self.changes
            if c.source != c.target and (c.year, c.source) not in kept
        }
        return "+".join(sorted(members - ended) or sorted(members))


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:  # a folder in the file's place is an error, not "no changes"
        raw = path.read_bytes()
    except OSError as exc:
        what = N_("%(path)s: không đọc được tệp (%(reason)s)")
        raise UnitsError(what, path=str(path), reason=exc.strerror) from None
    bad_csv = N_("dòng không đọc được như CSV (%(reason)s)")
    return list(enumerate(read_rows(path, raw, COLUMNS, bad_csv), start=2))


def _parse(path: Path, line: int, row: dict[str, str], units: dict[str, Unit]) -> UnitChange:
    _check_text(path, line, row)
    year = _year(row["year"] or "", path, line, "year", optional=False)
    assert year is not None
    ids = {}
    for column in ("from", "to"):
        uid = (row[column] or "").strip()
        if uid not in units:
            what = N_("mã đơn vị %(found)s không có trong units.csv")
            raise _fail(path, line, column, what, found=quote(uid))
        ids[column] = uid
    kind = (row["kind"] or "").strip()
    if kind not in KINDS:
        what = N_(
            "%(found)s không hợp lệ (cần: merge – sáp nhập, split – chia tách, rename – đổi tên)"
        )
        raise _fail(path, line, "kind", what, found=quote(kind))
    basis = (row["basis"] or "").strip()
    if not basis:
        what = N_("thiếu căn cứ (văn bản quyết định việc thay đổi, ví dụ nghị quyết số ...)")
        raise _fail(path, line, "basis", what)
    return UnitChange(year, ids["from"], ids["to"], kind, basis, line)


def _check_years(path: Path, c: UnitChange, units: dict[str, Unit], stays: bool) -> None:
    """What ends, ends the year before the change in units.csv; what starts, starts that
    year; a unit that carries on spans both."""
    source, target = units[c.source], units[c.target]
    if not source.valid_in(c.year - 1):
        what = N_(
            "đơn vị %(unit)s không còn hiệu lực năm %(before)s theo units.csv "
            "(%(start)s–%(end)s), nên không thể thay đổi từ năm %(year)s"
        )
        raise _fail(
            path,
            c.line,
            "from",
            what,
            unit=c.source,
            before=c.year - 1,
            start=source.valid_from,
            end=source.valid_to or "",
            year=c.year,
        )
    if not stays and source.valid_to != c.year - 1:
        what = N_(
            "đơn vị %(unit)s thôi tồn tại từ năm %(year)s nhưng units.csv ghi valid_to "
            "%(found)s; cần valid_to = %(expected)s"
        )
        found = quote(str(source.valid_to or ""))
        raise _fail(
            path, c.line, "from", what, unit=c.source, year=c.year, found=found, expected=c.year - 1
        )
    if not target.valid_in(c.year):
        what = N_(
            "đơn vị %(unit)s không có hiệu lực năm %(year)s theo units.csv (%(start)s–%(end)s)"
        )
        start, end = target.valid_from, target.valid_to or ""
        raise _fail(path, c.line, "to", what, unit=c.target, year=c.year, start=start, end=end)


def _check_groups(path: Path, changes: list[UnitChange], units: dict[str, Unit]) -> None:
    """Each kind has its shape: a merger several units into one, a split one into
    several, a rename one into one other."""
    merges: dict[tuple[int, str], list[UnitChange]] = defaultdict(list)
    splits: dict[tuple[int, str], list[UnitChange]] = defaultdict(list)
    for c in changes:
        if c.kind == "merge":
            merges[(c.year, c.target)].append(c)
        elif c.kind == "split":
            splits[(c.year, c.source)].append(c)
        elif c.source == c.target:
            raise _fail(path, c.line, "to", N_("đổi tên cần mã mới khác mã cũ"))
    for links in merges.values():
        if len({c.source for c in links}) < 2:
            what = N_(
                "sáp nhập vào %(unit)s cần ít nhất hai dòng 'from' (mỗi đơn vị "
                "nhập vào một dòng, kể cả đơn vị nhận sáp nhập nếu giữ mã)"
            )
            raise _fail(path, links[0].line, "from", what, unit=links[0].target)
    for links in splits.values():
        if len({c.target for c in links}) < 2:
            what = N_("chia tách %(unit)s cần ít nhất hai dòng 'to' (mỗi đơn vị mới một dòng)")
            raise _fail(path, links[0].line, "to", what, unit=links[0].source)
    for c in changes:
        stays = any(
            o.year == c.year and o.source == c.source and o.target == c.source for o in changes
        )
        _check_years(path, c, units, stays)
        if c.kind != "merge" and c.target != c.source:
            target_stays = any(o.year == c.year and o.source == c.target for o in changes)
            if not target_stays and units[c.target].valid_from != c.year:
                what = N_(
                    "đơn vị mới %(unit)s có valid_from %(found)s trong units.csv; cần "
                    "valid_from = %(expected)s"
                )
                found = units[c.target].valid_from
                raise _fail(path, c.line, "to", what, unit=c.target, found=found, expected=c.year)


def _check_cycles(path: Path, changes: list[UnitChange]) -> None:
    """No chain of changes returns to a unit it started from (A → B → A); graphlib's
    search has no recursion, so thousands of renames in a chain are fine."""
    links = sorted({(c.source, c.target) for c in changes if c.source != c.target})
    sorter: TopologicalSorter[str] = TopologicalSorter()
    for source, _target in links:  # searched from the first id, as the file's reader would
        sorter.add(source)
    for source, target in links:
        sorter.add(target, source)
    try:
        sorter.prepare()
    except CycleError as exc:
        loop = exc.args[1]
        line = min(c.line for c in changes if (c.source, c.target) == tuple(loop[-2:]))
        what = N_(
            "các thay đổi tạo thành vòng lặp (%(loop)s): một đơn vị không thể trở "
            "thành chính nó qua các lần thay đổi"
        )
        raise _fail(path, line, None, what, loop=" → ".join(loop)) from None


def load_changes_file(path: Path, units: list[Unit]) -> Lineage:
    """``unit_changes.csv`` checked against the unit list; no file, no change."""
    path = Path(path)
    if not path.exists():
        return Lineage()
    by_id = {u.id: u for u in units}
    changes = [_parse(path, line, row, by_id) for line, row in _rows(path)]
    seen: dict[tuple[int, str, str], int] = {}
    for c in changes:
        key = (c.year, c.source, c.target)
        if key in seen:
            raise _fail(path, c.line, None, N_("dòng lặp lại dòng %(first)s"), first=seen[key])
        seen[key] = c.line
    _check_cycles(path, changes)
    _check_groups(path, changes, by_id)
    return Lineage(tuple(changes))


@functools.lru_cache(maxsize=8)
def _cached(path: str, stamp: tuple[int, int], units_stamp: tuple[int, int]) -> Lineage:
    return load_changes_file(Path(path), load_units(Path(path).parent / "units.csv"))


def _stat(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (-1, -1)
    return (st.st_size, st.st_mtime_ns)


def load_changes(data_dir: str | Path) -> Lineage:
    """The unit changes of a data folder, cached by the files' sizes and times."""
    data_dir = Path(data_dir)
    path = data_dir / FILE_NAME
    return _cached(str(path), _stat(path), _stat(data_dir / "units.csv"))
