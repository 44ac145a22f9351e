"""The first stage of reading a form: is the file a readable, reasonably sized .xlsx?

The bytes are read once and checked before openpyxl parses anything: the size, the magic
bytes (an old .xls renamed, a password-protected file), the zip directory (zip bombs),
the number of filled cells, and XML that declares a DTD or entities (refused by
defusedxml). Each refusal is a problem of its own kind that says what to do.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from scoring.inputs.sheetxml import TooManyCells, compact_workbook, has_formulas
from scoring.inputs.submissions.problems import Reader
from scoring.model.values import normalize_text

if TYPE_CHECKING:
    from scoring.model.criteria import CriteriaYear

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Limits checked before openpyxl parses anything: a returned form is about 20 KB, so these
# leave room for pasted images while refusing oversized files and zip bombs quickly.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_RATIO = 200
MAX_CELLS = 50_000  # filled cells per sheet; a form has a few hundred
# A criteria set larger than MAX_CELLS allows (a row per criterion and per input, a few
# cells each) raises the limit by CELLS_PER_ROW a row beyond BASE_ROWS: its own filled
# forms must never be refused for the tool's rows.
BASE_ROWS = 2_000
CELLS_PER_ROW = 10
_COPY_SUFFIX = re.compile(r"\s*\(\d+\)$")
MB = 1024 * 1024


def stem_unit_id(path: Path) -> str:
    """The unit id a file name gives: "06808 (1).xlsx" (a browser's copy) → "06808"."""
    return _COPY_SUFFIX.sub("", normalize_text(Path(path).stem))


def _read_bytes(reader: Reader) -> bytes | None:
    try:
        size = reader.path.stat().st_size
        if size > MAX_FILE_BYTES:
            reader.add("file.too_large", found=size // MB, expected=MAX_FILE_BYTES // MB)
            return None
        with open(reader.path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        reader.add("file.cannot_read", found=exc.strerror)
        return None


def _check_magic(reader: Reader, data: bytes) -> bool:
    """Refuse what is not a zip before openpyxl does, with a message a user can act on."""
    if data.startswith(ZIP_MAGIC):
        return True
    if not data:
        reader.add("file.empty")
    elif data.startswith(OLE_MAGIC):
        reader.add("file.old_excel")
    else:
        reader.add("file.not_xlsx")
    return False


def _check_archive(reader: Reader, data: bytes) -> bool:
    """Refuse zip bombs from the zip directory alone, before anything is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        reader.add("file.damaged")
        return False
    unpacked = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries) or 1
    if (
        len(entries) > MAX_ENTRIES
        or unpacked > MAX_UNPACKED_BYTES
        or (unpacked > MB and unpacked / packed > MAX_RATIO)
    ):
        found, limit = unpacked // MB, MAX_UNPACKED_BYTES // MB
        reader.add("file.zip_bomb", found=found, expected=limit, parts=len(entries))
        return False
    return True


def cell_limit(criteria: CriteriaYear | None) -> int:
    """The filled cells a sheet may hold: MAX_CELLS, more for a very large criteria set
    (its forms' rows are the tool's, not extra rows a unit could delete)."""
    if criteria is None:
        return MAX_CELLS
    rows = max((len(c.nodes) + len(c.inputs) for c in criteria.levels.values()), default=0)
    return MAX_CELLS + CELLS_PER_ROW * max(0, rows - BASE_ROWS)


def _load(reader: Reader, data: bytes, limit: int) -> tuple[Workbook, Workbook] | None:
    """The workbook with cached values and the one with formulas, or None if unreadable.

    Both are needed: openpyxl shows a formula whose result was never calculated as an
    empty cell, which must not pass for an unanswered one. A file without any formula is
    parsed once, its workbook of values standing for both.
    """
    try:
        data = compact_workbook(data, limit)
    except TooManyCells as exc:
        reader.add("file.too_many_cells", found=exc.count, expected=limit, name=exc.sheet)
        return None
    except Exception as exc:  # noqa: BLE001 - a damaged archive: the file is at fault
        _unreadable(reader, exc)
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values = load_workbook(io.BytesIO(data), data_only=True)
            formulas = (
                load_workbook(io.BytesIO(data), data_only=False) if has_formulas(data) else values
            )
    except Exception as exc:  # any parser failure: the file, not the program, is at fault
        _unreadable(reader, exc)
        return None
    return values, formulas


def _forbidden_xml(exc: BaseException) -> bool:
    """Whether ``exc`` or what caused it is defusedxml refusing a DTD or entity
    declaration (a "billion laughs" bomb, an external reference): openpyxl wraps it."""
    from defusedxml import DefusedXmlException

    seen: BaseException | None = exc
    while seen is not None and not isinstance(seen, DefusedXmlException):
        seen = seen.__cause__ or seen.__context__
    return seen is not None


def _unreadable(reader: Reader, exc: BaseException) -> None:
    if _forbidden_xml(exc):
        reader.add("file.xml_entities")
    else:
        reader.add("file.unreadable", found=type(exc).__name__)


def open_workbooks(
    reader: Reader, criteria: CriteriaYear | None = None
) -> tuple[bytes, Workbook, Workbook] | None:
    """The file's bytes, its workbook of values and its workbook of formulas; None, with
    the reason recorded, when the file is not a readable, reasonably sized .xlsx (for
    ``criteria``'s forms: ``cell_limit``)."""
    data = _read_bytes(reader)
    if data is None or not _check_magic(reader, data) or not _check_archive(reader, data):
        return None
    books = _load(reader, data, cell_limit(criteria))
    return None if books is None else (data, *books)


def find_sheet(wb: Workbook, name: str) -> Worksheet | None:
    """A sheet by name, tolerant of case, spaces and Unicode normal form."""
    wanted = normalize_text(name).casefold()
    for title in wb.sheetnames:
        if normalize_text(title).casefold() == wanted:
            sheet = wb[title]
            return sheet if isinstance(sheet, Worksheet) else None
    return None
