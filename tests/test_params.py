"""Notebook parameters as an analyst passes them by hand to papermill."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import ANALYST_DATA, DATA, ROOT

from scoring.inputs import params
from scoring.text.errors import ScoringError


def papermill(tmp_path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            "notebooks/unit_report.ipynb",
            str(tmp_path / "o.ipynb"),
        ]
        + list(args),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.e2e
def test_papermill_by_hand_takes_an_integer_unit_id(tmp_path):
    run = papermill(tmp_path, "-p", "unit_id", "06808", "-p", "year", "2018")  # papermill: 6808
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Phường Vàng Danh" in (tmp_path / "o.ipynb").read_text(encoding="utf-8")


@pytest.mark.e2e
def test_papermill_by_hand_with_a_year_without_data_lists_the_years(tmp_path):
    run = papermill(tmp_path, "-p", "unit_id", "196", "-p", "year", "2030")
    assert run.returncode != 0
    assert "Năm '2030' không có dữ liệu" in run.stderr and "2017, 2018" in run.stderr


def test_numeric_unit_ids_match_by_their_digits():
    known = ["196", "06808", "196-VP"]
    assert params.unit_id(196, known, 2018) == "196"
    assert params.unit_id(6808, known, 2018) == "06808"
    assert params.unit_id(" 196-VP ", known, 2018) == "196-VP"


def test_unknown_unit_lists_the_units_with_scores():
    with pytest.raises(ScoringError, match=r"Đơn vị '999' .*: 06808, 196"):
        params.unit_id(999, ["196", "06808"], 2018)


def test_year_accepts_text_and_refuses_years_without_data():
    assert params.year(DATA, "2018") == 2018
    with pytest.raises(ScoringError, match="các năm có dữ liệu: 2017, 2018"):
        params.year(DATA, 1999)


def test_default_data_dir_is_found_from_the_project_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert params.data_dir("../data").resolve() == ANALYST_DATA.resolve()
    monkeypatch.chdir(ROOT / "notebooks")
    assert params.data_dir("../data").resolve() == ANALYST_DATA.resolve()
    with pytest.raises(ScoringError, match="Không tìm thấy thư mục dữ liệu 'nowhere'"):
        params.data_dir("nowhere")


def test_tests_read_a_copy_of_the_committed_sample_not_the_analysts_data():
    """A year the analyst adds to data/ (issue 30: 2021) must not change what tests expect."""
    assert DATA.resolve() != ANALYST_DATA.resolve()
    committed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-tree", "--name-only", "HEAD:data"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert sorted(p.name for p in DATA.iterdir()) == sorted(committed)
