"""Writing files so that a reader never sees half of one: temp file, then rename."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # openpyxl is imported where a workbook is written: a no-op build needs none
    from openpyxl import Workbook

# The temporary files of atomic_path: ".<name>.<8 random characters>.tmp" (mkstemp's
# random part is 8 of [a-z0-9_]). A process killed while writing leaves one behind.
TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    except OSError as exc:
        if exc.filename is not None:
            raise
        # A full disk fails a write() with no file name: the user needs the path.
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
    finally:
        tmp_path.unlink(missing_ok=True)


def remove_temp_files(folder: Path, recursive: bool = True) -> list[Path]:
    """Delete the temporary files a killed writer left in ``folder`` (ours only: the exact
    name pattern of atomic_path, regular files). Not for folders another process is
    writing into at the same time."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    removed = []
    for path in folder.rglob(".*.tmp") if recursive else folder.glob(".*.tmp"):
        if TEMP_NAME.fullmatch(path.name) and path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def write_bytes(target: Path, data: bytes) -> bool:
    """Write atomically; leave the file untouched (and return False) when unchanged."""
    target = Path(target)
    if target.exists() and target.read_bytes() == data:
        return False
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return True


def write_text(target: Path, text: str) -> bool:
    return write_bytes(target, text.encode("utf-8"))


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def workbook_bytes(wb: Workbook, when: dt.datetime, creator: str = "scoring") -> bytes:
    """The .xlsx bytes of ``wb`` with fixed dates, so the same workbook gives the same bytes.

    openpyxl's ``save`` stamps "now" in the document properties and the zip entries; we
    write through ExcelWriter with our own dates and then fix every entry's time.
    """
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = wb.properties.modified = when
    wb.properties.creator = wb.properties.lastModifiedBy = creator
    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # closes the archive
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
