"""The blank survey form and the filler: layout, Excel checks, protection, determinism."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from dev.sample.fill import UnknownCodeError, fill_form
from scoring.inputs.forms import (
    HEADER_CODE,
    HEADER_EVIDENCE,
    HEADER_LABEL,
    HEADER_NOTE,
    HEADER_VALUE,
    HEADER_VERIFIED,
    SHEET_INPUTS,
    SHEET_META,
    find_header,
    read_meta,
    write_form,
)
from scoring.inputs.units import Unit
from scoring.text.errors import SubmissionError


def _inputs_sheet(path: Path) -> Worksheet:
    return load_workbook(path)[SHEET_INPUTS]


def _rows(ws: Worksheet) -> list[tuple[object, object]]:
    """(Mã, label) of every row below the header."""
    header = find_header(ws)
    assert header is not None
    code, label = header.columns[HEADER_CODE], header.columns[HEADER_LABEL]
    return [
        (ws.cell(row=r, column=code).value, ws.cell(row=r, column=label).value)
        for r in range(header.row + 1, ws.max_row + 1)
    ]


def _validation_of(ws: Worksheet, address: str):  # noqa: ANN202 - openpyxl type
    matches = [dv for dv in ws.data_validations.dataValidation if address in dv.sqref]
    assert len(matches) == 1, address
    return matches[0]


def test_form_lists_the_tree_with_headings_that_have_no_code(form_kit) -> None:
    ws = _inputs_sheet(form_kit.blank())
    rows = _rows(ws)
    codes = [code for code, _ in rows if code]
    assert codes == list(form_kit.cset.inputs)  # every input, in tree order
    headings = [str(label) for code, label in rows if not code]
    assert headings[0].startswith("A – Điều kiện sẵn sàng (14 điểm)")
    assert "A1 – Tỷ lệ cán bộ có máy tính (4 điểm)" in headings
    assert any(h.startswith("B2 – ") and "chỉ áp dụng khi chỉ tiêu B2.q" in h for h in headings)
    assert any(h.startswith("B1 – ") and "được chọn 'Không áp dụng'" in h for h in headings)
    assert len(headings) == len(list(form_kit.cset.walk()))


def test_title_block_names_unit_year_and_legal_basis(form_kit) -> None:
    ws = _inputs_sheet(form_kit.blank())
    header = find_header(ws)
    assert header is not None
    title = "\n".join(str(ws.cell(row=r, column=1).value) for r in range(1, header.row))
    assert "NĂM 2018" in title
    assert "Phường Vàng Danh" in title and "06808" in title
    assert "Quyết định số 1/QĐ-UBND" in title
    assert "Không áp dụng" in title and "Minh chứng" in title and "43,72" in title


def test_only_answer_cells_are_unlocked_and_sheets_protected(form_kit) -> None:
    path = form_kit.blank()
    wb = load_workbook(path)
    ws = wb[SHEET_INPUTS]
    header = find_header(ws)
    assert header is not None and ws.protection.sheet and wb[SHEET_META].protection.sheet
    row = header.row + 1
    while ws.cell(row=row, column=header.columns[HEADER_CODE]).value is None:
        row += 1  # the first input row, below the headings
    assert HEADER_VERIFIED not in header.columns  # the office verifies in its own file
    for name in (HEADER_VALUE, HEADER_EVIDENCE, HEADER_NOTE):
        assert ws.cell(row=row, column=header.columns[name]).protection.locked is False
    for name in (HEADER_CODE, HEADER_LABEL):
        assert ws.cell(row=row, column=header.columns[name]).protection.locked is True
    assert ws.cell(row=header.row + 1, column=header.columns[HEADER_VALUE]).protection.locked


def test_data_validation_per_kind(form_kit) -> None:
    path = form_kit.blank()
    ws = _inputs_sheet(path)
    cell = form_kit.cell

    count = _validation_of(ws, cell(path, "A1.a"))
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")
    share = _validation_of(ws, cell(path, "A3.a"))
    assert (share.type, share.formula1, share.formula2) == ("decimal", "0", "100")
    amount = _validation_of(ws, cell(path, "A4.a"))
    assert (amount.type, amount.operator) == ("decimal", "greaterThanOrEqual")
    points = _validation_of(ws, cell(path, "A5.a"))
    assert (points.type, points.formula2) == ("decimal", "3")
    yes_no = _validation_of(ws, cell(path, "B2.q"))
    assert (yes_no.type, yes_no.formula1) == ("list", '"Có,Không"')
    yes_no_na = _validation_of(ws, cell(path, "A2.a"))
    assert yes_no_na.formula1 == '"Có,Không,Không áp dụng"'
    # An allow_na count must accept the text "Không áp dụng": a message, no numeric rule.
    count_na = _validation_of(ws, cell(path, "B1.a"))
    assert count_na.type is None and "Không áp dụng" in count_na.prompt
    assert all(dv.showInputMessage and dv.prompt for dv in ws.data_validations.dataValidation)


def test_print_setup(form_kit) -> None:
    ws = _inputs_sheet(form_kit.blank())
    header = find_header(ws)
    assert header is not None
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth) == 1
    assert str(ws.print_title_rows).replace("$", "") == f"{header.row}:{header.row}"


def test_metadata_sheet(form_kit) -> None:
    path = form_kit.blank()
    meta = {key: value for key, (value, _) in read_meta(load_workbook(path)[SHEET_META]).items()}
    assert meta == {
        "form_format": "1",
        "unit_id": "06808",
        "unit_name": "Phường Vàng Danh",
        "level": "commune",
        "year": 2018,
        "criteria_version": "T1",
        "criteria_fingerprint": form_kit.cset.fingerprint,
        "criteria_file": "commune.yaml",
    }


def test_output_is_deterministic_and_written_atomically(form_kit, tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "06808.xlsx", tmp_path / "b" / "06808.xlsx"
    write_form(first, form_kit.cset, form_kit.units["06808"], 2018)
    write_form(second, form_kit.cset, form_kit.units["06808"], 2018)
    assert first.read_bytes() == second.read_bytes()
    assert [p.name for p in first.parent.iterdir()] == ["06808.xlsx"]  # no temp file left
    with zipfile.ZipFile(first) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2018, 1, 1, 0, 0, 0)}
    props = load_workbook(first).properties
    assert props.created == props.modified == datetime(2018, 1, 1)
    assert props.creator == "scoring"


def test_refuses_a_unit_of_another_level(form_kit, tmp_path: Path) -> None:
    city = Unit("196", "Thành phố Uông Bí", "district", 2011, 2025)
    with pytest.raises(SubmissionError, match="196"):
        write_form(tmp_path / "196.xlsx", form_kit.cset, city, 2018)


def test_fill_writes_values_as_a_person_would(form_kit, tmp_path: Path) -> None:
    from scoring.model.rules import NA

    blank = form_kit.blank()
    filled = tmp_path / "filled.xlsx"
    fill_form(
        blank,
        filled,
        {"A1.a": 12, "A2.a": True, "B1.a": NA, "A4.a": "1.234,5"},
        evidence={"A1.a": "Báo cáo 5/BC"},
        notes={"A5.a": "Giải trình"},
    )
    ws = _inputs_sheet(filled)

    def at(code: str, header: str = HEADER_VALUE) -> object:
        return ws[form_kit.cell(filled, code, header)].value

    assert (at("A1.a"), at("A2.a"), at("B1.a"), at("A4.a")) == (
        12,
        "Có",
        "Không áp dụng",
        "1.234,5",
    )
    assert at("A1.a", HEADER_EVIDENCE) == "Báo cáo 5/BC" and at("A5.a", HEADER_NOTE) == "Giải trình"
    assert ws.protection.sheet and ws.data_validations.dataValidation  # survives the round trip
    assert filled.read_bytes() != blank.read_bytes()


def test_fill_refuses_unknown_codes_before_writing(form_kit, tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    with pytest.raises(UnknownCodeError) as caught:
        fill_form(form_kit.blank(), target, {"A1.a": 1, "Z9": 2}, notes={"Q1": "x"})
    assert isinstance(caught.value, KeyError)
    assert "Q1, Z9" in str(caught.value)
    assert not target.exists()
