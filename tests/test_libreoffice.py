"""Round trip of a filled form through LibreOffice: what soffice saves reads back the same."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not on PATH"),
]

# One value of every kind, as a unit would type them.
VALUES = {
    "A1.a": 18,  # count
    "A1.b": 20,
    "A2.a": "Không",  # yes_no
    "A3.a": 85.5,  # share
    "A4.a": 120.75,  # amount with decimals
    "A5.a": "2,5",  # direct points (with a note)
    "B1.a": 5,
    "B1.b": 6,
    "B2.q": "Có",
    "B2.1.a": 40,
    "B2.1.b": 100,
}
EVIDENCE = {
    code: f"Báo cáo số {i}/BC-UBND ngày 15/12/2018 của Ủy ban nhân dân phường Vàng Danh"
    for i, code in enumerate(VALUES, start=1)
}
NOTES = {"A5.a": "Có Chỉ thị số 3/CT-UBND về ứng dụng CNTT; đã kiểm tra đầy đủ."}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _convert(src: Path, tmp: Path) -> Path:
    out = tmp / "out"
    out.mkdir(parents=True)
    cmd = [
        shutil.which("soffice") or "soffice",
        "--headless",
        "--norestore",
        f"-env:UserInstallation=file://{tmp / 'lo-profile'}",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(out),
        str(src),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    converted = out / src.name
    assert converted.exists(), f"soffice failed ({done.returncode}): {done.stdout}{done.stderr}"
    return converted


def test_filled_form_survives_libreoffice_round_trip(form_kit, tmp_path: Path) -> None:
    filled = form_kit.filled(values=VALUES, evidence=EVIDENCE, notes=NOTES)
    before = _sha(filled)

    original, problems = form_kit.read(filled)
    assert [p.format() for p in problems if p.is_error] == []
    assert original is not None
    assert _sha(filled) == before  # reading never modifies the input
    assert original.values["A3.a"] == 85.5
    assert original.values["A4.a"] == 120.75
    assert original.values["A5.a"] == 2.5
    assert original.values["A2.a"] is False and original.values["B2.q"] is True

    converted = _convert(filled, tmp_path / "lo")
    assert _sha(filled) == before  # the conversion did not touch the input either

    converted_before = _sha(converted)
    assert converted_before != before  # LibreOffice really re-wrote the workbook
    round_trip, problems = form_kit.read(converted)
    assert [p.format() for p in problems if p.is_error] == []
    assert round_trip is not None
    assert _sha(converted) == converted_before
    assert round_trip.unit_id == original.unit_id
    assert round_trip.values == original.values
    assert round_trip.evidence == original.evidence == EVIDENCE
    assert round_trip.notes == original.notes == NOTES
    assert round_trip.cells == original.cells
