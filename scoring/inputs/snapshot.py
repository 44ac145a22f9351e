"""The scored snapshot a build hands to its report kernels, and what they read of it.

Every report of a build must show the figures the build scored, not ones a kernel would
get by re-reading forms an analyst corrected a second later. So the build writes one
snapshot (every year with data, scored, the notes and unit changes) to a file named by
its content and passes its path to each notebook as the papermill parameter ``snapshot``
(empty in JupyterLab, where the data API reads the data folder). The API records on the
snapshot what it hands out, as typed ``Read`` values; the build keys each report on
those reads, with digests it computes on its own snapshot (``scoring.build.plan``).
"""

from __future__ import annotations

import enum
import functools
import hashlib
import json
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from scoring.io import write_bytes

if TYPE_CHECKING:
    from scoring.inputs.lineage import Lineage
    from scoring.model.result import YearResult

# The mime type under which the runner collects a run's reads from the kernel.
READS_MIME = "application/x-scoring-reads+json"


class ReadKind(enum.StrEnum):
    """What the data API handed a notebook (each kind has one digest in the build)."""

    YEAR = "year"  # the whole scored year (``assess``, ``report.result``)
    TOTALS = "totals"  # ``load_totals`` of a year
    SCORES = "scores"  # ``load_scores`` of a year
    UNIT = "unit"  # a unit report's view: (unit id, language)
    MISSING = "missing"  # a missing unit's report view: (unit id, language)
    RANKING = "ranking"  # the ranking's view: (language,)
    # The data API called without the notebook's ``snapshot``: it read the data folder
    # itself, which no key can follow, so the report is rebuilt by every build.
    FOLDER = "folder"


@dataclass(frozen=True, order=True)
class Read:
    kind: ReadKind
    year: int
    args: tuple[str, ...] = ()

    def name(self) -> str:
        """The read as text, for ``state.json``."""
        return json.dumps([self.kind.value, self.year, *self.args], ensure_ascii=False)

    @classmethod
    def parse(cls, name: str) -> Read | None:
        """A read from ``name()``; None for one this code does not know (a stale record)."""
        try:
            kind, year, *args = json.loads(name)
            return cls(ReadKind(kind), int(year), tuple(str(a) for a in args))
        except (ValueError, TypeError):
            return None


@dataclass(frozen=True)
class Snapshot:
    """Everything a build's reports may show: every year with data, scored, the notes
    and the unit changes. ``results[year]`` is None for a year whose forms have errors.
    """

    data_dir: str  # resolved
    year: int  # the year being built
    results: dict[int, YearResult | None]
    notes: dict[int, dict[str, str]] = field(default_factory=dict)  # year -> name -> text
    changes: Lineage | None = None  # the unit changes (unit_changes.csv)
    cache: str = ""  # the build's cache folder for this code: the ranking keeps figures there
    # What this kernel's notebook read of it (filled in the kernel; empty when pickled).
    reads: set[Read] = field(default_factory=set, compare=False, repr=False)

    def __repr__(self) -> str:
        years = ", ".join(str(y) for y in sorted(self.results))
        return f"Snapshot({self.data_dir!r}, year={self.year}, years=[{years}])"

    def note(self, year: int, name: str) -> str | None:
        return self.notes.get(year, {}).get(name)


def read_notes(data_dir: Path, year: int) -> dict[str, str]:
    """The analysts' commentary of a year: ``notes/<unit_id>.md`` and ``notes/ranking.md``."""
    folder = Path(data_dir) / str(year) / "notes"
    if not folder.is_dir():
        return {}
    return {
        path.stem: path.read_text(encoding="utf-8")
        for path in sorted(folder.glob("*.md"))
        if path.is_file() and not path.name.startswith((".", "~"))
    }


def write(snap: Snapshot, folder: Path) -> Path:
    """The snapshot's file in ``folder``, named by its content (a kernel loads it once);
    the three newest of the year are kept."""
    data = pickle.dumps(snap, protocol=pickle.HIGHEST_PROTOCOL)
    path = Path(folder).resolve() / f"{snap.year}-{hashlib.sha256(data).hexdigest()[:20]}.pickle"
    write_bytes(path, data)
    older = sorted(path.parent.glob(f"{snap.year}-*.pickle"), key=lambda p: p.stat().st_mtime_ns)
    for old in [p for p in older if p != path][:-2]:
        old.unlink(missing_ok=True)
    return path


@functools.lru_cache(maxsize=1)  # a kernel renders one build's reports after another
def load(path: str) -> Snapshot:
    with open(path, "rb") as fh:
        return pickle.load(fh)  # noqa: S301 - written by this build


def take_reads(path: str) -> list[str]:
    """What the notebooks read of the snapshot at ``path`` since the last call, as names
    (the runner's last cell reports them; the next report starts afresh)."""
    if not path:
        return []
    snap = load(path)
    found = sorted(read.name() for read in snap.reads)
    snap.reads.clear()
    return found


def digest(data: object) -> str:
    """A stable hash of plain data (JSON-able; other objects by ``str``)."""
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def inputs_digest(result: YearResult) -> str:
    """A digest of everything a scored year is computed from: the forms and the
    verifications (by content), the criteria sets, the bands, the unit list and the
    problems found. The code is keyed apart, so equal digests mean equal scores."""
    inputs = result.inputs
    coll = inputs.collection
    return digest(
        [
            result.year,
            sorted((uid, s.sha256) for uid, s in coll.submissions.items()),
            sorted((uid, v.sha256) for uid, v in coll.verifications.items()),
            sorted((lv, c.fingerprint) for lv, c in inputs.criteria.levels.items()),
            [(b.name, b.min_percent) for b in inputs.criteria.bands],
            [(u.id, u.name, u.level, u.valid_from, u.valid_to) for u in inputs.units],
            [p.format() for p in coll.problems],
            list(coll.expected),
        ]
    )


def year_digest(result: YearResult) -> str:
    """``inputs_digest`` with the reports' date: what a report of the whole year shows."""
    return digest([inputs_digest(result), str(result.date)])
