"""The embedded sample through the normal scoring path: published figures, ties, bands."""

from pathlib import Path

import pytest
from helpers import DATA, small_data, unit_ids

from scoring.analysis.tables import scores_table
from scoring.inputs.source import assess
from scoring.text import numfmt


@pytest.fixture(scope="module")
def result():
    return assess(str(DATA), 2018)


def test_city_self_assessment_reproduces_published_figures(result):
    city = result.self_scores["196"]
    groups = {g.code: g for g in city.groups}
    assert numfmt.score(groups["A"].points, groups["A"].max) == "43,72/50"
    assert numfmt.score(groups["B"].points, groups["B"].max) == "89,27/100"
    assert numfmt.score(groups["C"].points, groups["C"].max) == "17,78/20"
    assert numfmt.score(city.total, city.max) == "150,77/170"
    assert city.total == pytest.approx(150.77, abs=1e-9)


def test_city_verified_score_is_the_published_146(result):
    assert result.is_verified("196")
    assert result.official["196"].total == pytest.approx(146.0, abs=1e-9)
    assert result.band("196") == "Tốt"


def test_sample_has_a_tie_and_three_bands(result):
    table = scores_table(result)
    assert table.groupby("level")["rank"].apply(lambda r: r.duplicated().any()).any()
    assert table["band"].nunique() >= 3
    assert table["verified"].sum() >= 3


def test_scores_table_contract(result):
    table = scores_table(result)
    for column in [
        "unit_id",
        "name",
        "level",
        "A",
        "B",
        "C",
        "total",
        "max",
        "percent",
        "band",
        "rank",
    ]:
        assert column in table.columns
    assert sorted(table["unit_id"]) == sorted(unit_ids(DATA))  # one row per unit
    assert (table["total"] <= table["max"] + 1e-9).all()


def test_not_applicable_reduces_the_maximum(result):
    table = scores_table(result).set_index("unit_id")
    assert table.loc["196-TTR", "max"] < table.loc["196-VHTT", "max"]
    assert table.loc["196-TTR", "percent"] == pytest.approx(
        table.loc["196-TTR", "total"] / table.loc["196-TTR", "max"] * 100
    )


def _copy_year(tmp_path: Path) -> Path:
    """The small kit's 2018 (five forms): what these tests check does not need all 25."""
    return small_data(tmp_path, years=("2018",))


def _set_value(path: Path, cell: str, value: object, *clear: str) -> None:
    """Type ``value`` in ``cell`` of the form and empty the ``clear`` cells, then save."""
    import os

    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb["Phiếu khảo sát"][cell] = value
    for other in clear:
        wb["Phiếu khảo sát"][other] = None
    wb.save(path)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_scores_csv_holds_the_figures_as_the_reports_show_them(tmp_path):
    """Issue 30: scores.csv held unrounded floats (92.49310409552783)."""
    import csv

    from scoring.analysis.tables import write_scores

    write_scores(assess(str(small_data(tmp_path)), 2018), tmp_path / "out")
    with open(tmp_path / "out" / "scores.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        for column in ("total", "self_total", "max"):
            assert len(row[column].partition(".")[2]) <= 2, (column, row[column])
        assert len(row["percent"].partition(".")[2]) <= 1, row["percent"]
    assert any("." in r["total"] for r in rows)  # still decimals where the score has them
