"""Ranks with ties: "1, 2, 2, 4", on unrounded totals."""

from scoring.model.ranking import competition_ranks, points_to_next_rank, rank_map


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
