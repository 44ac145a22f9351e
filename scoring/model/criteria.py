"""The criteria tree as data: levels, inputs, rules, nodes, bands and one year's sets.

Pure data classes (no file I/O); ``scoring.inputs.criteria`` reads and checks the YAML files
that hold them (format: ``docs/criteria-format.md``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal, get_args

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from scoring.text.errors import CriteriaError
from scoring.text.i18n import N_

# The levels, the city first: the order of every report, table and index.
Level = Literal["district", "department", "commune"]
LEVELS: tuple[str, ...] = get_args(Level)
CITY_LEVEL = LEVELS[0]
"""The level of the city itself (one unit, the one reported to the province)."""
LEVEL_NAMES_VI = {
    "district": N_("cấp huyện"),
    "department": N_("cấp phòng, ban"),
    "commune": N_("cấp xã"),
}
InputKind = Literal["count", "share", "yes_no", "amount", "points"]
TOLERANCE = 1e-6


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Input(_Strict):
    """One value the unit reports on its form."""

    code: str
    label: str
    unit: str = ""
    kind: InputKind
    required: bool = True
    help: str = ""


class RatioRule(_Strict):
    """points = a/b × max (capped at max); or share% / 100 × max with ``share``."""

    type: Literal["ratio"]
    numerator: str | None = None
    denominator: str | None = None
    share: str | None = None
    zero_denominator: Literal["zero", "full", "not_applicable"] = "not_applicable"


class Step(_Strict):
    min: float
    points: float


class StepsRule(_Strict):
    """The points of the highest threshold the value reaches; 0 below every threshold."""

    type: Literal["steps"]
    input: str
    steps: list[Step]


class YesNoRule(_Strict):
    type: Literal["yes_no"]
    input: str
    points: float | None = None  # default: the criterion's maximum


class CountRule(_Strict):
    type: Literal["count"]
    input: str
    points_per_item: float
    cap: float | None = None  # default: the criterion's maximum


class NormalizedRule(_Strict):
    """value / best value among peers × max: rewards the best unit of the year."""

    type: Literal["normalized"]
    input: str


class DirectRule(_Strict):
    """Points entered directly (0..max); the form must carry a justification."""

    type: Literal["direct"]
    input: str


class NotApplicableRule(_Strict):
    """The criterion never applies at this level: it leaves the maximum."""

    type: Literal["not_applicable"]


Rule = Annotated[
    RatioRule | StepsRule | YesNoRule | CountRule | NormalizedRule | DirectRule | NotApplicableRule,
    Field(discriminator="type"),
]


class Node(_Strict):
    """A group, sub-group or criterion. A criterion (leaf) has a rule, others children."""

    code: str
    name: str
    max: float = Field(ge=0)
    reconstructed: bool | None = None
    note: str = ""
    applicable_if: str | None = None
    allow_na: bool = False
    inputs: list[Input] = []
    rule: Rule | None = None
    children: list[Node] = []

    @property
    def is_criterion(self) -> bool:
        return self.rule is not None

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


class Band(_Strict):
    name: str
    min_percent: float = Field(ge=0, le=100)
    # true: the threshold is inferred, not read in a published text (every report says so)
    inferred: bool = False


class Robustness(_Strict):
    """Settings of the uncertainty analysis (``robustness:`` in bands.yaml)."""

    runs: int = Field(default=1000, ge=10, le=100_000)
    weight_spread: float = Field(default=0.25, ge=0, lt=1)  # uniform ±25 % on each weight
    unverified_spread: bool = True  # shift unverified units by observed self/verified gaps
    seed: int = Field(default=1, ge=0)


class Ranking(_Strict):
    """How a year ranks its units (bands.yaml, beside the bands)."""

    rank_by: Literal["percent", "total"] = "percent"
    missing: Literal["rank_last", "exclude"] = "rank_last"
    robustness: Robustness = Robustness()


@dataclass(frozen=True)
class CriteriaSet:
    """One level's criteria for one year, checked, with the file's fingerprint."""

    path: Path
    year: int
    level: str
    version: str
    title: str
    legal_basis: tuple[str, ...]
    provenance: str
    max: float
    groups: tuple[Node, ...]
    fingerprint: str
    inputs: dict[str, Input] = field(default_factory=dict)
    nodes: dict[str, Node] = field(default_factory=dict)
    input_owner: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (
            f"CriteriaSet({self.year} {self.level} {self.version!r}: {self.title!r}, "
            f"max {self.max:g}, {len(self.criteria())} criteria)"
        )

    def reconstructed_groups(self) -> list[str]:
        """Codes of the groups holding any node marked ``reconstructed: true`` (the group
        itself or below): what a report's source notice names."""
        return [g.code for g in self.groups if any(n.reconstructed for n in g.walk())]

    def reconstructed_count(self) -> tuple[int, int]:
        """How many nodes are marked reconstructed, of how many."""
        nodes = list(self.walk())
        return sum(1 for n in nodes if n.reconstructed), len(nodes)

    def walk(self) -> Iterator[Node]:
        for group in self.groups:
            yield from group.walk()

    def criteria(self) -> list[Node]:
        return [n for n in self.walk() if n.is_criterion]


@dataclass(frozen=True)
class CriteriaYear:
    """All levels of one year plus that year's bands."""

    year: int
    bands: tuple[Band, ...]
    levels: dict[str, CriteriaSet]
    ranking: Ranking = Ranking()

    def __repr__(self) -> str:
        return f"CriteriaYear({self.year}, levels={sorted(self.levels)}, bands={len(self.bands)})"

    def for_level(self, level: str) -> CriteriaSet:
        if level not in self.levels:
            raise CriteriaError(
                N_(
                    "Năm %(expected)s không có bộ tiêu chí cho cấp '%(found)s' "
                    "(cần tệp data/criteria/%(expected)s/%(found)s.yaml)"
                ),
                expected=self.year,
                found=level,
            )
        return self.levels[level]

    def inferred_bands(self) -> list[str]:
        """Names of the bands whose threshold is inferred (``inferred: true``)."""
        return [b.name for b in self.bands if b.inferred]

    def band(self, percent: float) -> str:
        return self.bands[int(band_index(np.float64(percent), self.bands))].name


def band_index(percent: np.ndarray | np.float64, bands: Sequence[Band]) -> np.ndarray:
    """Index into ``bands`` (highest first) of each percent: the first band whose
    ``min_percent`` it reaches, the last when it reaches none."""
    lows = np.array([b.min_percent for b in bands])
    return np.minimum(
        (np.asarray(percent)[..., None] + TOLERANCE < lows).sum(axis=-1), len(lows) - 1
    )


def rule_inputs(rule: Rule | None) -> list[tuple[str, str]]:
    """(role, input code) pairs a rule reads, in the order it reads them."""
    if rule is None or isinstance(rule, NotApplicableRule):
        return []
    if isinstance(rule, RatioRule):
        pairs = [("numerator", rule.numerator), ("denominator", rule.denominator)]
        pairs.append(("share", rule.share))
        return [(role, code) for role, code in pairs if code is not None]
    return [("input", rule.input)]


# Each level as the heading of its part of the ranking and the summaries, beside
# LEVEL_NAMES_VI (the level in a sentence, "cấp huyện"): level names are kept here only.
LEVEL_TITLES_VI = {
    "district": N_("Cấp huyện (thành phố)"),
    "department": N_("Các phòng, ban"),
    "commune": N_("Các phường, xã"),
}
