"""Hostile but realistic forms, made from a real filled form, for the tests and ``make bench``.

What people and tools really produce: a sheet whose whole columns were formatted (hundreds
of thousands of styled empty rows: an 8 MB file that unpacks to about 93 MB), or one space
typed in the last cell of a sheet (A1048576). Each is the filled form's own bytes with rows
added to its inputs sheet's XML, as Excel writes them. ``measure_validate`` gives the time
and peak memory of ``validate`` on a data folder.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

INPUTS_XML = "xl/worksheets/sheet1.xml"  # the form writer's first sheet: the inputs
LAST_ROW = 1_048_576


def _with_rows(src: Path, dst: Path, rows: bytes | list[bytes]) -> None:
    """``src`` with ``rows`` (``<row>`` elements) added at the end of its inputs sheet."""
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == INPUTS_XML:
                head, tail = data.split(b"</sheetData>", 1)
                extra = rows if isinstance(rows, bytes) else b"".join(rows)
                data = head + extra + b"</sheetData>" + tail
            zout.writestr(info, data)
    Path(dst).write_bytes(out.getvalue())


def styled_rows_form(src: Path, dst: Path, rows: int = 500_000, first: int = 1000) -> None:
    """``src`` with ``rows`` styled, empty rows of 7 cells from row ``first`` on: what a
    sheet whose columns A:G were formatted to the end looks like (about 185 bytes a row:
    500 000 rows unpack to about 93 MB)."""

    def row(n: int) -> bytes:
        cells = "".join(f'<c r="{c}{n}" s="{1 + (n + i) % 3}"/>' for i, c in enumerate("ABCDEFG"))
        return f'<row r="{n}" s="1" customFormat="1">{cells}</row>'.encode()

    _with_rows(src, dst, [row(n) for n in range(first, first + rows)])


def far_cell_form(src: Path, dst: Path) -> None:
    """``src`` with one space typed in cell A1048576, the last row of a sheet."""
    cell = f'<c r="A{LAST_ROW}" t="inlineStr"><is><t xml:space="preserve"> </t></is></c>'
    _with_rows(src, dst, f'<row r="{LAST_ROW}">{cell}</row>'.encode())


# Runs ``validate`` and prints the process's own peak memory (VmHWM, reset at exec, so
# unlike a parent's rusage it never counts the forking process's pages).
_MEASURED = """
import sys
from scoring.cli import main
try:
    status = main(sys.argv[1:])
finally:
    peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM")]
    print(peak[0].split()[1] if peak else "0", flush=True)
sys.exit(status)
"""


def measure_validate(data: Path, year: int) -> tuple[float, float, int, str]:
    """(seconds, peak memory in MB, exit status, stderr) of ``python -m scoring validate``."""
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", _MEASURED, "validate", "--year", str(year), "--data", str(data)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    seconds = time.perf_counter() - start
    lines = run.stdout.split()
    peak = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else float("nan")
    return seconds, peak, run.returncode, run.stderr


def copies_of_form(src: Path, folder: Path, unit_id: str, ids: list[str]) -> None:
    """``folder/<id>.xlsx`` for each of ``ids``: ``src`` (the form of ``unit_id``) with the
    unit id rewritten in its strings. Ids must have ``unit_id``'s length; a quick way to
    make thousands of valid forms (writing each with openpyxl takes 0,1–0,2 s)."""
    with zipfile.ZipFile(src) as zin:
        entries = [(info, zin.read(info)) for info in zin.infolist()]
    old = unit_id.encode()
    for uid in ids:
        assert len(uid) == len(unit_id), uid
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info, data in entries:
                zout.writestr(info, data.replace(old, uid.encode()))
        (Path(folder) / f"{uid}.xlsx").write_bytes(out.getvalue())
