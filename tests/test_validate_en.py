"""``python -m scoring validate --lang en``: the problems, the summary and the closing line
in English, while the Vietnamese output stays the default; and no kind of problem is left
without its English text in the catalogue.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from test_submissions import _edit_sheet_xml

from scoring.cli import main
from scoring.inputs.forms import HEADER_CODE, SHEET_INPUTS, SHEET_META, find_header
from scoring.inputs.submissions import KINDS, Problem, container, folder, read_submissions
from scoring.inputs.units import Unit

# The quoted parts of a line are what the file holds (values, sheet and column names).
QUOTED = r"'[^']*'"


def _write_units(kit) -> None:
    """``validate`` reads ``<data>/units.csv``: the kit's units, written there."""
    rows = ["id,name,level,valid_from,valid_to"] + [
        f"{u.id},{u.name},{u.level},{u.valid_from},{u.valid_to or ''}" for u in kit.units.values()
    ]
    (kit.root / "units.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def _validate(kit, capsys, *options: str) -> tuple[int, list[str]]:
    """Exit status and stderr lines of ``python -m scoring validate`` on the kit's data."""
    _write_units(kit)
    status = main(["validate", "--year", "2018", "--data", str(kit.root), *options])
    return status, capsys.readouterr().err.splitlines()


def _ours(line: str, kit) -> str:
    """A line without what comes from the inputs: paths, quoted text, unit and sheet names."""
    text = re.sub(QUOTED, "''", line.replace(str(kit.root), ""))
    for name in [u.name for u in kit.units.values()] + [SHEET_INPUTS, SHEET_META]:
        text = text.replace(name, "")
    return text


def _assert_english(line: str, kit) -> None:
    """No Vietnamese in the words the tool adds ("…" marks a shortened fingerprint)."""
    ours = _ours(line, kit)
    assert not any(word in ours for word in ("Lỗi", "Cảnh báo", "cần", "ô ", "mã ")), line
    assert all(c.isascii() or c == "…" for c in ours), f"not English: {ours!r} in {line!r}"


def _broken_folder(kit) -> dict[str, Path]:
    """Forms with several kinds of mistakes; 07141 sends nothing."""
    paths = {
        "06808": kit.filled(values={"A1.b": "abc", "A3.a": "120", "B1.a": 7}, drop=("B2.1.a",)),
        "06811": kit.filled("06811.xlsx", blank=kit.blank("06811", year=2017)),
        "06814": kit.submissions / "06814.xlsx",
    }
    paths["06814"].write_bytes(b"id,name\n06814,x\n")  # a CSV renamed
    return paths


def test_validate_in_english(form_kit, capsys) -> None:
    kit = form_kit
    paths = _broken_folder(kit)
    status, lines = _validate(kit, capsys, "--lang", "en")
    assert status == 1
    inputs = f"Error: {paths['06808']}, sheet '{SHEET_INPUTS}', cell"
    expected = [
        f"{inputs} {kit.cell(paths['06808'], 'A1.b')}, code A1.b: found 'abc', expected a "
        "whole number of 0 or more (e.g. 12 or 1.234; a dot groups thousands)",
        f"{inputs} {kit.cell(paths['06808'], 'A3.a')}, code A3.a: found '120' (a share above "
        "100%), expected a percentage from 0 to 100 (e.g. 85 or 43,72%; a comma marks decimals)",
        f"{inputs} {kit.cell(paths['06808'], 'B2.1.a')}, code B2.1.a: missing value "
        "(a required input)",
        f"{inputs} {kit.cell(paths['06808'], 'B1.a')}, code B1.a: the numerator B1.a (7) is "
        "larger than the denominator B1.b (6) of criterion B1",
        f"Error: {paths['06811']}, sheet '{SHEET_META}', cell B7: the form is for 2017; the "
        "forms being read are those of 2018",
        f"Error: {paths['06814']}: not an Excel .xlsx workbook (the content is in another "
        "format); send the survey form again as an .xlsx file",
        f"Warning: {kit.submissions / '07141.xlsx'}: unit 07141 (Xã Điền Công) has not sent "
        "its form",
        "Year 2018: expected 4, received 3, not received 1, verified 0, units with errors 3 "
        "(6 errors), warnings 1.",
        "6 errors in the forms must be fixed before scoring.",
    ]
    assert lines == expected
    for line in lines:
        _assert_english(line, kit)


def test_validate_in_english_on_a_clean_folder(form_kit, capsys) -> None:
    for unit_id in ("06808", "06811", "06814", "07141"):
        form_kit.filled(f"{unit_id}.xlsx")
    assert _validate(form_kit, capsys, "--lang", "en") == (
        0,
        [
            "Year 2018: expected 4, received 4, not received 0, verified 0, units with errors 0 "
            "(0 errors), warnings 0.",
            "Every form received is valid.",
        ],
    )


def test_vietnamese_stays_the_default(form_kit, capsys) -> None:
    paths = _broken_folder(form_kit)
    status, lines = _validate(form_kit, capsys)
    assert (status, lines) == _validate(form_kit, capsys, "--lang", "vi")
    assert status == 1
    assert lines[0].startswith(f"Lỗi: {paths['06808']}, trang tính '{SHEET_INPUTS}', ô E")
    assert lines[-2:] == [
        "Năm 2018: phải nộp 4, đã nộp 3, chưa nộp 1, đã thẩm định 0, có lỗi 3 đơn vị (6 lỗi), "
        "có cảnh báo 1.",
        "Có 6 lỗi cần sửa trong phiếu trước khi chấm điểm.",
    ]


def test_problems_exported_as_json_and_csv(form_kit, capsys) -> None:
    """``--format json|csv``: one row per problem on stdout, grouped by kind at will."""
    paths = _broken_folder(form_kit)
    _write_units(form_kit)
    args = ["validate", "--year", "2018", "--data", str(form_kit.root)]
    assert main([*args, "--format", "json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    kinds = [(r["kind"], r["file"], r["code"], r["severity"]) for r in rows]
    assert kinds == [
        ("value.not_count", str(paths["06808"]), "A1.b", "error"),
        ("value.share_above_100", str(paths["06808"]), "A3.a", "error"),
        ("value.required", str(paths["06808"]), "B2.1.a", "error"),
        ("value.ratio_above_one", str(paths["06808"]), "B1.a", "error"),
        ("meta.wrong_year", str(paths["06811"]), None, "error"),
        ("file.not_xlsx", str(paths["06814"]), None, "error"),
        ("folder.not_sent", str(form_kit.submissions / "07141.xlsx"), None, "warning"),
    ]
    year = rows[4]
    assert (year["sheet"], year["cell"], year["found"], year["expected"]) == (
        SHEET_META, "B7", "2017", 2018
    )  # fmt: skip
    assert year["message_en"].startswith("the form is for 2017")
    assert year["message_vi"].startswith("phiếu của năm 2017")
    assert main([*args, "--format", "csv"]) == 1
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["kind"] for r in table] == [r["kind"] for r in rows]
    assert table[0]["cell"] == form_kit.cell(paths["06808"], "A1.b")


def test_unknown_language_is_a_usage_error(form_kit, capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        _validate(form_kit, capsys, "--lang", "xx")
    assert caught.value.code == 2
    assert "invalid choice: 'xx'" in capsys.readouterr().err


# ---------------------------------------------------------------------- every kind of problem


def _change(path: Path, edit: Callable[[Workbook], None]) -> Path:
    wb = load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


def _set_meta(key: str, value: object) -> Callable[[Workbook], None]:
    def edit(wb: Workbook) -> None:
        for row in wb[SHEET_META].iter_rows(min_col=1, max_col=2):
            if row[0].value == key:
                row[1].value = value

    return edit


def _set_cells(kit, path: Path, cells: dict[str, object], column: str = "") -> Path:
    """Write raw cell values (booleans, dates, errors) by input code, as Excel would."""

    def edit(wb: Workbook) -> None:
        ws = wb[SHEET_INPUTS]
        for code, value in cells.items():
            address = kit.cell(path, code)
            ws[column + address[1:] if column else address] = value

    return _change(path, edit)


def _files(kit) -> list[Problem]:
    """Files that are not usable workbooks at all."""
    path = kit.submissions / "06808.xlsx"
    problems: list[Problem] = []

    def read(content: bytes) -> None:
        path.write_bytes(content)
        problems.extend(kit.read(path)[1])

    read(b"")
    read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    read(b"id,name\n06808,x\n")
    read(b"PK\x03\x04 not really a zip")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    problems.extend(kit.read(path)[1])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/worksheets/sheet1.xml", b"\0" * (4 * 1024 * 1024))
    problems.extend(kit.read(path)[1])
    with open(path, "wb") as fh:
        fh.truncate(30 * 1024 * 1024)  # sparse: nothing written
    problems.extend(kit.read(path)[1])
    good = io.BytesIO(kit.filled().read_bytes())  # a real form; its workbook.xml declares
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:  # entities
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                body = b'<!DOCTYPE x [<!ENTITY a "a">]>' + body.split(b"?>", 1)[-1]
            target.writestr(info, body)
    problems.extend(kit.read(path)[1])
    path.unlink()
    path.mkdir()  # a folder named like a form: it cannot be read
    problems.extend(kit.read(path)[1])
    path.rmdir()
    return problems


def _identity(kit, blank: Path) -> list[Problem]:
    """Forms of another unit, year, level, format or criteria set, or with sheets missing."""
    district = Unit("09999", "Huyện Thử", "district", 2011, None)  # no criteria for it
    kit.units[district.id] = district
    stranger = Unit("99999", "Phường Lạ", "commune", 2011, None)
    old = kit.variant("old", kit.criteria_text.replace('version: "T1"', 'version: "T0"'))
    edited = kit.variant("edited", "# sửa chú thích\n" + kit.criteria_text)

    def no_header(wb: Workbook) -> None:
        ws = wb[SHEET_INPUTS]
        header = find_header(ws)
        assert header is not None
        ws.cell(row=header.row, column=header.columns[HEADER_CODE]).value = "?"

    as_commune = replace(district, level="commune")  # its form, then its level edited
    forms: list[Callable[[], Path]] = [  # made and read one at a time: names repeat
        lambda: kit.filled("06811.xlsx", blank=blank),
        lambda: kit.filled("99999.xlsx", blank=kit.blank("99999", unit=stranger)),
        lambda: kit.filled("06899.xlsx"),
        lambda: _change(
            kit.filled("09999.xlsx", blank=kit.blank("09999", unit=as_commune)),
            _set_meta("level", "district"),
        ),
        lambda: kit.filled(blank=kit.blank(year=2017)),
        lambda: kit.filled(blank=kit.blank(cset=old)),
        lambda: kit.filled(blank=kit.blank(cset=edited)),
    ]
    edits: list[Callable[[Workbook], None]] = [
        _set_meta("level", "district"),
        _set_meta("form_format", "9"),
        _set_meta("unit_id", None),
        _set_meta("year", None),
        lambda wb: wb.remove(wb[SHEET_META]),
        lambda wb: setattr(wb[SHEET_INPUTS], "title", "Sheet1"),
        no_header,
    ]
    problems = [p for make in forms for p in kit.read(make())[1]]
    for edit in edits:
        problems += kit.read(_change(kit.filled(blank=blank), edit))[1]
    return problems


def _cells(kit, blank: Path) -> list[Problem]:
    """Every kind of bad cell value, codes edited, values missing, checks across cells."""
    typed = {
        "A1.a": "1,234", "A1.b": "abc", "A2.a": "có lẽ", "A3.a": "120", "A4.a": "85%",
        "A5.a": "3,5", "B1.b": "100,5", "B2.1.a": "Không áp dụng", "B2.1.b": "-5",
    }  # fmt: skip
    path = kit.filled(values=typed, blank=blank)
    problems = kit.read(path)[1]
    typed = {"A3.a": "nửa", "A4.a": "nhiều", "A5.a": "ba"}
    problems += kit.read(kit.filled(values=typed, blank=blank))[1]
    path = kit.filled(values={"A1.b": "=10+10"}, blank=blank)
    raw = {"A1.a": True, "A3.a": "#DIV/0!", "B2.1.a": datetime(2018, 5, 1), "B2.1.b": time(9)}
    path = _set_cells(kit, path, raw)
    address = kit.cell(path, "B1.b")
    _edit_sheet_xml(path, address, f'<c r="{address}"><v>1E309</v></c>')  # infinite
    problems += kit.read(path)[1]
    codes = {"A3.a": None, "A4.a": "Z9.z", "B1.b": "B1.a"}
    path = _set_cells(kit, kit.filled(drop=("A1.b", "B1.a"), blank=blank), codes, column="A")
    problems += kit.read(path)[1]
    evidence = {c: e for c, e in kit.evidence.items() if c not in ("A1.a", "A1.b")}
    typed = {"A1.a": 25, "A3.a": 0.891, "A4.a": "1" + "0" * 400}  # a fraction, an infinity
    path = kit.filled(
        values=typed, verified={"A1.b": "15"}, notes={}, evidence=evidence, blank=blank
    )
    return problems + kit.read(path)[1]


def _folder(kit, blank: Path) -> list[Problem]:
    """Two files for one unit, another spreadsheet format, a stray document, no folder."""
    kit.filled(blank=blank)
    kit.filled("06808 (1).xlsx", blank=blank)
    (kit.submissions / "06811.xls").write_bytes(b"old")
    (kit.submissions / "notes.pdf").write_bytes(b"%PDF")
    (kit.submissions / "06811.xlsx ").write_bytes(b"PK")  # a trailing space
    (kit.submissions / "06811.xltx").write_bytes(b"PK")  # saved as a template
    (kit.submissions / "07141.xlsx").mkdir()  # a folder named like a form
    os.mkfifo(kit.submissions / "copy.xlsx")  # a pipe named like one: never opened
    units = list(kit.units.values())
    problems = read_submissions(kit.root, 2018, kit.criteria, units).problems
    return problems + read_submissions(kit.root / "none", 2018, kit.criteria, units).problems


# Kinds raised by other readers than the returned forms' (their own tests reach them).
ELSEWHERE = {
    "value.ratio_above_one_verified",
    "value.suspicious_change",
    "previous.has_errors",  # test_previous_year_problems below
    "previous.unreadable",
    "mapping.unknown_new",  # test_compare: test_a_mapping_line_naming_no_criterion...
    "mapping.unknown_old",
}


def test_every_kind_of_problem_is_reached_and_shown_in_english(form_kit, monkeypatch) -> None:
    """Every kind of problem of a returned form is reached here by a broken input, and
    shown in English from the catalogue (a msgid missing from it raises: the tests'
    warning filter, pyproject) with no Vietnamese of ours: a new kind fails this test
    until a broken input below reaches it (and so checks its English)."""
    blank = form_kit.root / "shared-blank.xlsx"  # kit.blank's own file is rewritten below
    shutil.copy(form_kit.blank_with_verified_column(), blank)
    problems = [
        *_files(form_kit),
        *_identity(form_kit, blank),
        *_cells(form_kit, blank),
        *_folder(form_kit, blank),
    ]
    monkeypatch.setattr(container, "MAX_CELLS", 5)  # the real limit: test_hostile_inputs
    problems += form_kit.read(form_kit.filled(blank=blank))[1]
    monkeypatch.setattr(container, "MAX_CELLS", 50_000)

    def reader_bug(*args: object) -> None:
        raise ValueError("a failure of the reader itself")

    monkeypatch.setattr(folder, "identify", reader_bug)
    problems += form_kit.read(form_kit.filled(blank=blank))[1]
    for problem in problems:
        assert problem.text("en") != problem.text("vi"), problem
        _assert_english(problem.format("en"), form_kit)
    kinds = {p.kind for p in problems}
    assert kinds <= set(KINDS)
    missed = {k for k in KINDS if not k.startswith("verification.")} - ELSEWHERE - kinds
    assert not missed, f"no broken input here reaches the kinds {sorted(missed)}"


def test_previous_year_problems_are_typed_and_shown_in_english(tmp_path, monkeypatch) -> None:
    """validate's look at the previous year: a damaged form of 2017 gives a warning of kind
    ``previous.has_errors`` quoting the first error in the reader's language; a 2017
    criteria file that cannot be read gives ``previous.unreadable``."""
    from helpers import DATA

    from scoring.analysis.validation import compare_with_previous
    from scoring.inputs.year import load

    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("2019", "2020", "share"))
    (data / "2017" / "submissions" / "06808.xlsx").write_bytes(b"not a workbook")
    inputs = load(data, 2018)
    found = [p for p in compare_with_previous(inputs) if p.kind.startswith("previous.")]
    assert [(p.kind, p.severity, p.found) for p in found] == [("previous.has_errors", "warning", 1)]
    assert found[0].file == str(data / "2017" / "submissions")
    assert "06808.xlsx" in found[0].text("en") and "Error:" in found[0].text("en")
    assert found[0].text("en").replace(str(data), "").isascii()
    assert "Lỗi:" in found[0].text("vi")

    (data / "criteria" / "2017" / "commune.yaml").write_text("groups: [", encoding="utf-8")
    found = [p for p in compare_with_previous(inputs) if p.kind.startswith("previous.")]
    assert [(p.kind, p.severity) for p in found] == [("previous.unreadable", "warning")]
    assert "commune.yaml" in found[0].text("en")


def test_units_without_a_form_are_one_line_not_one_each(tmp_path):
    """Issue 30: 22 lines "chưa nộp phiếu" repeated in every run."""
    import shutil

    from helpers import DATA, scoring

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    for uid in ("06808", "06811", "06814"):
        for kind in ("submissions", "verification"):
            (data / "2018" / kind / f"{uid}.xlsx").unlink(missing_ok=True)
    run = scoring("validate", "--year", "2018", "--data", str(data))
    lines = [line for line in run.stderr.splitlines() if "chưa nộp phiếu" in line]
    assert lines == ["Cảnh báo: 3 đơn vị chưa nộp phiếu: 06808, 06811, 06814"], run.stderr


def test_problem_lines_show_paths_relative_to_the_working_folder(tmp_path, monkeypatch):
    """Issue 30: a build (which resolves the data folder) named /abs/.../x.xlsx where
    validate named data/2018/.../x.xlsx. Both show the path from the working folder."""
    from scoring.inputs.submissions import file_problem
    from scoring.text import console

    monkeypatch.chdir(tmp_path)
    inside = tmp_path / "data" / "2018" / "submissions" / "196.xlsx"
    line = console.problem_line(file_problem(inside, "file.empty"))
    assert line.startswith("Lỗi: data/2018/submissions/196.xlsx") and str(tmp_path) not in line
    outside = Path("/elsewhere/196.xlsx")
    assert "/elsewhere/196.xlsx" in console.problem_line(file_problem(outside, "file.empty"))
    folder = tmp_path / "data" / "2017" / "submissions"  # the year before: its first error
    quoting = file_problem(
        folder, "previous.has_errors", year=2017, found=1, first=file_problem(inside, "file.empty")
    )
    line = console.problem_line(quoting)
    assert "data/2017/submissions: " in line and "Lỗi: data/2018/submissions/196.xlsx" in line
    assert str(tmp_path) not in line


def test_other_lines_show_paths_relative_to_the_working_folder(tmp_path, monkeypatch, capsys):
    """Issue 30: not only problem lines: "Đã tạo … trong <folder>" names a folder given
    as an absolute path from the working folder too."""
    from helpers import DATA

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    monkeypatch.chdir(tmp_path)
    assert main(["forms", "--year", "2018", "--data", str(data)]) == 0
    said = capsys.readouterr().err
    assert "trong data/2018/forms" in said and str(tmp_path) not in said
