"""The year's result: ``score`` turns checked inputs (``scoring.inputs.year.load``) into the
``YearResult`` every report and table reads: every unit's self-assessed and verified
scores, the official one (verified where it exists), ranks within each level, bands, and
the inputs' fingerprints, so a report can say how it was made. Pure: no file is read.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from scoring.model.criteria import LEVELS, CriteriaYear
from scoring.model.ranking import points_to_next_rank, rank_map
from scoring.model.rules import Values
from scoring.model.scores import UnitScore, score_peers
from scoring.text.errors import ScoringError

if TYPE_CHECKING:
    from scoring.inputs.submissions import Collection, Problem
    from scoring.inputs.units import Unit
    from scoring.model.robustness import LevelRobustness

T = TypeVar("T")
# What the unit report shows of each figure the office changed (not its cell).
_CHANGE_FIELDS = ("code", "label", "kind", "claimed", "verified", "reason")


class InvalidSubmissions(ScoringError):
    """Raised when scoring is asked of a year whose forms still have errors; carries the
    year's collection, so that the command can end with its counts and the next step."""

    def __init__(self, problems: list[Problem], collection: Collection | None = None) -> None:
        self.problems = problems
        self.collection = collection
        super().__init__("\n".join(p.format() for p in problems))


@dataclass(frozen=True)
class YearInputs:
    """Everything read from ``data/`` for one year, checked."""

    data_dir: Path
    year: int
    criteria: CriteriaYear
    units: list[Unit]
    collection: Collection

    @functools.cached_property
    def units_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}

    def __repr__(self) -> str:
        return (
            f"YearInputs(year={self.year}, data_dir={str(self.data_dir)!r}, "
            f"units={len(self.units)}, forms={len(self.collection.submissions)})"
        )


@dataclass(frozen=True)
class YearResult:
    """Scores, ranks and bands of one year; the official score is verified where it exists."""

    inputs: YearInputs
    self_scores: dict[str, UnitScore]
    verified_scores: dict[str, UnitScore]
    official: dict[str, UnitScore]
    ranks: dict[str, int]
    peers: dict[str, list[str]]  # level -> unit ids scored at that level
    # level -> units valid in the year that sent no form (ranked last unless excluded)
    missing: dict[str, list[str]] = field(default_factory=dict)
    date: dt.date | None = None  # the reports' date (``dated``)
    _memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def year(self) -> int:
        return self.inputs.year

    def __repr__(self) -> str:
        levels = ", ".join(f"{lv}: {len(ids)}" for lv, ids in self.peers.items())
        return (
            f"YearResult(year={self.year}, units={len(self.official)} ({levels}), "
            f"verified={len(self.verified_scores)})"
        )

    def unit(self, unit_id: str) -> Unit:
        return self.inputs.units_by_id[unit_id]

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, once per result under ``key`` (kept in the build's snapshot too)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[return-value]

    def levels(self) -> list[str]:
        """Levels with any unit assessed this year, the city first (``LEVELS``' order)."""
        found = set(self.peers) | set(self.missing)
        return [lv for lv in LEVELS if lv in found]

    def is_missing(self, unit_id: str) -> bool:
        """True for a unit valid in the year that sent no form."""
        return unit_id in self.missing.get(self.unit(unit_id).level, ())

    @property
    def ranks_missing(self) -> bool:
        """Whether units without a form are ranked (last, 0 points): ``missing: rank_last``."""
        return self.inputs.criteria.ranking.missing == "rank_last"

    def ranked_ids(self, level: str) -> list[str]:
        """The units ranked at a level: those scored, then those without a form if ranked."""
        missing = self.missing.get(level, []) if self.ranks_missing else []
        return [*self.peers.get(level, []), *missing]

    def peer_count(self, unit_id: str) -> int:
        """The "n" of "Hạng r/n": how many units are ranked at the unit's level."""
        return len(self.ranked_ids(self.unit(unit_id).level))

    def band(self, unit_id: str) -> str:
        return self.inputs.criteria.band(self.official[unit_id].percent)

    def is_verified(self, unit_id: str) -> bool:
        return unit_id in self.verified_scores

    def peer_ids(self, unit_id: str) -> list[str]:
        return self.peers[self.unit(unit_id).level]

    def subgroup_means(self, level: str) -> dict[str, float]:
        """Mean percent of maximum of every non-criterion node among the level's units
        where it applies (computed once per level: every unit report of the level shows it).
        """
        return self.once(f"means:{level}", lambda: self._subgroup_means(level))

    def _subgroup_means(self, level: str) -> dict[str, float]:
        shares: dict[str, list[float]] = {}
        for uid in self.peers[level]:
            for node in self.official[uid].nodes():
                if not node.is_criterion and node.applicable:
                    shares.setdefault(node.code, []).append(node.percent)
        return {code: sum(v) / len(v) for code, v in shares.items()}

    def verification_view(self, unit_id: str) -> dict[str, object]:
        """What the unit claimed against what the office verified, as plain data (the unit
        report shows it, its build key includes it): per group and in total, self-assessed
        next to verified points (None while not verified); each changed figure with its
        reason; both files with their SHA-256."""
        own, off = self.self_scores[unit_id], self.official[unit_id]
        check = self.inputs.collection.verifications.get(unit_id)
        sub = self.inputs.collection.submissions[unit_id]
        own_groups = {g.code: g for g in own.groups}
        changes = check.changes if check else ()
        return {
            "verified": check is not None,
            "groups": [
                {
                    "code": g.code,
                    "name": g.name,
                    "self": own_groups[g.code].points,
                    "self_max": own_groups[g.code].max,
                    "verified": g.points if check else None,
                    "max": g.max,
                }
                for g in off.groups
            ],
            "total": {
                "self": own.total,
                "self_max": own.max,
                "verified": off.total if check else None,
                "max": off.max,
            },
            "changes": [{k: getattr(c, k) for k in _CHANGE_FIELDS} for c in changes],
            "form": {"path": str(sub.path), "sha256": sub.sha256},
            "verification": ({"path": str(check.path), "sha256": check.sha256} if check else None),
        }

    def official_values(self, unit_id: str) -> Values:
        """The figures the official score is computed from: verified where they exist."""
        check = self.inputs.collection.verifications.get(unit_id)
        return check.values if check else self.inputs.collection.submissions[unit_id].values

    def scored_units(self) -> Iterator[Unit]:
        for level_ids in self.peers.values():
            for uid in level_ids:
                yield self.unit(uid)

    def missing_units(self) -> Iterator[Unit]:
        """Units valid in the year that sent no form, level by level."""
        for level in self.levels():
            for uid in self.missing.get(level, []):
                yield self.unit(uid)

    def rank_value(self, unit_id: str) -> float:
        return rank_value(self.inputs, self.official[unit_id])

    def rank_values(self, level: str) -> list[float]:
        """The rank values of the level's scored units (computed once per level: every
        unit's gap to the next rank is taken against them, 300 times at 300 units)."""
        return self.once(
            f"rank_values:{level}", lambda: [self.rank_value(u) for u in self.peers[level]]
        )

    def points_to_next_rank(self, unit_id: str) -> float | None:
        """Points to the next higher rank value among the peers (on the unit's applicable
        maximum when ranks are on percent); None when it is first."""
        return self.next_rank(unit_id)[0]

    def next_rank(self, unit_id: str) -> tuple[float | None, int]:
        """``points_to_next_rank`` and the rank it reaches; (None, its rank) when first."""
        own, rank = self.rank_value(unit_id), self.ranks[unit_id]
        values = self.rank_values(self.unit(unit_id).level)
        gap = points_to_next_rank(own, values)
        if gap is None:
            return None, rank
        reached = 1 + sum(1 for v in values if v > own + gap + 1e-9)
        if self.inputs.criteria.ranking.rank_by == "percent":
            gap = gap / 100 * self.official[unit_id].max
        return gap, min(reached, rank)

    def robustness(self, level: str) -> LevelRobustness:
        """The seeded Monte Carlo analysis of one level (computed once per level)."""
        return self.once(f"robustness:{level}", lambda: self._robustness(level))

    def _robustness(self, level: str) -> LevelRobustness:
        from scoring.model.robustness import analyse

        criteria = self.inputs.criteria
        # Verified minus self-assessed percent of every verified unit of the year: the
        # doubt the analysis puts on the units that were not verified.
        offsets = [
            self.official[u].percent - self.self_scores[u].percent
            for u in sorted(self.verified_scores)
        ]
        return analyse(
            {u: self.official[u] for u in self.peers.get(level, [])},
            set(self.verified_scores),
            offsets,
            criteria.bands,
            criteria.ranking.robustness,
            criteria.ranking.rank_by,
            (self.year, level),
        )

    def precompute(self) -> YearResult:
        """Compute the per-level views every report reads (robustness, means, rank values)
        now: a build does it before writing its snapshot, so no report kernel does it again."""
        for level in self.peers:
            self.robustness(level)
            self.subgroup_means(level)
            self.rank_values(level)
        return self


def rank_value(inputs: YearInputs, score: UnitScore) -> float:
    """What a unit is ranked on: the percent of its applicable maximum (equivalently, its
    score converted to the full maximum, "điểm quy đổi"), or its raw total where the year's
    bands.yaml says ``rank_by: total``."""
    by_total = inputs.criteria.ranking.rank_by == "total"
    return score.total if by_total else score.percent


def score(inputs: YearInputs) -> YearResult:
    """Score every valid submission against its level's criteria and rank within levels."""
    if inputs.collection.errors:
        raise InvalidSubmissions(inputs.collection.errors, inputs.collection)
    by_id = inputs.units_by_id
    self_scores: dict[str, UnitScore] = {}
    verified_scores: dict[str, UnitScore] = {}
    official: dict[str, UnitScore] = {}
    ranks: dict[str, int] = {}
    peers: dict[str, list[str]] = {}
    for level in sorted({by_id[uid].level for uid in inputs.collection.submissions}):
        subs = {
            uid: s
            for uid, s in sorted(inputs.collection.submissions.items())
            if by_id[uid].level == level
        }
        cset = inputs.criteria.for_level(level)
        self_scores |= score_peers(cset, {u: s.values for u, s in subs.items()})
        checked = inputs.collection.verifications
        verified = {u: checked[u].values for u in subs if u in checked}
        # Normalised rules compare a unit with its peers' official values.
        official_values = {u: verified.get(u, s.values) for u, s in subs.items()}
        level_official = score_peers(cset, official_values)
        verified_scores |= {u: level_official[u] for u in verified}
        official |= level_official
        ranks |= rank_map({u: rank_value(inputs, level_official[u]) for u in subs})
        peers[level] = list(subs)
    missing = _missing_by_level(inputs)
    if inputs.criteria.ranking.missing == "rank_last":
        for level, ids in missing.items():  # all tied, after every unit that sent a form
            ranks |= dict.fromkeys(ids, len(peers.get(level, [])) + 1)
    return YearResult(inputs, self_scores, verified_scores, official, ranks, peers, missing)


def _missing_by_level(inputs: YearInputs) -> dict[str, list[str]]:
    """Units expected this year (valid, at a level with criteria) that sent no form."""
    found: dict[str, list[str]] = {}
    for uid in sorted(inputs.collection.missing):
        level = inputs.units_by_id[uid].level
        if level in inputs.criteria.levels:
            found.setdefault(level, []).append(uid)
    return found
