"""The analyst's API (issue 11): tidy DataFrames from ``scoring``, short reprs, sections
as data then presentation, HTML only in template files, explore.ipynb runs headless.
"""

import ast
import re
from pathlib import Path

import papermill
import pytest
from helpers import DATA, ROOT, from_view_alone, plain, small_data

import scoring
from scoring.inputs import snapshot, source
from scoring.model import result as pipeline
from scoring.views.report import RankingReport, UnitReport, markdown_html

TOTALS = (
    "year, level, unit_id, name, self_total, verified_total, total, max, percent, band, "
    "band_position, rank, peers, verified, lineage"
).split(", ")
SCORES = (
    "year, level, unit_id, name, node, node_name, parent, is_criterion, self_points, "
    "verified_points, points, max, percent, applicable"
).split(", ")


def test_load_totals_has_the_documented_columns_for_every_year():
    totals = scoring.load_totals(DATA)
    assert list(totals.columns) == TOTALS
    assert sorted(totals["year"].unique()) == [2017, 2018, 2019, 2020]
    city = totals[(totals["year"] == 2018) & (totals["unit_id"] == "196")].iloc[0]
    assert round(city["self_total"], 2) == 150.77 and round(city["total"], 2) == 146.0
    assert city["verified"] and city["verified_total"] == city["total"]
    assert city["rank"] == 1 and city["peers"] == 1 and city["band"] == "Tốt"
    unverified = totals[~totals["verified"]]
    assert unverified["verified_total"].isna().all() and len(unverified) > 0
    assert len(scoring.load_totals(DATA, 2018)) == 25
    assert list(scoring.load_totals(DATA, [2017])["year"].unique()) == [2017]


def test_load_scores_is_one_row_per_unit_and_node_with_the_tree():
    scores = scoring.load_scores(DATA, 2018)
    assert list(scores.columns) == SCORES
    city = scores[scores["unit_id"] == "196"]
    groups = city[city["parent"] == ""]
    assert list(groups["node"]) == ["A", "B", "C"]
    assert round(groups["points"].sum(), 2) == 146.0
    assert round(groups["self_points"].sum(), 2) == 150.77
    a1 = city[city["node"] == "A1"].iloc[0]
    assert a1["parent"] == "A" and not a1["is_criterion"]
    children = city[city["parent"] == "A1"]
    assert children["is_criterion"].all() and round(children["points"].sum(), 6) == round(
        a1["points"], 6
    )
    # every applicable criterion's maximum is part of its unit's total maximum
    crit = scores[scores["is_criterion"] & scores["applicable"]]
    assert (crit["percent"] <= 100 + 1e-9).all()


def test_a_year_with_errors_is_named_when_asked_for(tmp_path):
    data = small_data(tmp_path, years=("2017", "2018", "2019", "2020"))
    (data / "2017" / "submissions" / "06808.xlsx").write_bytes(b"not an excel file")
    with pytest.warns(UserWarning, match="2017"):
        assert list(scoring.load_totals(data)["year"].unique()) == [2018, 2019, 2020]
    with pytest.raises(pipeline.InvalidSubmissions):
        scoring.load_totals(data, 2017)


def test_every_object_an_analyst_may_type_has_a_short_repr():
    report = UnitReport.build(DATA, 2018, "196")
    ranking = RankingReport.build(DATA, 2018)
    result = report.result
    objects = [
        report,
        ranking,
        result,
        result.inputs,
        result.inputs.collection,
        result.inputs.criteria,
        report.cset,
        report.score,
        report.score.groups[0],
        result.inputs.collection.submissions["196"],
        report.header(),
        report.groups_chart(),
    ]
    for obj in objects:
        assert len(repr(obj)) < 200, type(obj).__name__


def test_sections_are_data_then_presentation():
    report = UnitReport.build(DATA, 2018, "196-VP")
    gaps = report.gaps()
    assert list(gaps.columns) == ["code", "name", "points", "max", "missing"]
    fewer = gaps.head(2)
    html = report.to_improve(fewer)
    assert f"2 trong {len(gaps)} tiêu chí chưa đạt điểm tối đa" in html
    assert gaps.iloc[2]["code"] not in re.findall(r"<td>([A-C][0-9.]+)</td>", html)
    # headings carry no number: the stylesheet counts them
    assert report.section("groups") == '<h2 class="section">Điểm theo nhóm tiêu chí</h2>'
    assert "unnumbered" in report.section("provenance")


def test_a_sub_group_that_does_not_apply_is_marked_in_the_peers_chart():
    """196-NV has no B3 (it settles no procedures): its row says so, and its place in the
    chart carries the words "Không áp dụng" rather than an empty place that reads as 0 %."""
    from scoring.views import charts

    report = UnitReport.build(DATA, 2018, "196-NV")
    frame = report.subgroups()
    assert list(frame.columns) == ["code", "name", "percent", "applicable", "peer_mean"]
    b3 = frame.set_index("code").loc["B3"]
    assert not b3["applicable"] and b3["percent"] == 0 and b3["peer_mean"] > 0
    args = (list(frame["code"]), list(frame["percent"]), list(frame["peer_mean"]), report.unit.name)
    unmarked = charts.subgroups_against_peers(*args)
    marked = charts.subgroups_against_peers(*args, applicable=list(frame["applicable"]))
    assert bytes(report.peers_chart(frame)) == marked != unmarked
    everywhere = [True] * len(frame)
    assert charts.subgroups_against_peers(*args, applicable=everywhere) == unmarked


def test_report_modules_hold_no_html():
    tags = re.compile(r"</?(p|div|h[1-6]|table|thead|tbody|tr|td|th|span|ul|li|b|i|br|sup)[\s>/]")
    modules = sorted((ROOT / "scoring" / "views" / "report").glob("*.py"))
    assert len(modules) > 3
    found = [
        (path.name, node.value[:60])
        for path in modules
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and tags.search(node.value)
    ]
    assert found == []


def test_notes_are_markdown_without_markup_or_network():
    html = markdown_html('**a** <img src="http://x/y.png"> ![b](http://x/b.png) [c](file:///etc)')
    assert "<strong>a</strong>" in html and "&lt;img" in html
    assert "http://x" not in html.replace("&lt;img src=&quot;http://x", "")
    assert "file:" not in html


def test_given_a_snapshot_the_api_answers_from_it_and_records_what_it_handed_out(tmp_path):
    result = source.assess(DATA, 2018)
    snap = snapshot.Snapshot(str(DATA.resolve()), 2018, {2018: result}, {2018: {"196": "x"}})
    path = str(snapshot.write(snap, tmp_path))
    totals = scoring.load_totals(DATA, snapshot=path)
    assert list(totals["year"].unique()) == [2018]  # the snapshot's years, not the folder's
    assert UnitReport.build(DATA, 2018, "196", snapshot=path).note() == "x"
    assert snapshot.take_reads(path) == ['["totals", 2018]', '["unit", 2018, "196", "vi"]']
    assert snapshot.take_reads(path) == []  # the next report starts afresh
    assert UnitReport.build(DATA, 2018, "196").note() != "x"  # no snapshot: the data folder
    assert set(scoring.load_totals(DATA)["year"]) > {2018}


@pytest.mark.e2e
def test_explore_notebook_runs_headless(tmp_path):
    nb = papermill.execute_notebook(
        str(ROOT / "notebooks" / "explore.ipynb"),
        str(tmp_path / "explore.ipynb"),
        parameters={"data_dir": str(small_data(tmp_path)), "year": 2018},
        cwd=str(ROOT / "notebooks"),
        progress_bar=False,
        kernel_name="python3",
    )
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    tables = [o for o in outputs if "text/html" in o.get("data", {})]
    assert len(images) >= 2 and len(tables) >= 3
    assert Path(tmp_path / "explore.ipynb").exists()


def test_dir_scoring_lists_only_what_an_analyst_uses():
    """Issue 30: dir(scoring) listed Path, Iterable and similar names."""
    assert dir(scoring) == ["__version__", "load_scores", "load_totals"]


def test_load_totals_docstring_names_every_column():
    """Issue 30: the docstring left out band_position and lineage."""
    doc = scoring.load_totals.__doc__ or ""
    for column in scoring.load_totals(DATA, 2018).columns:
        assert re.search(rf"\b{column}\b", doc), column


def test_to_improve_describes_what_its_table_shows():
    """Issue 30: after ``report.to_improve(gaps.head(5))`` the sentence still counted every
    gap. It says how many of how many are shown, with both totals."""
    from scoring.text import numfmt

    report = UnitReport.build(DATA, 2018, "06808")
    gaps = report.gaps()
    assert len(gaps) > 3
    whole = str(report.to_improve(gaps))
    assert f"{len(gaps)} tiêu chí chưa đạt điểm tối đa" in whole and "Bảng dưới nêu" not in whole
    top = gaps.head(2)
    shown = str(report.to_improve(top))
    assert f"Bảng dưới nêu 2 trong {len(gaps)} tiêu chí" in shown
    assert numfmt.points(float(top["missing"].sum())) in shown
    assert numfmt.points(float(gaps["missing"].sum())) in shown
    none = str(report.to_improve(gaps.head(0)))
    assert "đạt điểm tối đa ở mọi tiêu chí" not in none and "Bảng đã lọc không còn" in none


def _unit_report_outputs(report: UnitReport) -> list[object]:
    """What unit_report.ipynb shows (and the data it shows it from), helper by helper."""
    frames = [report.groups(), report.subgroups(), report.gaps(), report.differences()]
    rows = report.criteria_rows()
    shown = [
        report.header(),
        report.groups_chart(frames[0]),
        report.peers_chart(frames[1]),
        report.subgroup_legend(frames[1]),
        report.robustness_chart(),
        report.to_improve(frames[2]),
        report.to_improve(frames[2].head(1)),
        report.verification(),
        report.verification(frames[3]),
        report.previous_year(),
        report.criteria_table(rows),
        report.notes(),
        report.provenance(),
        report.targets(),
        report.note(),
    ]
    return [*frames, rows, *shown]


@pytest.mark.parametrize(
    ("year", "unit_id"), [(2018, "196"), (2018, "06808"), (2018, "196-NV"), (2020, "06820")]
)
def test_the_unit_report_renders_from_its_view_alone(year, unit_id):
    # The build keys a unit report on its view's digest: a helper that read the scored
    # year or the source directly could show a figure its key does not cover (stale).
    expected = plain(_unit_report_outputs(UnitReport.build(DATA, year, unit_id)))
    report = from_view_alone(UnitReport.build(DATA, year, unit_id))
    assert plain(_unit_report_outputs(report)) == expected
