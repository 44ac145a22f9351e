"""The annual cycle end to end on the embedded sample: real papermill, nbconvert, Typst.

The whole sample's outputs are read from the session's one cold build (``sample_build``);
the tests that build themselves use the small kit (``helpers.small_data``).
"""

import re
from pathlib import Path

import pytest
from helpers import DATA, build, files, small_data, stamps, unit_ids
from helpers import scoring as run_scoring
from openpyxl import load_workbook
from pypdf import PdfReader

from scoring.inputs.units import load_units

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def built(sample_build):
    return sample_build


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_every_expected_file(built):
    year = built / "reports" / "2018"
    units = unit_ids(DATA)
    assert sorted(p.stem for p in (DATA / "2018" / "submissions").glob("*.xlsx")) == sorted(units)
    assert sorted(p.name for p in (year / "units").iterdir()) == sorted(
        f"{uid}.{ext}" for uid in units for ext in ("html", "pdf")
    )
    for uid in units:
        assert (year / "units" / f"{uid}.html").stat().st_size > 10_000
        assert (year / "units" / f"{uid}.pdf").read_bytes().startswith(b"%PDF")
        assert (built / "build" / "2018" / "notebooks" / f"{uid}.ipynb").exists()
    for name in ("ranking.html", "ranking.pdf", "ranking.xlsx", "scores.csv"):
        assert (year / name).exists()
    index = (built / "reports" / "index.html").read_text(encoding="utf-8")
    for uid in units:
        assert f"2018/units/{uid}.html" in index and f"2018/units/{uid}.pdf" in index
    assert "2018/ranking.pdf" in index


def test_city_pdf_shows_published_figures(built):
    text = pdf_text(built / "reports" / "2018" / "units" / "196.pdf")
    assert "150,77" in text
    assert "146,00/170" in text
    for word in (
        "Thành phố Uông Bí",
        "Điều kiện sẵn sàng",
        "Xếp loại",
        "Quyết định số 2599/QĐ-UBND",
    ):
        assert word in text
    assert "142,35/166" in text  # the 2017 total, in "So với năm trước"
    reader = PdfReader(built / "reports" / "2018" / "units" / "196.pdf")
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert round(width / 72 * 25.4) == 210 and round(height / 72 * 25.4) == 297


def test_unit_reports_fit_on_two_to_five_a4_pages(built):
    """Two to five pages: about four, and a fifth for the source notice, the robustness
    figure and the year-over-year comparison (issues 12 and 14); a verified unit's report,
    which also lists each figure the office changed with its reason (issue 13), may take
    a sixth."""
    pages = {
        path.stem: len(PdfReader(path).pages)
        for path in (built / "reports" / "2018" / "units").glob("*.pdf")
    }
    verified = {p.stem for p in (DATA / "2018" / "verification").glob("*.xlsx")}
    assert sorted(pages) == sorted(unit_ids(DATA))
    assert {uid: n for uid, n in pages.items() if not 2 <= n <= (6 if uid in verified else 5)} == {}


def test_2017_builds_with_its_own_criteria(tmp_path):
    data = small_data(tmp_path, keep=("196", "06808"), years=("2017",))
    run = build(data, tmp_path, year=2017)
    assert run.returncode == 0, run.stderr[-3000:]
    year = tmp_path / "reports" / "2017"
    units = sorted(p.stem for p in (data / "2017" / "submissions").glob("*.xlsx"))
    assert "196" in units and len(units) > 1
    assert sorted(p.stem for p in (year / "units").glob("*.pdf")) == units
    text = pdf_text(year / "units" / "196.pdf")
    assert "142,35/166" in text and "2017.1" in text  # its own criteria version
    assert "Không có dữ liệu năm 2016" in text
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "2017/ranking.pdf" in index and "2017/units/196.pdf" in index


def test_html_is_self_contained_without_code(built):
    for path in (built / "reports" / "2018").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), path
        assert "<script src" not in html
        assert "In&nbsp;[" not in html and "jp-InputPrompt" not in html
        assert "report = UnitReport" not in html
        assert "Traceback" not in html and "object at 0x" not in html
        assert "data:image/png;base64," in html


def test_ranking_workbook(built):
    wb = load_workbook(built / "reports" / "2018" / "ranking.xlsx")
    assert {"Cấp huyện (thành phố)", "Các phòng, ban", "Các phường, xã"} <= set(wb.sheetnames)
    ws = wb["Các phường, xã"]
    assert ws["A1"].value == "Hạng" and ws.freeze_panes == "C2"
    ranks = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    communes = [u for u in load_units(DATA / "units.csv") if u.valid_in(2018)]
    communes = [u for u in communes if u.level == "commune"]
    assert len(ranks) == len(communes) and len(set(ranks)) < len(ranks)  # a tie


def test_second_build_rewrites_nothing(built):
    """Built again over the shared build (nothing changed): no report is written again."""
    before = stamps(built / "reports")
    run = build(DATA, built)
    assert run.returncode == 0, run.stderr[-2000:]
    assert stamps(built / "reports") == before


def test_validate_exit_codes(tmp_path):
    assert run_scoring("validate", "--year", "2018", "--data", str(DATA)).returncode == 0
    assert run_scoring("validate", "--year").returncode == 2
    data = small_data(tmp_path, years=("2018",))
    assert run_scoring("validate", "--year", "2018", "--data", str(data)).returncode == 0
    (data / "2018" / "submissions" / "06808.xlsx").write_bytes(b"not an excel file")
    run = run_scoring("validate", "--year", "2018", "--data", str(data))
    assert run.returncode == 1
    assert "06808.xlsx" in run.stderr


def test_build_stops_before_writing_when_a_form_is_wrong(tmp_path):
    data = small_data(tmp_path, years=("2018",))
    (data / "2018" / "submissions" / "06826.xlsx").write_bytes(b"PK\x03\x04broken")
    reports = tmp_path / "reports"
    run = build(data, tmp_path)
    assert run.returncode == 1
    assert "06826.xlsx" in run.stderr
    assert not reports.exists()


def test_two_builds_are_byte_identical(kit_build, tmp_path):
    """The small kit built again from scratch, from another folder and with two render
    workers: the same files, the same bytes, as the session's cold build of it (one)."""
    data = small_data(tmp_path)
    run = build(data, tmp_path, "--jobs", "2")
    assert run.returncode == 0, run.stderr[-2000:]
    # The build's last line says where the reports are (issue 30), a rerun's too.
    where = f"Báo cáo năm 2018 ở {tmp_path / 'reports' / '2018'}; mở {tmp_path / 'reports'}"
    assert run.stderr.splitlines()[-1].startswith(where), run.stderr[-500:]
    again = build(data, tmp_path, "--jobs", "2")  # nothing changed
    assert again.stderr.splitlines()[-1].startswith(where), again.stderr[-500:]
    first, second = files(kit_build / "reports"), files(tmp_path / "reports")
    assert sorted(first) == sorted(second)
    assert {f"2018/units/{uid}.pdf" for uid in unit_ids(kit_build / "data")} <= set(first)
    assert [name for name in first if first[name] != second[name]] == []


def test_the_ranking_pdf_numbers_every_section(built):
    """Each level's table is a numbered section like the others (only the last was)."""
    import subprocess

    pdf = built / "reports" / "2018" / "ranking.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    numbered = re.findall(
        r"^\s*(\d+)\. (Cấp huyện|Các phòng, ban|Các phường, xã|Tình hình)", text, re.M
    )
    assert [(int(n), name) for n, name in numbered] == [
        (1, "Cấp huyện"),
        (2, "Các phòng, ban"),
        (3, "Các phường, xã"),
        (4, "Tình hình"),
    ]


def test_each_chart_of_a_report_says_what_it_shows(built):
    """Issue 30: chart images carried nbconvert's English alt text. Each view's chart names
    its section; the ranking's, the level."""
    page = (built / "reports" / "2018" / "units" / "06808.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', page)
    assert {"Điểm theo nhóm tiêu chí", "So sánh với các đơn vị cùng cấp"} <= set(alts)
    ranking = (built / "reports" / "2018" / "ranking.html").read_text(encoding="utf-8")
    assert "Các phường, xã" in re.findall(r'<img [^>]*alt="([^"]*)"', ranking)
    assert "No description" not in page + ranking
