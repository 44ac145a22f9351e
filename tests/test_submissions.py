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

from dev.sample.fill import fill_form
from scoring.inputs.forms import HEADER_NOTE, HEADER_VERIFIED, SHEET_INPUTS, SHEET_META
from scoring.inputs.submissions import KINDS, Problem, read_submissions
from scoring.model.rules import NA
from scoring.model.values import ValueProblem, format_number_vi, parse_value

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
    with pytest.raises(ValueProblem) as caught:
        parse_value(raw, "count", allow_na=False, maximum=None)
    assert caught.value.kind == "value.na_not_allowed"


def test_percent_format_fraction_becomes_percent() -> None:
    assert parse_value(0.85, "share", allow_na=False, maximum=None, is_percent_format=True) == 85
    assert parse_value(0.85, "share", allow_na=False, maximum=None) == 0.85


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("abc", "amount", "value.not_amount"),
        ("12 người", "count", "value.not_count"),
        (-3, "count", "value.negative"),
        ("-1,5", "amount", "value.negative"),
        ("12,5", "count", "value.not_whole"),
        ("1,234", "count", "value.comma_thousands"),
        ("120", "share", "value.share_above_100"),
        ("85%", "count", "value.percent_not_share"),
        ("3,5", "points", "value.above_maximum"),
        ("có lẽ", "yes_no", "value.not_yes_no"),
        (2, "yes_no", "value.not_yes_no"),
        (True, "count", "value.not_count"),
        ("1.23.4", "count", "value.not_count"),
        (float("inf"), "count", "value.not_finite"),
    ],
)
def test_parse_refuses_with_its_kind(raw: object, kind: str, expected: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_value(raw, kind, allow_na=False, maximum=3)
    assert caught.value.kind == expected and expected in KINDS


def test_a_refusal_says_what_was_found_and_expected_in_each_language() -> None:
    """The one test that reads the sentences: the catalogue's Vietnamese and English."""
    with pytest.raises(ValueProblem) as caught:
        parse_value("3,5", "points", allow_na=True, maximum=3)
    assert caught.value.text("vi") == (
        "có '3,5' (vượt điểm tối đa 3), cần một số điểm từ 0 đến 3 (ví dụ 2 hoặc 2,5) "
        "hoặc 'Không áp dụng'"
    )
    assert caught.value.text("en") == (
        "found '3,5' (above the maximum of 3 points), expected a number of points from 0 to 3 "
        "(e.g. 2 or 2,5) or 'Không áp dụng' (not applicable)"
    )
    with pytest.raises(ValueProblem) as caught:
        parse_value(True, "count", allow_na=False, maximum=None)
    assert caught.value.text("vi").startswith("có giá trị logic TRUE, cần một số nguyên")
    assert caught.value.text("en").startswith("found the logical value TRUE, expected a whole")


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
    assert problems[0].kind == "sheet.self_verified"
    assert problems[0].found == f"{cells[0]}, {cells[1]}"


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
        ("A1.b", "abc", "value.not_count"),
        ("A4.a", "nhiều", "value.not_amount"),
        ("B2.1.b", "-5", "value.negative"),
        ("B2.1.b", "100,5", "value.not_whole"),
        ("A3.a", "120", "value.share_above_100"),
        ("A3.a", "-1", "value.negative"),
        ("A5.a", "3,5", "value.above_maximum"),
        ("A1.b", "Không áp dụng", "value.na_not_allowed"),
        ("A2.a", "có lẽ", "value.not_yes_no"),
        ("B2.1.b", "85%", "value.percent_not_share"),
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
    assert bad[0].kind == expected


def test_a_problem_line_and_row_in_each_language(form_kit) -> None:
    """The console line and the exported row: location words and sentence per language."""
    path = form_kit.filled(values={"B2.1.b": "-5"})
    _, problems = form_kit.read(path)
    (bad,) = [p for p in problems if p.is_error]
    address = form_kit.cell(path, "B2.1.b")
    assert bad.format("vi").startswith(
        f"Lỗi: {path}, trang tính '{SHEET_INPUTS}', ô {address}, mã B2.1.b: có '-5' (số âm), "
        "cần một số nguyên không âm"
    )
    assert bad.format("en").startswith(
        f"Error: {path}, sheet '{SHEET_INPUTS}', cell {address}, code B2.1.b: found '-5' "
        "(a negative number), expected a whole number of 0 or more"
    )
    row = bad.as_dict()
    assert {k: row[k] for k in ("kind", "severity", "file", "sheet", "cell", "code")} == {
        "kind": "value.negative", "severity": "error", "file": str(path),
        "sheet": SHEET_INPUTS, "cell": address, "code": "B2.1.b",
    }  # fmt: skip
    assert (row["unit_id"], row["found"]) == ("06808", "'-5'")
    assert row["expected"].startswith("một số nguyên không âm")
    assert row["message_vi"] == bad.text("vi") and row["message_en"] == bad.text("en")


def test_missing_required_value(form_kit) -> None:
    path = form_kit.filled(drop=("A1.b",))
    submission, problems = form_kit.read(path)
    assert submission is None
    assert [(p.kind, p.code, p.cell) for p in problems] == [
        ("value.required", "A1.b", form_kit.cell(path, "A1.b"))
    ]


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
    assert [(p.kind, p.code, p.cell) for p in problems] == [
        ("value.ratio_above_one", "A1.a", form_kit.cell(path, "A1.a"))
    ]
    assert (problems[0].found, problems[0].expected) == (25, 20)
    assert dict(problems[0].params) == {"denominator": "A1.b", "criterion": "A1"}


def test_direct_points_need_a_justification(form_kit) -> None:
    path = form_kit.filled(notes={})
    submission, problems = form_kit.read(path)
    assert submission is None
    assert [(p.kind, p.code, p.cell) for p in problems] == [
        ("value.unjustified_points", "A5.a", form_kit.cell(path, "A5.a", HEADER_NOTE))
    ]
    submission, problems = form_kit.read(form_kit.filled(values={"A5.a": 0}, notes={}))
    assert problems == [] and submission is not None


def test_values_without_evidence_are_a_warning(form_kit) -> None:
    evidence = {c: e for c, e in form_kit.evidence.items() if c not in ("A1.a", "A1.b")}
    submission, problems = form_kit.read(form_kit.filled(evidence=evidence))
    assert submission is not None
    assert [(p.severity, p.kind, p.code) for p in problems] == [
        ("warning", "value.no_evidence", "A1.a")
    ]
    assert dict(problems[0].params)["criterion"] == "A1"


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
    assert [(p.cell, p.kind) for p in problems] == [(address, "value.formula_not_calculated")]
    _edit_sheet_xml(path, address, f'<c r="{address}"><f>10+10</f><v>20</v></c>')
    submission, problems = form_kit.read(path)
    assert problems == [] and submission is not None and submission.values["A1.b"] == 20


@pytest.mark.parametrize("formula", ["<f>10+10</f>", '<f t="shared" si="0"/>'])
def test_formula_without_value_is_seen_in_a_form_without_any_other(form_kit, formula) -> None:
    """A file with one formula is read twice (values, formulas); the one uncalculated
    formula of an otherwise plain form must still be found, however it is written."""
    from scoring.inputs.sheetxml import has_formulas

    path = form_kit.filled()
    address = form_kit.cell(path, "A1.b")
    assert not has_formulas(path.read_bytes())
    _edit_sheet_xml(path, address, f'<c r="{address}">{formula}<v></v></c>')
    assert has_formulas(path.read_bytes())
    _, problems = form_kit.read(path)
    assert [(p.cell, p.kind) for p in problems] == [(address, "value.formula_not_calculated")]


def test_formula_error_value(form_kit) -> None:
    path = form_kit.filled(values={"A1.b": "=1/0"})
    address = form_kit.cell(path, "A1.b")
    _edit_sheet_xml(path, address, f'<c r="{address}" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    _, problems = form_kit.read(path)
    assert [(p.cell, p.kind, p.found) for p in problems] == [
        (address, "value.formula_error", "#DIV/0!")
    ]


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
    found = {p.cell: (p.kind, p.found) for p in problems}
    assert found[unknown] == ("sheet.unknown_code", "'Z9.z'")
    assert found[repeated] == ("sheet.repeated_code", "B1.a")


# ---------------------------------------------------------------------- identity checks


def _set_meta(path: Path, key: str, value: object) -> None:
    wb = load_workbook(path)
    ws = wb[SHEET_META]
    for row in ws.iter_rows(min_col=1, max_col=2):
        if row[0].value == key:
            row[1].value = value
    wb.save(path)


def _only_error(problems: list[Problem]) -> Problem:
    assert len(problems) == 1 and problems[0].is_error, _messages(problems)
    return problems[0]


def test_file_name_must_match_the_unit(form_kit) -> None:
    path = form_kit.filled("06811.xlsx", blank=form_kit.blank("06808"))
    submission, problems = form_kit.read(path)
    assert submission is None
    problem = _only_error(problems)
    assert (problem.kind, problem.found, problem.expected) == (
        "meta.file_name", "06811.xlsx", "06808.xlsx"
    )  # fmt: skip
    assert problems[0].sheet == SHEET_META


def test_unit_not_in_the_list(form_kit) -> None:
    from scoring.inputs.units import Unit

    stranger = Unit("99999", "Phường Lạ", "commune", 2011, None)
    path = form_kit.filled("99999.xlsx", blank=form_kit.blank("99999", unit=stranger))
    assert _only_error(form_kit.read(path)[1]).kind == "meta.unknown_unit"


def test_unit_not_valid_in_the_year(form_kit) -> None:
    path = form_kit.filled("06899.xlsx")
    problem = _only_error(form_kit.read(path)[1])
    assert (problem.kind, problem.found) == ("meta.unit_not_assessed", 2018)


def test_level_mismatch(form_kit) -> None:
    path = form_kit.filled()
    _set_meta(path, "level", "district")
    problem = _only_error(form_kit.read(path)[1])
    assert (problem.kind, problem.found, problem.expected) == (
        "meta.wrong_level", "'district'", "commune"
    )  # fmt: skip


def test_year_mismatch(form_kit) -> None:
    path = form_kit.filled(blank=form_kit.blank(year=2017))
    problem = _only_error(form_kit.read(path)[1])
    assert (problem.kind, problem.found, problem.expected) == ("meta.wrong_year", "2017", 2018)
    assert problem.sheet == SHEET_META and problem.cell is not None


def test_criteria_version_mismatch(form_kit) -> None:
    old = form_kit.variant("old", form_kit.criteria_text.replace('version: "T1"', 'version: "T0"'))
    path = form_kit.filled(blank=form_kit.blank(cset=old))
    problem = _only_error(form_kit.read(path)[1])
    assert (problem.kind, problem.found, problem.expected) == ("meta.wrong_version", "T0", "T1")


def test_criteria_fingerprint_mismatch(form_kit) -> None:
    edited = form_kit.variant("edited", "# sửa chú thích\n" + form_kit.criteria_text)
    path = form_kit.filled(blank=form_kit.blank(cset=edited))
    problem = _only_error(form_kit.read(path)[1])
    assert problem.kind == "meta.wrong_fingerprint"
    assert problem.found == edited.fingerprint[:12] != problem.expected


def test_missing_sheets_are_named(form_kit) -> None:
    path = form_kit.filled()
    wb = load_workbook(path)
    del wb[SHEET_META]
    wb.save(path)
    problem = _only_error(form_kit.read(path)[1])
    assert (problem.kind, problem.found, problem.expected) == (
        "meta.no_sheet", SHEET_INPUTS, SHEET_META
    )  # fmt: skip

    path = form_kit.filled()
    wb = load_workbook(path)
    wb[SHEET_INPUTS].title = "Sheet1"
    wb.save(path)
    problem = _only_error(form_kit.read(path)[1])
    assert (problem.kind, problem.found, problem.expected) == (
        "sheet.no_inputs", f"Sheet1, {SHEET_META}", SHEET_INPUTS
    )  # fmt: skip


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "file.empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "file.old_excel"),
        (b"id,name\n06808,x\n", "file.not_xlsx"),
        (None, "file.unreadable"),  # a zip, but not a workbook
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
    problem = _only_error(problems)
    assert (problem.kind, problem.file, problem.sheet, problem.cell) == (
        expected, str(path), None, None
    )  # fmt: skip
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
    errors = {Path(p.file).name: p.kind for p in collection.errors}
    assert errors == {"07141.xlsx": "file.not_xlsx", "06811.xls": "folder.other_spreadsheet"}
    warnings = [(p.kind, p.unit_id, Path(p.file).name) for p in collection.warnings]
    assert warnings == [("folder.not_sent", "06814", "06814.xlsx")]
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
    duplicates = [p for p in collection.errors if p.kind == "folder.duplicate"]
    assert sorted(Path(p.file).name for p in duplicates) == ["06808 (1).xlsx", "06808.xlsx"]
    assert all(p.found == 2 for p in duplicates)
    assert all(dict(p.params)["names"] == "06808 (1).xlsx, 06808.xlsx" for p in duplicates)


def test_no_submissions_folder(form_kit) -> None:
    collection = read_submissions(form_kit.root / "none", 2018, form_kit.criteria, [])
    assert [(p.kind, p.file) for p in collection.errors] == [
        ("folder.missing", str(form_kit.root / "none" / "2018" / "submissions"))
    ]


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
