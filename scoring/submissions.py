"""Reading the returned survey forms and saying exactly what is wrong with them.

Units send back the Excel forms of ``scoring.forms`` filled by hand, so anything can
come back: an old .xls renamed, a password-protected copy, a form of another unit or of
last year's criteria, two copies of one form, a percent typed as a fraction, a formula
never calculated. Every file of the folder is read, one bad file never stops the others,
and every problem is reported with its file, sheet, cell and input code, in Vietnamese
and in English (each English text is written next to its Vietnamese one; file names,
sheet names and what was found stay as they are in the file).

A ``Submission`` is returned only for a file without errors (warnings are allowed):
scores are never computed from a form that still has errors. Input files are only read
(opened in binary mode, parsed from memory); nothing is ever written back.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from scoring.criteria import CriteriaSet, CriteriaYear, DirectRule, Node, RatioRule, rule_inputs
from scoring.errors import CriteriaError
from scoring.forms import (
    FORM_FORMAT,
    HEADER_CODE,
    HEADER_EVIDENCE,
    HEADER_NOTE,
    HEADER_SEARCH_ROWS,
    HEADER_VALUE,
    HEADER_VERIFIED,
    SHEET_INPUTS,
    SHEET_META,
    Header,
    code_text,
    find_header,
    read_meta,
)
from scoring.lang import Lang
from scoring.rules import NA, Value
from scoring.sheetxml import TooManyCells, compact_workbook
from scoring.units import Unit
from scoring.values import (
    NA_TEXT,
    ValueProblem,
    escape_controls,
    format_number_en,
    format_number_vi,
    normalize_text,
    parse_value,
    quote,
)

Severity = Literal["error", "warning"]
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OTHER_SPREADSHEETS = {".xls", ".xlsm", ".xlsb", ".ods", ".csv"}
TEMPLATES = {".xltx", ".xltm", ".xlt", ".ots"}
# Limits checked before openpyxl parses anything: a returned form is about 20 KB, so these
# leave room for pasted images while refusing oversized files and zip bombs quickly.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_RATIO = 200
MAX_CELLS = 50_000  # filled cells per sheet; a form has a few hundred
_COPY_SUFFIX = re.compile(r"\s*\(\d+\)$")
_QUOTED = re.compile(r'"[^"]*"|\\.')
FORMULA_NOT_CALCULATED = (
    "ô có công thức nhưng chưa có giá trị đã tính; mở tệp bằng Excel/LibreOffice và lưu lại"
)
FORMULA_NOT_CALCULATED_EN = (
    "the cell has a formula but no calculated value; open the file in Excel/LibreOffice "
    "and save it again"
)


class _Words(NamedTuple):
    """How a problem line names its parts in one language."""

    sheet: str
    cell: str
    code: str
    error: str
    warning: str


_WORDS: dict[Lang, _Words] = {
    "vi": _Words("trang tính", "ô", "mã", "Lỗi", "Cảnh báo"),
    "en": _Words("sheet", "cell", "code", "Error", "Warning"),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, located as precisely as possible."""

    file: str
    sheet: str | None
    cell: str | None
    code: str | None
    message: str  # Vietnamese
    severity: Severity = "error"
    unit_id: str | None = None
    message_en: str = ""  # English; empty: the same as ``message``

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def text(self, lang: Lang = "vi") -> str:
        """The message alone, in ``lang``."""
        return (self.message_en or self.message) if lang == "en" else self.message

    def format(self, lang: Lang = "vi") -> str:
        """One line: "Lỗi: <tệp>, trang tính '<tên>', ô E12, mã A1.1.a: <nội dung>".

        In English: "Error: <file>, sheet '<name>', cell E12, code A1.1.a: <message>"; the
        file and sheet names are the file's own, untranslated.
        """
        words = _WORDS[lang]
        where = [self.file]
        if self.sheet:
            where.append(f"{words.sheet} '{self.sheet}'")
        if self.cell:
            where.append(f"{words.cell} {self.cell}")
        if self.code:
            where.append(f"{words.code} {self.code}")
        prefix = words.error if self.is_error else words.warning
        # Names and typed text are shown escaped: a newline in a file name must not
        # print a forged "Lỗi:" line.
        return escape_controls(f"{prefix}: {', '.join(where)}: {self.text(lang)}")


@dataclass(frozen=True)
class Submission:
    """The checked answers of one unit's returned form."""

    def __repr__(self) -> str:  # a form holds self-assessed values only
        return f"Submission({self.unit_id}, {self.path.name}, {len(self.values)} values)"

    unit_id: str
    path: Path
    sha256: str
    values: dict[str, Value]  # self-assessed: all a returned form can ever hold
    evidence: dict[str, str]
    notes: dict[str, str]
    cells: dict[str, str]  # input code -> address of its "Giá trị" cell
    modified: datetime | None = None  # the workbook's own "modified" property


@dataclass
class Collection:
    """Every returned form of one year, with every problem found in them."""

    year: int
    submissions: dict[str, Submission]
    problems: list[Problem]
    expected: list[str]  # ids of the units valid in the year
    files: dict[str, list[Path]] = field(default_factory=dict)  # unit id -> its files
    # unit id -> the office's verification (scoring.verification.Verification), attached
    # after the forms are read: a unit's own file is never a source of verified figures.
    verifications: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (
            f"Collection(year={self.year}, forms={len(self.submissions)}, "
            f"expected={len(self.expected)}, problems={len(self.problems)})"
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def missing(self) -> list[str]:
        """Expected units that sent no file at all."""
        return [uid for uid in self.expected if uid not in self.files]

    def summary(self) -> dict[str, Any]:
        """Counts and unit lists for a report's "forms received" table."""
        missing = set(self.missing)
        troubled = {p.unit_id for p in self.problems if p.unit_id and p.unit_id not in missing}
        lists = {
            "expected": list(self.expected),
            "received": sorted(self.files),
            "accepted": sorted(self.submissions),
            "missing": sorted(missing),
            "verified": sorted(u for u in self.verifications if u in self.submissions),
            "with_problems": sorted(troubled),
            "with_errors": sorted({p.unit_id for p in self.errors if p.unit_id} - missing),
        }
        result: dict[str, Any] = {"year": self.year}
        result |= {name: len(units) for name, units in lists.items()}
        result |= {f"{name}_units": units for name, units in lists.items()}
        result |= {"errors": len(self.errors), "warnings": len(self.warnings)}
        return result


class _Reader:
    """The reading of one file: collects problems as it goes, located in that file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []
        self.unit_id: str | None = None
        self.sheet: str | None = None

    def add(
        self,
        message: str,
        *,
        en: str,
        cell: str | None = None,
        code: str | None = None,
        sheet: str | None = None,
        severity: Severity = "error",
    ) -> None:
        """Record a problem: ``message`` in Vietnamese, ``en`` (required) in English."""
        self.problems.append(
            Problem(
                file=str(self.path),
                sheet=sheet if sheet is not None else self.sheet,
                cell=cell,
                code=code,
                message=message,
                severity=severity,
                unit_id=self.unit_id,
                message_en=en,
            )
        )

    def warn(self, message: str, *, en: str, **where: str | None) -> None:
        self.add(message, en=en, severity="warning", **where)  # type: ignore[arg-type]

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


@dataclass
class _FileResult:
    path: Path
    unit_id: str | None  # the unit the file claims (or, unreadable, its name suggests)
    submission: Submission | None
    problems: list[Problem]


# ---------------------------------------------------------------------- opening


def stem_unit_id(path: Path) -> str:
    """The unit id a file name gives: "06808 (1).xlsx" (a browser's copy) → "06808"."""
    return _COPY_SUFFIX.sub("", normalize_text(Path(path).stem))


def _read_bytes(reader: _Reader) -> bytes | None:
    try:
        size = reader.path.stat().st_size
        if size > MAX_FILE_BYTES:
            found, limit = size // (1024 * 1024), MAX_FILE_BYTES // (1024 * 1024)
            reader.add(
                f"tệp quá lớn ({found} MB, tối đa {limit} MB): phiếu khảo sát chỉ cần số liệu; "
                "xóa ảnh hoặc trang tính thừa rồi lưu lại",
                en=f"file too large ({found} MB, at most {limit} MB): a survey form only needs "
                "figures; delete pictures or extra sheets and save it again",
            )
            return None
        with open(reader.path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        reader.add(
            f"không đọc được tệp ({exc.strerror})", en=f"cannot read the file ({exc.strerror})"
        )
        return None


def _check_magic(reader: _Reader, data: bytes) -> bool:
    """Refuse what is not a zip before openpyxl does, with a message a user can act on."""
    if data.startswith(ZIP_MAGIC):
        return True
    if not data:
        reader.add(
            "tệp rỗng (0 byte); gửi lại phiếu đã điền",
            en="empty file (0 bytes); send the filled form again",
        )
    elif data.startswith(OLE_MAGIC):
        reader.add(
            "tệp không phải dạng .xlsx: đây là tệp Excel cũ (.xls) đổi tên, hoặc tệp đã đặt "
            "mật khẩu; mở bằng Excel/LibreOffice, bỏ mật khẩu nếu có và lưu lại dưới dạng "
            "Excel Workbook (.xlsx)",
            en="not an .xlsx file: an old Excel file (.xls) renamed, or a password-protected "
            "file; open it in Excel/LibreOffice, remove any password and save it as "
            "Excel Workbook (.xlsx)",
        )
    else:
        reader.add(
            "tệp không phải bảng tính Excel .xlsx (nội dung không đúng định dạng); "
            "cần gửi lại đúng tệp phiếu khảo sát dạng .xlsx",
            en="not an Excel .xlsx workbook (the content is in another format); "
            "send the survey form again as an .xlsx file",
        )
    return False


def _check_archive(reader: _Reader, data: bytes) -> bool:
    """Refuse zip bombs from the zip directory alone, before anything is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        reader.add(
            "tệp .xlsx bị hỏng (không mở được như một bảng tính); lưu lại tệp từ Excel",
            en="damaged .xlsx file (it cannot be opened as a workbook); save it again from Excel",
        )
        return False
    unpacked = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries) or 1
    if (
        len(entries) > MAX_ENTRIES
        or unpacked > MAX_UNPACKED_BYTES
        or (unpacked > 1024 * 1024 and unpacked / packed > MAX_RATIO)
    ):
        found, limit = unpacked // (1024 * 1024), MAX_UNPACKED_BYTES // (1024 * 1024)
        reader.add(
            f"tệp bị từ chối: khi giải nén sẽ chiếm {found} MB ({len(entries)} thành phần), "
            f"vượt giới hạn an toàn ({limit} MB); đây không phải phiếu khảo sát bình thường",
            en=f"file refused: unpacked, its {len(entries)} part(s) would take {found} MB, over "
            f"the safety limit ({limit} MB); this is not a normal survey form",
        )
        return False
    return True


def _load(reader: _Reader, data: bytes) -> tuple[Workbook, Workbook] | None:
    """The workbook with cached values and the one with formulas, or None if unreadable.

    Both are needed: openpyxl shows a formula whose result was never calculated as an
    empty cell, which must not pass for an unanswered one. Empty cells and rows are
    dropped first (``scoring.sheetxml``), so time and memory follow the filled cells.
    """
    try:
        data = compact_workbook(data, MAX_CELLS)
    except TooManyCells as exc:
        reader.add(
            f"tệp bị từ chối: trang tính ({exc.sheet}) có {exc.count} ô có nội dung, quá giới "
            f"hạn {MAX_CELLS}; phiếu khảo sát chỉ có vài trăm ô, xóa các dòng, cột thừa rồi "
            "lưu lại",
            en=f"file refused: a sheet ({exc.sheet}) has {exc.count} cells with content, over "
            f"the limit of {MAX_CELLS}; a survey form has a few hundred cells: delete the "
            "extra rows and columns and save it again",
        )
        return None
    except Exception as exc:  # noqa: BLE001 - a damaged archive: the file is at fault
        _unreadable(reader, exc)
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values = load_workbook(io.BytesIO(data), data_only=True)
            formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # any parser failure: the file, not the program, is at fault
        _unreadable(reader, exc)
        return None
    return values, formulas


def _forbidden_xml(exc: BaseException) -> bool:
    """Whether ``exc`` or what caused it is defusedxml refusing a DTD or entity
    declaration (a "billion laughs" bomb, an external reference): openpyxl wraps it."""
    from defusedxml import DefusedXmlException

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, DefusedXmlException):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _unreadable(reader: _Reader, exc: BaseException) -> None:
    error = type(exc).__name__
    if _forbidden_xml(exc):
        reader.add(
            "tệp bị từ chối: phần XML bên trong có khai báo DTD hoặc thực thể (ENTITY), cách "
            "tấn công làm treo máy; Excel không ghi các khai báo này: mở bằng Excel/LibreOffice "
            "và lưu lại",
            en="file refused: its XML declares a DTD or entities (ENTITY), a way to hang the "
            "machine; Excel never writes them: open it in Excel/LibreOffice and save it again",
        )
        return
    reader.add(
        "không đọc được tệp như một bảng tính Excel (.xlsx): tệp bị hỏng hoặc không "
        f"đúng định dạng ({error}); mở bằng Excel/LibreOffice và lưu lại",
        en="cannot read the file as an Excel workbook (.xlsx): it is damaged or in another "
        f"format ({error}); open it in Excel/LibreOffice and save it again",
    )


def _sheet(wb: Workbook, name: str) -> Worksheet | None:
    """A sheet by name, tolerant of case, spaces and Unicode normal form."""
    wanted = normalize_text(name).casefold()
    for title in wb.sheetnames:
        if normalize_text(title).casefold() == wanted:
            sheet = wb[title]
            return sheet if isinstance(sheet, Worksheet) else None
    return None


# ---------------------------------------------------------------------- metadata


def _meta_text(value: object) -> str:
    return code_text(value)


def _identify(
    reader: _Reader, wb: Workbook, criteria: CriteriaYear, units: dict[str, Unit], year: int
) -> tuple[Unit, CriteriaSet] | None:
    """Which unit, year and criteria set the form belongs to; None when it cannot be used."""
    ws = _sheet(wb, SHEET_META)
    if ws is None:
        sheets = ", ".join(wb.sheetnames)
        reader.add(
            f"thiếu trang tính '{SHEET_META}' (có: {sheets}); "
            "phiếu phải là phiếu do chương trình lập, không tự tạo hay sao chép sang tệp khác",
            en=f"sheet '{SHEET_META}' is missing (found: {sheets}); the form must be the one "
            "the program made, not one made by hand or copied into another file",
        )
        return None
    reader.sheet = ws.title
    meta = read_meta(ws)
    fmt = _meta_text(meta.get("form_format", (None, ""))[0])
    if fmt and fmt != FORM_FORMAT:
        reader.add(
            f"phiếu định dạng {quote(fmt)}, chương trình đọc định dạng '{FORM_FORMAT}'",
            en=f"the form has format {quote(fmt)}, the program reads format '{FORM_FORMAT}'",
        )
        return None
    unit = _check_unit(reader, meta, units, year)
    if unit is None:
        return None
    if not _check_year(reader, meta, year):
        return None
    return _check_criteria(reader, meta, criteria, unit)


def _check_unit(
    reader: _Reader, meta: dict[str, tuple[object, str]], units: dict[str, Unit], year: int
) -> Unit | None:
    raw, cell = meta.get("unit_id", (None, None))
    unit_id = _meta_text(raw)
    if not unit_id:
        reader.add(
            "thiếu mã đơn vị (unit_id) trong thông tin phiếu",
            en="the form information has no unit code (unit_id)",
            cell=cell,
        )
        return None
    reader.unit_id = unit_id
    stem = stem_unit_id(reader.path)
    if stem.casefold() != unit_id.casefold():
        name = reader.path.name
        reader.add(
            f"tên tệp '{name}' không khớp mã đơn vị {quote(unit_id)} ghi trong phiếu; "
            f"tệp phiếu của đơn vị này phải tên là {unit_id}.xlsx",
            en=f"the file name '{name}' does not match the unit code {quote(unit_id)} written in "
            f"the form; the form of this unit must be named {unit_id}.xlsx",
            cell=cell,
        )
    unit = units.get(unit_id)
    if unit is None:
        reader.add(
            f"mã đơn vị {quote(unit_id)} không có trong danh sách đơn vị",
            en=f"the unit code {quote(unit_id)} is not in the list of units",
            cell=cell,
        )
        return None
    if not unit.valid_in(year):
        until = unit.valid_to
        until_vi, until_en = ("nay", "now") if until is None else (str(until), str(until))
        reader.add(
            f"đơn vị {unit_id} ({unit.name}) không thuộc diện đánh giá năm {year} "
            f"(chỉ có từ năm {unit.valid_from} đến {until_vi})",
            en=f"unit {unit_id} ({unit.name}) is not assessed in {year} (it exists only from "
            f"{unit.valid_from} to {until_en})",
            cell=cell,
        )
        return None
    level_raw, level_cell = meta.get("level", (None, None))
    level = _meta_text(level_raw)
    if level != unit.level:
        reader.add(
            f"phiếu lập cho cấp {quote(level)}, đơn vị {unit_id} thuộc cấp '{unit.level}'",
            en=f"the form was made for level {quote(level)}, unit {unit_id} is at level "
            f"'{unit.level}'",
            cell=level_cell,
        )
        return None
    return unit


def _check_year(reader: _Reader, meta: dict[str, tuple[object, str]], year: int) -> bool:
    raw, cell = meta.get("year", (None, None))
    text = _meta_text(raw)
    if text != str(year):
        if text:
            found_vi, found_en = f"năm {text}", f"is for {text}"
        else:
            found_vi, found_en = "không ghi năm", "has no year"
        reader.add(
            f"phiếu của {found_vi}, đang đọc phiếu năm {year}",
            en=f"the form {found_en}; the forms being read are those of {year}",
            cell=cell,
        )
        return False
    return True


def _check_criteria(
    reader: _Reader, meta: dict[str, tuple[object, str]], criteria: CriteriaYear, unit: Unit
) -> tuple[Unit, CriteriaSet] | None:
    try:
        cset = criteria.for_level(unit.level)
    except CriteriaError as exc:
        year, level = criteria.year, unit.level
        reader.add(
            str(exc),
            en=f"there is no criteria set for level '{level}' in {year} (the file "
            f"data/criteria/{year}/{level}.yaml is needed)",
        )
        return None
    version_raw, version_cell = meta.get("criteria_version", (None, None))
    version = _meta_text(version_raw)
    if version != cset.version:
        reader.add(
            f"phiếu lập theo bộ tiêu chí phiên bản {version or '(không ghi)'}, bộ hiện hành "
            f"là {cset.version}; cần lập lại phiếu theo bộ hiện hành",
            en=f"the form follows criteria version {version or '(none given)'}, the current "
            f"set is {cset.version}; the form must be made again from the current set",
            cell=version_cell,
        )
        return None
    print_raw, print_cell = meta.get("criteria_fingerprint", (None, None))
    fingerprint = _meta_text(print_raw)
    if fingerprint != cset.fingerprint:
        name, found, current = Path(cset.path).name, fingerprint[:12], cset.fingerprint[:12]
        reader.add(
            f"phiếu lập theo bộ tiêu chí phiên bản {version} nhưng từ một tệp khác với tệp "
            f"hiện hành {name} (dấu vân tay {found or '(không ghi)'}…, hiện hành {current}…): "
            "tệp bộ tiêu chí đã bị sửa sau khi lập phiếu; cần lập lại phiếu",
            en=f"the form follows criteria version {version} but was made from a file other "
            f"than the current {name} (fingerprint {found or '(none given)'}…, current "
            f"{current}…): the criteria file was edited after the form was made; the form "
            "must be made again",
            cell=print_cell,
        )
        return None
    return unit, cset


# ---------------------------------------------------------------------- the inputs sheet


@dataclass
class _Answers:
    """What the inputs sheet holds, code by code, before the cross-field checks."""

    values: dict[str, Value] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    note_cells: dict[str, str] = field(default_factory=dict)
    evidence_cells: dict[str, str] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)  # codes whose self-assessed value was refused
    self_verified: list[str] = field(default_factory=list)  # filled "verified" cells: ignored


def _is_percent_format(number_format: str | None) -> bool:
    """Whether Excel shows the cell ×100 with "%": quoted or escaped "%" do not count."""
    return "%" in _QUOTED.sub("", number_format or "")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    return code_text(value)


def _raw_value(
    reader: _Reader, ws: Worksheet, fws: Worksheet, row: int, column: int, code: str
) -> tuple[object, bool] | None:
    """(raw value, percent format) of a cell; None, reported, when it holds no usable value."""
    cell = ws.cell(row=row, column=column)
    if cell.data_type == "e":
        reader.add(
            f"ô có lỗi công thức {cell.value}; sửa công thức hoặc ghi số",
            en=f"the cell has a formula error {cell.value}; fix the formula or type a number",
            cell=cell.coordinate,
            code=code,
        )
        return None
    if cell.value is None and fws.cell(row=row, column=column).data_type == "f":
        reader.add(
            FORMULA_NOT_CALCULATED, en=FORMULA_NOT_CALCULATED_EN, cell=cell.coordinate, code=code
        )
        return None
    return cell.value, _is_percent_format(cell.number_format)


def _read_inputs(
    reader: _Reader, wb: Workbook, fwb: Workbook, cset: CriteriaSet
) -> _Answers | None:
    ws = _sheet(wb, SHEET_INPUTS)
    if ws is None:
        reader.sheet = None
        sheets = ", ".join(wb.sheetnames)
        reader.add(
            f"không có trang tính '{SHEET_INPUTS}' (có: {sheets}); "
            "không đổi tên trang tính của phiếu",
            en=f"there is no sheet '{SHEET_INPUTS}' (found: {sheets}); "
            "do not rename the sheets of the form",
        )
        return None
    reader.sheet = ws.title
    fws = fwb[ws.title]
    header = find_header(ws)
    if header is None:
        reader.add(
            f"không tìm thấy dòng tiêu đề có các cột '{HEADER_CODE}' và '{HEADER_VALUE}' "
            f"trong {HEADER_SEARCH_ROWS} dòng đầu",
            en=f"no header row with the columns '{HEADER_CODE}' and '{HEADER_VALUE}' "
            f"in the first {HEADER_SEARCH_ROWS} rows",
        )
        return None
    answers = _Answers()
    seen: dict[str, str] = {}
    code_column = header.columns[HEADER_CODE]
    for row in filled_rows(ws, code_column, header.row + 1):
        code_cell = ws.cell(row=row, column=code_column)
        code = code_text(code_cell.value)
        if not code:
            continue
        if code not in cset.inputs:
            reader.add(
                f"mã {quote(code)} không có trong bộ tiêu chí; không sửa hay thêm nội dung vào "
                f"cột '{HEADER_CODE}'",
                en=f"the code {quote(code)} is not in the criteria set; do not edit or add "
                f"anything in the column '{HEADER_CODE}'",
                cell=code_cell.coordinate,
            )
            continue
        if code in seen:
            reader.add(
                f"mã {code} lặp lại (đã có ở ô {seen[code]})",
                en=f"the code {code} is repeated (already in cell {seen[code]})",
                cell=code_cell.coordinate,
            )
            continue
        seen[code] = code_cell.coordinate
        _read_row(reader, ws, fws, header, row, code, cset, answers)
    _warn_self_verified(reader, answers.self_verified)
    return answers


def filled_rows(ws: Worksheet, column: int, first: int) -> list[int]:
    """The rows from ``first`` on whose cell in ``column`` exists, in order.

    Only the cells the file holds are visited: one space typed in A1048576 must not
    make the reader walk (and create) a million empty cells.
    """
    cells = ws._cells  # noqa: SLF001 - openpyxl's map of the cells present in the file
    return sorted(r for r, c in cells if c == column and r >= first)


def _warn_self_verified(reader: _Reader, cells: list[str]) -> None:
    """A unit cannot verify itself: what it typed as "verified" is named and ignored."""
    if not cells:
        return
    shown = ", ".join(cells[:10]) + (f" (+{len(cells) - 10})" if len(cells) > 10 else "")
    reader.warn(
        f"cột '{HEADER_VERIFIED}' do cơ quan thẩm định ghi, không phải đơn vị: các giá trị ở "
        f"ô {shown} bị bỏ qua; điểm thẩm định chỉ lấy từ phiếu thẩm định "
        "(data/<năm>/verification/<mã đơn vị>.xlsx)",
        en=f"the column '{HEADER_VERIFIED}' is for the assessing office, not the unit: the "
        f"values in cell(s) {shown} are ignored; verified figures come only from the "
        "verification form (data/<year>/verification/<unit id>.xlsx)",
        cell=cells[0],
    )


def _read_row(
    reader: _Reader,
    ws: Worksheet,
    fws: Worksheet,
    header: Header,
    row: int,
    code: str,
    cset: CriteriaSet,
    answers: _Answers,
) -> None:
    inp = cset.inputs[code]
    node = cset.nodes[cset.input_owner[code]]
    maximum = node.max if inp.kind == "points" else None

    column = header.columns[HEADER_VALUE]
    address = ws.cell(row=row, column=column).coordinate
    answers.cells[code] = address
    raw = _raw_value(reader, ws, fws, row, column, code)
    if raw is None:
        answers.bad.add(code)
    else:
        try:
            value = parse_value(
                raw[0], inp.kind, allow_na=node.allow_na, maximum=maximum, is_percent_format=raw[1]
            )
        except ValueProblem as exc:
            reader.add(exc.message_vi, en=exc.message_en, cell=address, code=code)
            answers.bad.add(code)
            value = None
        if value is not None:
            answers.values[code] = value
            _check_fraction(reader, inp.kind, raw, value, address, code)
    verified_column = header.column(HEADER_VERIFIED)
    if verified_column is not None:
        cell = ws.cell(row=row, column=verified_column)
        if _cell_text(cell.value) or fws.cell(row=row, column=verified_column).value is not None:
            answers.self_verified.append(cell.coordinate)
    for name, texts, cells in (
        (HEADER_EVIDENCE, answers.evidence, answers.evidence_cells),
        (HEADER_NOTE, answers.notes, answers.note_cells),
    ):
        text_column = header.column(name)
        if text_column is not None:
            cell = ws.cell(row=row, column=text_column)
            cells[code] = cell.coordinate
            text = _cell_text(cell.value)
            if text:
                texts[code] = text


def _check_fraction(
    reader: _Reader, kind: str, raw: tuple[object, bool], value: Value, cell: str, code: str
) -> None:
    """A share typed as a fraction (0,891, or =178/200) without a % format: probably 89,1 %."""
    typed, percent_format = raw
    if kind != "share" or percent_format or not isinstance(value, float) or not 0 < value < 1:
        return
    if isinstance(typed, str) and typed.strip().endswith("%"):
        return
    meant = value * 100
    reader.warn(
        f"tỷ lệ {format_number_vi(value)} % trông như một phân số: có phải "
        f"{format_number_vi(meant)} %? Tỷ lệ ghi từ 0 đến 100 (ví dụ {format_number_vi(meant)})",
        en=f"the share {format_number_en(value)} % looks like a fraction: did you mean "
        f"{format_number_en(meant)} %? Shares are written from 0 to 100 (e.g. "
        f"{format_number_vi(meant)})",
        cell=cell,
        code=code,
    )


# ---------------------------------------------------------------------- cross-field checks


def _excused(cset: CriteriaSet, values: dict[str, Value]) -> set[str]:
    """Inputs that may stay empty: under an unmet applicable_if, or beside an NA answer."""
    excused: set[str] = set()
    for node in cset.walk():
        if node.applicable_if is not None and values.get(node.applicable_if) is not True:
            excused |= {
                i.code for n in node.walk() for i in n.inputs if i.code != node.applicable_if
            }
        if node.allow_na and any(values.get(c) is NA for _, c in rule_inputs(node.rule)):
            excused |= {i.code for i in node.inputs}
    return excused


def _check_required(reader: _Reader, cset: CriteriaSet, answers: _Answers) -> None:
    excused = _excused(cset, answers.values)
    for code, inp in cset.inputs.items():
        if not inp.required or code in answers.values or code in answers.bad or code in excused:
            continue
        node = cset.nodes[cset.input_owner[code]]
        cell = answers.cells.get(code)
        if cell is None:
            reader.add(
                f"phiếu thiếu dòng của chỉ tiêu {code} (dòng đã bị xóa?)",
                en=f"the form has no row for input {code} (was the row deleted?)",
                code=code,
            )
            continue
        hint_vi = f"; nếu tiêu chí {node.code} không áp dụng với đơn vị, ghi '{NA_TEXT}'"
        hint_en = (
            f"; if criterion {node.code} does not apply to the unit, write '{NA_TEXT}' "
            "(not applicable)"
        )
        reader.add(
            "thiếu giá trị (chỉ tiêu bắt buộc)" + (hint_vi if node.allow_na else ""),
            en="missing value (a required input)" + (hint_en if node.allow_na else ""),
            cell=cell,
            code=code,
        )


def _number(value: Value | None) -> float | None:
    if value is None or value is NA or isinstance(value, bool):
        return None
    return float(value)  # type: ignore[arg-type]


def check_ratios(
    reader: _Reader,
    cset: CriteriaSet,
    values: dict[str, Value],
    cells: dict[str, str],
    *,
    verified: bool = False,
) -> None:
    """A numerator above its denominator is a typing slip (a share over 100 %)."""
    for node in cset.criteria():
        rule = node.rule
        if not isinstance(rule, RatioRule) or rule.numerator is None or rule.denominator is None:
            continue
        pair = (rule.numerator, rule.denominator)
        _check_ratio(reader, node, pair, values, cells, verified=verified)


def _check_ratio(
    reader: _Reader,
    node: Node,
    pair: tuple[str, str],
    values: dict[str, Value],
    cells: dict[str, str],
    *,
    verified: bool,
) -> None:
    numerator, denominator = (_number(values.get(c)) for c in pair)
    if numerator is None or denominator is None or numerator <= denominator + 1e-9:
        return
    which_vi, which_en = (" (giá trị thẩm định)", " (verified values)") if verified else ("", "")
    reader.add(
        f"tử số {pair[0]} ({format_number_vi(numerator)}) lớn hơn mẫu số {pair[1]} "
        f"({format_number_vi(denominator)}) của tiêu chí {node.code}{which_vi}",
        en=f"the numerator {pair[0]} ({format_number_en(numerator)}) is larger than the "
        f"denominator {pair[1]} ({format_number_en(denominator)}) of criterion "
        f"{node.code}{which_en}",
        cell=cells.get(pair[0]) or None,
        code=pair[0],
    )


def _check_justified(reader: _Reader, cset: CriteriaSet, answers: _Answers) -> None:
    """Points a unit gives itself must say why: the verifier checks the justification."""
    for node in cset.criteria():
        if not isinstance(node.rule, DirectRule):
            continue
        code = node.rule.input
        points = _number(answers.values.get(code))
        if points and points > 0 and not answers.notes.get(code):
            reader.add(
                f"điểm tự chấm {format_number_vi(points)} của tiêu chí {node.code} cần giải "
                f"trình ở cột '{HEADER_NOTE}'",
                en=f"the {format_number_en(points)} points self-assessed for criterion "
                f"{node.code} need a justification in the column '{HEADER_NOTE}'",
                cell=answers.note_cells.get(code) or answers.cells.get(code),
                code=code,
            )


def _nonzero(value: Value | None) -> bool:
    return value is True or (_number(value) or 0.0) != 0.0


def _check_evidence(reader: _Reader, cset: CriteriaSet, answers: _Answers) -> None:
    """Warn once per node whose non-zero answers cite no evidence document at all."""
    for node in cset.walk():
        codes = [i.code for i in node.inputs]
        claimed = [c for c in codes if _nonzero(answers.values.get(c))]
        if not claimed or any(answers.evidence.get(c) for c in codes):
            continue
        reader.warn(
            f"tiêu chí {node.code} có giá trị khác 0 nhưng chưa ghi minh chứng (tài liệu "
            f"kiểm chứng) ở cột '{HEADER_EVIDENCE}'",
            en=f"criterion {node.code} has non-zero values but no evidence (supporting "
            f"document) in the column '{HEADER_EVIDENCE}'",
            cell=answers.evidence_cells.get(claimed[0]),
            code=claimed[0],
        )


# ---------------------------------------------------------------------- one file


def open_workbooks(reader: _Reader) -> tuple[bytes, Workbook, Workbook] | None:
    """The file's bytes, its workbook of values and its workbook of formulas; None, with
    the reason recorded, when the file is not a readable, reasonably sized .xlsx."""
    data = _read_bytes(reader)
    if data is None or not _check_magic(reader, data) or not _check_archive(reader, data):
        return None
    books = _load(reader, data)
    return None if books is None else (data, *books)


def _read_file(
    path: Path, criteria: CriteriaYear, units: dict[str, Unit], year: int
) -> _FileResult:
    """Read one form; a failure of the reader itself is that file's error, not a crash."""
    reader = _Reader(Path(path))
    guess = stem_unit_id(reader.path)
    reader.unit_id = guess if guess in units else None
    result = _FileResult(reader.path, reader.unit_id, None, reader.problems)
    try:
        _read_checked(reader, result, criteria, units, year)
    except (ValueError, ArithmeticError, TypeError, KeyError, IndexError, RecursionError) as exc:
        result.submission = None
        reader.add(
            f"không đọc hết được tệp ({type(exc).__name__}); mở bằng Excel/LibreOffice, "
            "kiểm tra các ô có giá trị bất thường và lưu lại",
            en=f"the file could not be read to the end ({type(exc).__name__}); open it in "
            "Excel/LibreOffice, check cells with unusual values and save it again",
        )
    return result


def _read_checked(
    reader: _Reader,
    result: _FileResult,
    criteria: CriteriaYear,
    units: dict[str, Unit],
    year: int,
) -> None:
    opened = open_workbooks(reader)
    if opened is None:
        return
    data, *books = opened
    identity = _identify(reader, books[0], criteria, units, year)
    result.unit_id = reader.unit_id or result.unit_id
    if identity is None:
        return
    unit, cset = identity
    answers = _read_inputs(reader, books[0], books[1], cset)
    if answers is None:
        return
    checks: list[Callable[[], None]] = [
        lambda: _check_required(reader, cset, answers),
        lambda: check_ratios(reader, cset, answers.values, answers.cells),
        lambda: _check_justified(reader, cset, answers),
        lambda: _check_evidence(reader, cset, answers),
    ]
    for check in checks:
        check()
    if not reader.has_errors:
        result.submission = Submission(
            unit_id=unit.id,
            path=reader.path,
            sha256=hashlib.sha256(data).hexdigest(),
            values=answers.values,
            evidence=answers.evidence,
            notes=answers.notes,
            cells=answers.cells,
            modified=books[0].properties.modified,
        )


def read_submission(
    path: Path, criteria: CriteriaYear, units: dict[str, Unit], year: int
) -> tuple[Submission | None, list[Problem]]:
    """Read and check one returned form; the Submission is None when it has any error."""
    result = _read_file(path, criteria, units, year)
    return result.submission, result.problems


# ---------------------------------------------------------------------- the folder


def _file_problem(
    path: Path,
    message: str,
    *,
    en: str,
    severity: Severity = "error",
    unit_id: str | None = None,
) -> Problem:
    """A problem about a whole file (or folder), not a cell of it; ``en`` in English."""
    return Problem(str(path), None, None, None, message, severity, unit_id, message_en=en)


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
        odd = _odd_name(path, unit_id)
        if odd is not None:
            collection.problems.append(_file_problem(path, odd[0], en=odd[1], unit_id=unit_id))
            if unit_id is not None:
                collection.files.setdefault(unit_id, []).append(path)
            continue
        if not path.is_file():
            continue  # a sub-folder (of evidence, say) that names no unit
        if suffix in OTHER_SPREADSHEETS:
            problem = _file_problem(
                path,
                f"tệp dạng {suffix} không đọc được; mở bằng Excel/LibreOffice và lưu lại "
                "dưới dạng Excel Workbook (.xlsx)",
                en=f"a {suffix} file cannot be read; open it in Excel/LibreOffice and save it "
                "as Excel Workbook (.xlsx)",
                unit_id=unit_id,
            )
            collection.problems.append(problem)
            if unit_id is not None:
                collection.files.setdefault(unit_id, []).append(path)
        else:
            problem = _file_problem(
                path,
                "bỏ qua tệp không phải phiếu khảo sát (.xlsx); tài liệu kiểm chứng để ở "
                "thư mục khác",
                en="skipped: not a survey form (.xlsx); keep supporting documents in "
                "another folder",
                severity="warning",
                unit_id=unit_id,
            )
            collection.problems.append(problem)
    return found


def _odd_name(path: Path, unit_id: str | None) -> tuple[str, str] | None:
    """Why an entry that looks like a unit's form cannot be read as one; None otherwise.

    A form named "06808.xlsx " (a trailing space), saved as a template (.xltx), or a
    folder or pipe named like a form was sent by the unit: it is an error that names the
    file, never a silent "not sent".
    """
    name = path.name
    clean = normalize_text(name)
    looks_like_form = clean.lower().endswith(".xlsx") or unit_id is not None
    if not path.is_file():
        if not looks_like_form:
            return None
        kind_vi, kind_en = (
            ("thư mục", "a folder")
            if path.is_dir()
            else ("không phải tệp thường", "not a regular file")
        )
        return (
            f"{quote(name)} là {kind_vi}, không phải tệp phiếu .xlsx",
            f"{quote(name)} is {kind_en}, not an .xlsx form file",
        )
    if clean != name and clean.lower().endswith(".xlsx"):
        return (
            f"tên tệp {quote(name)} có khoảng trắng thừa (ở đầu, cuối hoặc ký tự trắng đặc "
            f"biệt); đổi tên thành {quote(clean)}",
            f"the file name {quote(name)} has extra white space (leading, trailing or a "
            f"special space); rename it to {quote(clean)}",
        )
    if path.suffix.lower() in TEMPLATES:
        return (
            f"tệp dạng mẫu ({path.suffix}) không phải phiếu; mở bằng Excel và lưu lại dạng "
            "Excel Workbook (.xlsx)",
            f"a template file ({path.suffix}) is not a form; open it in Excel and save it as "
            "Excel Workbook (.xlsx)",
        )
    return None


def _duplicates(results: Iterable[_FileResult]) -> dict[str, list[_FileResult]]:
    by_unit: dict[str, list[_FileResult]] = {}
    for result in results:
        if result.unit_id is not None:
            by_unit.setdefault(result.unit_id, []).append(result)
    return by_unit


def read_submissions(
    data_dir: Path, year: int, criteria: CriteriaYear, units: list[Unit]
) -> Collection:
    """Read ``data_dir/<year>/submissions/*.xlsx``: every file, every problem."""
    folder = Path(data_dir) / str(year) / "submissions"
    by_id = {u.id: u for u in units}
    expected = [u.id for u in units if u.valid_in(year)]
    collection = Collection(year=year, submissions={}, problems=[], expected=expected)
    if not folder.is_dir():
        collection.problems.append(
            _file_problem(
                folder,
                f"chưa có thư mục phiếu đã nộp của năm {year}",
                en=f"there is no folder of returned forms for {year}",
            )
        )
        return collection
    files = _candidate_files(folder, by_id, collection)
    results = [_read_file(path, criteria, by_id, year) for path in files]
    for unit_id, claims in _duplicates(results).items():
        collection.files.setdefault(unit_id, []).extend(r.path for r in claims)
        if len(claims) > 1:
            names = ", ".join(r.path.name for r in claims)
            for r in claims:
                r.problems.append(
                    _file_problem(
                        r.path,
                        f"đơn vị {unit_id} có {len(claims)} tệp phiếu ({names}); chỉ để lại một "
                        "tệp trong thư mục",
                        en=f"unit {unit_id} has {len(claims)} form files ({names}); keep only "
                        "one of them in the folder",
                        unit_id=unit_id,
                    )
                )
                r.submission = None
    for result in results:
        collection.problems.extend(result.problems)
        if result.submission is not None:
            collection.submissions[result.submission.unit_id] = result.submission
    for unit_id in collection.missing:
        unit = by_id[unit_id]
        collection.problems.append(
            _file_problem(
                folder / f"{unit_id}.xlsx",
                f"đơn vị {unit_id} ({unit.name}) chưa nộp phiếu",
                en=f"unit {unit_id} ({unit.name}) has not sent its form",
                severity="warning",
                unit_id=unit_id,
            )
        )
    return collection
