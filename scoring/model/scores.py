"""Points per criterion, sub-group, group and total for the units of one peer group.

Scores are unrounded (rounding is for display). A node that does not apply (its
``applicable_if`` answer is "Không", its rule says not applicable, or no child applies)
leaves the unit's maximum, and the percent is taken on the reduced maximum."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from scoring.model import rules
from scoring.model.criteria import CriteriaSet, Node, NormalizedRule, rule_inputs
from scoring.model.rules import NA, Values


@dataclass(frozen=True, slots=True)
class NodeScore:
    """The score of one node of the criteria tree for one unit."""

    code: str
    name: str
    points: float
    max: float  # applicable maximum: 0 when the node does not apply
    full_max: float  # the maximum the criteria file gives
    applicable: bool
    is_criterion: bool
    children: tuple[NodeScore, ...] = field(default_factory=tuple)

    def __repr__(self) -> str:
        if not self.applicable:
            return f"NodeScore({self.code} {self.name!r}: không áp dụng)"
        return f"NodeScore({self.code} {self.name!r}: {self.points:.2f}/{self.max:g})"

    @property
    def percent(self) -> float:
        return self.points / self.max * 100 if self.max > 0 else 0.0

    @property
    def missing(self) -> float:
        """Points below the applicable maximum: what the unit could still gain here."""
        return self.max - self.points

    def walk(self) -> Iterator[NodeScore]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class UnitScore:
    """A unit's whole tree of scores under one criteria set."""

    unit_id: str
    criteria: CriteriaSet
    groups: tuple[NodeScore, ...]

    def __repr__(self) -> str:
        return (
            f"UnitScore({self.unit_id}: {self.total:.2f}/{self.max:g}, "
            f"criteria {self.criteria.level} {self.criteria.version})"
        )

    @property
    def total(self) -> float:
        return sum(g.points for g in self.groups)

    @property
    def max(self) -> float:
        return sum(g.max for g in self.groups)

    @property
    def percent(self) -> float:
        return self.total / self.max * 100 if self.max > 0 else 0.0

    def nodes(self) -> Iterator[NodeScore]:
        for group in self.groups:
            yield from group.walk()

    def node(self, code: str) -> NodeScore:
        for node in self.nodes():
            if node.code == code:
                return node
        raise KeyError(code)


def peer_best(criteria: CriteriaSet, peer_values: Mapping[str, Values]) -> dict[str, float]:
    """The best reported value of each input used by a normalized rule, among peers."""
    best: dict[str, float] = {}
    for node in criteria.criteria():
        if isinstance(node.rule, NormalizedRule):
            code = node.rule.input
            found = [v.get(code) for v in peer_values.values()]
            best[code] = max([float(x) for x in found if isinstance(x, int | float)], default=0.0)
    return best


def _not_applicable(node: Node) -> NodeScore:
    children = tuple(_not_applicable(c) for c in node.children)
    return NodeScore(node.code, node.name, 0.0, 0.0, node.max, False, node.is_criterion, children)


def score_node(node: Node, values: Values, best: Mapping[str, float]) -> NodeScore:
    """Score a node and its subtree for one unit."""
    if node.applicable_if is not None and values.get(node.applicable_if) is not True:
        return _not_applicable(node)
    if node.rule is not None:
        if node.allow_na and any(values.get(c) is NA for _, c in rule_inputs(node.rule)):
            return _not_applicable(node)
        best_value = best.get(node.rule.input) if isinstance(node.rule, NormalizedRule) else None
        outcome = rules.evaluate(node.rule, values, node.max, best_value)
        if not outcome.applicable:
            return _not_applicable(node)
        return NodeScore(node.code, node.name, outcome.points, node.max, node.max, True, True)
    children = tuple(score_node(c, values, best) for c in node.children)
    points, maximum = sum(c.points for c in children), sum(c.max for c in children)
    applicable = any(c.applicable for c in children)
    return NodeScore(node.code, node.name, points, maximum, node.max, applicable, False, children)


def score_peers(criteria: CriteriaSet, peer_values: Mapping[str, Values]) -> dict[str, UnitScore]:
    """Score every unit of one peer group (same level, same criteria set)."""
    best = peer_best(criteria, peer_values)
    return {
        unit_id: UnitScore(
            unit_id=unit_id,
            criteria=criteria,
            groups=tuple(score_node(g, values, best) for g in criteria.groups),
        )
        for unit_id, values in peer_values.items()
    }
