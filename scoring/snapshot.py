"""The scored snapshot a build hands to its report kernels, and what they read of it.

A build scores the year once. Every report of that build must show those figures and no
other: not figures a kernel would get by reading the forms again a second later, after
an analyst saved a correction. So the build writes one snapshot (every year with data,
scored, and the analysts' notes) to a file, and the render driver hands its path to
each kernel in the notebook's first cell (``use(path)``). From then on, in that kernel,
the data API (``assess``, ``load_totals``, ``load_scores``, ``UnitReport.build``...)
answers from the snapshot for that data folder and records what it hands out: each read
(what kind of data, which year, which unit) with a digest of the data given. The build
keys each report on those reads, so a report is rebuilt when any data it read differs in
a later build's snapshot, and only then.

Outside a build (JupyterLab, the tests) no snapshot is active and the API reads the data
folder as usual. This module is core: it imports nothing of the rendering layer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import pickle
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scoring import heap
from scoring.io import write_bytes

if TYPE_CHECKING:
    from scoring.pipeline import YearResult

# The mime type under which the driver collects a run's reads from the kernel.
READS_MIME = "application/x-scoring-reads+json"


@dataclass(frozen=True)
class Snapshot:
    """Everything a build's reports may show: every year with data, scored, the notes
    and the unit changes.

    ``results[year]`` is None for a year whose forms still have errors.
    """

    data_dir: str  # resolved
    year: int  # the year being built
    results: dict[int, YearResult | None]
    notes: dict[int, dict[str, str]] = field(default_factory=dict)  # year -> name -> text
    changes: object = None  # scoring.lineage.Lineage: the unit changes (unit_changes.csv)
    # The build's cache for this code version (``scoring.state``): the kernels keep the
    # ranking's figures there. Handed with the data, so each build uses its own.
    cache: str = ""

    def __repr__(self) -> str:
        years = ", ".join(str(y) for y in sorted(self.results))
        return f"Snapshot({self.data_dir!r}, year={self.year}, years=[{years}])"

    def note(self, year: int, name: str) -> str | None:
        return self.notes.get(year, {}).get(name)


def notes_folder(data_dir: Path, year: int) -> Path:
    return Path(data_dir) / str(year) / "notes"


def read_notes(data_dir: Path, year: int) -> dict[str, str]:
    """The analysts' commentary of a year: ``notes/<unit_id>.md`` and ``notes/ranking.md``."""
    folder = notes_folder(data_dir, year)
    if not folder.is_dir():
        return {}
    return {
        path.stem: path.read_text(encoding="utf-8")
        for path in sorted(folder.glob("*.md"))
        if path.is_file() and not path.name.startswith((".", "~"))
    }


def read_note(data_dir: Path, year: int, name: str) -> str | None:
    """One note: from the active snapshot when there is one, else from the data folder."""
    snap = active(data_dir)
    if snap is not None and year in snap.results:
        return snap.note(year, name)
    return read_notes(data_dir, year).get(name)


def write(path: Path, snap: Snapshot) -> None:
    write_bytes(Path(path), pickle.dumps(snap, protocol=pickle.HIGHEST_PROTOCOL))


_ACTIVE: Snapshot | None = None
_LOADED: dict[str, Snapshot] = {}
_READS: dict[str, str] = {}


def use(path: str | None) -> None:
    """Answer the data API from the snapshot at ``path`` (None: from the data folder) and
    start recording reads afresh. Called by the driver in every report's first cell.
    """
    global _ACTIVE
    _READS.clear()
    if not path:
        _ACTIVE = None
        return
    if path not in _LOADED:
        if _LOADED:  # a warm kernel keeps one build's snapshot, not all of them
            heap.thaw()  # the first cell froze it (scoring.heap); let it be collected
            _LOADED.clear()
            _ACTIVE = None
        with open(path, "rb") as fh:
            _LOADED[path] = pickle.load(fh)  # noqa: S301 - written by this build
    _ACTIVE = _LOADED[path]


def cache_folder() -> str:
    """The active snapshot's cache folder ("" outside a build: nothing is cached)."""
    return _ACTIVE.cache if _ACTIVE is not None else ""


def active(data_dir: str | Path) -> Snapshot | None:
    """The active snapshot when it is of ``data_dir``; else None."""
    if _ACTIVE is None:
        return None
    if str(Path(data_dir).resolve()) != _ACTIVE.data_dir:
        return None
    return _ACTIVE


def digest(data: object) -> str:
    """A stable hash of plain data (JSON-able; other objects by ``str``)."""
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def read_name(kind: str, *args: object) -> str:
    return json.dumps([kind, *args], ensure_ascii=False)


def record(kind: str, *args: object, data_digest: str) -> None:
    """Note that the data API handed out ``kind`` (year, unit...) with this digest."""
    _READS[read_name(kind, *args)] = data_digest


def reads() -> dict[str, str]:
    """What this run read through the data API: read name -> digest of the data."""
    return dict(sorted(_READS.items()))


def year_digest(result: YearResult) -> str:
    """A digest of everything a scored year is computed from: the forms (by content),
    the criteria sets, the bands, the unit list and the problems found. The code is
    keyed apart, so equal digests mean equal scores.
    """
    inputs = result.inputs
    coll = inputs.collection
    return digest(
        [
            result.year,
            sorted((uid, s.sha256) for uid, s in coll.submissions.items()),
            sorted((lv, c.fingerprint) for lv, c in inputs.criteria.levels.items()),
            [(b.name, b.min_percent) for b in inputs.criteria.bands],
            [(u.id, u.name, u.level, u.valid_from, u.valid_to) for u in inputs.units],
            [p.format() for p in coll.problems],
            list(coll.expected),
        ]
    )


def reads_for_key() -> dict[str, str]:
    """What the build keys this run's report on: its reads, or, when the notebook read
    nothing through the data API (it may have read files itself), the whole year.
    """
    if not _READS and _ACTIVE is not None:
        result = _ACTIVE.results.get(_ACTIVE.year)
        record("year", _ACTIVE.year, data_digest=year_digest(result) if result else "invalid")
    return reads()


@contextlib.contextmanager
def activated(snap: Snapshot) -> Iterator[None]:
    """Answer the data API from ``snap`` in this process meanwhile (the build computes
    its keys on the very data its kernels are handed).
    """
    global _ACTIVE
    before, _ACTIVE = _ACTIVE, snap
    _READS.clear()
    try:
        yield
    finally:
        _ACTIVE = before
        _READS.clear()
