"""The assessing office's verification (thẩm định), kept apart from what the unit sent.

A unit's returned form is evidence of what it claimed, never verified (a figure typed in
a "verified" column is ignored with a warning, see ``scoring.inputs.submissions``). The
office's figures live in ``data/<year>/verification/<unit_id>.xlsx``, one per unit,
written by ``make verification-forms`` pre-filled with the unit's figures and evidence;
the office fills ``Giá trị thẩm định`` (empty keeps the unit's figure) and ``Lý do điều
chỉnh`` (required wherever the figure differs). A unit is verified once its file holds a
verified figure. The file names the SHA-256 of the unit's form it was made from, so a form
sent again is caught; verification files are only read, never overwritten.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from scoring.inputs.forms import FONT_NAME, SHEET_META, cell_value, code_text, save_atomic
from scoring.inputs.forms.layout import put
from scoring.inputs.submissions import (
    Collection,
    Problem,
    Reader,
    Submission,
    cell_text,
    check_ratios,
    filled_rows,
    find_sheet,
    open_workbooks,
    parse_cell,
    raw_value,
)
from scoring.inputs.units import Unit
from scoring.model.criteria import CriteriaSet, CriteriaYear
from scoring.model.rules import Value
from scoring.model.values import quote, render_value
from scoring.text.i18n import N_, phrase

SHEET_VERIFY = "Thẩm định"
FORMAT = "verification-1"
COL_CODE = "Mã"
COL_VERIFIED = "Giá trị thẩm định"
COL_REASON = "Lý do điều chỉnh"
COLUMNS = (
    (COL_CODE, 11),
    ("Tiêu chí / chỉ tiêu", 50),
    ("Giá trị đơn vị tự đánh giá", 16),
    ("Minh chứng của đơn vị", 30),
    ("Giải trình của đơn vị", 30),
    (COL_VERIFIED, 16),
    (COL_REASON, 40),
)
META = ("form_format", "unit_id", "unit_name", "year", "submission_sha256", "criteria_fingerprint")
HEADER_ROW = 4
_UNLOCKED = Protection(locked=False)
_BOLD = Font(name=FONT_NAME, size=12, bold=True)
_MIDDLE = Alignment(wrap_text=True, vertical="center")
_TOP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Change:
    """One figure the office changed, with the reason it gave."""

    code: str
    label: str
    kind: str
    claimed: Value | None
    verified: Value
    reason: str
    cell: str


@dataclass(frozen=True)
class Verification:
    """The office's verification of one unit: the figures scored as verified."""

    unit_id: str
    path: Path
    sha256: str
    values: dict[str, Value]  # the unit's figures with the office's changes applied
    changes: tuple[Change, ...]
    submission_sha256: str  # the unit's form the verification file was made from


def folder(data_dir: Path, year: int) -> Path:
    return Path(data_dir) / str(year) / "verification"


def write_verification_form(path: Path, cset: CriteriaSet, unit: Unit, sub: Submission) -> None:
    """The verification form of ``unit``: its figures and evidence, two columns to fill."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_VERIFY
    put(ws, 1, 1, f"PHIẾU THẨM ĐỊNH NĂM {cset.year}", font=_BOLD)
    title = f"Đơn vị: {unit.name} (mã {unit.id}); phiếu của đơn vị SHA-256 {sub.sha256}"
    put(ws, 2, 1, title, data_type="s")
    how = (
        f"Cơ quan thẩm định ghi cột '{COL_VERIFIED}' (để trống: giữ giá trị của đơn vị) "
        f"và cột '{COL_REASON}' (bắt buộc khi giá trị thay đổi)."
    )
    put(ws, 3, 1, how)
    for column, (header, width) in enumerate(COLUMNS, start=1):
        put(ws, HEADER_ROW, column, header, font=_BOLD, alignment=_MIDDLE)
        ws.column_dimensions[get_column_letter(column)].width = width
    for row, (code, inp) in enumerate(cset.inputs.items(), start=HEADER_ROW + 1):
        claimed = cell_value(sub.values[code]) if code in sub.values else None
        texts = (code, inp.label, claimed, sub.evidence.get(code), sub.notes.get(code))
        for column, text in enumerate(texts, start=1):
            cell = put(ws, row, column, text, alignment=_TOP)
            if isinstance(text, str):
                cell.data_type = "s"  # text stays text, even one starting with "="
        for column in (6, 7):
            put(ws, row, column, protection=_UNLOCKED, fill=PatternFill("solid", fgColor="E2EFDA"))
    ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)
    meta = wb.create_sheet(SHEET_META)
    values = (FORMAT, unit.id, unit.name, cset.year, sub.sha256, cset.fingerprint)
    for row, (key, value) in enumerate(zip(META, values, strict=True), start=1):
        put(meta, row, 1, key)
        cell = put(meta, row, 2, value)
        if isinstance(value, str):
            cell.data_type = "s"
    meta.protection.sheet = True
    wb.active = 0
    save_atomic(wb, path, datetime(cset.year, 1, 1))


def write_verification_forms(
    data_dir: Path, year: int, collection: Collection, criteria: CriteriaYear, units: list[Unit]
) -> tuple[list[Path], list[Path]]:
    """A verification form for every unit whose form was accepted: (written, kept); one
    that exists already is the office's work and is kept as it is."""
    by_id = {u.id: u for u in units}
    written: list[Path] = []
    kept: list[Path] = []
    for uid, sub in sorted(collection.submissions.items()):
        path = folder(data_dir, year) / f"{uid}.xlsx"
        if path.exists():
            kept.append(path)
            continue
        unit = by_id[uid]
        write_verification_form(path, criteria.for_level(unit.level), unit, sub)
        written.append(path)
    return written, kept


def fill_verification(
    path: Path, dst: Path, verified: Mapping[str, object], reasons: Mapping[str, str]
) -> None:
    """Type the office's figures and reasons into a verification form, as an analyst would
    (for the sample and the tests); written atomically to ``dst``."""
    wb = load_workbook(io.BytesIO(Path(path).read_bytes()))
    ws = wb[SHEET_VERIFY]
    header = _header(ws)
    rows = {
        code_text(ws.cell(row=r, column=header[COL_CODE]).value): r
        for r in range(header["__row__"] + 1, ws.max_row + 1)
    }
    for code, value in verified.items():
        ws.cell(row=rows[code], column=header[COL_VERIFIED], value=cell_value(value))
    for code, reason in reasons.items():
        ws.cell(row=rows[code], column=header[COL_REASON], value=reason)
    save_atomic(wb, Path(dst), wb.properties.created or datetime(2000, 1, 1))


_Read = tuple["Verification | None", list[Problem]]
VerificationReader = Callable[[Path, CriteriaYear, dict[str, Unit], Collection], _Read]


def read_verifications(
    data_dir: Path,
    year: int,
    criteria: CriteriaYear,
    units: dict[str, Unit],
    collection: Collection,
    read: Callable[[VerificationReader], VerificationReader] | None = None,
) -> tuple[dict[str, Verification], list[Problem]]:
    """Every verification file of the year, checked against the unit's accepted form
    (``read`` wraps the reading of one file: the build's cache of read files)."""
    where = folder(data_dir, year)
    found: dict[str, Verification] = {}
    problems: list[Problem] = []
    if not where.is_dir():
        return found, problems
    one = read(read_verification) if read is not None else read_verification
    for path in sorted(where.iterdir()):
        if path.name.startswith(("~$", ".")):
            continue
        result, said = one(path, criteria, units, collection)
        problems.extend(said)
        if result is not None:
            found[result.unit_id] = result
    return found, problems


def read_verification(
    path: Path, criteria: CriteriaYear, units: dict[str, Unit], collection: Collection
) -> _Read:
    """One verification file: what it verifies (None when it has errors) and its problems."""
    reader = Reader(path)
    result = _read_one(reader, criteria, units, collection)
    return (None if reader.has_errors else result), reader.problems


def _read_one(
    reader: Reader, criteria: CriteriaYear, units: dict[str, Unit], collection: Collection
) -> Verification | None:
    path = reader.path
    uid = path.stem if path.suffix == ".xlsx" and path.is_file() else None
    if uid is None or uid not in collection.expected:
        reader.add("verification.file_name")
        return None
    reader.unit_id = uid
    sub = collection.submissions.get(uid)
    if sub is None:
        if uid in collection.files:
            return None  # the unit's form has errors: they are listed already
        reader.add("verification.no_form", unit=uid)
        return None
    opened = open_workbooks(reader, criteria)
    if opened is None:
        return None
    data, wb, fwb = opened
    meta_ws = find_sheet(wb, SHEET_META)
    meta = _read_meta(meta_ws) if meta_ws is not None else {}
    if code_text(meta.get("unit_id")) != uid or code_text(meta.get("form_format")) != FORMAT:
        reader.add("verification.not_ours", expected=FORMAT, unit=uid, sheet_name=SHEET_META)
        return None
    cset = criteria.for_level(units[uid].level)
    if not _made_for(reader, meta, cset, sub):
        return None
    ws = find_sheet(wb, SHEET_VERIFY)
    if ws is None:
        reader.add("verification.no_sheet", expected=SHEET_VERIFY)
        return None
    reader.sheet = ws.title
    return _read_rows(reader, ws, fwb[ws.title], cset, sub, data)


def _made_for(reader: Reader, meta: dict[str, object], cset: CriteriaSet, sub: Submission) -> bool:
    """Whether the file was made for this year, criteria set and form of the unit: a
    figure verified against something else must not enter the official score."""
    year = code_text(meta.get("year"))
    if year != str(cset.year):
        reader.add("verification.other_year", found=quote(year), expected=str(cset.year))
        return False
    for key, kind, own in (
        ("criteria_fingerprint", "verification.other_criteria", cset.fingerprint),
        ("submission_sha256", "verification.form_sent_again", sub.sha256),
    ):
        made = code_text(meta.get(key))
        if made != own:
            reader.add(kind, found=made[:12], expected=own[:12])
            return False
    return True


def _read_meta(ws: Worksheet) -> dict[str, object]:
    """Key -> value of the metadata sheet (keys in column A, values in B)."""
    found: dict[str, object] = {}
    for row in ws.iter_rows(min_row=1, max_row=2 * len(META), max_col=2):
        key = code_text(row[0].value) if row else ""
        if len(row) == 2 and key in META:
            found.setdefault(key, row[1].value)
    return found


def _header(ws: Worksheet) -> dict[str, int]:
    for row in ws.iter_rows(min_row=1, max_row=20):
        names = {code_text(c.value): int(c.column or 0) for c in row if c.value is not None}
        if COL_CODE in names and COL_VERIFIED in names and COL_REASON in names:
            return names | {"__row__": int(row[0].row or 0)}
    return {}


def _read_rows(
    reader: Reader, ws: Worksheet, fws: Worksheet, cset: CriteriaSet, sub: Submission, data: bytes
) -> Verification | None:
    header = _header(ws)
    if not header:
        reader.add(
            "verification.no_header",
            code_column=COL_CODE,
            verified_column=COL_VERIFIED,
            reason_column=COL_REASON,
        )
        return None
    values = dict(sub.values)
    cells = dict(sub.cells)
    changes: list[Change] = []
    any_figure = False
    seen: dict[str, str] = {}  # code -> the cell where it first appears
    for row in filled_rows(ws, header[COL_CODE], header["__row__"] + 1):
        code = code_text(ws.cell(row=row, column=header[COL_CODE]).value)
        if not code:
            continue
        here = ws.cell(row=row, column=header[COL_CODE]).coordinate
        if code in seen:  # which row would win is no choice to make silently
            reader.add("sheet.repeated_code", cell=here, found=code, first=seen[code])
            continue
        seen[code] = here
        if code not in cset.inputs:
            reader.add("verification.unknown_code", cell=here, found=quote(code))
            continue
        # This file's own cell, even where the figure stays the unit's: a check on it
        # (a share over 100 %) is read in this sheet, not in the unit's form.
        address = ws.cell(row=row, column=header[COL_VERIFIED]).coordinate
        cells[code] = address
        raw = raw_value(reader, ws, fws, row, header[COL_VERIFIED], code)
        verified = parse_cell(reader, cset, code, raw, address, set())
        if verified is None:
            continue
        any_figure = True
        claimed = sub.values.get(code)
        if verified == claimed and type(verified) is type(claimed):
            continue
        reason_cell = ws.cell(row=row, column=header[COL_REASON])
        reason = cell_text(reason_cell.value)
        if not reason:
            reader.add(
                "verification.no_reason",
                cell=reason_cell.coordinate,
                code=code,
                found=render_value(verified),
                expected=render_value(claimed) or phrase(N_("(trống)")),
                column=COL_REASON,
            )
        inp = cset.inputs[code]
        changes.append(Change(code, inp.label, inp.kind, claimed, verified, reason, address))
        values[code] = verified
    if not any_figure:
        return None  # prepared, not yet filled: the unit is not verified
    check_ratios(reader, cset, values, cells, verified=True)
    sha256 = hashlib.sha256(data).hexdigest()
    return Verification(sub.unit_id, reader.path, sha256, values, tuple(changes), sub.sha256)
