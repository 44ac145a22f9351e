"""The scoring rules: one pure function per rule type, from input values to points.

Every rule returns an ``Outcome``: the points (always within 0..max) or "not
applicable", in which case the criterion leaves the unit's maximum. The formulas follow
the national appendices (Decision 2392/QĐ-BTTTT): ratio, steps, yes/no, count × points
capped, normalised to the best unit, points entered directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from scoring.criteria_tree import (
    CountRule,
    DirectRule,
    NormalizedRule,
    NotApplicableRule,
    RatioRule,
    Rule,
    StepsRule,
    YesNoRule,
)


class _NotApplicable:
    """The value a unit gives as "Không áp dụng" (not applicable)."""

    _instance: _NotApplicable | None = None

    def __new__(cls) -> _NotApplicable:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NA"

    def __reduce__(self) -> str:
        return "NA"


NA: Final = _NotApplicable()
Value = float | bool | _NotApplicable
Values = Mapping[str, Value]


@dataclass(frozen=True, slots=True)
class Outcome:
    """Points for one criterion; ``applicable=False`` removes it from the maximum."""

    points: float
    applicable: bool = True


NOT_APPLICABLE = Outcome(0.0, applicable=False)


def _clamp(points: float, maximum: float) -> float:
    return max(0.0, min(points, maximum))


def _num(values: Values, code: str) -> float | None:
    value = values.get(code)
    if value is None or isinstance(value, _NotApplicable):
        return None
    return float(value)


def ratio(rule: RatioRule, values: Values, maximum: float) -> Outcome:
    if rule.share is not None:
        share = _num(values, rule.share)
        if share is None:
            return NOT_APPLICABLE
        return Outcome(_clamp(share / 100 * maximum, maximum))
    assert rule.numerator is not None and rule.denominator is not None
    num, den = _num(values, rule.numerator), _num(values, rule.denominator)
    if num is None or den is None:
        return NOT_APPLICABLE
    if den == 0:
        if rule.zero_denominator == "not_applicable":
            return Outcome(0.0, applicable=False)
        points = maximum if rule.zero_denominator == "full" else 0.0
        return Outcome(points)
    return Outcome(_clamp(num / den * maximum, maximum))


def steps(rule: StepsRule, values: Values, maximum: float) -> Outcome:
    value = _num(values, rule.input)
    if value is None:
        return NOT_APPLICABLE
    reached = [s for s in rule.steps if value >= s.min]
    if not reached:
        return Outcome(0.0)
    best = max(reached, key=lambda s: s.min)
    return Outcome(_clamp(best.points, maximum))


def yes_no(rule: YesNoRule, values: Values, maximum: float) -> Outcome:
    value = values.get(rule.input)
    if value is None or value is NA:
        return NOT_APPLICABLE
    full = maximum if rule.points is None else rule.points
    return Outcome(_clamp(full, maximum) if value else 0.0)


def count(rule: CountRule, values: Values, maximum: float) -> Outcome:
    value = _num(values, rule.input)
    if value is None:
        return NOT_APPLICABLE
    cap = maximum if rule.cap is None else min(rule.cap, maximum)
    return Outcome(_clamp(min(value * rule.points_per_item, cap), maximum))


def normalized(rule: NormalizedRule, values: Values, maximum: float, best: float) -> Outcome:
    value = _num(values, rule.input)
    if value is None:
        return NOT_APPLICABLE
    if best <= 0:
        return Outcome(0.0)
    return Outcome(_clamp(value / best * maximum, maximum))


def direct(rule: DirectRule, values: Values, maximum: float) -> Outcome:
    value = _num(values, rule.input)
    if value is None:
        return NOT_APPLICABLE
    return Outcome(_clamp(value, maximum))


def evaluate(rule: Rule, values: Values, maximum: float, best: float | None = None) -> Outcome:
    """Apply one rule; ``best`` is the peers' best value, needed by normalized rules only."""
    if isinstance(rule, NotApplicableRule):
        return NOT_APPLICABLE
    if isinstance(rule, RatioRule):
        return ratio(rule, values, maximum)
    if isinstance(rule, StepsRule):
        return steps(rule, values, maximum)
    if isinstance(rule, YesNoRule):
        return yes_no(rule, values, maximum)
    if isinstance(rule, CountRule):
        return count(rule, values, maximum)
    if isinstance(rule, NormalizedRule):
        return normalized(rule, values, maximum, 0.0 if best is None else best)
    return direct(rule, values, maximum)
