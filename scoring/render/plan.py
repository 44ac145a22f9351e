"""The plan of a build: where every output goes, the snapshot the reports render from,
and one task per report, keyed on what its notebook read last time.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scoring.state import NOTEBOOKS, code_digest, key, reads_key

if TYPE_CHECKING:
    from scoring.pipeline import YearResult
    from scoring.render.runner import Task
    from scoring.snapshot import Snapshot


@dataclass(frozen=True)
class Paths:
    data: Path
    reports: Path
    build: Path
    year: int
    notebooks: Path = NOTEBOOKS  # the report notebooks (an analyst's copy with --notebooks)

    @property
    def year_reports(self) -> Path:
        return self.reports / str(self.year)

    @property
    def year_build(self) -> Path:
        return self.build / str(self.year)


def make_snapshot(result: YearResult, paths: Paths, cache: Path) -> Snapshot:
    """Every year with data, scored (this one is ``result``; the others through the
    build's ``cache``), every year's notes and the unit changes; the kernels keep the
    figures they draw in ``cache``."""
    from scoring.errors import ScoringError
    from scoring.pipeline import years_with_data
    from scoring.snapshot import Snapshot, read_notes
    from scoring.state import assess_cached

    results: dict[int, YearResult | None] = {result.year: result}
    for year in years_with_data(paths.data):
        if year != result.year:
            try:
                results[year] = assess_cached(paths.data, year, cache)
            except ScoringError:
                results[year] = None
    from scoring.lineage import load_changes

    notes = {year: read_notes(paths.data, year) for year in results}
    changes = load_changes(paths.data)
    # The reports read mapping.csv in their kernels: a malformed one is named here, before
    # anything is written under REPORTS, not as every unit report failing.
    from scoring.compare import load_mapping

    load_mapping(paths.data, result.year)
    return Snapshot(
        str(paths.data.resolve()), result.year, results, notes, changes, cache=str(cache)
    )


class Digests:
    """The digest each read names, on this build's snapshot (active meanwhile): what
    the same read in a kernel would record now.
    """

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.known: dict[str, str | None] = {}

    def __call__(self, name: str) -> str | None:
        if name not in self.known:
            try:
                self.known[name] = self._compute(name)
            except Exception:  # noqa: BLE001 - a read that cannot be redone is stale
                self.known[name] = None
        return self.known[name]

    def _compute(self, name: str) -> str | None:
        from scoring import data, snapshot
        from scoring.report import RankingReport, UnitReport

        kind, year, *args = json.loads(name)
        if year not in self.snap.results:
            return None
        result = self.snap.results[year]
        if kind == "year":
            return snapshot.year_digest(result) if result is not None else "invalid"
        if result is None:
            return None
        if kind == "totals":
            return data.frame_digest(data.totals_frame(result))
        if kind == "scores":
            return data.frame_digest(data.scores_frame(result))
        if kind == "unit" and args[0] in result.official:
            return snapshot.digest(UnitReport(result, args[0], args[1]).shown())
        if kind == "ranking":
            return snapshot.digest(RankingReport(result, args[0]).shown())
        if kind == "note":
            return snapshot.digest(self.snap.note(year, args[0]))
        return None


def task_key(static: str, reads: dict[str, str], digests: Digests) -> str:
    """The key a task's outputs have when its notebook reads what it read last time and
    that data is as in this build; "" (never recorded) when unknown.
    """
    if not reads:
        return ""
    now = {name: digests(name) for name in reads}
    if any(value is None for value in now.values()):
        return ""
    return reads_key(static, now)  # type: ignore[arg-type]


def make_tasks(
    result: YearResult,
    paths: Paths,
    snap: Snapshot,
    snapshot_file: Path,
    state: dict[str, dict[str, object]],
    lang: str = "vi",
) -> list[Task]:
    """Every report of the year, each keyed on what its notebook read in its last run."""
    from scoring import i18n

    _ = i18n.translator(lang)
    code = code_digest(notebooks=None)
    digests = Digests(snap)
    from scoring.pipeline import build_date

    environment = os.environ.get("SOURCE_DATE_EPOCH", "")
    date = build_date(result).isoformat()  # the reports' date, also their PDFs' timestamp

    def task(name: str, notebook: str, params: dict[str, object], title: str) -> Task:
        source = notebook_path(paths, notebook)
        static = key(code, source.read_bytes(), params, title, environment, date)
        reads = state.get(name, {}).get("reads", {})
        known = task_key(static, reads, digests) if isinstance(reads, dict) else ""
        return _task(paths, name, source, params, title, known, static, snapshot_file, date)

    # The ranking first: it is the longest task, and a worker should not start it last.
    tasks = [
        task(
            "ranking",
            "ranking.ipynb",
            {"lang": lang},
            _("Xếp hạng chính quyền điện tử năm %(year)s") % {"year": paths.year},
        )
    ]
    # A unit that sent a form gets the full report; one that sent none, the short one.
    reports = [
        *((u, "unit_report.ipynb") for u in result.scored_units()),
        *((u, "missing_report.ipynb") for u in result.missing_units()),
    ]
    for unit, notebook in reports:
        tasks.append(
            task(
                unit.id,
                notebook,
                {"unit_id": unit.id, "lang": lang},
                _("%(name)s – Chính quyền điện tử năm %(year)s")
                % {"name": unit.name, "year": paths.year},
            )
        )
    return tasks


def notebook_path(paths: Paths, notebook: str) -> Path:
    """A report notebook: the analyst's copy (``--notebooks``) when it has one, else ours
    (a folder copied before missing_report.ipynb existed still builds)."""
    own = paths.notebooks / notebook
    return own if own.is_file() else NOTEBOOKS / notebook


def _task(
    paths: Paths,
    name: str,
    notebook: Path,
    params: dict[str, object],
    title: str,
    known: str,
    static: str,
    snapshot_file: Path,
    date: str,
) -> Task:
    from scoring.render.runner import Task

    out = paths.year_reports if name == "ranking" else paths.year_reports / "units"
    return Task(
        name=name,
        notebook=str(notebook),
        parameters={**params, "year": paths.year, "data_dir": str(paths.data.resolve())},
        executed=str(paths.year_build / "notebooks" / f"{name}.ipynb"),
        html=str(out / f"{name}.html"),
        pdf=str(out / f"{name}.pdf"),
        title=title,
        key=known,
        static=static,
        snapshot=str(snapshot_file),
        date=date,
    )
