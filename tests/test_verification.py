"""A unit cannot verify itself: the office's figures live in data/<year>/verification/,
each change with its reason, and the unit report shows both sides and both files."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from conftest import UNITS, YEAR
from helpers import DATA
from openpyxl import load_workbook

from scoring import cli
from scoring.inputs import verification
from scoring.inputs.verification import COL_CODE, COL_REASON, COL_VERIFIED, SHEET_VERIFY
from scoring.inputs.year import load
from scoring.model.result import InvalidSubmissions, score


def _units_csv(root: Path) -> None:
    rows = [f"{u.id},{u.name},{u.level},{u.valid_from},{u.valid_to or ''}" for u in UNITS]
    text = "id,name,level,valid_from,valid_to\n" + "\n".join(rows) + "\n"
    (root / "units.csv").write_text(text, encoding="utf-8")


@pytest.fixture
def office(form_kit):
    """The kit with two accepted forms and ``make verification-forms`` run on them."""
    form_kit.filled("06808.xlsx")
    form_kit.filled("06811.xlsx")
    _units_csv(form_kit.root)
    status = cli.main(["verification-forms", "--year", str(YEAR), "--data", str(form_kit.root)])
    assert status == 0
    return form_kit


def _verify(kit, unit_id: str, figures: dict, reasons: dict) -> Path:
    path = verification.folder(kit.root, YEAR) / f"{unit_id}.xlsx"
    verification.fill_verification(path, path, figures, reasons)
    return path


def test_verification_forms_are_prefilled_with_the_units_figures_and_evidence(office):
    path = verification.folder(office.root, YEAR) / "06808.xlsx"
    ws = load_workbook(path)[SHEET_VERIFY]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in rows if COL_CODE in r)
    assert {COL_CODE, COL_VERIFIED, COL_REASON} <= set(header)
    by_code = {r[0]: dict(zip(header, r, strict=True)) for r in rows if r[0] in office.valid}
    assert by_code["A1.a"]["Giá trị đơn vị tự đánh giá"] == 18
    assert by_code["A2.a"]["Giá trị đơn vị tự đánh giá"] == "Có"
    assert by_code["A1.a"]["Minh chứng của đơn vị"] == office.evidence["A1.a"]
    assert by_code["A1.a"][COL_VERIFIED] is None and by_code["A1.a"][COL_REASON] is None
    # a prepared form verifies nothing; running again keeps the office's work
    assert load(office.root, YEAR).collection.verifications == {}
    before = path.read_bytes()
    _verify(office, "06808", {"A1.a": 15}, {"A1.a": "Chỉ 15 máy có biên bản bàn giao."})
    edited = path.read_bytes()
    assert edited != before
    cli.main(["verification-forms", "--year", str(YEAR), "--data", str(office.root)])
    assert path.read_bytes() == edited


def test_verified_figures_are_scored_and_listed_with_their_reasons(office):
    _verify(office, "06808", {"A1.a": 15, "A2.a": "Không"}, {"A1.a": "Biên bản kiểm tra.",
            "A2.a": "Không có mạng LAN khi kiểm tra thực tế."})  # fmt: skip
    inputs = load(office.root, YEAR)
    assert inputs.collection.errors == []
    result = score(inputs)
    assert result.is_verified("06808") and not result.is_verified("06811")
    own, checked = result.self_scores["06808"], result.official["06808"]
    assert checked.node("A1").points == pytest.approx(4 * 15 / 20)
    assert checked.node("A2").points == 0 and own.node("A2").points == 2
    view = result.verification_view("06808")
    assert [(c["code"], c["claimed"], c["verified"]) for c in view["changes"]] == [
        ("A1.a", 18.0, 15.0),
        ("A2.a", True, False),
    ]
    assert view["changes"][1]["reason"] == "Không có mạng LAN khi kiểm tra thực tế."
    total = view["total"]
    assert (total["self"], total["verified"]) == (own.total, checked.total)
    path = verification.folder(office.root, YEAR) / "06808.xlsx"
    assert view["verification"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert inputs.collection.summary()["verified_units"] == ["06808"]


def test_a_changed_figure_needs_a_reason(office):
    path = _verify(office, "06808", {"A1.a": 15, "A3.a": 85}, {})
    inputs = load(office.root, YEAR)
    errors = [p for p in inputs.collection.errors if p.file == str(path)]
    assert [(p.kind, p.code, p.sheet) for p in errors] == [
        ("verification.no_reason", "A1.a", SHEET_VERIFY)
    ]  # 85 is unchanged
    assert (errors[0].found, errors[0].expected) == ("15", "18")  # verified, the unit's
    assert dict(errors[0].params) == {"column": COL_REASON}
    assert re.fullmatch(r"G\d+", errors[0].cell or "")
    assert "06808" not in inputs.collection.verifications


def test_a_bad_verified_figure_and_a_form_sent_again_are_reported(office):
    path = _verify(office, "06808", {"A1.a": "mười lăm"}, {"A1.a": "x"})
    errors = [p for p in load(office.root, YEAR).collection.errors if p.file == str(path)]
    assert [(p.kind, p.code) for p in errors] == [("value.not_count", "A1.a")]
    _verify(office, "06808", {"A1.a": 15}, {"A1.a": "Biên bản."})
    office.filled("06808.xlsx", values={"A1.b": 21})  # the unit sends its form again
    inputs = load(office.root, YEAR)
    errors = [p for p in inputs.collection.errors if p.file == str(path)]
    assert [p.kind for p in errors] == ["verification.form_sent_again"]
    assert "06808" not in inputs.collection.verifications  # no figure from that file


def _edit_meta(path: Path, key: str, value: object) -> None:
    """Change one entry of the file's 'Thông tin phiếu' sheet, as a hand in Excel would."""
    from scoring.inputs.forms import SHEET_META

    wb = load_workbook(path)
    ws = wb[SHEET_META]
    row = next(r for r in ws.iter_rows() if r[0].value == key)
    row[1].value = value
    wb.save(path)


@pytest.mark.parametrize(
    ("key", "value", "kind"),
    [
        ("year", YEAR - 1, "verification.other_year"),
        ("criteria_fingerprint", "0" * 64, "verification.other_criteria"),
        ("unit_id", "06811", "verification.not_ours"),  # another unit's file, renamed
    ],
)
def test_a_verification_file_of_another_year_criteria_or_unit_is_an_error(office, key, value, kind):
    """Issue 29: a file whose own year or criteria fingerprint is not this year's was read
    as this year's, its figures made official; another unit's file is refused too."""
    path = _verify(office, "06808", {"A1.a": 15}, {"A1.a": "Biên bản."})
    _edit_meta(path, key, value)
    inputs = load(office.root, YEAR)
    errors = [p for p in inputs.collection.errors if p.file == str(path)]
    assert [p.kind for p in errors] == [kind]
    assert "06808" not in inputs.collection.verifications
    with pytest.raises(InvalidSubmissions):  # nothing official is scored from it
        score(inputs)
    status = cli.main(["validate", "--year", str(YEAR), "--data", str(office.root)])
    assert status == 1


def test_last_years_verification_file_copied_into_this_year_is_an_error(tmp_path):
    """Issue 29: 2017's file for 06808 copied into 2018 gave one warning and moved the
    official score from 92,49 to 90,81."""
    from helpers import small_data

    data = small_data(tmp_path, keep=("06808",))
    target = data / "2018" / "verification" / "06808.xlsx"
    target.unlink(missing_ok=True)
    shutil.copy(data / "2017" / "verification" / "06808.xlsx", target)
    inputs = load(data, 2018)
    errors = [p for p in inputs.collection.errors if p.file == str(target)]
    assert [(p.kind, p.found, p.expected) for p in errors] == [
        ("verification.other_year", "'2017'", "2018")
    ]
    with pytest.raises(InvalidSubmissions):
        score(inputs)


def test_a_code_repeated_in_a_verification_sheet_is_an_error_naming_both_cells(office):
    """Issue 29: A1.a typed twice (15, then 12) was accepted and the last row won."""
    path = _verify(office, "06808", {"A1.a": 15}, {"A1.a": "Biên bản."})
    wb = load_workbook(path)
    ws = wb[SHEET_VERIFY]
    header = next(r for r in ws.iter_rows() if any(c.value == COL_CODE for c in r))
    columns = {c.value: c.column for c in header}
    first = next(r[0].row for r in ws.iter_rows() if r[0].value == "A1.a")
    last = ws.max_row + 1
    ws.cell(row=last, column=columns[COL_CODE], value="A1.a")
    ws.cell(row=last, column=columns[COL_VERIFIED], value=12)
    ws.cell(row=last, column=columns[COL_REASON], value="Lần hai.")
    wb.save(path)
    inputs = load(office.root, YEAR)
    errors = [p for p in inputs.collection.errors if p.file == str(path)]
    assert [(p.kind, p.cell, p.sheet) for p in errors] == [
        ("sheet.repeated_code", f"A{last}", SHEET_VERIFY)
    ]
    assert dict(errors[0].params)["first"] == f"A{first}"
    assert "06808" not in inputs.collection.verifications


def test_a_verification_for_a_unit_that_sent_nothing_is_an_error(office):
    src = verification.folder(office.root, YEAR) / "06808.xlsx"
    shutil.copy(src, src.with_name("06814.xlsx"))
    errors = load(office.root, YEAR).collection.errors
    assert [Path(p.file).name for p in errors] == ["06814.xlsx"]
    assert [p.kind for p in errors] == ["verification.no_form"]


def test_the_city_report_shows_self_assessed_and_verified_side_by_side():
    from scoring.views.report import UnitReport

    city = UnitReport.build(DATA, 2018, "196")
    html = city.verification()
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    for own, checked in (("43,72", "43,72"), ("89,27", "84,50"), ("17,78", "17,78")):
        assert own in cells and checked in cells
    assert "150,77" in cells and "146,00" in cells
    assert html.count("Minh chứng chỉ xác nhận") >= 2  # each change, its reason
    sub = city.result.inputs.collection.submissions["196"]
    check = city.result.inputs.collection.verifications["196"]
    provenance = city.provenance()
    assert sub.sha256 in provenance and check.sha256 in provenance
    assert "data/2018/verification/196.xlsx" in provenance
    assert sub.sha256 == hashlib.sha256(sub.path.read_bytes()).hexdigest()
    assert check.sha256 == hashlib.sha256(check.path.read_bytes()).hexdigest()


def test_the_sample_forms_carry_no_verified_figures():
    for path in sorted((DATA / "2018" / "submissions").glob("*.xlsx")):
        ws = load_workbook(path, read_only=True)["Phiếu khảo sát"]
        headers = {c for row in ws.iter_rows(max_row=40, values_only=True) for c in row}
        assert COL_VERIFIED not in headers, path
    assert sorted(p.stem for p in (DATA / "2018" / "verification").glob("*.xlsx")) == sorted(
        ["196", "06808", "06820", "06826", "196-VHTT", "196-TNMT"]
    )


def test_a_check_on_an_unchanged_figure_names_the_verification_files_own_cell(office):
    """Issue 29: the office lowers the denominator A1.b below the unit's A1.a (18): the
    error named A1.a's cell in the unit's form instead of its row in 'Thẩm định'."""
    path = _verify(office, "06808", {"A1.b": 10}, {"A1.b": "Biên chế thực tế."})
    ws = load_workbook(path)[SHEET_VERIFY]
    header = next(r for r in ws.iter_rows() if any(c.value == COL_CODE for c in r))
    column = next(c.column for c in header if c.value == COL_VERIFIED)
    row = next(r[0].row for r in ws.iter_rows() if r[0].value == "A1.a")
    errors = [p for p in load(office.root, YEAR).collection.errors if p.file == str(path)]
    assert [(p.kind, p.code, p.sheet) for p in errors] == [
        ("value.ratio_above_one_verified", "A1.a", SHEET_VERIFY)
    ]
    assert errors[0].cell == ws.cell(row=row, column=column).coordinate
