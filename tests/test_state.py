"""Incremental state (scoring.build.state): one temp-file pattern for every cache and record,
cleaned by the next build; the figure cache is the one of the snapshot's build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import DATA, build

from dev.sample.fill import fill_form
from scoring import io
from scoring.build import state
from scoring.build.plan import Paths, make_snapshot
from scoring.inputs import snapshot
from scoring.inputs.source import Source
from scoring.inputs.year import load
from scoring.model.result import YearInputs, score
from scoring.views import charts

YEAR = 2018


def bars(cache: str = "") -> list[bytes]:
    bands = ["Tốt", "Khá", "Trung bình", "Yếu"]
    names, totals = ["Xã A", "Xã B"], [80.0, 40.0]
    return charts.totals_by_band(names, totals, ["Khá", "Yếu"], 100.0, bands, cache=cache)


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

    result = score(load(DATA, YEAR))
    written("form cache", lambda: load(DATA, YEAR - 1, state.FormCache(cache)))
    paths = Paths(DATA.resolve(), reports, build_dir, YEAR)
    snap = make_snapshot(result, paths, cache, None)
    written("snapshot", lambda: snapshot.write(snap, build_dir / "cache" / "snapshots"))
    written("figure", lambda: bars(Source(DATA, snap).cache))
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
    assert run.returncode == 1  # refused: the form is damaged
    # It ends as validate does (issue 30): the counts, then what to do next.
    assert "Năm 2018: phải nộp" in run.stderr
    assert run.stderr.rstrip().endswith("lỗi cần sửa trong phiếu trước khi chấm điểm.")
    left = {kind: path for kind, path in found.items() if path.exists()}
    assert left == {}
    cache = state.cache_folder(folder / "build")
    assert list((cache / "figures").glob("*.png")), "the cache itself is kept"


def test_figures_go_to_the_cache_of_the_snapshot_the_notebook_was_given(tmp_path):
    result = score(load(DATA, YEAR))
    for name in ("one", "two"):
        paths = Paths(DATA.resolve(), tmp_path / name / "reports", tmp_path / name / "build", YEAR)
        cache = tmp_path / name / "cache"
        snap = make_snapshot(result, paths, cache, None)
        path = snapshot.write(snap, tmp_path / name / "snapshots")
        from scoring.inputs.source import open_source

        bars(open_source(DATA, str(path)).cache)
        assert len(list((cache / "figures").glob("*.png"))) == 1, name
    bars(Source(DATA).cache)  # no build: nothing cached anywhere
    assert not list(tmp_path.glob("*.png"))


class Counting(state.FormCache):
    """The build's cache, counting the forms and verification files it has to read."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.forms_read: list[str] = []
        self.verifications_read: list[str] = []

    def forms(self, read):  # noqa: ANN001, ANN202 - wraps the reader the cache wraps
        return super().forms(_counted(read, self.forms_read))

    def verifications(self, read):  # noqa: ANN001, ANN202
        return super().verifications(_counted(read, self.verifications_read))


def _counted(read, reads: list[str]):  # noqa: ANN001, ANN202 - a reader, counting its files
    def counted(path, *args):  # noqa: ANN001, ANN002, ANN202
        reads.append(Path(path).name)
        return read(path, *args)

    return counted


def loaded_copy(tmp_path: Path) -> tuple[Path, Counting, YearInputs]:
    """A copy of the sample, and its year loaded once through a counting cache."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    counting = Counting(tmp_path / "cache")
    return data, counting, load(data, YEAR, counting)


def test_a_form_is_read_again_only_when_its_content_changes(tmp_path):
    """The form cache is keyed on each file's SHA-256: the same bytes under a new time are
    not read again, other bytes are."""
    data, counting, first = loaded_copy(tmp_path)
    reads = counting.forms_read
    assert len(reads) == len(first.collection.submissions) > 2
    form = data / str(YEAR) / "submissions" / "196.xlsx"
    os.utime(form, (1, 1))  # touched: same bytes
    reads.clear()
    again = load(data, YEAR, counting)
    assert reads == [] and again.collection.submissions == first.collection.submissions
    other = data / str(YEAR) / "submissions" / "06808.xlsx"
    form.write_bytes(other.read_bytes())  # other bytes (now claiming 06808: an error)
    reads.clear()
    changed = load(data, YEAR, counting)
    assert reads == ["196.xlsx"]
    assert any(p.file == str(form) for p in changed.collection.errors)


def test_a_verification_is_read_again_only_when_it_or_its_form_changes(tmp_path):
    """A verification file is checked against its unit's form: kept while both keep their
    bytes, read again when the form changes."""
    data, counting, first = loaded_copy(tmp_path)
    reads = counting.verifications_read
    assert len(reads) == len(first.collection.verifications) > 2
    reads.clear()
    again = load(data, YEAR, counting)
    assert reads == [] and again.collection.verifications == first.collection.verifications
    form = data / str(YEAR) / "submissions" / "06808.xlsx"
    fill_form(form, form, {"A1.1.a": 1})
    reads.clear()
    load(data, YEAR, counting)
    assert reads == ["06808.xlsx"]
