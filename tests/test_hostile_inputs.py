"""Inputs that people and tools really produce, each built here (issue 13's table): every
one gets a clear message naming where it is, or is read in bounded time, never a crash,
never a silent lie. Large files are generated in the test, never committed.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import unicodedata
import zipfile
from pathlib import Path

import pytest
from conftest import BANDS, UNITS, YEAR
from openpyxl import load_workbook
from test_submissions import _edit_sheet_xml

from dev.synthetic import LAST_ROW, far_cell_form, measure_validate, styled_rows_form
from scoring import cli
from scoring.inputs.criteria import load_year
from scoring.inputs.forms import SHEET_META
from scoring.inputs.sheetxml import compact_workbook
from scoring.inputs.submissions import MAX_CELLS, read_submissions
from scoring.inputs.units import load_units
from scoring.text.errors import CriteriaError, UnitsError

HEADER = "id,name,level,valid_from,valid_to\n"


def _units_csv(root: Path, rows: str = "", encoding: str = "utf-8") -> Path:
    lines = [f"{u.id},{u.name},{u.level},{u.valid_from},{u.valid_to or ''}" for u in UNITS]
    path = root / "units.csv"
    path.write_bytes((HEADER + "\n".join(lines) + "\n" + rows).encode(encoding, "replace"))
    return path


def _collect(kit):
    return read_submissions(kit.root, YEAR, kit.criteria, list(kit.units.values()))


# ---------------------------------------------------------------- values that lie or crash


def test_a_400_digit_count_is_refused_at_its_cell_and_other_forms_still_checked(form_kit):
    path = form_kit.filled()
    address = form_kit.cell(path, "A1.a")
    _edit_sheet_xml(path, address, f'<c r="{address}"><v>1{"0" * 399}</v></c>')
    form_kit.filled("06811.xlsx", values={"A1.b": "abc"})
    problems = _collect(form_kit).errors
    mine = [p for p in problems if p.file == str(path)]
    assert [(p.cell, p.code) for p in mine] == [(address, "A1.a")]
    assert mine[0].kind == "value.not_finite"
    assert len(mine[0].text("vi")) < 300  # the 400 digits are quoted shortened
    assert len(mine[0].text("en")) < 300
    assert any(p.file.endswith("06811.xlsx") and p.code == "A1.b" for p in problems)


def test_a_huge_number_typed_as_text_is_not_infinity(form_kit):
    path = form_kit.filled(values={"A4.a": "1" + "0" * 400})
    submission, problems = form_kit.read(path)
    assert submission is None
    assert [p.code for p in problems if p.is_error] == ["A4.a"]
    assert problems[0].kind == "value.not_finite" and problems[0].cell is not None


@pytest.mark.parametrize("typed", [0.891, "0,891", "=178/200"])
def test_a_share_typed_as_a_fraction_is_a_warning_naming_the_cell(form_kit, typed):
    path = form_kit.filled(values={"A3.a": 0.891 if typed == "=178/200" else typed})
    address = form_kit.cell(path, "A3.a")
    if typed == "=178/200":  # a formula Excel calculated: the cached value is 0,89
        _edit_sheet_xml(path, address, f'<c r="{address}"><f>178/200</f><v>0.89</v></c>')
    submission, problems = form_kit.read(path)
    assert submission is not None
    assert [(p.severity, p.cell, p.code) for p in problems] == [("warning", address, "A3.a")]
    meant = 89.0 if typed == "=178/200" else 89.1
    assert problems[0].kind == "value.looks_like_fraction"
    assert problems[0].expected == pytest.approx(meant)


@pytest.mark.parametrize("code", ["A4.a", "A1.b"])
def test_a_number_in_a_percent_formatted_cell_that_is_no_share_is_refused(form_kit, code):
    """Issue 29: an amount cell formatted 0% holding 0,5 (Excel shows 50 %) was read as
    0,5 with no word: the unit may have meant 50."""
    path = form_kit.filled(values={code: 0.5 if code == "A4.a" else 5})
    address = form_kit.cell(path, code)
    wb = load_workbook(path)
    cell = next(ws[address] for ws in wb.worksheets if ws[address].value in (0.5, 5))
    cell.number_format = "0%"
    wb.save(path)
    submission, problems = form_kit.read(path)
    assert submission is None
    bad = [(p.kind, p.cell, p.code) for p in problems if p.is_error]
    assert bad == [("value.percent_not_share", address, code)]
    shown = "50 %" if code == "A4.a" else "500 %"
    line = next(p for p in problems if p.is_error).format()
    assert f"Excel hiển thị {shown}; chỉ tỷ lệ" in line, line


def test_a_share_with_a_percent_format_is_no_fraction(form_kit):
    path = form_kit.filled(values={"A3.a": "0,5%"})
    assert form_kit.read(path)[1] == []


# ---------------------------------------------------------------- bounded cost


def test_a_form_with_500_000_styled_empty_rows_is_read_from_its_filled_cells_only(form_kit):
    """The styled empty rows are dropped before openpyxl loads the sheet, so reading costs
    what the filled cells cost (time is measured by `make bench`, line g, not here); the
    form is accepted, and the validating process stays far below 300 MB."""
    target = form_kit.filled()
    _units_csv(form_kit.root)
    src = target.with_name("src.xlsx.bak")
    target.rename(src)
    styled_rows_form(src, target, rows=500_000)
    rows_before = _sheet_rows(target.read_bytes())
    compacted = _sheet_rows(compact_workbook(target.read_bytes(), MAX_CELLS))
    assert rows_before > 500_000 and compacted <= _sheet_rows(src.read_bytes())
    src.unlink()
    unpacked = sum(i.file_size for i in zipfile.ZipFile(target).infolist())
    assert target.stat().st_size > 5e6 and 90e6 < unpacked < 100e6
    _, megabytes, status, err = measure_validate(form_kit.root, YEAR)
    assert "đã nộp 1" in err and "có lỗi 0 đơn vị" in err and status == 0, err
    assert megabytes <= 300, megabytes


def _sheet_rows(xlsx: bytes) -> int:
    """Rows written in the form's worksheets (what openpyxl would load)."""
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return sum(
            z.read(n).count(b"<row ") for n in z.namelist() if n.startswith("xl/worksheets/sheet")
        )


def test_one_space_in_the_last_cell_is_read_like_any_form(form_kit):
    """A space typed in A1048576 makes openpyxl size the sheet to a million rows; the
    compacted sheet keeps only the rows that hold something, and the form reads cleanly."""
    normal = form_kit.filled("06811.xlsx")
    far = form_kit.submissions / "06808.xlsx"
    far_cell_form(form_kit.filled(), far)
    assert f"A{LAST_ROW}" in zipfile.ZipFile(far).read("xl/worksheets/sheet1.xml").decode()
    compacted = compact_workbook(far.read_bytes(), MAX_CELLS)
    assert _sheet_rows(compacted) <= _sheet_rows(normal.read_bytes()) + 1
    for path in (normal, far):
        submission, problems = form_kit.read(path)
        assert submission is not None and problems == []


# ---------------------------------------------------------------- the unit list


@pytest.mark.parametrize("char", ["\x0b", "\x00", "\x1b"])
def test_a_control_character_in_a_unit_name_is_refused_naming_the_line(tmp_path, char):
    path = _units_csv(tmp_path, f"06899,Phường{char}Mới,commune,2019,\n")
    with pytest.raises(UnitsError) as caught:
        load_units(path)
    line = len(UNITS) + 2
    assert f"dòng {line}, cột name: có ký tự điều khiển" in str(caught.value)
    assert char not in str(caught.value)  # shown escaped


def test_units_csv_saved_as_plain_windows_csv_is_named(tmp_path):
    path = _units_csv(tmp_path, encoding="cp1258")
    with pytest.raises(UnitsError) as caught:
        load_units(path)
    assert "không phải UTF-8" in str(caught.value) and "CSV UTF-8" in str(caught.value)
    assert "dòng 2" in str(caught.value)  # the first unit name with diacritics
    assert "save it as 'CSV UTF-8" in caught.value.text("en")


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("06900,Phường Mới,commune,2019,2018\n", "năm kết thúc 2018 trước năm bắt đầu 2019"),
        ("06808,Phường Khác,commune,2011,\n", "trùng với mã ở dòng 2"),
        ("06808X,A,commune,2011,\n06808x,B,commune,2011,\n", "trùng với mã ở dòng 7"),
        ("06900,Phường Mới,commune,²⁰¹⁹,\n", "cần một năm (4 chữ số)"),
        ('06900,"' + "x" * 140_000 + '",commune,2019,\n', "không đọc được như CSV"),
    ],
)
def test_unit_list_mistakes_are_refused_naming_the_line(tmp_path, rows, expected):
    path = _units_csv(tmp_path, rows)
    with pytest.raises(UnitsError) as caught:
        load_units(path)
    assert expected in str(caught.value) and "dòng " in str(caught.value)
    assert len(str(caught.value)) < 400


# ---------------------------------------------------------------- the criteria files


def _criteria_file(root: Path, text: str) -> Path:
    folder = root / "criteria" / str(YEAR)
    folder.mkdir(parents=True)
    (folder / "commune.yaml").write_text(text, encoding="utf-8")
    (folder / "bands.yaml").write_text(BANDS, encoding="utf-8")
    return root


def test_yaml_aliases_are_refused_at_once(tmp_path):
    lines = ["a: &a ['x','x','x','x','x','x','x','x','x']"]
    pairs = zip("abcdefgh", "bcdefghi", strict=True)
    lines += [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in pairs]
    root = _criteria_file(tmp_path, "\n".join(lines) + "\n")
    assert (root / "criteria" / str(YEAR) / "commune.yaml").stat().st_size < 2000
    with pytest.raises(CriteriaError) as caught:  # before any expansion (a billion nodes)
        load_year(root, YEAR)
    assert "không dùng neo, bí danh YAML" in str(caught.value)
    assert len(str(caught.value)) < 1000


def test_a_20000_deep_yaml_list_is_one_clear_line(tmp_path, capsys):
    root = _criteria_file(tmp_path, "[" * 20_000 + "]" * 20_000 + "\n")
    _units_csv(root)
    status = cli.main(["validate", "--year", str(YEAR), "--data", str(root)])
    err = capsys.readouterr().err
    assert status == 2 and "lồng quá 64 cấp" in err
    assert "Traceback" not in err and len(err.splitlines()) == 1


# ---------------------------------------------------------------- what goes out


def test_a_unit_name_starting_with_equals_stays_text(form_kit, tmp_path):
    form_kit.units["06808"] = type(form_kit.units["06808"])(
        "06808", '=HYPERLINK("http://x")', "commune", 2011, None
    )
    path = form_kit.blank()
    cell = load_workbook(path)[SHEET_META]["B5"]  # unit_name
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
    import pandas as pd

    from scoring.analysis.tables import csv_bytes

    data = csv_bytes(pd.DataFrame({"name": ["=1+1", "Phường Vàng Danh", "-3"], "total": [1, 2, 3]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == [
        "name,total",
        "'=1+1,1",
        "Phường Vàng Danh,2",
        "'-3,3",
    ]


@pytest.mark.parametrize("kind", ["space", "template", "folder", "fifo"])
def test_a_file_named_like_a_form_that_is_not_one_is_an_error(form_kit, kind):
    folder = form_kit.submissions
    path = {
        "space": folder / "06808.xlsx ",
        "template": folder / "06808.xltx",
        "folder": folder / "06808.xlsx",
        "fifo": folder / "06808.xlsx",
    }[kind]
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # never opened: reading it would wait for a writer forever
    else:
        form_kit.filled(blank=form_kit.blank())
        (folder / "06808.xlsx").rename(path)
    collection = _collect(form_kit)
    mine = [p for p in collection.problems if p.file == str(path)]
    assert [p.severity for p in mine] == ["error"], collection.problems
    assert "06808" not in collection.missing
    kinds = {
        "space": "folder.name_spaces",
        "template": "folder.template_file",
        "folder": "folder.is_folder",
        "fifo": "folder.not_regular_file",
    }
    assert mine[0].kind == kinds[kind]


def test_a_newline_in_a_file_name_cannot_forge_a_line(form_kit):
    form_kit.filled(blank=form_kit.blank())
    forged = form_kit.submissions / "x\nLỗi: giả mạo.xlsx"
    shutil.copy(form_kit.submissions / "06808.xlsx", forged)
    lines = [p.format() for p in _collect(form_kit).problems if "giả mạo" in p.file]
    assert lines and all("\n" not in line and "x\\nLỗi" in line for line in lines)


def test_a_100000_character_value_is_quoted_short(form_kit):
    path = form_kit.filled(values={"A1.a": "9" * 50 + "x" * 100_000})
    _, problems = form_kit.read(path)
    assert len(problems) == 1 and len(problems[0].format()) < 400
    assert "…" in str(problems[0].found)


def test_the_reports_date_never_comes_from_a_units_file_or_file_times(form_kit, tmp_path):
    """Issue 30: the date came from the clone's file times. The reports' date is the day
    the build first saw the inputs' content (or SOURCE_DATE_EPOCH's), never a date a
    form's metadata claims (2099 here), and a file only touched keeps it."""
    import datetime as dt

    from scoring.build.state import Records
    from scoring.config import BuildConfig
    from scoring.inputs import year as year_inputs
    from scoring.inputs.snapshot import inputs_digest
    from scoring.model import result as pipeline

    path = form_kit.filled()
    with zipfile.ZipFile(path) as src:
        entries = [(i, src.read(i)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = data.replace(b">2018-", b">2099-")
            dst.writestr(info, data)
    _units_csv(form_kit.root)
    assert load_workbook(path).properties.modified.year == 2099
    records = Records(tmp_path / "build" / str(YEAR))
    content = inputs_digest(pipeline.score(year_inputs.load(form_kit.root, YEAR)))
    today = dt.datetime.now(dt.UTC).date()
    assert records.content_date(content) == today
    dates = records.folder / "dates.json"
    dates.write_text(json.dumps({content: "2019-01-01"}), encoding="utf-8")  # built back then
    os.utime(path, (4102444800, 4102444800))  # touched (a time in 2100): same content
    again = inputs_digest(pipeline.score(year_inputs.load(form_kit.root, YEAR)))
    assert again == content and records.content_date(again).isoformat() == "2019-01-01"
    assert records.content_date("other content") == today
    fixed = BuildConfig.read({"SOURCE_DATE_EPOCH": "1537228800"}).fixed_date()  # 18/9/2018
    assert records.content_date(content, fixed).isoformat() == "2018-09-18"


def test_a_result_carries_its_date_into_the_snapshot(form_kit):
    """The date is set once per result by the build: the kernels, which get the result
    from the snapshot, show that date whatever the files' times say."""
    import datetime as dt

    from scoring.inputs import year as year_inputs
    from scoring.model import result as pipeline

    form_kit.filled()
    _units_csv(form_kit.root)
    result = year_inputs.dated(
        pipeline.score(year_inputs.load(form_kit.root, YEAR)), dt.date(2019, 1, 1)
    )
    for file in form_kit.root.rglob("*"):
        os.utime(file, (1600000000, 1600000000))  # 13/9/2020
    kept = pickle.loads(pickle.dumps(result))  # as a kernel gets it from the snapshot
    assert year_inputs.build_date(kept).isoformat() == "2019-01-01"
    undated = pipeline.score(year_inputs.load(form_kit.root, YEAR))  # JupyterLab: file times
    assert year_inputs.build_date(undated).isoformat() == "2020-09-13"


def test_a_write_that_fails_is_one_clear_line_exit_2(form_kit, tmp_path, capsys):
    form_kit.filled(blank=form_kit.blank())
    _units_csv(form_kit.root)
    not_a_folder = tmp_path / "reports"
    not_a_folder.write_text("a file where the reports folder should be")
    status = cli.main(
        ["score", "--year", str(YEAR), "--data", str(form_kit.root), "--reports", str(not_a_folder)]
    )
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("Lỗi: không ghi hoặc đọc được")
    assert len(err.splitlines()) == 1


def test_a_full_disk_is_one_clear_line_exit_2(form_kit, tmp_path, capsys, monkeypatch):
    import errno

    from scoring import io as scoring_io

    form_kit.filled(blank=form_kit.blank())
    _units_csv(form_kit.root)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "r" / "x.tmp"))

    monkeypatch.setattr(scoring_io.tempfile, "mkstemp", full)
    status = cli.main(
        [
            "score",
            "--year",
            str(YEAR),
            "--data",
            str(form_kit.root),
            "--reports",
            str(tmp_path / "r"),
        ]
    )
    err = capsys.readouterr().err
    assert status == 2 and "No space left on device" in err and len(err.splitlines()) == 1


def test_a_write_that_fills_the_disk_names_the_file(form_kit, tmp_path, capsys, monkeypatch):
    """Issue 29: a full disk fails a write() with no file name, and the line said only
    "No space left on device"."""
    import errno

    form_kit.filled(blank=form_kit.blank())
    _units_csv(form_kit.root)

    def full(self: Path, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_bytes", full)
    reports = tmp_path / "r"
    status = cli.main(
        ["score", "--year", str(YEAR), "--data", str(form_kit.root), "--reports", str(reports)]
    )
    err = capsys.readouterr().err
    assert status == 2 and "No space left on device" in err and len(err.splitlines()) == 1
    assert f" {reports}{os.sep}" in err  # the file that could not be written
    assert not any(p.is_file() for p in reports.rglob("*"))


@pytest.mark.parametrize("name", ["Phường $x^2$", "Xã $\\frac{1}{0", "$$", "A $ B $ C"])
def test_dollar_signs_in_names_are_drawn_literally(name):
    from scoring.views import charts

    png = charts.groups_against_max([name, "B. Kết quả"], [3.0, 4.0], [5.0, 5.0])
    assert png.startswith(b"\x89PNG")
    peers = charts.subgroups_against_peers(["A1", name], [50.0, 60.0], [40.0, 70.0], name)
    assert peers.startswith(b"\x89PNG")
    pages = charts.heatmap([name, "Phường Vàng Danh"], ["A1", name], [[50.0, None], [1.0, 2.0]])
    assert pages and all(p.startswith(b"\x89PNG") for p in pages)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    text = ax.text(0, 0, name)
    fig.canvas.draw()  # mathtext would fail on "$\\frac{1}{0" and "$$"
    assert text.get_text() == name and plt.rcParams["text.parse_math"] is False
    plt.close(fig)


# ---------------------------------------------------------------- the previous year


def _year_2017(kit) -> Path:
    """The kit's criteria as a 2017 set, and the folder of 2017 forms."""
    from conftest import MINI_CRITERIA

    folder = kit.root / "criteria" / "2017"
    folder.mkdir(parents=True)
    (folder / "commune.yaml").write_text(MINI_CRITERIA.replace("year: 2018", "year: 2017"))
    (folder / "bands.yaml").write_text(BANDS, encoding="utf-8")
    forms = kit.root / "2017" / "submissions"
    forms.mkdir(parents=True)
    return forms


def test_suspicious_changes_since_last_year_are_warnings_naming_both_values(form_kit, capsys):
    from conftest import EVIDENCE, NOTES, VALID

    from dev.sample.fill import fill_form

    forms = _year_2017(form_kit)
    cset = load_year(form_kit.root, 2017).for_level("commune")
    last_year = {**VALID, "A1.a": 5, "A3.a": 20, "A2.a": "Không", "B1.a": 4}
    blank = form_kit.blank(year=2017, cset=cset)
    fill_form(blank, forms / "06808.xlsx", last_year, evidence=EVIDENCE, notes=NOTES)
    evidence = {c: e for c, e in EVIDENCE.items() if c != "A2.a"}
    path = form_kit.filled(evidence=evidence)  # A1.a 18, A3.a 85, A2.a Có, B1.a 5
    _units_csv(form_kit.root)
    status = cli.main(["validate", "--year", str(YEAR), "--data", str(form_kit.root)])
    lines = [line for line in capsys.readouterr().err.splitlines() if "năm 2017 là" in line]
    assert status == 0 and len(lines) == 3, lines
    cell = {code: form_kit.cell(path, code) for code in ("A1.a", "A2.a", "A3.a")}
    assert f"ô {cell['A1.a']}, mã A1.a: cần xem lại: năm 2017 là 5, năm 2018 là 18" in lines[0]
    assert all("trang tính 'Phiếu khảo sát', ô " in line for line in lines)  # issue 30
    assert "thay đổi hơn 3 lần" in lines[0]
    assert f"ô {cell['A2.a']}, mã A2.a: cần xem lại: năm 2017 là Không, năm 2018 là Có" in lines[1]
    assert f"ô {cell['A3.a']}, mã A3.a: cần xem lại: năm 2017 là 20, năm 2018 là 85" in lines[2]
    status = cli.main(
        ["validate", "--year", str(YEAR), "--data", str(form_kit.root), "--lang", "en"]
    )
    english = [line for line in capsys.readouterr().err.splitlines() if "in 2017" in line]
    assert "to check: 5 in 2017, 18 in 2018 (moved more than 3-fold)" in english[0]


def test_a_form_with_an_error_still_gets_its_suspicious_changes_in_the_same_run(form_kit, capsys):
    """Issue 30: every problem at once, both years' forms with an unrelated error."""
    from conftest import EVIDENCE, VALID

    from dev.sample.fill import fill_form

    forms = _year_2017(form_kit)
    cset = load_year(form_kit.root, 2017).for_level("commune")
    last_year = {**VALID, "A1.a": 5, "B1.a": 1}  # A5.a's points without a note: an error
    fill_form(
        form_kit.blank(year=2017, cset=cset), forms / "06808.xlsx", last_year, evidence=EVIDENCE
    )
    path = form_kit.filled(values={"B1.a": 7})  # B1.a above B1.b: its own value is refused
    _units_csv(form_kit.root)
    status = cli.main(["validate", "--year", str(YEAR), "--data", str(form_kit.root)])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "năm 2017 là" in line]
    assert status == 1 and "mã B1.a: tử số B1.a (7) lớn hơn mẫu số" in err, err
    assert len(lines) == 1 and "mã A1.a" in lines[0], lines
    assert f"ô {form_kit.cell(path, 'A1.a')}, mã A1.a: cần xem lại: năm 2017 là 5" in lines[0]
    assert "mã B1.a" not in lines[0]
    from scoring.inputs.year import load

    assert load(form_kit.root, YEAR).collection.submissions == {}  # never scored


def test_a_damaged_form_of_last_year_is_a_warning_and_the_report_says_so(form_kit, capsys):
    forms = _year_2017(form_kit)
    (forms / "06808.xlsx").write_bytes(b"PK\x03\x04 damaged")
    form_kit.filled()
    _units_csv(form_kit.root)
    status = cli.main(["validate", "--year", str(YEAR), "--data", str(form_kit.root)])
    err = capsys.readouterr().err
    assert status == 0 and "không đọc được đầy đủ dữ liệu năm 2017" in err
    assert "2017/submissions/06808.xlsx" in err
    from scoring.views.report import UnitReport

    report = UnitReport.build(form_kit.root, YEAR, "06808")
    assert "Không đọc được dữ liệu năm 2017" in report.previous_year()
    assert report.shown()["previous"]["unreadable"] is True


# ---------------------------------------------------------------- mapping.csv (issue 29)


def _cp1258_mapping(data: Path, year: int = 2018) -> Path:
    """A mapping.csv as Excel's plain "CSV" saves it: Windows-1258, a Vietnamese comment
    column so that a byte is not UTF-8 on line 2."""
    path = data / "criteria" / str(year) / "mapping.csv"
    text = "old_code,new_code,note\nA1.1,A1.1,Đã xem\n"
    path.write_bytes(unicodedata.normalize("NFD", text).encode("cp1258"))
    return path


def test_a_mapping_csv_saved_as_windows_1258_is_one_line_naming_it(tmp_path):
    from scoring.analysis.compare import read_mapping

    path = _cp1258_mapping(_criteria_dir(tmp_path))
    with pytest.raises(CriteriaError) as caught:
        read_mapping(path)
    assert str(caught.value).startswith(f"{path}, dòng 2: tệp không phải UTF-8")
    assert "save it as 'CSV UTF-8" in caught.value.text("en")


def test_a_folder_in_place_of_mapping_csv_is_named(tmp_path):
    from scoring.analysis.compare import read_mapping

    path = _criteria_dir(tmp_path) / "criteria" / "2018" / "mapping.csv"
    path.mkdir()
    with pytest.raises(CriteriaError, match="mapping.csv: không đọc được tệp"):
        read_mapping(path)


def test_validate_and_build_name_a_windows_1258_mapping_and_write_nothing(tmp_path):
    from helpers import build, scoring, small_data

    data = small_data(tmp_path, keep=("06808",))
    path = _cp1258_mapping(data)
    checked = scoring("validate", "--year", "2018", "--data", str(data))
    assert checked.returncode != 0 and "Traceback" not in checked.stderr
    assert f"{path}, dòng 2: tệp không phải UTF-8" in checked.stderr
    built = build(data, tmp_path)
    assert built.returncode != 0 and "Traceback" not in built.stderr
    assert f"{path}, dòng 2: tệp không phải UTF-8" in built.stderr
    reports = tmp_path / "reports"
    assert not reports.exists() or not any(p.is_file() for p in reports.rglob("*"))


def _criteria_dir(root: Path) -> Path:
    """``root`` with an empty ``criteria/2018`` folder: read_mapping needs no criteria."""
    (root / "criteria" / "2018").mkdir(parents=True)
    return root


def test_the_cell_limit_follows_the_criteria_set(form_kit, monkeypatch):
    """Issue 29: a criteria set of 8 000-9 000 criteria was accepted, but its own filled
    forms were refused at the fixed 50 000-cell limit, the unit told to delete the tool's
    rows. Scaled down: with a fixed limit of 5 cells, the kit's form is refused unless its
    set's rows raise the limit (as they do past BASE_ROWS)."""
    from scoring.inputs.submissions import container

    path = form_kit.filled()
    monkeypatch.setattr(container, "MAX_CELLS", 5)
    assert [p.kind for p in form_kit.read(path)[1] if p.is_error] == ["file.too_many_cells"]
    assert container.cell_limit(form_kit.criteria) == 5
    monkeypatch.setattr(container, "BASE_ROWS", 0)
    rows = max(len(c.nodes) + len(c.inputs) for c in form_kit.criteria.levels.values())
    assert container.cell_limit(form_kit.criteria) == 5 + container.CELLS_PER_ROW * rows
    submission, problems = form_kit.read(path)
    assert submission is not None and not [p for p in problems if p.is_error]


def test_a_660_character_unit_name_is_refused_naming_its_line(tmp_path):
    """Issue 29: a 660-character name made a To header of 1 137 octets in the .eml draft
    (RFC 5322 allows 998); 150 characters of Vietnamese keep it within."""
    from scoring.inputs.units import MAX_NAME
    from scoring.share.outbox import message

    path = _units_csv(tmp_path, "06899," + "Ặ" * 660 + ",commune,2019,\n")
    with pytest.raises(UnitsError) as caught:
        load_units(path)
    assert f"dòng {len(UNITS) + 2}, cột name: tên đơn vị dài 660 ký tự, tối đa 150" in str(
        caught.value
    )
    longest = message("Ặ" * MAX_NAME, "a" * 64 + "@" + "b" * 189 + ".vn", "x", "y", [])
    assert all(len(line) <= 998 for line in longest.split(b"\r\n"))
