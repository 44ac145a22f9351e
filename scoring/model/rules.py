"""The scoring rules: one pure function per rule type, from input values to points.

Every rule returns an ``Outcome``: the points (always within 0..max) or "not applicable"
(the criterion leaves the unit's maximum). The formulas follow the national appendices
(Decision 2392/QĐ-BTTTT): ratio, steps, yes/no, count × points capped, normalised to the
best unit, points entered directly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from scoring.model.criteria import (
    CountRule,
    NormalizedRule,
    NotApplicableRule,
    RatioRule,
    Rule,
    StepsRule,
    YesNoRule,
)


class _NotApplicable:
    """The value a unit gives as "Không áp dụng" (not applicable)."""

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


def as_number(value: Value | None) -> float | None:
    """A numeric answer as a float; None for no answer, "Không áp dụng" or a yes/no."""
    if value is None or value is NA or isinstance(value, bool):
        return None
    return float(value)  # type: ignore[arg-type]


def _clamp(points: float, maximum: float) -> float:
    return max(0.0, min(points, maximum))


def _num(values: Values, code: str) -> float | None:
    value = values.get(code)
    if value is None or isinstance(value, _NotApplicable):
        return None
    return float(value)


def _ratio(rule: RatioRule, values: Values, maximum: float) -> Outcome:
    if rule.share is not None:
        share = _num(values, rule.share)
        if share is None:
            return NOT_APPLICABLE
        return Outcome(_clamp(share / 100 * maximum, maximum))
    assert rule.numerator is not None and rule.denominator is not None
    num, den = _num(values, rule.numerator), _num(values, rule.denominator)
    if num is None or den is None or (den == 0 and rule.zero_denominator == "not_applicable"):
        return NOT_APPLICABLE
    if den == 0:
        return Outcome(maximum if rule.zero_denominator == "full" else 0.0)
    return Outcome(_clamp(num / den * maximum, maximum))


def _points(rule: Rule, value: float, maximum: float, best: float) -> float:
    """The points of a rule on one input's value (steps, count, normalized, direct)."""
    if isinstance(rule, StepsRule):
        reached = [s for s in rule.steps if value >= s.min]
        return max(reached, key=lambda s: s.min).points if reached else 0.0
    if isinstance(rule, CountRule):
        cap = maximum if rule.cap is None else min(rule.cap, maximum)
        return min(value * rule.points_per_item, cap)
    if isinstance(rule, NormalizedRule):
        return value / best * maximum if best > 0 else 0.0
    return value


def evaluate(rule: Rule, values: Values, maximum: float, best: float | None = None) -> Outcome:
    """Apply one rule; ``best`` is the peers' best value, needed by normalized rules only."""
    if isinstance(rule, NotApplicableRule):
        return NOT_APPLICABLE
    if isinstance(rule, RatioRule):
        return _ratio(rule, values, maximum)
    if isinstance(rule, YesNoRule):
        answer = values.get(rule.input)
        if answer is None or answer is NA:
            return NOT_APPLICABLE
        full = maximum if rule.points is None else rule.points
        return Outcome(_clamp(full, maximum) if answer else 0.0)
    value = _num(values, rule.input)
    if value is None:
        return NOT_APPLICABLE
    return Outcome(_clamp(_points(rule, value, maximum, best or 0.0), maximum))
