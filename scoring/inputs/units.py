"""The unit list: who is scored in which year, at which level.

Units change (communes merge, the district tier was abolished in 2025), so each unit
carries the years it is valid. Ids become file names and notebook parameters, so only
safe characters are accepted.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from scoring.model.criteria import LEVELS
from scoring.model.values import escape_controls, quote
from scoring.text.errors import ScoringError, UnitsError
from scoring.text.i18n import N_, located, phrase

SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
COLUMNS = ("id", "name", "level", "valid_from", "valid_to")
# A unit name's length: the draft e-mail's To header carries it as one encoded word, and
# 150 characters (450 UTF-8 bytes, 600 in base64) keep that header, address included,
# within RFC 5322's 998 octets. Real names are under 100.
MAX_NAME = 150


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    level: str
    valid_from: int
    valid_to: int | None  # inclusive; None while the unit exists

    def valid_in(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


def _fail(path: Path, line: int, column: str | None, msgid: str, **params: object) -> UnitsError:
    """The error of one field of the unit list: where, then ``msgid`` with ``params``."""
    what = phrase(msgid, **params)
    return UnitsError("%(where)s: %(what)s", where=located(path, line, column), what=what)


def _year(text: str, path: Path, line: int, column: str, *, optional: bool) -> int | None:
    text = text.strip()
    if not text and optional:
        return None
    # ASCII digits only: "²⁰¹⁸" passes str.isdigit() but is no year.
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        what = N_("cần một năm (4 chữ số), có %(found)s")
        raise _fail(path, line, column, what, found=quote(text))
    return int(text)


def _decode(path: Path, raw: bytes, error: type[ScoringError] = UnitsError) -> str:
    """The file as text; one that is not UTF-8 (Excel's plain "CSV") is named as such, as
    an ``error`` of the file's kind (the unit list's, or a criteria file's: mapping.csv)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        what = N_(
            "tệp không phải UTF-8 (có thể đã lưu bằng Excel dạng CSV thường, "
            "Windows-1258); mở bằng Excel và lưu lại dạng 'CSV UTF-8 (Comma delimited)'"
        )
        raise error("%(where)s: %(what)s", where=located(path, line), what=phrase(what)) from None


def read_bytes(path: Path) -> bytes:
    """The unit list's bytes; a file that cannot be read is a ``UnitsError``."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        what = N_("%(path)s: không đọc được danh sách đơn vị (%(reason)s)")
        raise UnitsError(what, path=str(path), reason=exc.strerror) from exc


def read_rows(
    path: Path, raw: bytes, columns: tuple[str, ...], bad_csv: str
) -> list[dict[str, str]]:
    """The rows of a CSV file of the data folder that must have ``columns``; a line that is
    no CSV is reported with ``bad_csv`` (a msgid with ``reason``)."""
    reader = csv.DictReader(io.StringIO(_decode(path, raw), newline=""))
    try:
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            what = N_("%(path)s: thiếu cột %(found)s (cần: %(expected)s)")
            found, expected = ", ".join(missing), ", ".join(columns)
            raise UnitsError(what, path=str(path), found=found, expected=expected)
        return list(reader)
    except csv.Error as exc:
        raise _fail(path, reader.line_num, None, bad_csv, reason=str(exc)) from None


def _check_text(path: Path, line: int, row: dict[str, str]) -> None:
    """No control character (Shift+Enter's "\\x0b", NUL...) in any field: they break the
    Excel files and reports the tool writes."""
    for column, value in row.items():
        if column is None or not isinstance(value, str):
            continue
        bad = [ch for ch in value if unicodedata.category(ch) == "Cc"]
        if bad:
            what = N_(
                "có ký tự điều khiển %(found)s (ví dụ do Shift+Enter hay Alt+Enter); xóa ký tự đó"
            )
            raise _fail(path, line, column, what, found=escape_controls(bad[0]))


def load_units(path: Path) -> list[Unit]:
    """Read data/units.csv; refuse unsafe ids, unknown levels and repeated ids. Columns
    other than ``COLUMNS`` are allowed (optional ones are read where needed)."""
    units: list[Unit] = []
    seen: dict[str, int] = {}
    bad_csv = N_("dòng không đọc được như CSV (%(reason)s); mỗi ô chỉ ghi một giá trị ngắn")
    for line, row in enumerate(read_rows(path, read_bytes(path), COLUMNS, bad_csv), start=2):
        uid = (row["id"] or "").strip()
        if not SAFE_ID.match(uid):
            what = N_(
                "mã đơn vị %(found)s không hợp lệ (chỉ chữ cái không dấu, chữ số, '-' và "
                "'_', tối đa 64 ký tự)"
            )
            raise _fail(path, line, "id", what, found=quote(uid))
        _check_text(path, line, row)
        name = (row["name"] or "").strip()
        if len(name) > MAX_NAME:  # it would break the share drafts' headers
            what = N_("tên đơn vị dài %(found)s ký tự, tối đa %(expected)s")
            raise _fail(path, line, "name", what, found=len(name), expected=MAX_NAME)
        if uid.casefold() in seen:
            what = N_(
                "mã đơn vị '%(found)s' trùng với mã ở dòng %(first)s (không phân biệt hoa "
                "thường: mã là tên tệp)"
            )
            raise _fail(path, line, "id", what, found=uid, first=seen[uid.casefold()])
        seen[uid.casefold()] = line
        level = (row["level"] or "").strip()
        if level not in LEVELS:
            what = N_("%(found)s không hợp lệ (cần: %(expected)s)")
            raise _fail(path, line, "level", what, found=quote(level), expected=", ".join(LEVELS))
        if not name:
            raise _fail(path, line, "name", N_("thiếu tên đơn vị"))
        valid_from = _year(row["valid_from"] or "", path, line, "valid_from", optional=False)
        valid_to = _year(row["valid_to"] or "", path, line, "valid_to", optional=True)
        assert valid_from is not None
        if valid_to is not None and valid_to < valid_from:
            what = N_("năm kết thúc %(found)s trước năm bắt đầu %(first)s")
            raise _fail(path, line, "valid_to", what, found=valid_to, first=valid_from)
        units.append(Unit(uid, name, level, valid_from, valid_to))
    return units


def units_in_year(units: list[Unit], year: int) -> list[Unit]:
    return [u for u in units if u.valid_in(year)]
