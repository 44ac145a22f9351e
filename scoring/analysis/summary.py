"""The year at a glance, for the ranking's first page: what a city leader asks first.

Units per band and level, the criteria weakest city-wide, the units that moved most since
last year, and those that need attention: plain data (lists of dicts) that a notebook shows
as tables and the report's template lays out on one page. Core: no rendering here."""

from __future__ import annotations

from typing import Any

from scoring.inputs.units import Unit
from scoring.model.bands import position
from scoring.model.result import YearResult

WEAKEST = 5  # criteria listed as weakest city-wide
MOVERS = 3  # units listed as most improved and most declined


def band_counts(result: YearResult) -> list[dict[str, object]]:
    """Per level: how many units fall in each band, how many sent no form, and in all."""
    names = [b.name for b in result.inputs.criteria.bands]
    rows = []
    for level in result.levels():
        counts = dict.fromkeys(names, 0)
        for uid in result.peers.get(level, []):
            counts[result.band(uid)] += 1
        missing = len(result.missing.get(level, []))
        total = sum(counts.values()) + missing
        rows.append({"level": level, "bands": counts, "missing": missing, "total": total})
    return rows


def weakest_criteria(result: YearResult, count: int = WEAKEST) -> list[dict[str, object]]:
    """The criteria with the lowest mean percent of their maximum over the units where they
    apply (each level's set apart: the same code may differ between levels)."""
    found: list[dict[str, object]] = []
    for level in result.levels():
        shares: dict[str, list[float]] = {}
        names: dict[str, str] = {}
        for uid in result.peers.get(level, []):
            for node in result.official[uid].nodes():
                if node.is_criterion and node.applicable:
                    shares.setdefault(node.code, []).append(node.percent)
                    names[node.code] = node.name
        for code, values in shares.items():
            row = {"level": level, "code": code, "name": names[code]}
            found.append(row | {"mean_percent": sum(values) / len(values), "units": len(values)})
    found.sort(key=lambda r: (r["mean_percent"], r["level"], r["code"]))  # type: ignore[arg-type, return-value]
    return found[:count]


def movers(
    result: YearResult, prev: YearResult | None, count: int = MOVERS
) -> dict[str, list[dict[str, Any]]]:
    """The units whose percent of their maximum rose most and fell most since the previous
    year (units scored in both years), with both years' basis (verified or self-assessed)."""
    if prev is None:
        return {"up": [], "down": []}
    changes: list[dict[str, Any]] = []
    for unit in result.scored_units():
        if unit.id not in prev.official:
            continue
        now, before = result.official[unit.id].percent, prev.official[unit.id].percent
        row = {**_unit(unit), "before": before, "now": now, "change": now - before}
        row["verified_before"] = prev.is_verified(unit.id)
        row["verified_now"] = result.is_verified(unit.id)
        changes.append(row)
    up = sorted((c for c in changes if c["change"] > 0), key=lambda c: -c["change"])
    down = sorted((c for c in changes if c["change"] < 0), key=lambda c: c["change"])
    return {"up": up[:count], "down": down[:count]}


def attention(result: YearResult, prev: YearResult | None) -> list[dict[str, Any]]:
    """Units that need attention: band at the bottom of the scale, a band lost since last
    year, or no form sent; each with its reason. A band is lost when its place among its
    year's bands (best first) is lower than last year's band's place among last year's:
    the two years' bands may be named differently."""
    bands = [b.name for b in result.inputs.criteria.bands]
    before_bands = [b.name for b in prev.inputs.criteria.bands] if prev is not None else []
    lowest = bands[-1]
    rows: list[dict[str, Any]] = []
    for unit in result.scored_units():
        band = result.band(unit.id)
        before = prev.band(unit.id) if prev is not None and unit.id in prev.official else None
        place = position(before_bands, before) if before is not None else None
        lost = place is not None and bands.index(band) > place
        if band == lowest or lost:
            reason = "lowest" if band == lowest else "lost"
            rows.append({**_unit(unit), "band": band, "previous_band": before, "reason": reason})
    missing = {"band": None, "previous_band": None, "reason": "missing"}
    return rows + [{**_unit(unit), **missing} for unit in result.missing_units()]


def _unit(unit: Unit) -> dict[str, Any]:
    return {"unit_id": unit.id, "name": unit.name, "level": unit.level}
