"""The robustness analysis: seeded, rescaled weights, bootstrap of verification gaps."""

from __future__ import annotations

import numpy as np
import pytest

from scoring.model.criteria import Band, Robustness
from scoring.model.ranking import rank_rows
from scoring.model.robustness import _matrix, _multipliers, analyse
from scoring.model.scores import NodeScore, UnitScore

BANDS = (
    Band(name="Tốt", min_percent=80),
    Band(name="Khá", min_percent=70),
    Band(name="Yếu", min_percent=0),
)


def crit(code: str, points: float, mx: float, applicable: bool = True) -> NodeScore:
    return NodeScore(
        code, code, points if applicable else 0.0, mx if applicable else 0.0, mx, applicable, True
    )


def group(code: str, *children: NodeScore) -> NodeScore:
    return NodeScore(
        code,
        code,
        sum(c.points for c in children),
        sum(c.max for c in children),
        sum(c.full_max for c in children),
        True,
        False,
        children,
    )


def unit(uid: str, a1: float, a2: float, b1: float, b_applies: bool = True) -> UnitScore:
    return UnitScore(
        uid,
        None,
        (  # type: ignore[arg-type]
            group("A", crit("A1", a1, 20), crit("A2", a2, 30)),
            group("B", crit("B1", b1, 50, b_applies)),
        ),
    )


LEVEL = {
    "u1": unit("u1", 20, 30, 45),  # 95 %: far ahead
    "u2": unit("u2", 10, 30, 30),  # 70 %
    "u3": unit("u3", 20, 20, 30),  # 70 %, the same total as u2 by another mix
    "u4": unit("u4", 5, 10, 0),  # 15 %
}


def test_rescaled_weights_keep_every_maximum():
    m = _matrix(list(LEVEL.values()))
    rng = np.random.default_rng(0)
    mult = _multipliers(m, rng.uniform(0.75, 1.25, (50, 2)), rng.uniform(0.75, 1.25, (50, 3)))
    assert np.allclose((mult * m.full_max).sum(axis=1), m.full_max.sum())


def test_no_spread_and_no_offsets_reproduce_the_official_ranks():
    result = analyse(
        LEVEL, set(), [], BANDS, Robustness(weight_spread=0, runs=20), "percent", (2018, "commune")
    )
    assert {u: (r.rank_p05, r.rank_median, r.rank_p95) for u, r in result.units.items()} == {
        "u1": (1, 1, 1),
        "u2": (2, 2, 2),
        "u3": (2, 2, 2),
        "u4": (4, 4, 4),
    }
    assert all(r.band_stability == 1.0 for r in result.units.values())


def test_weights_split_a_tie_both_ways_but_not_a_clear_lead():
    result = analyse(LEVEL, set(), [], BANDS, Robustness(), "percent", (2018, "commune"))
    assert (result.units["u1"].rank_p05, result.units["u1"].rank_p95) == (1, 1)
    for tied in ("u2", "u3"):
        assert (result.units[tied].rank_p05, result.units[tied].rank_p95) == (2, 3)
    # On the Khá threshold, weights move the tied units across it in some runs.
    assert 0 < result.units["u2"].band_stability < 1


def test_same_inputs_same_numbers_and_the_seed_matters():
    one = analyse(LEVEL, set(), [], BANDS, Robustness(), "percent", (2018, "commune"))
    two = analyse(LEVEL, set(), [], BANDS, Robustness(), "percent", (2018, "commune"))
    other = analyse(LEVEL, set(), [], BANDS, Robustness(seed=7), "percent", (2018, "commune"))
    assert one == two
    assert one.units["u2"].band_stability != other.units["u2"].band_stability


def test_unverified_units_are_shifted_by_observed_gaps_verified_ones_are_not():
    settings = Robustness(weight_spread=0, runs=200)
    offsets = [-12.0, -12.0]  # verification took 12 points of percent off every verified unit
    shifted = analyse(LEVEL, {"u1"}, offsets, BANDS, settings, "percent", (2018, "x"))
    assert shifted.units["u1"].band_stability == 1.0  # verified: kept at 95 %
    assert shifted.units["u2"].band_stability == 0.0  # 70 % - 12 leaves Khá in every run
    unshifted = analyse(LEVEL, set(LEVEL), offsets, BANDS, settings, "percent", (2018, "x"))
    assert unshifted.units["u2"].band_stability == 1.0


def test_leaving_a_group_out_moves_ranks_where_the_group_decides():
    level = {"x": unit("x", 20, 30, 10), "y": unit("y", 5, 10, 50)}  # 60 % and 65 %
    result = analyse(level, set(), [], BANDS, Robustness(), "percent", (2018, "commune"))
    # Without B, x (50/50) passes y (15/50): both move one place; without A, nothing moves.
    assert result.group_shift == {"A": 0.0, "B": 1.0}


def test_not_applicable_parts_leave_the_maximum():
    level = {"a": unit("a", 20, 30, 0, b_applies=False), "b": unit("b", 20, 30, 40)}
    result = analyse(
        level, set(), [], BANDS, Robustness(weight_spread=0, runs=10), "percent", (2018, "x")
    )
    assert result.units["a"].rank_median == 1  # 50/50 = 100 % beats 90/100


def test_competition_ranks_row_by_row():
    assert rank_rows(np.array([[3.0, 5.0, 5.0, 1.0]])).tolist() == [[3, 1, 1, 4]]


@pytest.mark.parametrize("rank_by, first", [("percent", "a"), ("total", "b")])
def test_rank_by_percent_or_total(rank_by, first):
    level = {"a": unit("a", 20, 30, 0, b_applies=False), "b": unit("b", 20, 30, 40)}
    result = analyse(
        level, set(), [], BANDS, Robustness(weight_spread=0, runs=10), rank_by, (2018, "x")
    )
    assert result.units[first].rank_median == 1


def test_the_robustness_figure_of_a_large_level_shows_the_ranks_around_the_unit():
    """300 ranks in 7,5 inches could not be read (and took seconds to draw): a large
    level's figure shows the ranks the runs reached, the unit's and its interval, with a
    margin; a small level's shows every rank."""
    from scoring.views.charts import SPREAD_ALL_RANKS, SPREAD_MARGIN, spread_window

    assert spread_window([0.1] * 11, 3, 2, 5) == range(1, 12)
    shares = [0.0] * 300
    shares[74:78] = [0.15, 0.5, 0.3, 0.05]  # ranks 75 to 78
    window = spread_window(shares, 76, 75, 78)
    assert {75, 76, 77, 78} <= set(window)
    assert window[0] > 1 and window[-1] < 300
    assert len(window) == SPREAD_ALL_RANKS  # the margin widened to the least width
    top = [0.0] * 300
    top[0:2] = [0.9, 0.1]
    assert spread_window(top, 1, 1, 2) == range(1, SPREAD_ALL_RANKS + 1)
    wide = [0.0] * 300
    wide[99:160] = [1 / 61] * 61  # ranks 100 to 160
    assert spread_window(wide, 130, 103, 157) == range(100 - SPREAD_MARGIN, 161 + SPREAD_MARGIN)


def test_the_robustness_chart_keeps_its_label_inside_the_axes(monkeypatch):
    """Issue 30: with the bracket at rank 1, "90% số lần chạy" was crossed by the axis."""
    from scoring.views import charts

    figures = []
    monkeypatch.setattr(charts, "to_png", lambda fig: figures.append(fig) or b"")
    for low, high, rank in ((1, 1, 1), (1, 3, 2), (9, 11, 11), (4, 6, 5)):
        shares = [0.0] * 11
        for r in range(low, high + 1):
            shares[r - 1] = 1 / (high - low + 1)
        charts.rank_spread(shares, rank, low, high)
        fig = figures[-1]
        fig.canvas.draw()
        ax = fig.axes[0]
        box = ax.get_window_extent()
        label = next(t for t in ax.texts if "90%" in t.get_text()).get_window_extent()
        assert box.x0 <= label.x0 and label.x1 <= box.x1, (low, high)
