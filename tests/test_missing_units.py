"""Issue 12: units without a form are visible, sources are labelled, leaders get a first
page, every unit report shows how robust its rank is."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from helpers import DATA, build, from_view_alone
from pypdf import PdfReader

from scoring.analysis import summary
from scoring.analysis.tables import scores_table
from scoring.inputs import source
from scoring.inputs.criteria import load_year
from scoring.text.errors import ScoringError
from scoring.views.report import RankingReport, UnitReport, source_notice
from scoring.views.report.missing import MissingReport

KEEP = ("196", "196-VP", "196-NV", "196-TP", "06808", "06811", "06814", "06817")
SILENT = ("196-TP", "06814")  # valid in 2018, in units.csv, no form


# What the built reports need: a commune and a department without a form, two communes
# with one (a cold build of four reports and the ranking rather than nine).
BUILT = ("196-TP", "06808", "06811", "06814")


def data_without_forms(
    root: Path,
    silent: tuple[str, ...] = SILENT,
    years: tuple[int, ...] = (2018,),
    keep: tuple[str, ...] = KEEP,
) -> Path:
    """The sample of ``years`` cut to ``keep``, the ``silent`` units' forms (and
    verifications) of the last year removed: they stay valid units that sent nothing."""
    data = root / "data"
    left_out = [str(y) for y in (2017, 2018, 2019, 2020) if y not in years]
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns(*left_out, "unit_changes.csv"))
    for year in years:
        for folder in ("submissions", "verification"):
            for form in (data / str(year) / folder).glob("*.xlsx"):
                if form.stem not in keep or (year == years[-1] and form.stem in silent):
                    form.unlink()
    lines = (data / "units.csv").read_text(encoding="utf-8").splitlines()
    kept = [lines[0], *(line for line in lines[1:] if line.split(",")[0] in keep)]
    (data / "units.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    return data


def set_missing_rule(data: Path, rule: str) -> None:
    bands = data / "criteria" / "2018" / "bands.yaml"
    text = bands.read_text(encoding="utf-8")
    bands.write_text(re.sub(r"(?m)^missing: .*$", f"missing: {rule}", text), encoding="utf-8")


def test_units_without_a_form_are_ranked_last_with_zero_points(tmp_path):
    result = source.assess(data_without_forms(tmp_path), 2018)
    table = scores_table(result).set_index("unit_id")
    assert table.loc["06814", "status"] == "missing"
    assert table.loc["06808", "status"] == "submitted"
    communes = table[table["level"] == "commune"]
    assert len(communes) == 4  # 06808, 06811, 06817 sent; 06814 did not
    assert communes.loc["06814", "rank"] == 4 and communes.loc["06814", "total"] == 0
    assert set(communes["peers"]) == {4}
    assert communes.loc["06814", "rank"] > communes.drop("06814")["rank"].max()
    assert table.loc["196-TP", "rank"] == 3 and table.loc["196-TP", "peers"] == 3


def test_missing_exclude_leaves_them_out_of_the_ranks(tmp_path):
    data = data_without_forms(tmp_path)
    set_missing_rule(data, "exclude")
    result = source.assess(data, 2018)
    table = scores_table(result).set_index("unit_id")
    assert table.loc["06814", "status"] == "missing"
    assert str(table.loc["06814", "rank"]) == "<NA>"
    assert table.loc["06808", "peers"] == 3  # ranked among the three that sent a form
    page = RankingReport(result).table("commune")
    rows, note = page.split("missing: exclude")
    assert result.unit("06814").name not in rows and result.unit("06814").name in note


def test_a_report_says_the_unit_sent_no_form_last_year(tmp_path):
    data = data_without_forms(tmp_path, years=(2017,))  # 06814 sent nothing in 2017
    shutil.copytree(DATA / "criteria" / "2018", data / "criteria" / "2018")
    shutil.copytree(DATA / "2018" / "submissions", data / "2018" / "submissions")
    for form in (data / "2018" / "submissions").glob("*.xlsx"):
        if form.stem not in KEEP:
            form.unlink()
    text = UnitReport.build(data, 2018, "06814").previous_year()
    assert "Năm 2017 đơn vị chưa nộp phiếu (0 điểm, hạng 4/4)" in text
    assert "Năm 2017" in UnitReport.build(data, 2018, "06808").previous_year()


def test_the_unit_report_refuses_a_unit_without_a_form_and_names_the_notebook(tmp_path):
    data = data_without_forms(tmp_path)
    with pytest.raises(ScoringError, match="missing_report.ipynb"):
        UnitReport.build(data, 2018, "06814")
    with pytest.raises(ScoringError, match="chưa nộp phiếu"):
        MissingReport.build(data, 2018, "06808")


def test_source_notice_names_reconstructed_groups_and_inferred_bands_and_goes_when_official(
    tmp_path,
):
    criteria = load_year(DATA, 2018)
    notice = source_notice(criteria, ["district"], marked=True)
    assert "tái dựng" in notice and "nhóm A, B, C" in notice
    assert "Trung bình, Yếu là suy luận" in notice and "◊" in notice
    official = tmp_path / "data"
    shutil.copytree(DATA / "criteria" / "2018", official / "criteria" / "2018")
    for path in (official / "criteria" / "2018").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        text = text.replace("reconstructed: true", "reconstructed: false")
        path.write_text(text.replace("inferred: true", "inferred: false"), encoding="utf-8")
    assert source_notice(load_year(official, 2018), ["district", "commune"]) == ""


@pytest.mark.parametrize(
    ("lang", "title", "marker"),
    [
        ("vi", "Lưu ý về nguồn:", "dựa một phần trên tiêu chí tái dựng"),
        ("en", "About the sources:", "rest partly on reconstructed criteria"),
    ],
)
def test_the_index_shows_the_source_notice_once_and_marks_each_year_resting_on_it(
    tmp_path, lang, title, marker
):
    from scoring.views.index import write_index

    data, reports = tmp_path / "data", tmp_path / "reports"
    for year in (2017, 2018, 2019, 2020):
        shutil.copytree(DATA / "criteria" / str(year), data / "criteria" / str(year))
        (data / str(year) / "submissions").mkdir(parents=True)
    for path in (data / "criteria" / "2018").glob("*.yaml"):  # 2018: every file official
        text = path.read_text(encoding="utf-8")
        text = text.replace("reconstructed: true", "reconstructed: false")
        path.write_text(text.replace("inferred: true", "inferred: false"), encoding="utf-8")
    for year in (2019, 2020):  # built; 2017 and 2018 have data only
        (reports / str(year)).mkdir(parents=True)
        (reports / str(year) / "scores.csv").write_text("unit_id,name,level,rank,band\n")
    write_index(reports, lang, data)
    page = (reports / "index.html").read_text(encoding="utf-8")
    head, *sections = page.split('<section class="year">')
    assert page.count(title) == 1 and head.count('id="source-notice"') == 1
    assert page.count("38/41") == page.count("40/40") == 1  # 2019 and 2020 are one row
    assert "2019–2020" in head and "32/32" in head and "33/33" in head and "34/34" in head
    bands = "Tốt, Khá, Trung bình, Yếu" if lang == "vi" else "Good, Fair, Average, Weak"
    assert head.count(bands) == 2  # 2017's row and 2019–2020's
    years = {s.split("</h2>")[0][-4:]: s for s in sections}
    assert sorted(years) == ["2017", "2018", "2019", "2020"]
    for year in ("2017", "2019", "2020"):
        assert years[year].count('href="#source-notice"') == 1 and marker in years[year]
    assert "source-notice" not in years["2018"] and marker not in years["2018"]


def test_reconstructed_criteria_are_marked_in_the_criteria_table():
    report = UnitReport.build(DATA, 2018, "196")
    rows = report.criteria_rows()
    marked = set(rows[rows["reconstructed"]]["code"])
    spec = report.cset.nodes
    assert marked == {code for code, node in spec.items() if node.reconstructed}
    assert report.criteria_table(rows).count("◊") == len(marked) > 0


def test_summary_counts_every_unit_and_lists_those_needing_attention(tmp_path):
    result = source.assess(data_without_forms(tmp_path), 2018)
    counts = summary.band_counts(result)
    assert sum(row["total"] for row in counts) == len(KEEP)
    assert sum(row["missing"] for row in counts) == len(SILENT)
    attention = summary.attention(result, source.Source(result.inputs.data_dir).previous(result))
    assert {a["unit_id"] for a in attention if a["reason"] == "missing"} == set(SILENT)
    lowest = result.inputs.criteria.bands[-1].name
    for unit in result.scored_units():
        if result.band(unit.id) == lowest:
            assert unit.id in {a["unit_id"] for a in attention}
    weakest = summary.weakest_criteria(result)
    assert len(weakest) == summary.WEAKEST
    assert [w["mean_percent"] for w in weakest] == sorted(w["mean_percent"] for w in weakest)


def test_robustness_shares_are_a_distribution_and_hold_the_interval():
    result = source.assess(DATA, 2018)
    for level in result.levels():
        for uid, robust in result.robustness(level).units.items():
            assert sum(robust.rank_share) == pytest.approx(1.0, abs=1e-3)
            held = sum(robust.rank_share[robust.rank_p05 - 1 : robust.rank_p95])
            assert held >= 0.9 - 1e-3, uid


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("missing-build")
    run = build(data_without_forms(folder, keep=BUILT), folder)
    assert run.returncode == 0, run.stderr[-3000:]
    return folder / "reports" / "2018"


@pytest.mark.e2e
def test_a_unit_without_a_form_gets_a_short_report_and_is_in_the_index(built):
    communes = sum(1 for uid in BUILT if not uid.startswith("196"))
    page = (built / "units" / "06814.html").read_text(encoding="utf-8")
    assert "Chưa nộp phiếu" in page and "Phường Bắc Sơn" in page
    assert "xếp cuối" in page and "Xếp cuối cấp xã vì chưa nộp phiếu" in page
    assert f"Hạng {communes}/{communes}" not in page  # a place for sending nothing (issue 30)
    assert (built / "units" / "06814.pdf").stat().st_size > 1000
    index = (built.parent / "index.html").read_text(encoding="utf-8")
    row = re.search(r'<tr data-name="[^"]*">.*?06814\.html.*?</tr>', index, re.S)
    assert row and "Chưa nộp phiếu" in row.group(0)
    # the index lists it last in its level with no rank number (issue 30)
    assert f'<td class="num">{communes}</td>' not in row.group(0)
    assert '<td class="num">–</td>' in row.group(0)
    with open(built / "scores.csv", encoding="utf-8-sig", newline="") as fh:
        rows = {r["unit_id"]: r for r in csv.DictReader(fh)}
    assert rows["06814"]["status"] == "missing" and rows["06814"]["rank"] == str(communes)
    ranking = (built / "ranking.html").read_text(encoding="utf-8")
    assert ranking.count('class="band band-missing"') == len(SILENT)


@pytest.mark.e2e
def test_the_ranking_opens_with_a_one_page_summary_and_each_report_shows_robustness(built):
    pages = [p.extract_text() for p in PdfReader(built / "ranking.pdf").pages]
    first = pages[0]
    for heading in (
        "Tóm tắt",
        "Số đơn vị theo xếp loại",
        "Năm tiêu chí yếu nhất",
        "Đơn vị cần quan tâm",
        "Lưu ý về nguồn",
    ):
        assert heading in first, heading
    assert "Tóm tắt" not in pages[1] and "Kết quả xếp hạng" in pages[1]
    unit = (built / "units" / "06808.html").read_text(encoding="utf-8")
    assert "trong 90% trường hợp" in unit or "trong ít nhất 90% trường hợp" in unit
    assert unit.count("<img") >= 3  # the robustness figure beside the two charts


@pytest.mark.e2e
def test_make_share_shows_the_units_without_a_form(built):
    """The site lists a unit that sent nothing (with its report and "Chưa nộp phiếu" in
    place of a score), the booklet holds its report, and the summary names the units
    that get no result letter."""
    from helpers import scoring

    folder = built.parents[1]
    run = scoring(
        "share",
        *("--year", "2018", "--data", str(folder / "data")),
        *("--reports", str(folder / "reports"), "--build", str(folder / "build")),
    )
    assert run.returncode == 0, run.stderr[-3000:]
    share = folder / "reports" / "share" / "2018"
    index = (share / "site" / "index.html").read_text(encoding="utf-8")
    for uid in ("06814", "196-TP"):
        row = re.search(
            rf'<tr data-name="[^"]*">(?:(?!</tr>).)*units/{uid}\.pdf.*?</tr>', index, re.S
        )
        assert row and "Chưa nộp phiếu" in row.group(0), uid
        assert (share / "site" / "units" / f"{uid}.pdf").read_bytes() == (
            built / "units" / f"{uid}.pdf"
        ).read_bytes()
    ranked = re.search(r'<tr data-name="Phường Bắc Sơn">.*?</tr>', index, re.S)
    assert ranked and ">3/3<" in ranked.group(0)  # ranked last of the three communes
    booklet = "\n".join(p.extract_text() for p in PdfReader(built / "booklet.pdf").pages)
    assert "Phường Bắc Sơn" in booklet and "chưa nộp phiếu, hạng 3/3" in booklet
    lines = run.stderr.splitlines()
    at = next(i for i, line in enumerate(lines) if "Đơn vị chưa nộp phiếu" in line)
    assert lines[at].endswith(": 2") and {lines[at + 1].split()[0], lines[at + 2].split()[0]} == {
        "196-TP",
        "06814",
    }
    # Letters for the scored units with an address (06811 has none in units.csv).
    assert sorted(p.stem for p in (share / "outbox").glob("*.eml")) == ["06808"]


def test_no_rank_change_arrow_to_or_from_a_year_without_a_form(tmp_path):
    """Issue 30: a unit placed last for sending nothing showed "↑10" as if it improved."""
    silent_now = source.assess(data_without_forms(tmp_path / "a", years=(2017, 2018)), 2018)
    rows = RankingReport(silent_now).rows("commune").set_index("unit_id")
    assert rows.loc["06814", "status"] == "missing"
    assert rows.loc["06814", "change"] == "–"
    assert rows.loc["06808", "change"] != "–"  # both years sent: the arrow stays

    data = data_without_forms(tmp_path / "b", years=(2017,))  # 06814 sent nothing in 2017
    shutil.copytree(DATA / "criteria" / "2018", data / "criteria" / "2018")
    shutil.copytree(DATA / "2018" / "submissions", data / "2018" / "submissions")
    for form in (data / "2018" / "submissions").glob("*.xlsx"):
        if form.stem not in KEEP:
            form.unlink()
    rows = RankingReport(source.assess(data, 2018)).rows("commune").set_index("unit_id")
    assert rows.loc["06814", "status"] == "submitted"
    assert rows.loc["06814", "change"] == "–"


def test_a_unit_without_a_form_gets_no_rank_that_reads_as_a_standing(tmp_path):
    """Issue 30: the city, alone at its level and without a form, read "Hạng 1/1 cấp huyện"."""
    data = data_without_forms(tmp_path, silent=("196", *SILENT))
    header = str(MissingReport.build(data, 2018, "196").header())
    assert "Hạng 1/1" not in header
    assert "Xếp cuối cấp huyện vì chưa nộp phiếu" in header


def test_the_ranking_lists_units_without_a_form_last_without_a_rank_number(tmp_path):
    """Issue 30: 22 units without a form tied "at rank 2" in a year where one unit sent one."""
    result = source.assess(data_without_forms(tmp_path), 2018)
    page = str(RankingReport(result).table("commune"))
    rows = re.findall(r"<tr[^>]*>.*?</tr>", page, re.S)
    body = [r for r in rows if "<td" in r]
    assert result.unit("06814").name in body[-1]  # listed last
    missing = re.findall(r'<tr class="missing">(.*?)</tr>', page, re.S)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", missing[0], re.S)
    assert cells[0] == "–" and cells[-1] == "–"
    assert "Chưa nộp phiếu" in missing[0]


def test_make_share_says_why_no_province_copy_was_made(tmp_path):
    """Issue 30: make share named reports/share/<year>/province, never made when the city
    sent no form."""
    from scoring.share.publish import SharePaths, _province_note

    data = data_without_forms(tmp_path, silent=("196", *SILENT))
    result = source.assess(data, 2018)
    paths = SharePaths(data, tmp_path / "reports", tmp_path / "build", 2018)
    note = _province_note(result, paths, made=False, lang="vi")
    assert str(paths.province) not in note
    assert "chưa nộp phiếu" in note and result.unit("196").name in note
    assert str(paths.province) in _province_note(result, paths, made=True, lang="vi")


@pytest.mark.e2e
def test_chua_nop_phieu_keeps_one_line_in_the_ranking_pdf(built):
    """The ranking's figure columns are as wide as their longest value: a unit without a
    form reads "Chưa nộp phiếu" on one line (it wrapped to three)."""
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-layout", str(built / "ranking.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [line for line in text.splitlines() if "0,00/" in line]  # their ranking rows
    assert rows and all("Chưa nộp phiếu" in line for line in rows), rows


@pytest.mark.parametrize("rule", ["rank_last", "exclude"])
def test_the_missing_report_renders_from_its_view_alone(tmp_path, rule):
    data = data_without_forms(tmp_path, years=(2017, 2018))  # each sent a form in 2017
    set_missing_rule(data, rule)
    result = source.assess(data, 2018)

    def shown(report: MissingReport) -> list[object]:
        parts = [repr(report), report.header(), report.notes(), report.section("provenance")]
        return [str(part) for part in [*parts, report.provenance()]]

    for uid in SILENT:
        expected = shown(MissingReport(result, uid))
        assert shown(from_view_alone(MissingReport(result, uid))) == expected
