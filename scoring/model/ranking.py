"""Ranks within a peer group: ties share a rank and skip the next ("1, 2, 2, 4").

Ranks are taken on unrounded totals; two totals count as tied only when they agree to
nine decimals, so that float noise from adding the same points in another order never
splits a tie, while a 0,001-point difference that the report rounds away still counts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

TIE_DECIMALS = 9


def competition_ranks(totals: Sequence[float]) -> list[int]:
    """Standard competition ranking, highest total first, in the order given."""
    return [int(r) for r in rank_rows(np.array([totals], dtype=float))[0]]


def rank_rows(values: np.ndarray) -> np.ndarray:
    """Row by row, rank 1 for the highest value; ties share a rank and skip the next."""
    keys = np.round(values, TIE_DECIMALS)
    ordered = np.sort(keys, axis=1)
    n = keys.shape[1]
    ranks = np.empty(keys.shape, dtype=np.int32)
    for row in range(keys.shape[0]):
        ranks[row] = n - np.searchsorted(ordered[row], keys[row], side="right") + 1
    return ranks


def rank_map(totals: Mapping[str, float]) -> dict[str, int]:
    ids = list(totals)
    return dict(zip(ids, competition_ranks([totals[i] for i in ids]), strict=True))


def points_to_next_rank(total: float, peer_totals: Sequence[float]) -> float | None:
    """Points a unit needs to reach the next higher distinct total; None when first."""
    higher = [t for t in peer_totals if round(t, TIE_DECIMALS) > round(total, TIE_DECIMALS)]
    return min(higher) - total if higher else None
