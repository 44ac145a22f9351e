"""Cheap fingerprints of a year's input files (names, sizes, modification times).

Kept apart from ``pipeline`` (pandas, openpyxl) so that a build with nothing to do can
tell so in a fraction of a second, before importing anything heavy.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def input_files(data_dir: Path, year: int) -> list[Path]:
    """The unit list, the year's criteria files, its returned forms and verifications."""
    data_dir = Path(data_dir)
    return [
        data_dir / "units.csv",
        *sorted((data_dir / "criteria" / str(year)).glob("*")),
        *sorted((data_dir / str(year) / "submissions").glob("*")),
        *sorted((data_dir / str(year) / "verification").glob("*")),
    ]


def inputs_stamp(data_dir: Path, year: int) -> str:
    """A fingerprint of the year's input files: their names, sizes and modification times."""
    data_dir = Path(data_dir)
    digest = hashlib.sha256(str(data_dir.resolve()).encode())
    for path in input_files(data_dir, year):
        if path.is_file():
            st = path.stat()
            digest.update(f"{path.name}|{st.st_size}|{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


def years_stamp(data_dir: Path) -> str:
    """A fingerprint of every year's inputs, the analysts' notes (``<year>/notes``) and
    the unit changes: the reports of one year may show the others (``scoring.load_totals``,
    a merged unit's predecessors), the notes and the changes.
    """
    data_dir = Path(data_dir)
    digest = hashlib.sha256()
    changes = data_dir / "unit_changes.csv"  # mergers, splits: what reports compare with
    if changes.is_file():
        st = changes.stat()
        digest.update(f"{changes.name}|{st.st_size}|{st.st_mtime_ns}".encode())
    years = sorted(p.name for p in (data_dir / "criteria").glob("*") if p.name.isdigit())
    for year in years:
        digest.update(f"{year}:{inputs_stamp(data_dir, int(year))}".encode())
        for path in sorted((data_dir / year / "notes").glob("*")):
            if path.is_file():
                st = path.stat()
                digest.update(f"{path.name}|{st.st_size}|{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]
