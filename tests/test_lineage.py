"""unit_changes.csv: mergers, splits and renames checked against units.csv."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scoring.inputs.lineage import Lineage, load_changes, load_changes_file
from scoring.inputs.units import load_units
from scoring.text.errors import UnitsError

UNITS = """\
id,name,level,valid_from,valid_to
196,Thành phố,district,2011,
A,Phường A,commune,2011,
B,Xã B,commune,2011,2019
C,Phường C,commune,2011,2019
C1,Phường C1,commune,2020,
C2,Phường C2,commune,2020,
D,Xã D,commune,2011,2019
E,Phường E,commune,2020,
"""
BASIS = "Nghị quyết số 1/NQ-UBTVQH14"
GOOD = f"""\
year,from,to,kind,basis
2020,B,A,merge,{BASIS}
2020,A,A,merge,{BASIS}
2020,C,C1,split,{BASIS}
2020,C,C2,split,{BASIS}
2020,D,E,rename,{BASIS}
"""


def _write(tmp_path: Path, changes: str, units: str = UNITS) -> Path:
    (tmp_path / "units.csv").write_text(units, encoding="utf-8")
    path = tmp_path / "unit_changes.csv"
    path.write_text(changes, encoding="utf-8")
    return path


def _load(tmp_path: Path, changes: str, units: str = UNITS) -> Lineage:
    path = _write(tmp_path, changes, units)
    return load_changes_file(path, load_units(tmp_path / "units.csv"))


def test_lineage_answers_merge_split_rename(tmp_path: Path) -> None:
    lineage = _load(tmp_path, GOOD)
    merge = lineage.formed("A", 2020)
    assert merge is not None and merge.kind == "merge"
    assert set(merge.sources) == {"A", "B"} and merge.basis == BASIS
    split = lineage.formed("C2", 2020)
    assert split is not None and split.sources == ("C",) and split.targets == ("C1", "C2")
    assert lineage.became("B", 2020) is not None and lineage.became("A", 2020) is None
    assert lineage.formed("A", 2019) is None
    assert lineage.lineage_id("B") == "A" and lineage.lineage_id("A") == "A"
    assert lineage.lineage_id("C") == lineage.lineage_id("C1") == "C1+C2"
    assert lineage.lineage_id("D") == "E" and lineage.lineage_id("196") == "196"


def test_missing_file_is_no_change(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    assert load_changes(tmp_path).changes == ()


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("2020,X9,A,merge,b", "dòng 4, cột from: mã đơn vị 'X9' không có trong units.csv"),
        ("20x0,B,A,merge,b", "dòng 4, cột year: cần một năm (4 chữ số)"),
        ("2020,B,A,absorb,b", "dòng 4, cột kind: 'absorb' không hợp lệ"),
        ("2020,B,A,merge,", "dòng 4, cột basis: thiếu căn cứ"),
    ],
)
def test_bad_row_is_named(tmp_path: Path, row: str, expected: str) -> None:
    text = f"year,from,to,kind,basis\n2020,A,A,merge,b\n2020,D,A,merge,b\n{row}\n"
    with pytest.raises(UnitsError) as err:
        _load(tmp_path, text)
    assert "unit_changes.csv" in str(err.value) and expected in str(err.value)


def test_years_must_meet(tmp_path: Path) -> None:
    """B merged in 2021 but units.csv ends it in 2019: the years do not meet."""
    text = "year,from,to,kind,basis\n2021,B,A,merge,b\n2021,A,A,merge,b\n"
    with pytest.raises(UnitsError, match=r"dòng 2, cột from: đơn vị B không còn hiệu lực năm 2020"):
        _load(tmp_path, text)
    text = "year,from,to,kind,basis\n2019,B,A,merge,b\n2019,A,A,merge,b\n"
    with pytest.raises(UnitsError, match=r"valid_to '2019'; cần valid_to = 2018"):
        _load(tmp_path, text)
    text = "year,from,to,kind,basis\n2020,D,A,rename,b\n"
    with pytest.raises(UnitsError, match=r"cột to: đơn vị mới A có valid_from 2011.*= 2020"):
        _load(tmp_path, text)


def test_shapes_of_kinds(tmp_path: Path) -> None:
    with pytest.raises(UnitsError, match="cần ít nhất hai dòng 'from'"):
        _load(tmp_path, "year,from,to,kind,basis\n2020,B,A,merge,b\n")
    with pytest.raises(UnitsError, match="cần ít nhất hai dòng 'to'"):
        _load(tmp_path, "year,from,to,kind,basis\n2020,C,C1,split,b\n")


def test_cycle_is_refused(tmp_path: Path) -> None:
    units = UNITS + "F,Phường F,commune,2011,\n"
    text = "year,from,to,kind,basis\n2020,E,F,rename,b\n2021,F,E,rename,b\n"
    with pytest.raises(UnitsError, match=r"vòng lặp \(E → F → E\)"):
        _load(tmp_path, text, units)


def test_validate_exits_2_on_a_bad_change(tmp_path: Path) -> None:
    """The command line names the line and exits 2, as for units.csv."""
    import shutil

    from helpers import DATA

    data = tmp_path / "data"
    shutil.copytree(DATA / "criteria" / "2018", data / "criteria" / "2018")
    shutil.copy(DATA / "units.csv", data / "units.csv")
    (data / "2018" / "submissions").mkdir(parents=True)
    (data / "unit_changes.csv").write_text(
        "year,from,to,kind,basis\n2020,07141,0682,merge,b\n2020,06820,06820,merge,b\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "scoring", "validate", "--year", "2018", "--data", str(data)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    assert "unit_changes.csv, dòng 2, cột to: mã đơn vị '0682' không có trong units.csv" in (
        run.stderr
    )


def test_sample_changes_are_valid() -> None:
    from helpers import DATA

    lineage = load_changes(DATA)
    event = lineage.formed("06820", 2020)
    assert event is not None and set(event.sources) == {"06820", "07141"}
    assert "837/NQ-UBTVQH14" in event.basis
    assert lineage.became("07141", 2020) == event


def test_a_chain_of_1500_renames_is_checked_without_recursion(tmp_path: Path) -> None:
    """Issue 29: the cycle check recursed once per rename (RecursionError at ~1 000)."""
    n = 1500
    units = "id,name,level,valid_from,valid_to\n" + "".join(
        f"U{i},Xã {i},commune,{2011 + i},{2011 + i if i < n else ''}\n" for i in range(n + 1)
    )
    rows = "".join(f"{2012 + i},U{i},U{i + 1},rename,b\n" for i in range(n))
    lineage = _load(tmp_path, "year,from,to,kind,basis\n" + rows, units)
    assert lineage.lineage_id("U0") == f"U{n}"
    looped = rows + f"{2012 + n},U{n},U0,rename,b\n"
    with pytest.raises(UnitsError, match=r"vòng lặp \(U0 → U1 → .* → U1500 → U0\)"):
        _load(tmp_path, "year,from,to,kind,basis\n" + looped, units)


def test_a_folder_in_place_of_unit_changes_csv_is_an_error(tmp_path: Path) -> None:
    """Issue 29: a folder named unit_changes.csv was silently taken as no changes."""
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "unit_changes.csv").mkdir()
    with pytest.raises(UnitsError, match=r"unit_changes.csv: không đọc được tệp"):
        load_changes(tmp_path)
