"""Ranks with ties: "1, 2, 2, 4", on unrounded totals; the ranking report shows its view alone."""

import pytest
from helpers import DATA, from_view_alone, plain, small_data

from scoring.inputs import source
from scoring.model.ranking import competition_ranks, points_to_next_rank, rank_map
from scoring.views.report import RankingReport


def test_ties_share_a_rank_and_skip_the_next():
    assert competition_ranks([90, 80, 80, 70]) == [1, 2, 2, 4]
    assert competition_ranks([70, 80, 90, 80]) == [4, 2, 1, 2]


def test_ranks_use_unrounded_totals():
    # 80.004 and 80.001 both print as "80,00" but are not tied.
    assert competition_ranks([80.004, 80.001]) == [1, 2]


def test_float_noise_does_not_split_a_tie():
    a = 0.1 + 0.2 + 0.3
    b = 0.3 + 0.2 + 0.1
    assert a != b
    assert competition_ranks([a, b]) == [1, 1]


def test_rank_map_and_gap_to_next_rank():
    assert rank_map({"x": 5.0, "y": 7.0}) == {"y": 1, "x": 2}
    assert points_to_next_rank(70, [90, 80, 80, 70]) == 10
    assert points_to_next_rank(90, [90, 80]) is None


def _ranking_shows(ranking: RankingReport) -> list[object]:
    """What ranking.ipynb calls, for every level, and the data an analyst may ask for."""
    shown: list[object] = [repr(ranking), ranking.levels(), ranking.summary(), ranking.header()]
    for level in ranking.levels():
        rows = ranking.rows(level)
        shown += [rows, ranking.level_title(level), ranking.table(level, rows)]
        shown += [ranking.table(level, rows.head(2)), ranking.excluded(level)]
        shown += [ranking.chart(level), ranking.heatmap(level)]
    return [*shown, ranking.section("submissions"), ranking.submissions(), ranking.notes()]


@pytest.mark.parametrize("forms", ["all", "one missing"])
def test_the_ranking_renders_from_its_view_alone(tmp_path, forms):
    data = DATA
    if forms == "one missing":  # ranked last with 0 points: a row of its own kind
        data = small_data(tmp_path)
        for form in data.glob("2018/*/06826.xlsx"):
            form.unlink()
    result = source.assess(data, 2018)
    expected = plain(_ranking_shows(RankingReport(result)))
    assert plain(_ranking_shows(from_view_alone(RankingReport(result)))) == expected
