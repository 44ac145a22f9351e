"""One year's inputs read and checked (``load``), and the reports' date."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Protocol

from scoring.inputs.criteria import load_year
from scoring.inputs.layout import DataLayout
from scoring.inputs.submissions import FileReader, read_submissions
from scoring.inputs.units import load_units
from scoring.inputs.verification import VerificationReader, read_verifications
from scoring.model.result import YearInputs, YearResult


class ReadCache(Protocol):
    """How one form and one verification file are read in a build: through its cache
    of read files (``scoring.build.state.FormCache``)."""

    def forms(self, read: FileReader) -> FileReader: ...

    def verifications(self, read: VerificationReader) -> VerificationReader: ...


def load(data_dir: Path, year: int, cache: ReadCache | None = None) -> YearInputs:
    """Read the criteria, the unit list, every returned form and verification of the year
    (``cache``: the build's, where each file is read again only when its content changed)."""
    data_dir = Path(data_dir)
    criteria = load_year(data_dir, year)
    units = load_units(DataLayout(data_dir).units)
    forms, checks = (cache.forms, cache.verifications) if cache is not None else (None, None)
    collection = read_submissions(data_dir, year, criteria, units, forms)
    inputs = YearInputs(data_dir.resolve(), year, criteria, units, collection)
    # The office's verification files, with their problems after the forms'.
    found, problems = read_verifications(
        inputs.data_dir, year, criteria, inputs.units_by_id, collection, checks
    )
    collection.problems.extend(problems)
    collection.verifications.update(found)
    return inputs


def build_date(result: YearResult) -> dt.date:
    """The reports' date: the one the build set (``dated``), else the newest input file's
    modification time, never in the future (a form's metadata can claim any date)."""
    if result.date is not None:
        return result.date
    today = dt.datetime.now(dt.UTC).date()
    files = DataLayout(result.inputs.data_dir).input_files(result.year)
    times = [p.stat().st_mtime for p in files if p.is_file()]
    if not times:
        return today
    return min(dt.datetime.fromtimestamp(max(times), dt.UTC).date(), today)


def dated(result: YearResult, fixed: dt.date | None = None) -> YearResult:
    """``result`` with the reports' date set: ``fixed`` (SOURCE_DATE_EPOCH's, for a
    reproducible build) or ``build_date``'s."""
    return dataclasses.replace(result, date=fixed or build_date(result))
