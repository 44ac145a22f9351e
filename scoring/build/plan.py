"""The plan of a build: where every output goes, the snapshot the reports render from,
and one task per report, keyed on what its notebook read last time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scoring.build.state import NOTEBOOKS, code_digest, key, reads_key
from scoring.inputs.layout import DataLayout
from scoring.inputs.snapshot import Read, ReadKind

if TYPE_CHECKING:
    from scoring.build.runner import Outcome, Task
    from scoring.inputs.snapshot import Snapshot
    from scoring.model.result import YearResult


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


def make_snapshot(result: YearResult, paths: Paths, cache: Path, fixed: dt.date | None) -> Snapshot:
    """Every year with data, scored (this one is ``result``; the others read through the
    build's form cache), dated, every year's notes and the unit changes; the kernels keep
    the figures they draw in ``cache``."""
    from scoring.analysis.compare import load_mapping
    from scoring.build.state import FormCache
    from scoring.inputs.lineage import load_changes
    from scoring.inputs.snapshot import Snapshot, read_notes
    from scoring.inputs.year import dated, load
    from scoring.model.result import score
    from scoring.text.errors import ScoringError

    results: dict[int, YearResult | None] = {result.year: result}
    for year in DataLayout(paths.data).years():
        if year != result.year:
            try:
                results[year] = dated(score(load(paths.data, year, FormCache(cache))), fixed)
            except ScoringError:
                results[year] = None
    notes = {year: read_notes(paths.data, year) for year in results}
    changes = load_changes(paths.data)
    # The reports read mapping.csv in their kernels: a malformed one is named here, before
    # anything is written under REPORTS, not as every unit report failing.
    load_mapping(paths.data, result.year)
    return Snapshot(
        str(paths.data.resolve()), result.year, results, notes, changes, cache=str(cache)
    )


class Digests:
    """The digest of each read on this build's snapshot: what a report that read it
    shows now. Computed once per read and build, in the build process."""

    def __init__(self, snap: Snapshot) -> None:
        from scoring.inputs.source import Source

        self.snap = snap
        self.source = Source(Path(snap.data_dir), snap)
        self.known: dict[str, str | None] = {}

    def __call__(self, name: str) -> str | None:
        if name not in self.known:
            read = Read.parse(name)
            try:
                self.known[name] = self._compute(read) if read is not None else None
            except Exception:  # noqa: BLE001 - a read that cannot be redone is stale
                self.known[name] = None
        return self.known[name]

    def _compute(self, read: Read) -> str | None:
        from scoring.analysis import data
        from scoring.inputs.snapshot import digest, year_digest
        from scoring.views.report import RankingReport, UnitReport
        from scoring.views.report.missing import MissingReport

        if read.year not in self.snap.results:
            return None
        result = self.snap.results[read.year]
        if read.kind == ReadKind.YEAR:
            return year_digest(result) if result is not None else "invalid"
        if result is None:
            return None
        source, args = self.source, read.args
        if read.kind == ReadKind.TOTALS:
            return data.frame_digest(data.totals_frame(result, source))
        if read.kind == ReadKind.SCORES:
            return data.frame_digest(data.scores_frame(result))
        if read.kind == ReadKind.UNIT and args[0] in result.official:
            return digest(UnitReport(result, args[0], args[1], source).shown())
        if read.kind == ReadKind.MISSING and result.is_missing(args[0]):
            return digest(MissingReport(result, args[0], args[1], source).shown())
        if read.kind == ReadKind.RANKING:
            return digest(RankingReport(result, args[0], source).shown())
        return None

    def key(self, static: str, reads: list[str]) -> str:
        """The key of outputs made from ``reads`` (read names) on this snapshot; "" (never
        matched: always rebuilt) when one of them cannot be computed."""
        now = {name: self(name) for name in reads}
        if not reads or any(value is None for value in now.values()):
            return ""
        return reads_key(static, now)  # type: ignore[arg-type]

    def outcome_key(self, task: Task, outcome: Outcome) -> str:
        """A finished task's key. A notebook that read nothing through the data API (it
        may have read files itself) depends on its whole year."""
        year = int(str(task.parameters["year"]))
        reads = list(outcome.reads) or [Read(ReadKind.YEAR, year).name()]
        return self.key(task.static, reads)


def make_tasks(
    result: YearResult,
    paths: Paths,
    digests: Digests,
    snapshot_file: Path,
    state: dict[str, dict[str, object]],
    lang: str = "vi",
) -> list[Task]:
    """Every report of the year, each keyed on what its notebook read in its last run."""
    from scoring.build.runner import Task
    from scoring.inputs.year import build_date
    from scoring.text import i18n

    _ = i18n.translator(lang)
    code = code_digest(notebooks=None)
    date = build_date(result).isoformat()  # the reports' date, also their PDFs' timestamp
    data_dir, snapshot = str(paths.data.resolve()), str(snapshot_file)

    def task(name: str, notebook: str, params: dict[str, object], title: str) -> Task:
        source = notebook_path(paths, notebook)
        static = key(code, source.read_bytes(), params, title, date)
        reads = state.get(name, {}).get("reads", [])
        out = paths.year_reports if name == "ranking" else paths.year_reports / "units"
        return Task(
            name=name,
            notebook=str(source),
            parameters={**params, "year": paths.year, "data_dir": data_dir, "snapshot": snapshot},
            executed=str(paths.year_build / "notebooks" / f"{name}.ipynb"),
            html=str(out / f"{name}.html"),
            pdf=str(out / f"{name}.pdf"),
            title=title,
            key=digests.key(static, reads) if isinstance(reads, list) else "",
            static=static,
            snapshot=snapshot,
            date=date,
        )

    # The ranking first: it is the longest task, and a worker should not start it last.
    ranking = _("Xếp hạng chính quyền điện tử năm %(year)s") % {"year": paths.year}
    tasks = [task("ranking", "ranking.ipynb", {"lang": lang}, ranking)]
    # A unit that sent a form gets the full report; one that sent none, the short one.
    reports = [
        *((u, "unit_report.ipynb") for u in result.scored_units()),
        *((u, "missing_report.ipynb") for u in result.missing_units()),
    ]
    for unit, notebook in reports:
        title = _("%(name)s – Chính quyền điện tử năm %(year)s")
        title %= {"name": unit.name, "year": paths.year}
        tasks.append(task(unit.id, notebook, {"unit_id": unit.id, "lang": lang}, title))
    return tasks


def notebook_path(paths: Paths, notebook: str) -> Path:
    """A report notebook: the analyst's copy (``--notebooks``) when it has one, else ours
    (a folder copied before missing_report.ipynb existed still builds)."""
    own = paths.notebooks / notebook
    return own if own.is_file() else NOTEBOOKS / notebook
