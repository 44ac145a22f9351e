"""Bands are styled and ordered by their place in the year's bands.yaml, never by name:
a year whose bands are named differently, or that has five, draws and orders them right."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from helpers import DATA
from matplotlib.image import imread

import scoring
from scoring.analysis import summary, trends
from scoring.inputs.source import Source, assess
from scoring.model import bands
from scoring.views.report import RankingReport

UNITS = ("196", "196-VP", "196-NV", "06808", "06820", "07141")
FIVE_BANDS = """\
bands:
  - name: "Xuất sắc"
    min_percent: 90
  - name: "Tốt"
    min_percent: 80
  - name: "Khá"
    min_percent: 70
  - name: "Đạt"
    min_percent: 50
  - name: "Chưa đạt"
    min_percent: 0
rank_by: percent
missing: rank_last
robustness:
  runs: 50
  weight_spread: 0.25
  seed: 1
"""


# 2017's bands of the kit share no name with 2018's: only their places compare.
FOUR_BANDS = FIVE_BANDS.replace(
    """  - name: "Xuất sắc"
    min_percent: 90
  - name: "Tốt"
    min_percent: 80
  - name: "Khá"
    min_percent: 70
  - name: "Đạt"
    min_percent: 50
  - name: "Chưa đạt"
""",
    """  - name: "Hạng 1"
    min_percent: 80
  - name: "Hạng 2"
    min_percent: 70
  - name: "Hạng 3"
    min_percent: 50
  - name: "Hạng 4"
""",
)


@pytest.fixture(scope="module")
def five_band_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2018 with six units and five bands named as some provinces name them; 2017 with
    four bands named otherwise again."""
    data = tmp_path_factory.mktemp("bands") / "data"
    for year, text in ((2017, FOUR_BANDS), (2018, FIVE_BANDS)):
        shutil.copytree(DATA / "criteria" / str(year), data / "criteria" / str(year))
        (data / "criteria" / str(year) / "bands.yaml").write_text(text, encoding="utf-8")
        for folder in ("submissions", "verification"):
            (data / str(year) / folder).mkdir(parents=True)
            for unit in UNITS:
                form = DATA / str(year) / folder / f"{unit}.xlsx"
                if form.exists():
                    shutil.copy(form, data / str(year) / folder / form.name)
    rows = list(csv.reader(io.StringIO((DATA / "units.csv").read_text(encoding="utf-8"))))
    with (data / "units.csv").open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(
            [rows[0], *(r for r in rows[1:] if r[0] in UNITS)]
        )
    shutil.copy(DATA / "unit_changes.csv", data / "unit_changes.csv")
    return data


def test_style_follows_the_place_not_the_name() -> None:
    four = ["Xuất sắc", "Tốt", "Đạt", "Chưa đạt"]
    assert [bands.style(four, b).css for b in four] == ["tot", "kha", "tb", "yeu"]
    five = ["Xuất sắc", "Tốt", "Khá", "Đạt", "Chưa đạt"]
    assert [bands.style(five, b).css for b in five] == ["tot", "kha", "mid", "tb", "yeu"]
    assert len({bands.style(five, b).colour for b in five}) == 5
    three = ["Tốt", "Đạt", "Chưa đạt"]
    assert [bands.style(three, b).css for b in three] == ["tot", "mid", "yeu"]
    assert bands.style(four, "Yếu") == bands.OTHER  # not a band of that year
    # The sample's bands keep the colours and classes they always had.
    sample = ["Tốt", "Khá", "Trung bình", "Yếu"]
    assert [(s.css, s.colour, s.hatch) for s in (bands.style(sample, b) for b in sample)] == [
        ("tot", "#1b5e20", ""),
        ("kha", "#66bb6a", "//"),
        ("tb", "#fdd835", ".."),
        ("yeu", "#c62828", "xx"),
    ]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _pixels(png: bytes, hex_colour: str) -> int:
    """How many pixels of the chart are exactly ``hex_colour`` (a bar's fill: thousands)."""
    pixels = (imread(io.BytesIO(png), format="png")[:, :, :3] * 255).round().astype(int)
    return int((pixels == _rgb(hex_colour)).all(axis=-1).sum())


def test_a_five_band_year_draws_each_band_by_its_place(five_band_year: Path) -> None:
    result = assess(five_band_year, 2018)
    names = [b.name for b in result.inputs.criteria.bands]
    report = RankingReport(result)
    html = report.table("commune")
    found = re.findall(r'<td class="band band-(\w+)">([^<]+)</td>', html)
    assert found, html
    for css, band in found:  # "Tốt" is second of five here: the second style, not the first
        assert css == bands.style(names, band).css, (css, band)
    assert ("kha", "Tốt") in found and ("tot", "Xuất sắc") in found
    (chart,) = report.chart("commune")
    for band in {b for _css, b in found}:  # each band's bars in its own colour
        assert _pixels(chart, bands.style(names, band).colour) > 1000, band
    assert _pixels(chart, bands.OTHER.colour) < 500  # no bar left grey (text edges only)


def test_totals_carry_the_bands_place_in_its_year(five_band_year: Path) -> None:
    totals = scoring.load_totals(five_band_year, 2018)
    places = {"Xuất sắc": 1, "Tốt": 2, "Khá": 3, "Đạt": 4, "Chưa đạt": 5}
    assert list(totals["band_position"]) == [places[b] for b in totals["band"]]


def test_a_band_lost_is_judged_by_places_across_differently_named_years(
    five_band_year: Path,
) -> None:
    result = assess(five_band_year, 2018)
    prev = Source(five_band_year).previous(result)
    assert prev is not None and prev.year == 2017
    now = [b.name for b in result.inputs.criteria.bands]
    before = [b.name for b in prev.inputs.criteria.bands]
    assert not set(now) & set(before)
    lost = {
        uid
        for uid in result.official
        if uid in prev.official and now.index(result.band(uid)) > before.index(prev.band(uid))
    }
    assert lost  # e.g. "Hạng 1" in 2017, "Tốt" (second of five) in 2018
    rows = summary.attention(result, prev)
    flagged = {r["unit_id"] for r in rows if r["reason"] == "lost"}
    lowest = {r["unit_id"] for r in rows if r["reason"] == "lowest"}
    assert flagged == lost - lowest


def test_band_moves_compare_places_across_differently_named_years() -> None:
    def year(y: int, rows: list[tuple[str, str, int]]) -> pd.DataFrame:
        return pd.DataFrame(
            [(y, u, u, f"Đơn vị {u}", b, p) for u, b, p in rows],
            columns=["year", "unit_id", "lineage", "name", "band", "band_position"],
        )

    totals = pd.concat(
        [
            year(2019, [("a", "Tốt", 1), ("b", "Khá", 2), ("c", "Yếu", 4)]),
            # 2020 names its bands differently: the first is still the best
            year(2020, [("a", "Xuất sắc", 1), ("b", "Chưa đạt", 4), ("c", "Đạt", 3)]),
        ],
        ignore_index=True,
    )
    moves = trends.band_moves(totals)
    assert dict(zip(moves["lineage"], moves["direction"], strict=True)) == {"b": -1, "c": 1}
