"""How robust each unit's rank and band are: a seeded Monte Carlo analysis per level.

Composite-indicator practice (OECD/JRC handbook; JRC's COINr) ends with uncertainty and
sensitivity analysis. Two sources of doubt are modelled:

- **Weights.** Each group and each direct component of a group (sub-group, or a criterion
  placed directly under the group) gets a weight factor drawn uniformly in
  ``1 ± weight_spread``. Factors are rescaled so that every group keeps its maximum among
  its components and the set keeps its total maximum: only the balance changes.
- **Unverified figures.** Units that were verified show how far self-assessment and
  verification differed (in percent points of the applicable maximum). In each run, every
  unverified unit is shifted by one of those observed differences, drawn at random (a
  bootstrap); verified units keep their verified figures. With no verified unit in the
  year, nothing is shifted.

Each run ranks the level again (ties as "1, 2, 2, 4", on percent or total as the year
ranks) and bands it. Per unit: the 5th, 50th and 95th percentile of its rank and the share
of runs keeping its band. Per group: the mean absolute rank shift when it is left out
(weight zero, the others rescaled), a deterministic check. The generator is seeded from
the settings, the year and the level: the same inputs give the same numbers.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from scoring.model.criteria import Band, Robustness, band_index
from scoring.model.ranking import rank_rows
from scoring.model.scores import NodeScore, UnitScore


@dataclass(frozen=True)
class UnitRobustness:
    rank_p05: int
    rank_median: int
    rank_p95: int
    band_stability: float  # share of runs (0-1) in which the unit keeps its band
    # share of runs (0-1) at each rank 1..n: the unit report's small figure
    rank_share: tuple[float, ...] = ()


@dataclass(frozen=True)
class LevelRobustness:
    """The analysis of one level of one year, with the settings it ran with."""

    units: dict[str, UnitRobustness]
    group_shift: dict[str, float]  # group code -> mean |rank shift| when left out
    runs: int
    weight_spread: float
    offsets: tuple[float, ...]  # observed verified - self differences, percent points

    def __repr__(self) -> str:
        return (
            f"LevelRobustness({len(self.units)} units, {self.runs} runs, "
            f"±{self.weight_spread:.0%} weights, {len(self.offsets)} observed offsets)"
        )


@dataclass(frozen=True)
class _Matrix:
    """Points and applicable maxima of each unit per weighted component."""

    components: list[str]  # component codes, grouped by group
    group_of: np.ndarray  # component -> group index
    full_max: np.ndarray  # component full maxima
    group_max: np.ndarray  # group full maxima
    groups: list[str]
    points: np.ndarray  # units x components
    maxima: np.ndarray  # units x components (0 where not applicable)


def _components(score: UnitScore) -> list[tuple[int, NodeScore]]:
    """(group index, node) of each weighted component: a group's children, or the group."""
    return [(g, c) for g, group in enumerate(score.groups) for c in group.children or (group,)]


def _matrix(scores: Sequence[UnitScore]) -> _Matrix:
    first = _components(scores[0])
    rows = [_components(s) for s in scores]
    shape = (len(scores), len(first))
    return _Matrix(
        components=[c.code for _, c in first],
        group_of=np.array([g for g, _ in first]),
        full_max=np.array([c.full_max for _, c in first], dtype=float),
        group_max=np.array([g.full_max for g in scores[0].groups], dtype=float),
        groups=[g.code for g in scores[0].groups],
        points=np.array([[c.points for _, c in r] for r in rows], dtype=float).reshape(shape),
        maxima=np.array([[c.max for _, c in r] for r in rows], dtype=float).reshape(shape),
    )


def _multipliers(m: _Matrix, group_w: np.ndarray, comp_w: np.ndarray) -> np.ndarray:
    """runs x components: each component's weight factor after rescaling (groups keep their
    maximum among their components; the set keeps its total maximum)."""
    n_groups = len(m.groups)
    within = np.zeros((comp_w.shape[0], n_groups))
    for g in range(n_groups):
        cols = m.group_of == g
        within[:, g] = (comp_w[:, cols] * m.full_max[cols]).sum(axis=1) / m.full_max[cols].sum()
    comp = comp_w / within[:, m.group_of]
    total = (group_w * m.group_max).sum(axis=1, keepdims=True) / m.group_max.sum()
    return comp * (group_w / total)[:, m.group_of]


def _measure(points: np.ndarray, maxima: np.ndarray, rank_by: str) -> tuple[np.ndarray, ...]:
    percent = np.divide(points * 100, maxima, out=np.zeros_like(points), where=maxima > 0)
    return (percent if rank_by == "percent" else points), percent


def analyse(
    scores: Mapping[str, UnitScore],
    verified: set[str],
    offsets: Sequence[float],
    bands: Sequence[Band],
    settings: Robustness,
    rank_by: str,
    seed_key: tuple[int, str],
) -> LevelRobustness:
    """The analysis for one level: ``scores`` are its units' official scores."""
    ids = sorted(scores)
    if not ids:
        return LevelRobustness({}, {}, settings.runs, settings.weight_spread, tuple(offsets))
    m = _matrix([scores[u] for u in ids])
    year, level = seed_key
    rng = np.random.default_rng([settings.seed, year, zlib.crc32(level.encode("utf-8"))])
    runs, spread = settings.runs, settings.weight_spread
    group_w = rng.uniform(1 - spread, 1 + spread, (runs, len(m.groups)))
    comp_w = rng.uniform(1 - spread, 1 + spread, (runs, len(m.components)))
    mult = _multipliers(m, group_w, comp_w)
    points = mult @ m.points.T  # runs x units
    maxima = mult @ m.maxima.T
    shifted = np.array([u not in verified for u in ids])
    if settings.unverified_spread and len(offsets) and shifted.any():
        draws = rng.choice(np.asarray(offsets, dtype=float), size=(runs, len(ids)))
        draws[:, ~shifted] = 0.0
        points = np.clip(points + draws / 100 * maxima, 0, maxima)
    value, percent = _measure(points, maxima, rank_by)
    ranks = rank_rows(value)
    base_value, base_percent = _measure(m.points.sum(1)[None], m.maxima.sum(1)[None], rank_by)
    base_rank = rank_rows(base_value)[0]
    base_band = band_index(base_percent[0], bands)
    kept = (band_index(percent, bands) == base_band[None]).mean(axis=0)
    low, mid, high = np.quantile(ranks, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf")
    shares = [
        tuple(round(float(x), 4) for x in np.bincount(ranks[:, i] - 1, minlength=len(ids)) / runs)
        for i in range(len(ids))
    ]
    units = {
        uid: UnitRobustness(int(low[i]), int(mid[i]), int(high[i]), float(kept[i]), shares[i])
        for i, uid in enumerate(ids)
    }
    shift = _left_out_shift(m, rank_by, base_rank)
    return LevelRobustness(units, shift, runs, spread, tuple(offsets))


def _left_out_shift(m: _Matrix, rank_by: str, base_rank: np.ndarray) -> dict[str, float]:
    """Mean absolute rank shift of the level's units when each group is left out."""
    shifts: dict[str, float] = {}
    if len(m.groups) < 2:
        return shifts
    for g, code in enumerate(m.groups):
        group_w = np.ones((1, len(m.groups)))
        group_w[0, g] = 0.0
        mult = _multipliers(m, group_w, np.ones((1, len(m.components))))
        value, _ = _measure(mult @ m.points.T, mult @ m.maxima.T, rank_by)
        shifts[code] = float(np.abs(rank_rows(value)[0] - base_rank).mean())
    return shifts
