"""Where the data API reads scored years: the build's snapshot, or the data folder.

A notebook gets its ``snapshot`` parameter from the build (empty in JupyterLab) and hands
it to the API (``assess``, ``load_totals``, ``UnitReport.build``...), which opens a
``Source``: in a report kernel every year, note and unit change then comes from the
snapshot, and each read is recorded on it; elsewhere from the files, cached per process by
the input files' stamp, so a JupyterLab session that lives on sees a changed form.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scoring.inputs import layout
from scoring.inputs import year as year_inputs
from scoring.inputs.snapshot import Read, ReadKind, Snapshot, load, read_notes
from scoring.model import result as pipeline
from scoring.text.errors import ScoringError
from scoring.text.i18n import N_

if TYPE_CHECKING:
    from scoring.inputs.lineage import Lineage
    from scoring.model.result import YearResult


@dataclass(frozen=True)
class Source:
    """A data folder's scored years, from ``snap`` when given, else from its files."""

    data_dir: Path
    snap: Snapshot | None = None

    @property
    def cache(self) -> str:
        """The build's cache folder ("" outside a build: nothing is cached)."""
        return self.snap.cache if self.snap is not None else ""

    def record(self, kind: ReadKind, year: int, *args: str) -> None:
        """Note on the snapshot that the notebook was handed this (nothing outside a build)."""
        if self.snap is not None:
            self.snap.reads.add(Read(kind, int(year), tuple(args)))

    def result(self, year: int) -> YearResult:
        """The scored year; raises InvalidSubmissions (or, from a snapshot, a ScoringError)
        while its forms have errors."""
        if self.snap is not None and int(year) in self.snap.results:
            found = self.snap.results[int(year)]
            if found is None:
                what = N_("Năm %(year)s: phiếu của các đơn vị còn lỗi, chưa chấm điểm được")
                raise ScoringError(what, year=year)
            return found
        folder = layout.DataLayout(self.data_dir)
        return _scored(str(self.data_dir), int(year), folder.inputs_stamp(int(year)))

    def years(self) -> list[int]:
        """Every year with data (a criteria set and a folder of returned forms)."""
        if self.snap is not None:
            return sorted(self.snap.results)
        return layout.DataLayout(self.data_dir).years()

    def previous(self, result: YearResult) -> YearResult | None:
        """The year before ``result``'s when its data exist and are valid; else None."""
        year = result.year - 1
        if self.snap is not None:
            return self.snap.results.get(year)
        if year not in layout.DataLayout(self.data_dir).years():
            return None
        try:
            return self.result(year)
        except ScoringError:
            return None

    def previous_unreadable(self, result: YearResult) -> bool:
        """Whether the year before has data that cannot be scored (a damaged form, say):
        reports then say so instead of "no data"."""
        years = layout.DataLayout(self.data_dir).years()
        return result.year - 1 in years and self.previous(result) is None

    def note(self, year: int, name: str) -> str | None:
        if self.snap is not None and year in self.snap.results:
            return self.snap.note(year, name)
        return read_notes(self.data_dir, year).get(name)

    def changes(self) -> Lineage:
        """The unit changes (mergers, splits, renames: ``unit_changes.csv``)."""
        from scoring.inputs.lineage import load_changes

        if self.snap is not None and self.snap.changes is not None:
            return self.snap.changes
        return load_changes(self.data_dir)


def open_source(data_dir: str | Path, snapshot: str = "") -> Source:
    """The source of ``data_dir``: the snapshot at path ``snapshot`` when it is of that
    folder (a report kernel of a build), else the folder's files."""
    folder = Path(data_dir)
    if snapshot:
        snap = load(str(snapshot))
        if snap.data_dir == str(folder.resolve()):
            return Source(folder.resolve(), snap)
    return Source(folder)


@functools.lru_cache(maxsize=4)  # a year and the one before, in a kernel that lives on
def _scored(data_dir: str, year: int, stamp: str) -> YearResult:
    return year_inputs.dated(pipeline.score(year_inputs.load(Path(data_dir), year)))


def assess(data_dir: str | Path, year: int, snapshot: str = "") -> YearResult:
    """Load and score one year: every unit's self-assessed, verified and official scores,
    ranks within each level, bands, and the inputs' fingerprints.

    ``snapshot``: the notebook's parameter of that name (in a build the year then comes
    from the build's snapshot and the report depends on all of it).
    """
    source = open_source(data_dir, snapshot)
    result = source.result(year)
    source.record(ReadKind.YEAR, year)
    return result
