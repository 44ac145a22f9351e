"""trends.html / trends.pdf across every year with data, and the index of every year."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from helpers import DATA
from pypdf import PdfReader

import scoring
from scoring.analysis import trends


def test_band_moves_follow_the_lineage() -> None:
    totals = scoring.load_totals(DATA)
    moves = trends.band_moves(totals)
    dien_cong = moves[(moves["lineage"] == "06820") & (moves["year"] == 2018)]
    assert list(dien_cong["before"]) == ["Trung bình"] and list(dien_cong["after"]) == ["Yếu"]
    # Trưng Vương 2020 (Tốt) against Điền Công (Yếu) and itself (Tốt) in 2019: no move.
    assert moves[(moves["lineage"] == "06820") & (moves["year"] == 2020)].empty
    assert set(moves["direction"]) == {1, -1}
    groups = trends.city_groups(scoring.load_scores(DATA))
    assert list(groups.index) == ["A", "B", "C"] and list(groups.columns) == [
        2017,
        2018,
        2019,
        2020,
    ]


def test_trends_page_and_index_of_every_year(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    (reports / "2018").mkdir(parents=True)
    run = subprocess.run(
        [sys.executable, "-m", "scoring", "trends", "--data", str(DATA), "--reports", str(reports)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    page = (reports / "trends.html").read_text(encoding="utf-8")
    assert "Xu hướng chính quyền điện tử qua các năm 2017–2020" in page
    assert "Phường Trưng Vương <small>(gộp)</small>" in page  # the merged line
    assert "Đơn vị thay đổi xếp loại" in page and "http" not in page.split("<body>")[1]
    text = "".join(p.extract_text() for p in PdfReader(reports / "trends.pdf").pages)
    assert "Xu hướng chính quyền điện tử" in text and "Trưng Vương" in text
    index = (reports / "index.html").read_text(encoding="utf-8")
    for year in (2017, 2018, 2019, 2020):  # every year with data, none built here
        assert f"make reports YEAR={year}" in index
    assert 'href="trends.html"' in index and 'href="trends.pdf"' in index
    # Unchanged data: the page is not rewritten, the PDF not printed again.
    before = (reports / "trends.pdf").stat().st_mtime_ns
    from scoring.views.trends import write_trends

    assert write_trends(DATA, reports) is False
    assert (reports / "trends.pdf").stat().st_mtime_ns == before


def test_reports_all_makes_the_good_years_and_their_trends_when_one_year_fails(tmp_path):
    """Issue 30: one bad form in one year stopped `make reports-all` before the trends of
    the good years. Every year is tried, the trends are made of those that score, and
    the run fails naming the year that did not build."""
    from helpers import ROOT, small_data

    data = small_data(tmp_path, keep=("196", "06808"))
    (data / "2017" / "submissions" / "06808.xlsx").write_bytes(b"not a workbook")
    out = tmp_path / "out"
    run = subprocess.run(
        ["make", "--no-print-directory", "-s", "reports-all", f"DATA={data}", "JOBS=1"]
        + [f"REPORTS={out / 'reports'}", f"BUILD={out / 'build'}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "Chưa lập được báo cáo năm 2017" in run.stderr
    assert (out / "reports" / "2018" / "ranking.pdf").is_file()
    page = (out / "reports" / "trends.html").read_text(encoding="utf-8")
    assert "2018" in page
    # Issue 30: a second run rebuilt 25 of 26 unchanged reports. Now it rebuilds none.
    again = subprocess.run(run.args, cwd=ROOT, capture_output=True, text=True, check=False)
    assert re.search(r"Năm 2018: (không có gì thay đổi|lập 0 báo cáo)", again.stderr), again.stderr


def test_a_merged_lineage_s_lines_are_labelled_by_the_units_names():
    """Issue 30: the merged-unit panel's legend named the lines by unit id."""
    from scoring.views.trends import unit_lines

    lines = trends.lineages(scoring.load_totals(DATA))
    labels = [label for label, _ in unit_lines(lines[lines["lineage"] == "06820"])]
    assert len(labels) == 2 and all(not label.isdigit() for label in labels)
    assert any("Điền Công" in label for label in labels)
    assert any("Trưng Vương" in label for label in labels)
