"""Incremental state (scoring.state): one temp-file pattern for every cache and record,
cleaned by the next build; the figure cache is the one of the snapshot's build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import DATA, build

from scoring import charts, io, state
from scoring.render.plan import Paths, make_snapshot
from scoring.snapshot import activated

YEAR = 2018


def bars() -> list[bytes]:
    bands = ["Tốt", "Khá", "Trung bình", "Yếu"]
    return charts.totals_by_band(["Xã A", "Xã B"], [80.0, 40.0], ["Khá", "Yếu"], 100.0, bands)


@pytest.fixture
def leftovers(tmp_path, monkeypatch) -> tuple[Path, dict[str, Path]]:
    """Every kind of file the build keeps, each written through its real writer and
    "killed" between writing its temporary file and renaming it: the temporary file of
    each is put back where the writer left it. Returns (folder, kind -> temp file)."""
    folder = tmp_path / "out"
    reports, build_dir = folder / "reports", folder / "build"
    kept: list[tuple[Path, Path]] = []
    replace = os.replace

    def copy_then_replace(src: str | Path, dst: str | Path) -> None:
        copy = tmp_path / "kept" / str(len(kept))
        copy.parent.mkdir(exist_ok=True)
        shutil.copy2(src, copy)
        kept.append((Path(src), copy))
        replace(src, dst)

    monkeypatch.setattr(io.os, "replace", copy_then_replace)
    cache = state.cache_folder(build_dir)
    found: dict[str, Path] = {}

    def written(kind: str, make) -> None:  # noqa: ANN001 - a callable that writes
        before = len(kept)
        make()
        assert len(kept) > before, f"{kind} is not written through scoring.io"
        found[kind] = kept[-1][0]

    result = state.assess_cached(DATA, YEAR, cache)
    written("year cache", lambda: state.assess_cached(DATA, YEAR - 1, cache))
    paths = Paths(DATA.resolve(), reports, build_dir, YEAR)
    snap = make_snapshot(result, paths, cache)
    written("snapshot", lambda: state.write_snapshot(snap, build_dir))

    def figure() -> None:
        with activated(snap):
            bars()

    written("figure", figure)
    records = state.Records(paths.year_build)
    written("state.json", lambda: state.save_state(records.state_file, {}))
    written("done.json", lambda: records.record_done({"fingerprint": "x"}))
    written("ranking.xlsx.key", lambda: records.record_key("ranking.xlsx", "k"))
    written("report", lambda: io.write_text(paths.year_reports / "units" / "a.html", "a"))
    written("index.html", lambda: io.write_text(reports / "index.html", "i"))
    monkeypatch.setattr(io.os, "replace", replace)
    for temp, copy in kept:
        if temp in found.values():
            shutil.copy2(copy, temp)
    assert all(path.is_file() for path in found.values())
    return folder, found


def test_the_next_build_deletes_the_temp_files_of_every_cache_kind(leftovers, tmp_path):
    folder, found = leftovers
    # The next build: one that stops at checking the forms (a damaged form) still
    # cleans what a killed build left, before it reads anything.
    data = tmp_path / "data"
    shutil.copytree(DATA / "criteria" / str(YEAR), data / "criteria" / str(YEAR))
    shutil.copy2(DATA / "units.csv", data / "units.csv")
    (data / str(YEAR) / "submissions").mkdir(parents=True)
    (data / str(YEAR) / "submissions" / "196.xlsx").write_bytes(b"not a workbook")
    run = build(data, folder)
    assert run.returncode != 0  # refused: the form is damaged
    left = {kind: path for kind, path in found.items() if path.exists()}
    assert left == {}
    cache = state.cache_folder(folder / "build")
    assert list((cache / "figures").glob("*.png")), "the cache itself is kept"


def test_figures_go_to_the_cache_of_the_active_snapshot(tmp_path):
    result = state.assess_cached(DATA, YEAR, tmp_path / "year-cache")
    for name in ("one", "two"):
        paths = Paths(DATA.resolve(), tmp_path / name / "reports", tmp_path / name / "build", YEAR)
        cache = tmp_path / name / "cache"
        with activated(make_snapshot(result, paths, cache)):
            bars()
        assert len(list((cache / "figures").glob("*.png"))) == 1, name
    bars()  # no build: nothing cached anywhere
    assert not list(tmp_path.glob("*.png"))


def test_an_upgraded_library_gets_a_new_warm_server(tmp_path, monkeypatch):
    """A warm server keeps the libraries it imported: one started before an upgrade must
    not serve the next build, so its identity changes with the installed versions."""
    packages = tmp_path / "site-packages"
    (packages / "pandas-2.2.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(packages))
    before = state.server_identity("code", 2)
    assert state.server_identity("code", 2) == before  # nothing changed, the same server
    (packages / "pandas-2.2.0.dist-info").rename(packages / "pandas-2.2.3.dist-info")
    assert state.server_identity("code", 2) != before
