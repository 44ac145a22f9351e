"""Reading the returned survey forms and saying exactly what is wrong with them.

Units send back the Excel forms of ``scoring.forms`` filled by hand, so anything can
come back: an old .xls renamed, a password-protected copy, a form of another unit or of
last year's criteria, two copies of one form, a percent typed as a fraction, a formula
never calculated. Every file of the folder is read, one bad file never stops the others,
and every problem is reported with its file, sheet, cell and input code, in Vietnamese.

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
from typing import Any, Literal

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
from scoring.rules import NA, Value
from scoring.units import Unit
from scoring.values import ValueProblem, format_number_vi, normalize_text, parse_value

Severity = Literal["error", "warning"]
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OTHER_SPREADSHEETS = {".xls", ".xlsm", ".xlsb", ".ods", ".csv"}
# Limits checked before openpyxl parses anything: a returned form is about 20 KB, so these
# leave room for pasted images while refusing oversized files and zip bombs quickly.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_RATIO = 200
_COPY_SUFFIX = re.compile(r"\s*\(\d+\)$")
_QUOTED = re.compile(r'"[^"]*"|\\.')
FORMULA_NOT_CALCULATED = (
    "ô có công thức nhưng chưa có giá trị đã tính; mở tệp bằng Excel/LibreOffice và lưu lại"
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, located as precisely as possible."""

    file: str
    sheet: str | None
    cell: str | None
    code: str | None
    message: str
    severity: Severity = "error"
    unit_id: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self) -> str:
        """One line: "Lỗi: <tệp>, trang tính '<tên>', ô E12, mã A1.1.a: <nội dung>"."""
        where = [self.file]
        if self.sheet:
            where.append(f"trang tính '{self.sheet}'")
        if self.cell:
            where.append(f"ô {self.cell}")
        if self.code:
            where.append(f"mã {self.code}")
        prefix = "Lỗi" if self.is_error else "Cảnh báo"
        return f"{prefix}: {', '.join(where)}: {self.message}"


@dataclass(frozen=True)
class Submission:
    """The checked answers of one unit's returned form."""

    unit_id: str
    path: Path
    sha256: str
    values: dict[str, Value]  # self-assessed
    verified: dict[str, Value] | None  # None when no verified value was entered at all
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
            "verified": sorted(u for u, s in self.submissions.items() if s.verified is not None),
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
        cell: str | None = None,
        code: str | None = None,
        sheet: str | None = None,
        severity: Severity = "error",
    ) -> None:
        self.problems.append(
            Problem(
                file=str(self.path),
                sheet=sheet if sheet is not None else self.sheet,
                cell=cell,
                code=code,
                message=message,
                severity=severity,
                unit_id=self.unit_id,
            )
        )

    def warn(self, message: str, **where: str | None) -> None:
        self.add(message, severity="warning", **where)  # type: ignore[arg-type]

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
            reader.add(
                f"tệp quá lớn ({size // (1024 * 1024)} MB, tối đa "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB): phiếu khảo sát chỉ cần số liệu; "
                "xóa ảnh hoặc trang tính thừa rồi lưu lại"
            )
            return None
        with open(reader.path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        reader.add(f"không đọc được tệp ({exc.strerror})")
        return None


def _check_magic(reader: _Reader, data: bytes) -> bool:
    """Refuse what is not a zip before openpyxl does, with a message a user can act on."""
    if data.startswith(ZIP_MAGIC):
        return True
    if not data:
        reader.add("tệp rỗng (0 byte); gửi lại phiếu đã điền")
    elif data.startswith(OLE_MAGIC):
        reader.add(
            "tệp không phải dạng .xlsx: đây là tệp Excel cũ (.xls) đổi tên, hoặc tệp đã đặt "
            "mật khẩu; mở bằng Excel/LibreOffice, bỏ mật khẩu nếu có và lưu lại dưới dạng "
            "Excel Workbook (.xlsx)"
        )
    else:
        reader.add(
            "tệp không phải bảng tính Excel .xlsx (nội dung không đúng định dạng); "
            "cần gửi lại đúng tệp phiếu khảo sát dạng .xlsx"
        )
    return False


def _check_archive(reader: _Reader, data: bytes) -> bool:
    """Refuse zip bombs from the zip directory alone, before anything is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        reader.add("tệp .xlsx bị hỏng (không mở được như một bảng tính); lưu lại tệp từ Excel")
        return False
    unpacked = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries) or 1
    if (
        len(entries) > MAX_ENTRIES
        or unpacked > MAX_UNPACKED_BYTES
        or (unpacked > 1024 * 1024 and unpacked / packed > MAX_RATIO)
    ):
        reader.add(
            f"tệp bị từ chối: khi giải nén sẽ chiếm {unpacked // (1024 * 1024)} MB "
            f"({len(entries)} thành phần), vượt giới hạn an toàn "
            f"({MAX_UNPACKED_BYTES // (1024 * 1024)} MB); đây không phải phiếu khảo sát bình thường"
        )
        return False
    return True


def _load(reader: _Reader, data: bytes) -> tuple[Workbook, Workbook] | None:
    """The workbook with cached values and the one with formulas, or None if unreadable.

    Both are needed: openpyxl shows a formula whose result was never calculated as an
    empty cell, which must not pass for an unanswered one.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values = load_workbook(io.BytesIO(data), data_only=True)
            formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # any parser failure: the file, not the program, is at fault
        reader.add(
            "không đọc được tệp như một bảng tính Excel (.xlsx): tệp bị hỏng hoặc không "
            f"đúng định dạng ({type(exc).__name__}); mở bằng Excel/LibreOffice và lưu lại"
        )
        return None
    return values, formulas


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
        reader.add(
            f"thiếu trang tính '{SHEET_META}' (có: {', '.join(wb.sheetnames)}); "
            "phiếu phải là phiếu do chương trình lập, không tự tạo hay sao chép sang tệp khác"
        )
        return None
    reader.sheet = ws.title
    meta = read_meta(ws)
    fmt = _meta_text(meta.get("form_format", (None, ""))[0])
    if fmt and fmt != FORM_FORMAT:
        reader.add(f"phiếu định dạng '{fmt}', chương trình đọc định dạng '{FORM_FORMAT}'")
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
        reader.add("thiếu mã đơn vị (unit_id) trong thông tin phiếu", cell=cell)
        return None
    reader.unit_id = unit_id
    stem = stem_unit_id(reader.path)
    if stem.casefold() != unit_id.casefold():
        reader.add(
            f"tên tệp '{reader.path.name}' không khớp mã đơn vị '{unit_id}' ghi trong phiếu; "
            f"tệp phiếu của đơn vị này phải tên là {unit_id}.xlsx",
            cell=cell,
        )
    unit = units.get(unit_id)
    if unit is None:
        reader.add(f"mã đơn vị '{unit_id}' không có trong danh sách đơn vị", cell=cell)
        return None
    if not unit.valid_in(year):
        until = unit.valid_to if unit.valid_to is not None else "nay"
        reader.add(
            f"đơn vị {unit_id} ({unit.name}) không thuộc diện đánh giá năm {year} "
            f"(chỉ có từ năm {unit.valid_from} đến {until})",
            cell=cell,
        )
        return None
    level_raw, level_cell = meta.get("level", (None, None))
    level = _meta_text(level_raw)
    if level != unit.level:
        reader.add(
            f"phiếu lập cho cấp '{level}', đơn vị {unit_id} thuộc cấp '{unit.level}'",
            cell=level_cell,
        )
        return None
    return unit


def _check_year(reader: _Reader, meta: dict[str, tuple[object, str]], year: int) -> bool:
    raw, cell = meta.get("year", (None, None))
    text = _meta_text(raw)
    if text != str(year):
        found = f"năm {text}" if text else "không ghi năm"
        reader.add(f"phiếu của {found}, đang đọc phiếu năm {year}", cell=cell)
        return False
    return True


def _check_criteria(
    reader: _Reader, meta: dict[str, tuple[object, str]], criteria: CriteriaYear, unit: Unit
) -> tuple[Unit, CriteriaSet] | None:
    try:
        cset = criteria.for_level(unit.level)
    except CriteriaError as exc:
        reader.add(str(exc))
        return None
    version_raw, version_cell = meta.get("criteria_version", (None, None))
    version = _meta_text(version_raw)
    if version != cset.version:
        reader.add(
            f"phiếu lập theo bộ tiêu chí phiên bản {version or '(không ghi)'}, bộ hiện hành "
            f"là {cset.version}; cần lập lại phiếu theo bộ hiện hành",
            cell=version_cell,
        )
        return None
    print_raw, print_cell = meta.get("criteria_fingerprint", (None, None))
    fingerprint = _meta_text(print_raw)
    if fingerprint != cset.fingerprint:
        reader.add(
            f"phiếu lập theo bộ tiêu chí phiên bản {version} nhưng từ một tệp khác với tệp "
            f"hiện hành {Path(cset.path).name} (dấu vân tay {fingerprint[:12] or '(không ghi)'}"
            f"…, hiện hành {cset.fingerprint[:12]}…): tệp bộ tiêu chí đã bị sửa sau khi lập "
            "phiếu; cần lập lại phiếu",
            cell=print_cell,
        )
        return None
    return unit, cset


# ---------------------------------------------------------------------- the inputs sheet


@dataclass
class _Answers:
    """What the inputs sheet holds, code by code, before the cross-field checks."""

    values: dict[str, Value] = field(default_factory=dict)
    verified: dict[str, Value] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    verified_cells: dict[str, str] = field(default_factory=dict)
    note_cells: dict[str, str] = field(default_factory=dict)
    evidence_cells: dict[str, str] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)  # codes whose self-assessed value was refused
    bad_verified: set[str] = field(default_factory=set)
    any_verified: bool = False


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
        message = f"ô có lỗi công thức {cell.value}; sửa công thức hoặc ghi số"
        reader.add(message, cell=cell.coordinate, code=code)
        return None
    if cell.value is None and fws.cell(row=row, column=column).data_type == "f":
        reader.add(FORMULA_NOT_CALCULATED, cell=cell.coordinate, code=code)
        return None
    return cell.value, _is_percent_format(cell.number_format)


def _read_inputs(
    reader: _Reader, wb: Workbook, fwb: Workbook, cset: CriteriaSet
) -> _Answers | None:
    ws = _sheet(wb, SHEET_INPUTS)
    if ws is None:
        reader.sheet = None
        reader.add(
            f"không có trang tính '{SHEET_INPUTS}' (có: {', '.join(wb.sheetnames)}); "
            "không đổi tên trang tính của phiếu"
        )
        return None
    reader.sheet = ws.title
    fws = fwb[ws.title]
    header = find_header(ws)
    if header is None:
        reader.add(
            f"không tìm thấy dòng tiêu đề có các cột '{HEADER_CODE}' và '{HEADER_VALUE}' "
            f"trong {HEADER_SEARCH_ROWS} dòng đầu"
        )
        return None
    answers = _Answers()
    seen: dict[str, str] = {}
    code_column = header.columns[HEADER_CODE]
    for row in range(header.row + 1, ws.max_row + 1):
        code_cell = ws.cell(row=row, column=code_column)
        code = code_text(code_cell.value)
        if not code:
            continue
        if code not in cset.inputs:
            reader.add(
                f"mã '{code}' không có trong bộ tiêu chí; không sửa hay thêm nội dung vào "
                f"cột '{HEADER_CODE}'",
                cell=code_cell.coordinate,
            )
            continue
        if code in seen:
            reader.add(f"mã {code} lặp lại (đã có ở ô {seen[code]})", cell=code_cell.coordinate)
            continue
        seen[code] = code_cell.coordinate
        _read_row(reader, ws, fws, header, row, code, cset, answers)
    return answers


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

    def parse(column: int, into: dict[str, Value], cells: dict[str, str], bad: set[str]) -> bool:
        """Read one value cell into ``into``; whether the cell held anything at all."""
        address = ws.cell(row=row, column=column).coordinate
        cells[code] = address
        raw = _raw_value(reader, ws, fws, row, column, code)
        if raw is None:
            bad.add(code)
            return True
        try:
            value = parse_value(
                raw[0],
                inp.kind,
                allow_na=node.allow_na,
                maximum=maximum,
                is_percent_format=raw[1],
            )
        except ValueProblem as exc:
            reader.add(exc.message_vi, cell=address, code=code)
            bad.add(code)
            return True
        if value is None:
            return False
        into[code] = value
        return True

    parse(header.columns[HEADER_VALUE], answers.values, answers.cells, answers.bad)
    verified_column = header.column(HEADER_VERIFIED)
    if verified_column is not None:
        answers.any_verified |= parse(
            verified_column, answers.verified, answers.verified_cells, answers.bad_verified
        )
    for name, texts, cells in (
        (HEADER_EVIDENCE, answers.evidence, answers.evidence_cells),
        (HEADER_NOTE, answers.notes, answers.note_cells),
    ):
        column = header.column(name)
        if column is not None:
            cell = ws.cell(row=row, column=column)
            cells[code] = cell.coordinate
            text = _cell_text(cell.value)
            if text:
                texts[code] = text


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
            reader.add(f"phiếu thiếu dòng của chỉ tiêu {code} (dòng đã bị xóa?)", code=code)
            continue
        hint = f"; nếu tiêu chí {node.code} không áp dụng với đơn vị, ghi 'Không áp dụng'"
        reader.add(
            "thiếu giá trị (chỉ tiêu bắt buộc)" + (hint if node.allow_na else ""),
            cell=cell,
            code=code,
        )


def _number(value: Value | None) -> float | None:
    if value is None or value is NA or isinstance(value, bool):
        return None
    return float(value)  # type: ignore[arg-type]


def _check_ratios(
    reader: _Reader, cset: CriteriaSet, answers: _Answers, verified: dict[str, Value] | None
) -> None:
    """A numerator above its denominator is a typing slip (a share over 100 %)."""
    for node in cset.criteria():
        rule = node.rule
        if not isinstance(rule, RatioRule) or rule.numerator is None or rule.denominator is None:
            continue
        pair = (rule.numerator, rule.denominator)
        _check_ratio(reader, node, pair, answers.values, answers.cells, "")
        if verified is not None and any(c in answers.verified for c in pair):
            cells = {c: answers.verified_cells.get(c, answers.cells.get(c, "")) for c in pair}
            _check_ratio(reader, node, pair, verified, cells, " (giá trị thẩm định)")


def _check_ratio(
    reader: _Reader,
    node: Node,
    pair: tuple[str, str],
    values: dict[str, Value],
    cells: dict[str, str],
    which: str,
) -> None:
    numerator, denominator = (_number(values.get(c)) for c in pair)
    if numerator is None or denominator is None or numerator <= denominator + 1e-9:
        return
    reader.add(
        f"tử số {pair[0]} ({format_number_vi(numerator)}) lớn hơn mẫu số {pair[1]} "
        f"({format_number_vi(denominator)}) của tiêu chí {node.code}{which}",
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
            cell=answers.evidence_cells.get(claimed[0]),
            code=claimed[0],
        )


def _merge_verified(cset: CriteriaSet, answers: _Answers) -> dict[str, Value] | None:
    if not answers.any_verified:
        return None
    merged: dict[str, Value] = {}
    for code in cset.inputs:
        if code in answers.verified:
            merged[code] = answers.verified[code]
        elif code in answers.values:
            merged[code] = answers.values[code]
    return merged


# ---------------------------------------------------------------------- one file


def _read_file(
    path: Path, criteria: CriteriaYear, units: dict[str, Unit], year: int
) -> _FileResult:
    reader = _Reader(Path(path))
    guess = stem_unit_id(reader.path)
    reader.unit_id = guess if guess in units else None
    result = _FileResult(reader.path, reader.unit_id, None, reader.problems)
    data = _read_bytes(reader)
    if data is None or not _check_magic(reader, data) or not _check_archive(reader, data):
        return result
    books = _load(reader, data)
    if books is None:
        return result
    identity = _identify(reader, books[0], criteria, units, year)
    result.unit_id = reader.unit_id or result.unit_id
    if identity is None:
        return result
    unit, cset = identity
    answers = _read_inputs(reader, books[0], books[1], cset)
    if answers is None:
        return result
    verified = _merge_verified(cset, answers)
    checks: list[Callable[[], None]] = [
        lambda: _check_required(reader, cset, answers),
        lambda: _check_ratios(reader, cset, answers, verified),
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
            verified=verified,
            evidence=answers.evidence,
            notes=answers.notes,
            cells=answers.cells,
            modified=books[0].properties.modified,
        )
    return result


def read_submission(
    path: Path, criteria: CriteriaYear, units: dict[str, Unit], year: int
) -> tuple[Submission | None, list[Problem]]:
    """Read and check one returned form; the Submission is None when it has any error."""
    result = _read_file(path, criteria, units, year)
    return result.submission, result.problems


# ---------------------------------------------------------------------- the folder


def _file_problem(
    path: Path, message: str, severity: Severity = "error", unit_id: str | None = None
) -> Problem:
    """A problem about a whole file (or folder), not a cell of it."""
    return Problem(str(path), None, None, None, message, severity, unit_id)


def _candidate_files(folder: Path, units: dict[str, Unit], collection: Collection) -> list[Path]:
    """The .xlsx files of the folder, sorted; other spreadsheets are reported, not skipped.

    A unit that sent its form in another format has sent something: it is reported with
    an error, not as "not submitted".
    """
    found: list[Path] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith(("~$", ".")):
            continue  # Excel's lock files, hidden and temporary files
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            found.append(path)
            continue
        guess = stem_unit_id(path)
        unit_id = guess if guess in units else None
        if suffix in OTHER_SPREADSHEETS:
            message = (
                f"tệp dạng {suffix} không đọc được; mở bằng Excel/LibreOffice và lưu lại "
                "dưới dạng Excel Workbook (.xlsx)"
            )
            collection.problems.append(_file_problem(path, message, unit_id=unit_id))
            if unit_id is not None:
                collection.files.setdefault(unit_id, []).append(path)
        else:
            message = (
                "bỏ qua tệp không phải phiếu khảo sát (.xlsx); tài liệu kiểm chứng để ở "
                "thư mục khác"
            )
            collection.problems.append(_file_problem(path, message, "warning", unit_id))
    return found


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
                severity="warning",
                unit_id=unit_id,
            )
        )
    return collection
