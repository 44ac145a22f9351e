"""Next year in one command (make new-year) and blank forms that show last year's figures."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from helpers import DATA
from openpyxl import load_workbook

from dev.sample.fill import fill_form
from scoring.inputs.criteria import load_year
from scoring.inputs.forms import SHEET_INPUTS
from scoring.inputs.submissions import read_submission
from scoring.inputs.units import load_units


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args], capture_output=True, text=True, check=False
    )


def _data(tmp_path: Path, years: tuple[str, ...] = ("2019", "2020")) -> Path:
    data = tmp_path / "data"
    for year in years:
        shutil.copytree(DATA / "criteria" / year, data / "criteria" / year)
        shutil.copytree(DATA / year, data / year)
    shutil.copy(DATA / "units.csv", data / "units.csv")
    shutil.copy(DATA / "unit_changes.csv", data / "unit_changes.csv")
    return data


def test_new_year_then_forms_refused_until_the_legal_basis_is_edited(tmp_path: Path) -> None:
    data = _data(tmp_path)
    run = _run("new-year", "--year", "2021", "--data", str(data))
    assert run.returncode == 0, run.stderr
    assert "legal_basis" in run.stderr and "make forms" in run.stderr
    steps = run.stderr  # issue 30: validate came before forms, when no form exists yet
    assert steps.index("make forms") < steps.index("submissions") < steps.index("make validate")
    assert steps.index("make validate") < steps.index("make reports")
    folder = data / "criteria" / "2021"
    assert sorted(p.name for p in folder.iterdir()) == [
        "bands.yaml",
        "commune.yaml",
        "department.yaml",
        "district.yaml",
    ]  # mapping.csv links 2020 to 2019 only
    parsed = yaml.safe_load((folder / "commune.yaml").read_text(encoding="utf-8"))
    assert parsed["year"] == 2021 and parsed["version"] == "2021.1"
    assert parsed["title"].endswith("năm 2021") and len(parsed["legal_basis"]) == 1
    assert parsed["legal_basis"][0].startswith("CẦN SỬA")
    assert load_year(data, 2021).for_level("commune").max == 100  # a valid set
    # make forms refuses, naming the file, and writes nothing.
    run = _run("forms", "--year", "2021", "--data", str(data))
    assert run.returncode == 2, run.stderr
    for name in ("commune.yaml", "department.yaml", "district.yaml"):  # all at once (issue 30)
        assert name in run.stderr, name
    assert "CẦN SỬA" in run.stderr and not (data / "2021" / "forms").exists()
    # Again: the folder exists and is kept.
    assert _run("new-year", "--year", "2021", "--data", str(data)).returncode == 2
    for path in folder.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = text.replace(parsed["legal_basis"][0], "Quyết định số 9/QĐ-UBND ngày 1/7/2021")
        path.write_text(text, encoding="utf-8")
    run = _run("forms", "--year", "2021", "--data", str(data), "--lang", "en")
    assert run.returncode == 0, run.stderr
    assert (data / "2021" / "forms" / "06820.xlsx").is_file()
    count = len(list((data / "2021" / "forms").glob("*.xlsx")))
    assert f"Wrote {count} survey forms of 2021 in " in run.stderr  # OUTPUT_LANG=en
    run = _run("new-year", "--year", "2022", "--data", str(data), "--lang", "en")
    assert run.returncode == 0, run.stderr
    assert "from the criteria set of 2021" in run.stderr and "Next steps:" in run.stderr
    assert "Việc tiếp theo" not in run.stderr


def _previous_column(path: Path) -> tuple[str, dict[str, str]]:
    ws = load_workbook(path)[SHEET_INPUTS]
    heading, found = "", {}
    for row in ws.iter_rows():
        if row[0].value == "Mã":
            heading = str(row[7].value)
        elif row[7].value is not None:
            found[str(row[0].value)] = str(row[7].value)
            assert row[7].protection.locked and row[7].fill.fgColor.rgb.endswith("D9D9D9")
            assert row[7].font.italic
    return heading, found


def test_blank_forms_show_last_years_figures(tmp_path: Path) -> None:
    data = _data(tmp_path)
    out = tmp_path / "forms"
    run = _run("forms", "--year", "2020", "--data", str(data), "--out", str(out))
    assert run.returncode == 0, run.stderr
    from scoring.inputs.source import assess as year_result

    before = year_result(data, 2019)
    heading, figures = _previous_column(out / "06808.xlsx")
    assert heading.startswith("Số liệu năm 2019 (đã thẩm định")  # 06808 was verified
    values = before.official_values("06808")
    assert figures["A1.1.b"] == f"{values['A1.1.b']:g}"
    assert figures["B2.5.a"] == f"{values['B2.4.a']:g}"  # renamed by mapping.csv
    # The merged ward sees both predecessors, named; the basis is mixed.
    heading, figures = _previous_column(out / "06820.xlsx")
    assert "gồm số thẩm định và tự đánh giá" in heading
    assert figures["A1.1.b"].startswith("Xã Điền Công: ")
    assert "; Phường Trưng Vương: " in figures["A1.1.b"]
    # A form with the column still reads as any form.
    units = {u.id: u for u in load_units(data / "units.csv")}
    criteria = load_year(data, 2020)
    cset = criteria.for_level("commune")
    typed = {
        c: ("Có" if i.kind == "yes_no" else 1) for c, i in cset.inputs.items() if i.kind != "points"
    }
    filled = tmp_path / "06808.xlsx"
    fill_form(out / "06808.xlsx", filled, typed, evidence=dict.fromkeys(typed, "Báo cáo số 1"))
    sub, problems = read_submission(filled, criteria, units, 2020)
    assert sub is not None, [p.format() for p in problems]
    assert not [p for p in problems if p.severity == "error"]


def test_no_previous_year_no_column(tmp_path: Path) -> None:
    data = _data(tmp_path, ("2019",))
    out = tmp_path / "forms"
    assert _run("forms", "--year", "2019", "--data", str(data), "--out", str(out)).returncode == 0
    ws = load_workbook(out / "06808.xlsx")[SHEET_INPUTS]
    assert ws.max_column == 7


def test_validate_a_year_without_any_form_says_what_comes_first(tmp_path: Path) -> None:
    """Issue 30: validate blamed "1 lỗi ... trong phiếu" when no form existed yet."""
    data = _data(tmp_path)
    assert _run("new-year", "--year", "2021", "--data", str(data)).returncode == 0
    run = _run("validate", "--year", "2021", "--data", str(data))
    assert run.returncode == 1
    assert "Năm 2021 chưa có phiếu nào" in run.stderr and "make forms YEAR=2021" in run.stderr
    assert "trong phiếu trước khi chấm điểm" not in run.stderr
