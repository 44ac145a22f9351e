"""The last stage: one form read through every stage, and the year's folder of forms.

Every file of the folder is read and one bad file never stops the others; other
spreadsheets, templates, odd names and folders named like a form are reported (a unit
that sent something has not "not sent"), two files of one unit are both refused, and
each expected unit without a file gets a warning. Inputs are only read, never written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scoring.inputs.submissions.checks import (
    check_evidence,
    check_justified,
    check_ratios,
    check_required,
)
from scoring.inputs.submissions.container import open_workbooks, stem_unit_id
from scoring.inputs.submissions.identify import identify
from scoring.inputs.submissions.model import Collection, Submission
from scoring.inputs.submissions.problems import Problem, Reader, file_problem
from scoring.inputs.submissions.sheet import read_inputs
from scoring.inputs.units import Unit
from scoring.model.criteria import CriteriaYear
from scoring.model.values import normalize_text, quote

OTHER_SPREADSHEETS = {".xls", ".xlsm", ".xlsb", ".ods", ".csv"}
TEMPLATES = {".xltx", ".xltm", ".xlt", ".ots"}


@dataclass
class _FileResult:
    path: Path
    unit_id: str | None  # the unit the file claims (or, unreadable, its name suggests)
    submission: Submission | None
    problems: list[Problem]
    unaccepted: Submission | None = None  # a form with errors: its correctly read values


def _read_file(
    path: Path, criteria: CriteriaYear, units: dict[str, Unit], year: int
) -> _FileResult:
    """Read one form; a failure of the reader itself is that file's error, not a crash."""
    reader = Reader(Path(path))
    guess = stem_unit_id(reader.path)
    reader.unit_id = guess if guess in units else None
    result = _FileResult(reader.path, reader.unit_id, None, reader.problems)
    try:
        _read_checked(reader, result, criteria, units, year)
    except (ValueError, ArithmeticError, TypeError, KeyError, IndexError, RecursionError) as exc:
        result.submission = result.unaccepted = None
        reader.add("file.read_aborted", found=type(exc).__name__)
    return result


def _read_checked(
    reader: Reader, result: _FileResult, criteria: CriteriaYear, units: dict[str, Unit], year: int
) -> None:
    opened = open_workbooks(reader, criteria)
    if opened is None:
        return
    data, *books = opened
    identity = identify(reader, books[0], criteria, units, year)
    result.unit_id = reader.unit_id or result.unit_id
    if identity is None:
        return
    unit, cset = identity
    answers = read_inputs(reader, books[0], books[1], cset)
    if answers is None:
        return
    check_required(reader, cset, answers)
    check_ratios(reader, cset, answers.values, answers.cells)
    check_justified(reader, cset, answers)
    check_evidence(reader, cset, answers)
    wrong = {p.code for p in reader.problems if p.is_error}  # cells whose own value is refused
    submission = Submission(
        unit_id=unit.id,
        path=reader.path,
        sha256=hashlib.sha256(data).hexdigest(),
        values={c: v for c, v in answers.values.items() if c not in wrong},
        evidence=answers.evidence,
        notes=answers.notes,
        cells=answers.cells,
        modified=books[0].properties.modified,
    )
    if reader.has_errors:
        result.unaccepted = submission  # for validate's look at last year only, never scored
    else:
        result.submission = submission


def read_submission(
    path: Path, criteria: CriteriaYear, units: dict[str, Unit], year: int
) -> tuple[Submission | None, list[Problem]]:
    """Read and check one returned form; the Submission is None when it has any error."""
    result = _read_file(path, criteria, units, year)
    return result.submission, result.problems


def _candidate_files(folder: Path, units: dict[str, Unit], collection: Collection) -> list[Path]:
    """The .xlsx files of the folder, sorted; other spreadsheets are reported, not skipped.

    A unit that sent its form in another format has sent something: it is reported with
    an error, not as "not submitted".
    """
    found: list[Path] = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(("~$", ".")):
            continue  # Excel's lock files, hidden and temporary files
        suffix = path.suffix.lower()
        guess = stem_unit_id(path)
        unit_id = guess if guess in units else None
        if suffix == ".xlsx" and path.is_file():
            found.append(path)
            continue
        problem = _odd_name(path, unit_id)
        if problem is None and path.is_file():
            if suffix in OTHER_SPREADSHEETS:
                problem = file_problem(
                    path, "folder.other_spreadsheet", unit_id=unit_id, found=suffix
                )
            else:
                collection.problems.append(
                    file_problem(path, "folder.not_a_form", severity="warning", unit_id=unit_id)
                )
        if problem is not None:
            collection.problems.append(problem)
            if unit_id is not None:
                collection.files.setdefault(unit_id, []).append(path)
    return found


def _odd_name(path: Path, unit_id: str | None) -> Problem | None:
    """Why an entry that looks like a unit's form cannot be read as one; None otherwise.

    A form named "06808.xlsx " (a trailing space), saved as a template (.xltx), or a
    folder or pipe named like a form was sent by the unit: it is an error that names the
    file, never a silent "not sent". A sub-folder that names no unit is no one's form.
    """
    name = path.name
    clean = normalize_text(name)
    looks_like_form = clean.lower().endswith(".xlsx") or unit_id is not None
    if not path.is_file():
        if not looks_like_form:
            return None
        kind = "folder.is_folder" if path.is_dir() else "folder.not_regular_file"
        return file_problem(path, kind, unit_id=unit_id, found=quote(name))
    if clean != name and clean.lower().endswith(".xlsx"):
        return file_problem(
            path, "folder.name_spaces", unit_id=unit_id, found=quote(name), expected=quote(clean)
        )
    if path.suffix.lower() in TEMPLATES:
        return file_problem(path, "folder.template_file", unit_id=unit_id, found=path.suffix)
    return None


FileReader = Callable[[Path, CriteriaYear, dict[str, Unit], int], _FileResult]


def read_submissions(
    data_dir: Path,
    year: int,
    criteria: CriteriaYear,
    units: list[Unit],
    read: Callable[[FileReader], FileReader] | None = None,
) -> Collection:
    """Read ``data_dir/<year>/submissions/*.xlsx``: every file, every problem. ``read``
    wraps the reading of one file (``read(_read_file)``: the build's cache of read forms).
    """
    folder = Path(data_dir) / str(year) / "submissions"
    by_id = {u.id: u for u in units}
    expected = [u.id for u in units if u.valid_in(year)]
    collection = Collection(year=year, submissions={}, problems=[], expected=expected)
    if not folder.is_dir():
        collection.problems.append(file_problem(folder, "folder.missing", year=year))
        return collection
    files = _candidate_files(folder, by_id, collection)
    reader = read(_read_file) if read is not None else _read_file
    results = [reader(path, criteria, by_id, year) for path in files]
    by_unit: dict[str, list[_FileResult]] = {}
    for result in results:
        if result.unit_id is not None:
            by_unit.setdefault(result.unit_id, []).append(result)
    for unit_id, claims in by_unit.items():
        collection.files.setdefault(unit_id, []).extend(r.path for r in claims)
        if len(claims) > 1:
            names = ", ".join(r.path.name for r in claims)
            fields: dict[str, Any] = {"found": len(claims), "unit": unit_id, "names": names}
            for r in claims:
                r.problems.append(
                    file_problem(r.path, "folder.duplicate", unit_id=unit_id, **fields)
                )
                r.submission = r.unaccepted = None
    for result in results:
        collection.problems.extend(result.problems)
        if result.submission is not None:
            collection.submissions[result.submission.unit_id] = result.submission
        if result.unaccepted is not None:
            collection.unaccepted[result.unaccepted.unit_id] = result.unaccepted
    for unit_id in collection.missing:
        fields = {"unit_id": unit_id, "unit": unit_id, "name": by_id[unit_id].name}
        path = folder / f"{unit_id}.xlsx"
        collection.problems.append(
            file_problem(path, "folder.not_sent", severity="warning", **fields)
        )
    return collection
