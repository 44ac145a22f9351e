"""The second stage: which unit, year and criteria set a form belongs to (its info sheet).

A form is read against the criteria set it was made from: the unit must be in the unit
list and assessed this year, the level, year, criteria version and the fingerprint of
the criteria file must all match. Any mismatch stops the reading of that form.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl.workbook.workbook import Workbook

from scoring.inputs.forms import FORM_FORMAT, SHEET_META, code_text, read_meta
from scoring.inputs.submissions.container import find_sheet, stem_unit_id
from scoring.inputs.submissions.problems import Reader
from scoring.inputs.units import Unit
from scoring.model.criteria import CriteriaSet, CriteriaYear
from scoring.model.values import quote
from scoring.text.errors import CriteriaError
from scoring.text.i18n import N_, phrase

Meta = dict[str, tuple[object, str]]
NOT_GIVEN = phrase(N_("(không ghi)"))


def identify(
    reader: Reader, wb: Workbook, criteria: CriteriaYear, units: dict[str, Unit], year: int
) -> tuple[Unit, CriteriaSet] | None:
    """Which unit, year and criteria set the form belongs to; None when it cannot be used."""
    ws = find_sheet(wb, SHEET_META)
    if ws is None:
        reader.add("meta.no_sheet", found=", ".join(wb.sheetnames), expected=SHEET_META)
        return None
    reader.sheet = ws.title
    meta = read_meta(ws)
    fmt = _field(meta, "form_format")[0]
    if fmt and fmt != FORM_FORMAT:
        reader.add("meta.wrong_format", found=quote(fmt), expected=FORM_FORMAT)
        return None
    unit = _check_unit(reader, meta, units, year)
    if unit is None:
        return None
    if not _check_year(reader, meta, year):
        return None
    return _check_criteria(reader, meta, criteria, unit)


def _field(meta: Meta, name: str) -> tuple[str, str | None]:
    """A field of the form's metadata sheet as text ("" when absent), and its cell."""
    raw, cell = meta.get(name, (None, None))
    return code_text(raw), cell


def _check_unit(reader: Reader, meta: Meta, units: dict[str, Unit], year: int) -> Unit | None:
    unit_id, cell = _field(meta, "unit_id")
    if not unit_id:
        reader.add("meta.no_unit_id", cell=cell)
        return None
    reader.unit_id = unit_id
    if stem_unit_id(reader.path).casefold() != unit_id.casefold():
        reader.add(
            "meta.file_name",
            cell=cell,
            found=reader.path.name,
            expected=f"{unit_id}.xlsx",
            unit=quote(unit_id),
        )
    unit = units.get(unit_id)
    if unit is None:
        reader.add("meta.unknown_unit", cell=cell, found=quote(unit_id))
        return None
    if not unit.valid_in(year):
        end = phrase(N_("nay")) if unit.valid_to is None else str(unit.valid_to)
        reader.add(
            "meta.unit_not_assessed",
            cell=cell,
            found=year,
            unit=unit_id,
            name=unit.name,
            start=unit.valid_from,
            end=end,
        )
        return None
    level, at = _field(meta, "level")
    if level != unit.level:
        reader.add(
            "meta.wrong_level", cell=at, found=quote(level), expected=unit.level, unit=unit_id
        )
        return None
    return unit


def _check_year(reader: Reader, meta: Meta, year: int) -> bool:
    text, cell = _field(meta, "year")
    if text == str(year):
        return True
    if text:
        reader.add("meta.wrong_year", cell=cell, found=text, expected=year)
    else:
        reader.add("meta.no_year", cell=cell, expected=year)
    return False


def _check_criteria(
    reader: Reader, meta: Meta, criteria: CriteriaYear, unit: Unit
) -> tuple[Unit, CriteriaSet] | None:
    try:
        cset = criteria.for_level(unit.level)
    except CriteriaError:
        reader.add("meta.no_criteria", found=unit.level, expected=criteria.year)
        return None
    version, at = _field(meta, "criteria_version")
    if version != cset.version:
        reader.add("meta.wrong_version", cell=at, found=version or NOT_GIVEN, expected=cset.version)
        return None
    fingerprint, print_cell = _field(meta, "criteria_fingerprint")
    if fingerprint != cset.fingerprint:
        reader.add(
            "meta.wrong_fingerprint",
            cell=print_cell,
            found=fingerprint[:12] or NOT_GIVEN,
            expected=cset.fingerprint[:12],
            version=version,
            name=Path(cset.path).name,
        )
        return None
    return unit, cset
