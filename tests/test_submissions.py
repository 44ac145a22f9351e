"""Reading returned forms: what people really type, and every way a file can be wrong."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from scoring.forms import HEADER_NOTE, HEADER_VERIFIED, SHEET_INPUTS, SHEET_META, fill_form
from scoring.rules import NA
from scoring.submissions import FORMULA_NOT_CALCULATED, Problem, read_submissions
from scoring.values import ValueProblem, format_number_vi, parse_value

# ---------------------------------------------------------------------- parse_value


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        (12, "count", 12.0),
        (12.0, "count", 12.0),
        ("1.234", "count", 1234.0),
        ("1.234.567", "count", 1234567.0),
        ("1 234", "count", 1234.0),
        ("\xa012\u202f", "count", 12.0),
        ("43,72", "amount", 43.72),
        ("1.234,5", "amount", 1234.5),
        ("1,234.5", "amount", 1234.5),
        ("1.234", "amount", 1234.0),
        ("0.5", "amount", 0.5),
        ("43.72", "share", 43.72),
        ("1.234", "share", 1.234),
        ("85%", "share", 85.0),
        ("85 %", "share", 85.0),
        ("2,5", "points", 2.5),
        ("Có", "yes_no", True),
        (unicodedata.normalize("NFD", "Có"), "yes_no", True),
        ("co", "yes_no", True),
        ("X", "yes_no", True),
        ("yes", "yes_no", True),
        ("1", "yes_no", True),
        (True, "yes_no", True),
        (1, "yes_no", True),
        ("Không", "yes_no", False),
        (unicodedata.normalize("NFD", " KHÔNG "), "yes_no", False),
        ("khong", "yes_no", False),
        ("no", "yes_no", False),
        ("0", "yes_no", False),
        (False, "yes_no", False),
    ],
)
def test_parse_accepts_what_people_type(raw: object, kind: str, expected: object) -> None:
    value = parse_value(raw, kind, allow_na=False, maximum=3)
    assert type(value) is type(expected)
    assert value is expected if isinstance(expected, bool) else value == pytest.approx(expected)


@pytest.mark.parametrize("raw", [None, "", "  ", "\xa0"])
def test_parse_empty_is_none(raw: object) -> None:
    assert parse_value(raw, "count", allow_na=False, maximum=None) is None


@pytest.mark.parametrize("raw", ["Không áp dụng", "không áp dụng", "KAD", "N/A", "na"])
def test_not_applicable_only_where_allowed(raw: str) -> None:
    assert parse_value(raw, "count", allow_na=True, maximum=None) is NA
    with pytest.raises(ValueProblem, match="không được chọn 'Không áp dụng'"):
        parse_value(raw, "count", allow_na=False, maximum=None)


def test_percent_format_fraction_becomes_percent() -> None:
    assert parse_value(0.85, "share", allow_na=False, maximum=None, is_percent_format=True) == 85
    assert parse_value(0.85, "share", allow_na=False, maximum=None) == 0.85


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("abc", "amount", "có 'abc', cần một số không âm (ví dụ 12 hoặc 43,72)"),
        ("12 người", "count", "cần một số nguyên"),
        (-3, "count", "số âm"),
        ("-1,5", "amount", "số âm"),
        ("12,5", "count", "số lượng phải là số nguyên"),
        ("1,234", "count", "dấu phẩy là dấu thập phân"),
        ("120", "share", "tỷ lệ lớn hơn 100%"),
        ("85%", "count", "dấu % chỉ dùng cho tỷ lệ"),
        ("3,5", "points", "vượt điểm tối đa 3"),
        ("có lẽ", "yes_no", "cần 'Có' hoặc 'Không'"),
        (2, "yes_no", "cần 'Có' hoặc 'Không'"),
        (True, "count", "giá trị logic TRUE"),
        ("1.23.4", "count", "có '1.23.4'"),
    ],
)
def test_parse_refuses_with_a_vietnamese_message(raw: object, kind: str, expected: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_value(raw, kind, allow_na=False, maximum=3)
    assert expected in caught.value.message_vi


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_vietnamese_number_text_round_trips(number) -> None:
    text = format_number_vi(float(number))
    assert parse_value(text, "amount", allow_na=False, maximum=None) == pytest.approx(float(number))


# ---------------------------------------------------------------------- one file


def _messages(problems: list[Problem]) -> str:
    return "\n".join(p.format() for p in problems)


def test_round_trip(form_kit) -> None:
    path = form_kit.filled()
    submission, problems = form_kit.read(path)
    assert problems == []
    assert submission is not None
    assert submission.unit_id == "06808" and submission.path == path
    assert submission.values == form_kit.parsed
    assert not hasattr(submission, "verified")  # a unit's form is never a source of those
    assert submission.evidence == form_kit.evidence and submission.notes == form_kit.notes
    assert submission.cells["A1.a"] == form_kit.cell(path, "A1.a")
    assert re.fullmatch(r"E\d+", submission.cells["A1.a"])
    assert submission.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_unit_cannot_verify_itself(form_kit) -> None:
    """Figures a unit types in a "Giá trị thẩm định" column are named and ignored."""
    blank = form_kit.blank_with_verified_column()
    path = form_kit.filled(verified={"A1.a": 15, "A2.a": "Không"}, blank=blank)
    submission, problems = form_kit.read(path)
    assert submission is not None and submission.values == form_kit.parsed
    cells = [form_kit.cell(path, c, HEADER_VERIFIED) for c in ("A1.a", "A2.a")]
    assert [p.severity for p in problems] == ["warning"]
    assert problems[0].cell == cells[0]
    assert f"các giá trị ở ô {cells[0]}, {cells[1]} bị bỏ qua" in problems[0].message
    assert f"the values in cell(s) {cells[0]}, {cells[1]} are ignored" in problems[0].text("en")


def test_reading_never_changes_the_file(form_kit) -> None:
    path = form_kit.filled()
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    form_kit.read(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


@pytest.mark.parametrize(
    ("code", "typed", "expected"),
    [
        ("B2.1.b", "1.234", 1234.0),
        ("B2.1.b", " 120 ", 120.0),
        ("B2.1.b", "\xa0120\u202f", 120.0),
        ("B2.1.b", "120", 120.0),
        ("B2.1.b", 120.0, 120.0),
        ("A3.a", "85%", 85.0),
        ("A3.a", "43,72", 43.72),
        ("A4.a", "1.234,5", 1234.5),
        ("A4.a", "1,234.5", 1234.5),
        ("A5.a", 3, 3.0),
        ("A2.a", "co", True),
        ("A2.a", "x", True),
        ("A2.a", "KHÔNG", False),
        ("A2.a", unicodedata.normalize("NFD", "Không"), False),
        ("A2.a", "Không áp dụng", NA),
        ("B1.a", "KAD", NA),
        ("B1.a", "N/A", NA),
    ],
)
def test_messy_values_in_a_form(form_kit, code: str, typed: object, expected: object) -> None:
    submission, problems = form_kit.read(form_kit.filled(values={code: typed}))
    assert [p for p in problems if p.is_error] == []
    assert submission is not None
    assert submission.values[code] == expected


def test_percent_formatted_share_cell(form_kit) -> None:
    path = form_kit.filled()
    wb = load_workbook(path)
    cell = wb[SHEET_INPUTS][form_kit.cell(path, "A3.a")]
    cell.value, cell.number_format = 0.85, "0%"
    wb.save(path)
    submission, problems = form_kit.read(path)
    assert problems == [] and submission is not None
    assert submission.values["A3.a"] == pytest.approx(85.0)


@pytest.mark.parametrize(
    ("code", "typed", "expected"),
    [
        ("A1.b", "abc", "có 'abc', cần một số nguyên không âm"),
        ("A4.a", "nhiều", "cần một số không âm (ví dụ 12 hoặc 43,72)"),
        ("B2.1.b", "-5", "số âm"),
        ("B2.1.b", "100,5", "số lượng phải là số nguyên"),
        ("A3.a", "120", "cần một tỷ lệ phần trăm từ 0 đến 100"),
        ("A3.a", "-1", "số âm"),
        ("A5.a", "3,5", "vượt điểm tối đa 3"),
        ("A1.b", "Không áp dụng", "không được chọn 'Không áp dụng'"),
        ("A2.a", "có lẽ", "cần 'Có' hoặc 'Không' hoặc 'Không áp dụng'"),
        ("B2.1.b", "85%", "dấu % chỉ dùng cho tỷ lệ"),
    ],
)
def test_bad_values_are_reported_at_their_cell(
    form_kit, code: str, typed: object, expected: str
) -> None:
    path = form_kit.filled(values={code: typed})
    submission, problems = form_kit.read(path)
    assert submission is None
    bad = [p for p in problems if p.code == code and p.is_error]
    assert len(bad) == 1, _messages(problems)
    address = form_kit.cell(path, code)
    assert bad[0].cell == address and bad[0].sheet == SHEET_INPUTS
    line = bad[0].format()
    assert line.startswith(f"Lỗi: {path}, trang tính '{SHEET_INPUTS}', ô {address}, mã {code}: ")
    assert expected in line


def test_missing_required_value(form_kit) -> None:
    path = form_kit.filled(drop=("A1.b",))
    submission, problems = form_kit.read(path)
    assert submission is None
    assert [(p.code, p.cell) for p in problems] == [("A1.b", form_kit.cell(path, "A1.b"))]
    assert "thiếu giá trị" in problems[0].message


def test_optional_input_may_stay_empty(form_kit) -> None:
    submission, problems = form_kit.read(form_kit.filled(drop=("A4.a",)))
    assert problems == [] and submission is not None and "A4.a" not in submission.values


def test_condition_answered_no_excuses_its_inputs(form_kit) -> None:
    path = form_kit.filled(values={"B2.q": "Không"}, drop=("B2.1.a", "B2.1.b"))
    submission, problems = form_kit.read(path)
    assert problems == [] and submission is not None and submission.values["B2.q"] is False
    _, problems = form_kit.read(form_kit.filled(drop=("B2.1.a",)))
    assert [p.code for p in problems] == ["B2.1.a"]


def test_not_applicable_excuses_the_rest_of_its_criterion(form_kit) -> None:
    path = form_kit.filled(values={"B1.a": "Không áp dụng"}, drop=("B1.b",))
    submission, problems = form_kit.read(path)
    assert problems == [] and submission is not None and submission.values["B1.a"] is NA


def test_numerator_above_denominator(form_kit) -> None:
    path = form_kit.filled(values={"A1.a": 25})
    _, problems = form_kit.read(path)
    assert [(p.code, p.cell) for p in problems] == [("A1.a", form_kit.cell(path, "A1.a"))]
    assert "tử số A1.a (25) lớn hơn mẫu số A1.b (20) của tiêu chí A1" in problems[0].message


def test_direct_points_need_a_justification(form_kit) -> None:
    path = form_kit.filled(notes={})
    submission, problems = form_kit.read(path)
    assert submission is None
    assert [(p.code, p.cell) for p in problems] == [
        ("A5.a", form_kit.cell(path, "A5.a", HEADER_NOTE))
    ]
    assert "cần giải trình" in problems[0].message
    submission, problems = form_kit.read(form_kit.filled(values={"A5.a": 0}, notes={}))
    assert problems == [] and submission is not None


def test_values_without_evidence_are_a_warning(form_kit) -> None:
    evidence = {c: e for c, e in form_kit.evidence.items() if c not in ("A1.a", "A1.b")}
    submission, problems = form_kit.read(form_kit.filled(evidence=evidence))
    assert submission is not None
    assert [(p.severity, p.code) for p in problems] == [("warning", "A1.a")]
    assert problems[0].format().startswith("Cảnh báo: ")
    assert "tiêu chí A1" in problems[0].message and "minh chứng" in problems[0].message


def _edit_sheet_xml(path: Path, cell: str, new_cell_xml: str) -> None:
    """Replace one cell's XML in the inputs sheet, e.g. to give a formula a cached value."""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in entries:
            if info.filename == "xl/worksheets/sheet1.xml":
                text, count = re.subn(rf'<c r="{cell}"[^>]*>.*?</c>', new_cell_xml, data.decode())
                assert count == 1
                data = text.encode()
            dst.writestr(info, data)
    path.write_bytes(out.getvalue())


def test_formula_with_cached_value_is_read(form_kit) -> None:
    path = form_kit.filled(values={"A1.b": "=10+10"})
    address = form_kit.cell(path, "A1.b")
    _, problems = form_kit.read(path)
    assert [(p.cell, p.message) for p in problems] == [(address, FORMULA_NOT_CALCULATED)]
    _edit_sheet_xml(path, address, f'<c r="{address}"><f>10+10</f><v>20</v></c>')
    submission, problems = form_kit.read(path)
    assert problems == [] and submission is not None and submission.values["A1.b"] == 20


def test_formula_error_value(form_kit) -> None:
    path = form_kit.filled(values={"A1.b": "=1/0"})
    address = form_kit.cell(path, "A1.b")
    _edit_sheet_xml(path, address, f'<c r="{address}" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    _, problems = form_kit.read(path)
    assert [p.cell for p in problems] == [address] and "#DIV/0!" in problems[0].message


def test_unknown_and_repeated_codes(form_kit) -> None:
    path = form_kit.filled()
    wb = load_workbook(path)
    ws = wb[SHEET_INPUTS]
    unknown = form_kit.cell(path, "A4.a").replace("E", "A")
    repeated = form_kit.cell(path, "B1.b").replace("E", "A")
    ws[unknown] = "Z9.z"
    ws[repeated] = "B1.a"
    wb.save(path)
    _, problems = form_kit.read(path)
    messages = {p.cell: p.message for p in problems}
    assert "mã 'Z9.z' không có trong bộ tiêu chí" in messages[unknown]
    assert "mã B1.a lặp lại" in messages[repeated]


# ---------------------------------------------------------------------- identity checks


def _set_meta(path: Path, key: str, value: object) -> None:
    wb = load_workbook(path)
    ws = wb[SHEET_META]
    for row in ws.iter_rows(min_col=1, max_col=2):
        if row[0].value == key:
            row[1].value = value
    wb.save(path)


def _only_error(problems: list[Problem]) -> str:
    assert len(problems) == 1 and problems[0].is_error, _messages(problems)
    return problems[0].format()


def test_file_name_must_match_the_unit(form_kit) -> None:
    path = form_kit.filled("06811.xlsx", blank=form_kit.blank("06808"))
    submission, problems = form_kit.read(path)
    assert submission is None
    assert "không khớp mã đơn vị '06808'" in _only_error(problems)
    assert problems[0].sheet == SHEET_META


def test_unit_not_in_the_list(form_kit) -> None:
    from scoring.units import Unit

    stranger = Unit("99999", "Phường Lạ", "commune", 2011, None)
    path = form_kit.filled("99999.xlsx", blank=form_kit.blank("99999", unit=stranger))
    assert "không có trong danh sách đơn vị" in _only_error(form_kit.read(path)[1])


def test_unit_not_valid_in_the_year(form_kit) -> None:
    path = form_kit.filled("06899.xlsx")
    assert "không thuộc diện đánh giá năm 2018" in _only_error(form_kit.read(path)[1])


def test_level_mismatch(form_kit) -> None:
    path = form_kit.filled()
    _set_meta(path, "level", "district")
    assert "phiếu lập cho cấp 'district'" in _only_error(form_kit.read(path)[1])


def test_year_mismatch(form_kit) -> None:
    path = form_kit.filled(blank=form_kit.blank(year=2017))
    assert "phiếu của năm 2017, đang đọc phiếu năm 2018" in _only_error(form_kit.read(path)[1])


def test_criteria_version_mismatch(form_kit) -> None:
    old = form_kit.variant("old", form_kit.criteria_text.replace('version: "T1"', 'version: "T0"'))
    path = form_kit.filled(blank=form_kit.blank(cset=old))
    message = _only_error(form_kit.read(path)[1])
    assert "phiếu lập theo bộ tiêu chí phiên bản T0, bộ hiện hành là T1" in message


def test_criteria_fingerprint_mismatch(form_kit) -> None:
    edited = form_kit.variant("edited", "# sửa chú thích\n" + form_kit.criteria_text)
    path = form_kit.filled(blank=form_kit.blank(cset=edited))
    message = _only_error(form_kit.read(path)[1])
    assert "dấu vân tay" in message and "cần lập lại phiếu" in message


def test_missing_sheets_are_named(form_kit) -> None:
    path = form_kit.filled()
    wb = load_workbook(path)
    del wb[SHEET_META]
    wb.save(path)
    message = _only_error(form_kit.read(path)[1])
    assert f"thiếu trang tính '{SHEET_META}' (có: {SHEET_INPUTS})" in message

    path = form_kit.filled()
    wb = load_workbook(path)
    wb[SHEET_INPUTS].title = "Sheet1"
    wb.save(path)
    message = _only_error(form_kit.read(path)[1])
    assert f"không có trang tính '{SHEET_INPUTS}' (có: Sheet1, {SHEET_META})" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "tệp rỗng"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "tệp Excel cũ (.xls)"),
        (b"id,name\n06808,x\n", "không phải bảng tính Excel .xlsx"),
        (None, "không đọc được tệp như một bảng tính Excel"),  # a zip, but not a workbook
    ],
)
def test_unreadable_files(form_kit, content: bytes | None, expected: str) -> None:
    path = form_kit.submissions / "06808.xlsx"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "xin chào")
    else:
        path.write_bytes(content)
    submission, problems = form_kit.read(path)
    assert submission is None
    message = _only_error(problems)
    assert message.startswith(f"Lỗi: {path}: ") and expected in message
    assert problems[0].unit_id == "06808"


# ---------------------------------------------------------------------- the folder


def _collect(form_kit):
    return read_submissions(form_kit.root, 2018, form_kit.criteria, list(form_kit.units.values()))


def test_folder_reads_every_file_and_reports_missing_units(form_kit) -> None:
    form_kit.filled("06808.xlsx")
    (form_kit.submissions / "07141.xlsx").write_bytes(b"not a workbook")
    (form_kit.submissions / "~$06808.xlsx").write_bytes(b"lock")  # Excel's lock file
    (form_kit.submissions / "06811.xls").write_bytes(b"old")
    collection = _collect(form_kit)
    assert list(collection.submissions) == ["06808"]
    assert collection.expected == ["06808", "06811", "06814", "07141"]
    assert collection.missing == ["06814"]  # 06811 sent a file, if not a usable one
    errors = {Path(p.file).name: p.message for p in collection.errors}
    assert set(errors) == {"07141.xlsx", "06811.xls"}
    assert "lưu lại dưới dạng Excel Workbook (.xlsx)" in errors["06811.xls"]
    warnings = [p.message for p in collection.warnings]
    assert warnings == ["đơn vị 06814 (Phường Bắc Sơn) chưa nộp phiếu"]
    summary = collection.summary()
    assert {k: summary[k] for k in ("expected", "received", "accepted", "missing", "verified")} == {
        "expected": 4, "received": 3, "accepted": 1, "missing": 1, "verified": 0,
    }  # fmt: skip
    assert summary["with_problems_units"] == ["06811", "07141"]
    assert summary["verified_units"] == [] and summary["missing_units"] == ["06814"]


def test_two_files_for_one_unit(form_kit) -> None:
    form_kit.filled("06808.xlsx")
    form_kit.filled("06808 (1).xlsx")
    collection = _collect(form_kit)
    assert "06808" not in collection.submissions and "06808" not in collection.missing
    duplicates = [p for p in collection.errors if "2 tệp phiếu" in p.message]
    assert sorted(Path(p.file).name for p in duplicates) == ["06808 (1).xlsx", "06808.xlsx"]
    assert all("(06808 (1).xlsx, 06808.xlsx)" in p.message for p in duplicates)


def test_no_submissions_folder(form_kit) -> None:
    collection = read_submissions(form_kit.root / "none", 2018, form_kit.criteria, [])
    assert [p.message for p in collection.errors] == ["chưa có thư mục phiếu đã nộp của năm 2018"]


# ---------------------------------------------------------------------- property


def _typed(kind: str, value: float | bool, style: int) -> object:
    """One way a person could type ``value``: a number, Vietnamese text, or a word."""
    if kind == "yes_no":
        return [["Không", "khong", "0"], ["Có", "co", "x"]][bool(value)][style % 3]
    if style == 0:
        return int(value) if float(value).is_integer() else value
    text = format_number_vi(float(value))
    return text + "%" if kind == "share" and style == 2 else text


@st.composite
def _answers(draw: st.DrawFn) -> tuple[dict[str, object], dict[str, object]]:
    """Valid values for every input of the mini criteria set, and how they are typed."""
    amounts = st.decimals(min_value=0, max_value=10**7, places=2).map(float)

    def whole(top: int) -> int:
        return draw(st.integers(min_value=0, max_value=top))

    a1b, b1b, b21b = whole(10_000), whole(500), whole(10**6)
    values: dict[str, float | bool] = {
        "A1.a": float(whole(a1b)), "A1.b": float(a1b),
        "A2.a": draw(st.booleans()),
        "A3.a": float(draw(st.decimals(min_value=0, max_value=100, places=2))),
        "A4.a": draw(amounts),
        "A5.a": float(draw(st.sampled_from([0, 0.5, 1, 2.25, 3]))),
        "B1.a": float(whole(b1b)), "B1.b": float(b1b),
        "B2.q": True,
        "B2.1.a": float(whole(b21b)), "B2.1.b": float(b21b),
    }  # fmt: skip
    kinds = {"A2.a": "yes_no", "B2.q": "yes_no", "A3.a": "share"}
    typed = {
        code: _typed(kinds.get(code, "number"), value, draw(st.integers(0, 2)))
        for code, value in values.items()
    }
    return dict(values), typed


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers=_answers())
def test_any_valid_value_round_trips(form_kit, answers) -> None:
    expected, typed = answers
    blank = form_kit.root / "blank" / "06808-2018.xlsx"
    if not blank.exists():  # the same blank form serves every example
        form_kit.blank()
    path = form_kit.submissions / "06808.xlsx"
    fill_form(blank, path, typed, evidence=form_kit.evidence, notes=form_kit.notes)
    submission, problems = form_kit.read(path)
    assert [p for p in problems if p.is_error] == []
    assert submission is not None
    assert submission.values == pytest.approx(expected)
