"""One year's cycle as verbs on one object: load the inputs, check them, score, rank.

``assess(data_dir, year)`` is what the command line, the notebooks and the tests call.
It returns a ``YearResult`` holding everything a report shows: every unit's
self-assessed and verified scores, the official one (verified where it exists), ranks
within each peer group, bands, and the inputs' fingerprints, so a report can say how it
was made.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import pickle
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from scoring.criteria import CriteriaYear, load_year
from scoring.errors import ScoringError
from scoring.io import write_bytes
from scoring.ranking import rank_map
from scoring.rules import Values
from scoring.scores import UnitScore, score_peers
from scoring.submissions import Collection, Problem, read_submissions
from scoring.units import Unit, load_units


class InvalidSubmissions(ScoringError):
    """Raised when scoring is asked of a year whose forms still have errors."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
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


@dataclass(frozen=True)
class YearResult:
    """Scores, ranks and bands of one year; the official score is verified where it exists."""

    inputs: YearInputs
    self_scores: dict[str, UnitScore]
    verified_scores: dict[str, UnitScore]
    official: dict[str, UnitScore]
    ranks: dict[str, int]
    peers: dict[str, list[str]]  # level -> unit ids scored at that level
    _memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def year(self) -> int:
        return self.inputs.year

    def unit(self, unit_id: str) -> Unit:
        return self.inputs.units_by_id[unit_id]

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
        key = f"means:{level}"
        if key not in self._memo:
            shares: dict[str, list[float]] = {}
            for uid in self.peers[level]:
                for node in self.official[uid].nodes():
                    if not node.is_criterion and node.applicable:
                        shares.setdefault(node.code, []).append(node.percent)
            self._memo[key] = {code: sum(v) / len(v) for code, v in shares.items()}
        return self._memo[key]  # type: ignore[return-value]

    def scored_units(self) -> Iterator[Unit]:
        for level_ids in self.peers.values():
            for uid in level_ids:
                yield self.unit(uid)

    def table(self) -> pd.DataFrame:
        """One row per scored unit: the contract of ``scores.csv``."""
        return scores_table(self)

    def criteria_table(self) -> pd.DataFrame:
        """One row per unit and node: self-assessed, verified and official points."""
        return criteria_table(self)


def load(data_dir: Path, year: int) -> YearInputs:
    """Read the criteria, the unit list and every returned form of the year."""
    data_dir = Path(data_dir)
    criteria = load_year(data_dir, year)
    units = load_units(data_dir / "units.csv")
    collection = read_submissions(data_dir, year, criteria, units)
    return YearInputs(data_dir.resolve(), year, criteria, units, collection)


def _score_level(
    inputs: YearInputs, level: str, values: Mapping[str, Values]
) -> dict[str, UnitScore]:
    return score_peers(inputs.criteria.for_level(level), values) if values else {}


def score(inputs: YearInputs) -> YearResult:
    """Score every valid submission against its level's criteria and rank within levels."""
    if inputs.collection.errors:
        raise InvalidSubmissions(inputs.collection.errors)
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
        self_scores |= _score_level(inputs, level, {u: s.values for u, s in subs.items()})
        verified = {u: s.verified for u, s in subs.items() if s.verified is not None}
        # Normalised rules compare a unit with its peers' official values.
        official_values = {
            u: s.verified if s.verified is not None else s.values for u, s in subs.items()
        }
        level_official = _score_level(inputs, level, official_values)
        verified_scores |= {u: level_official[u] for u in verified}
        official |= level_official
        ranks |= rank_map({u: level_official[u].total for u in subs})
        peers[level] = list(subs)
    return YearResult(inputs, self_scores, verified_scores, official, ranks, peers)


def inputs_stamp(data_dir: Path, year: int) -> str:
    """A cheap fingerprint of a year's input files (names, sizes, modification times)."""
    files = [
        data_dir / "units.csv",
        *sorted((data_dir / "criteria" / str(year)).glob("*")),
        *sorted((data_dir / str(year) / "submissions").glob("*")),
    ]
    digest = hashlib.sha256(str(data_dir.resolve()).encode())
    for path in files:
        if path.is_file():
            st = path.stat()
            digest.update(f"{path.name}|{st.st_size}|{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


@functools.lru_cache(maxsize=8)
def assess(data_dir: str | Path, year: int) -> YearResult:
    """Load and score one year, cached per process and, when SCORING_CACHE names a folder,
    across processes: the render driver sets it so that each report notebook loads the
    scored year instead of reading every form again.
    """
    data_dir = Path(data_dir)
    cache_dir = os.environ.get("SCORING_CACHE")
    if not cache_dir:
        return score(load(data_dir, year))
    cache = Path(cache_dir) / f"{year}-{inputs_stamp(data_dir, year)}.pickle"
    if cache.exists():
        with open(cache, "rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own build folder
    result = score(load(data_dir, year))
    write_bytes(cache, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return result


def scores_table(result: YearResult) -> pd.DataFrame:
    rows = []
    for unit in result.scored_units():
        off = result.official[unit.id]
        own = result.self_scores[unit.id]
        row: dict[str, object] = {
            "unit_id": unit.id,
            "name": unit.name,
            "level": unit.level,
        }
        for group in off.groups:
            row[group.code] = group.points
        for group in off.groups:
            row[f"{group.code}_max"] = group.max
        row |= {
            "total": off.total,
            "max": off.max,
            "percent": off.percent,
            "band": result.band(unit.id),
            "rank": result.ranks[unit.id],
            "peers": len(result.peer_ids(unit.id)),
            "self_total": own.total,
            "verified": result.is_verified(unit.id),
            "verified_total": off.total if result.is_verified(unit.id) else None,
            "difference": off.total - own.total if result.is_verified(unit.id) else None,
        }
        rows.append(row)
    return pd.DataFrame(rows)


def criteria_table(result: YearResult) -> pd.DataFrame:
    rows = []
    for unit in result.scored_units():
        own = {n.code: n for n in result.self_scores[unit.id].nodes()}
        for node in result.official[unit.id].nodes():
            verified = result.is_verified(unit.id)
            rows.append(
                {
                    "unit_id": unit.id,
                    "code": node.code,
                    "name": node.name,
                    "is_criterion": node.is_criterion,
                    "applicable": node.applicable,
                    "points": node.points,
                    "max": node.max,
                    "full_max": node.full_max,
                    "self_points": own[node.code].points,
                    "verified_points": node.points if verified else None,
                    "difference": node.points - own[node.code].points if verified else None,
                }
            )
    return pd.DataFrame(rows)


def previous(result: YearResult) -> YearResult | None:
    """The previous year's result when its data exist and are valid; else None."""
    data_dir = result.inputs.data_dir
    year = result.year - 1
    if not (data_dir / "criteria" / str(year)).is_dir():
        return None
    if not (data_dir / str(year) / "submissions").is_dir():
        return None
    try:
        return assess(str(data_dir), year)
    except ScoringError:
        return None


def write_scores(result: YearResult, folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``scores.csv`` and ``criteria_scores.csv`` of the year, written atomically."""
    scores = result.table()
    details = result.criteria_table()
    write_bytes(folder / "scores.csv", scores.to_csv(index=False).encode("utf-8"))
    write_bytes(folder / "criteria_scores.csv", details.to_csv(index=False).encode("utf-8"))
    return scores, details


def build_date(result: YearResult) -> dt.date:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the newest input's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    dates = [s.modified for s in result.inputs.collection.submissions.values() if s.modified]
    return max(dates).date() if dates else dt.date(result.year, 12, 31)
