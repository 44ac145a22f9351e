"""Every scoring rule with its edge cases."""

import pytest

from scoring.model import rules
from scoring.model.criteria import (
    CountRule,
    DirectRule,
    NormalizedRule,
    NotApplicableRule,
    RatioRule,
    Step,
    StepsRule,
    YesNoRule,
)
from scoring.model.rules import NA


def ratio(**kw):
    return RatioRule(type="ratio", **kw)


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [(50, 100, 2.5), (100, 100, 5.0), (0, 100, 0.0), (120, 100, 5.0), (93, 100, 4.65)],
)
def test_ratio_is_share_of_max_capped(num, den, expected):
    out = rules.evaluate(ratio(numerator="a", denominator="b"), {"a": num, "b": den}, 5.0)
    assert out.applicable and out.points == pytest.approx(expected)


@pytest.mark.parametrize(
    ("policy", "points", "applicable"),
    [("zero", 0.0, True), ("full", 5.0, True), ("not_applicable", 0.0, False)],
)
def test_ratio_zero_denominator(policy, points, applicable):
    rule = ratio(numerator="a", denominator="b", zero_denominator=policy)
    out = rules.evaluate(rule, {"a": 0, "b": 0}, 5.0)
    assert (out.points, out.applicable) == (points, applicable)


def test_ratio_on_a_share_input():
    rule = ratio(share="s")
    assert rules.evaluate(rule, {"s": 85.0}, 4.0).points == pytest.approx(3.4)
    assert rules.evaluate(rule, {"s": 100.0}, 4.0).points == 4.0
    assert rules.evaluate(rule, {"s": 0.0}, 4.0).points == 0.0


STEPS = StepsRule(
    type="steps",
    input="m",
    steps=[
        Step(min=1, points=5),
        Step(min=2, points=10),
        Step(min=3, points=15),
        Step(min=4, points=20),
    ],
)


@pytest.mark.parametrize(
    ("value", "points"),
    [(0, 0), (0.99, 0), (1, 5), (1.5, 5), (2, 10), (3, 15), (3.999, 15), (4, 20), (40, 20)],
)
def test_steps_at_their_bounds(value, points):
    assert rules.evaluate(STEPS, {"m": value}, 20.0).points == points


def test_yes_no():
    rule = YesNoRule(type="yes_no", input="q")
    assert rules.evaluate(rule, {"q": True}, 2.0).points == 2.0
    assert rules.evaluate(rule, {"q": False}, 2.0).points == 0.0
    partial = YesNoRule(type="yes_no", input="q", points=1.5)
    assert rules.evaluate(partial, {"q": True}, 2.0).points == 1.5


@pytest.mark.parametrize(("items", "points"), [(0, 0), (1, 1), (3, 3), (4, 4), (9, 4)])
def test_count_times_points_capped(items, points):
    rule = CountRule(type="count", input="n", points_per_item=1, cap=4)
    assert rules.evaluate(rule, {"n": items}, 5.0).points == points


def test_count_cap_defaults_to_max():
    rule = CountRule(type="count", input="n", points_per_item=0.5)
    assert rules.evaluate(rule, {"n": 100}, 3.0).points == 3.0


def test_normalized_to_best_peer():
    rule = NormalizedRule(type="normalized", input="x")
    assert rules.evaluate(rule, {"x": 50}, 8.0, best=200).points == 2.0
    assert rules.evaluate(rule, {"x": 200}, 8.0, best=200).points == 8.0
    assert rules.evaluate(rule, {"x": 0}, 8.0, best=0).points == 0.0


def test_direct_points_clamped():
    rule = DirectRule(type="direct", input="p")
    assert rules.evaluate(rule, {"p": 2.5}, 3.0).points == 2.5
    assert rules.evaluate(rule, {"p": 7}, 3.0).points == 3.0


def test_not_applicable_rule_and_na_value():
    assert not rules.evaluate(NotApplicableRule(type="not_applicable"), {}, 3.0).applicable
    out = rules.evaluate(ratio(numerator="a", denominator="b"), {"a": NA, "b": 10}, 3.0)
    assert not out.applicable
