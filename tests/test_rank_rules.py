"""Ranks on the percent of the applicable maximum (or on totals, per year), and the
robustness columns of scores.csv, on the embedded sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import DATA

from scoring.analysis.tables import scores_table
from scoring.inputs.criteria import load_year
from scoring.inputs.year import load
from scoring.model.ranking import competition_ranks
from scoring.model.result import score
from scoring.text.errors import CriteriaError


@pytest.fixture(scope="module")
def result():
    return score(load(DATA, 2018))


def copy_year(tmp_path: Path, bands_extra: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA / "criteria" / "2018", data / "criteria" / "2018")
    shutil.copytree(DATA / "2018", data / "2018")
    shutil.copy(DATA / "units.csv", data / "units.csv")
    bands = data / "criteria" / "2018" / "bands.yaml"
    kept = [
        line
        for line in bands.read_text(encoding="utf-8").splitlines()
        if not line.startswith(("rank_by", "missing"))
    ]
    bands.write_text("\n".join(kept) + "\n" + bands_extra, encoding="utf-8")
    return data


def test_no_unit_ranks_below_a_unit_of_a_lower_band(result):
    order = {b.name: i for i, b in enumerate(result.inputs.criteria.bands)}
    for ids in result.peers.values():
        by_rank = sorted(ids, key=lambda u: result.ranks[u])
        bands = [order[result.band(u)] for u in by_rank]
        assert bands == sorted(bands), [(u, result.band(u)) for u in by_rank]


def test_ranks_are_competition_ranks_of_the_percent(result):
    for ids in result.peers.values():
        expected = competition_ranks([result.official[u].percent for u in ids])
        assert [result.ranks[u] for u in ids] == expected


def test_rank_by_total_ranks_on_raw_points(tmp_path):
    data = copy_year(tmp_path, "rank_by: total\n")
    totals = score(load(data, 2018))
    for ids in totals.peers.values():
        assert [totals.ranks[u] for u in ids] == competition_ranks(
            [totals.official[u].total for u in ids]
        )
    # Phòng Nội vụ: 87 % "Tốt" on a reduced maximum, 9th on raw points, 5th on percent.
    assert totals.ranks["196-NV"] > score(load(DATA, 2018)).ranks["196-NV"]


def test_an_unknown_rank_rule_is_refused_naming_the_file(tmp_path):
    data = copy_year(tmp_path, "rank_by: median\n")
    with pytest.raises(CriteriaError, match="bands.yaml"):
        load_year(data, 2018)


def test_points_to_next_rank_are_taken_on_the_units_own_maximum(result):
    ids = result.peers["department"]
    uid = max(ids, key=lambda u: result.ranks[u])  # the last one
    percents = sorted({result.official[u].percent for u in ids})
    above = percents[percents.index(result.official[uid].percent) + 1]
    gap = (above - result.official[uid].percent) / 100 * result.official[uid].max
    assert result.points_to_next_rank(uid) == pytest.approx(gap)
    first = min(ids, key=lambda u: result.ranks[u])
    assert result.points_to_next_rank(first) is None


def test_scores_table_carries_the_robustness_of_every_rank(result):
    table = scores_table(result)
    assert {"status", "rank_p05", "rank_median", "rank_p95", "band_stability"} <= set(table)
    assert (table["status"] == "submitted").all()
    assert (table["rank_p05"] <= table["rank_median"]).all()
    assert (table["rank_median"] <= table["rank_p95"]).all()
    assert table["band_stability"].between(0, 1).all()
    assert (table["rank_p95"] <= table["peers"]).all()
    again = scores_table(score(load(DATA, 2018)))
    assert table[["rank_p05", "rank_p95", "band_stability"]].equals(
        again[["rank_p05", "rank_p95", "band_stability"]]
    )
