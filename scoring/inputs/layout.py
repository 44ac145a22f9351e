"""The data folder's layout, spelled once.

::

    data/units.csv                      the unit list
    data/unit_changes.csv               mergers, splits, renames
    data/criteria/<year>/               the year's criteria set, bands.yaml, mapping.csv
    data/<year>/submissions/<id>.xlsx   the returned forms
    data/<year>/verification/<id>.xlsx  the office's verifications
    data/<year>/notes/<id>.md           the analysts' commentary (ranking.md for the ranking)
    data/<year>/forms/<id>.xlsx         the blank forms sent out
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataLayout:
    """Where each input of a data folder is."""

    root: Path

    @property
    def units(self) -> Path:
        return Path(self.root) / "units.csv"

    @property
    def unit_changes(self) -> Path:
        return Path(self.root) / "unit_changes.csv"

    def criteria(self, year: int) -> Path:
        return Path(self.root) / "criteria" / str(year)

    def submissions(self, year: int) -> Path:
        return Path(self.root) / str(year) / "submissions"

    def verification(self, year: int) -> Path:
        return Path(self.root) / str(year) / "verification"

    def notes(self, year: int) -> Path:
        return Path(self.root) / str(year) / "notes"

    def criteria_years(self) -> list[int]:
        """Every year with a criteria set."""
        folder = Path(self.root) / "criteria"
        return sorted(int(p.name) for p in folder.glob("*") if p.name.isdigit() and p.is_dir())

    def years(self) -> list[int]:
        """Every year with data: a criteria set and a folder of returned forms."""
        return [y for y in self.criteria_years() if self.submissions(y).is_dir()]

    def input_files(self, year: int) -> list[Path]:
        """The unit list, the year's criteria files, its returned forms and verifications."""
        return [
            self.units,
            *sorted(self.criteria(year).glob("*")),
            *sorted(self.submissions(year).glob("*")),
            *sorted(self.verification(year).glob("*")),
        ]

    def inputs_stamp(self, year: int) -> str:
        """A fingerprint of the year's input files: names, sizes and modification times
        (cheap: a build with nothing to do stops on it before reading a form)."""
        digest = hashlib.sha256(str(Path(self.root).resolve()).encode())
        for path in self.input_files(year):
            _stamp(digest, path)
        return digest.hexdigest()[:20]

    def years_stamp(self) -> str:
        """A fingerprint of every year's inputs, the notes and the unit changes: a year's
        reports may show the others (``load_totals``, a merged unit's predecessors)."""
        digest = hashlib.sha256()
        _stamp(digest, self.unit_changes)
        for year in self.criteria_years():
            digest.update(f"{year}:{self.inputs_stamp(year)}".encode())
            for path in sorted(self.notes(year).glob("*")):
                _stamp(digest, path)
        return digest.hexdigest()[:20]


def _stamp(digest: hashlib._Hash, path: Path) -> None:
    if path.is_file():
        st = path.stat()
        digest.update(f"{path.name}|{st.st_size}|{st.st_mtime_ns}".encode())
