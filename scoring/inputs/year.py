"""One year's inputs read and checked (``load``), and the reports' date."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from scoring.inputs.criteria import load_year
from scoring.inputs.layout import DataLayout
from scoring.inputs.submissions import FileReader, read_submissions
from scoring.inputs.units import load_units
from scoring.inputs.verification import read_verifications
from scoring.model.result import YearInputs, YearResult


def load(
    data_dir: Path, year: int, read: Callable[[FileReader], FileReader] | None = None
) -> YearInputs:
    """Read the criteria, the unit list, every returned form and verification of the year
    (``read``: how one form is read, ``scoring.build.state.FormCache`` in a build)."""
    data_dir = Path(data_dir)
    criteria = load_year(data_dir, year)
    units = load_units(DataLayout(data_dir).units)
    collection = read_submissions(data_dir, year, criteria, units, read)
    return _with_verifications(YearInputs(data_dir.resolve(), year, criteria, units, collection))


def _with_verifications(inputs: YearInputs) -> YearInputs:
    """``inputs`` with the office's verification files read and their problems added."""
    found, problems = read_verifications(
        inputs.data_dir, inputs.year, inputs.criteria, inputs.units_by_id, inputs.collection
    )
    collection = dataclasses.replace(
        inputs.collection,
        problems=[*inputs.collection.problems, *problems],
        verifications=found,
    )
    return dataclasses.replace(inputs, collection=collection)


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
