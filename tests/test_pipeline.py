"""The embedded sample through the normal scoring path: published figures, ties, bands."""

from pathlib import Path

import pytest

from scoring import numfmt
from scoring.pipeline import assess

DATA = Path(__file__).resolve().parents[1] / "data"


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
    table = result.table()
    assert table.groupby("level")["rank"].apply(lambda r: r.duplicated().any()).any()
    assert table["band"].nunique() >= 3
    assert table["verified"].sum() >= 3


def test_scores_table_contract(result):
    table = result.table()
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
    assert len(table) == 25
    assert (table["total"] <= table["max"] + 1e-9).all()


def test_not_applicable_reduces_the_maximum(result):
    table = result.table().set_index("unit_id")
    assert table.loc["196-TTR", "max"] < table.loc["196-VHTT", "max"]
    assert table.loc["196-TTR", "percent"] == pytest.approx(
        table.loc["196-TTR", "total"] / table.loc["196-TTR", "max"] * 100
    )
