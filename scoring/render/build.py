"""``make reports`` in one process: check, score, render what changed, assemble.

1. Load and check every input of the year; on any error print the list and stop before
   anything under REPORTS is written.
2. Write ``scores.csv`` and ``criteria_scores.csv``.
3. Render every unit report and the ranking (driver: pool or Dask), each only when what
   it shows changed.
4. Write ``ranking.xlsx`` and ``index.html``.

A build whose inputs (names, sizes and modification times of the year's and the
previous year's files), code, options and outputs are those of the last successful
build has nothing to do: it says so and stops before importing pandas or reading a form.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scoring import console
from scoring.stamp import inputs_stamp, years_stamp

if TYPE_CHECKING:  # imported where used, so that a build with nothing to do stays light
    import pandas as pd

    from scoring.pipeline import YearResult
    from scoring.render.driver import Outcome, Task
    from scoring.snapshot import Snapshot

PACKAGE = Path(__file__).resolve().parents[1]
NOTEBOOKS = PACKAGE.parent / "notebooks"


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


def code_digest(notebooks: Path | None = NOTEBOOKS) -> str:
    """A hash of the package code, templates and (unless told) notebooks: a change
    rebuilds reports. Each report's key takes the code without notebooks and its own
    notebook, so editing one notebook rebuilds its reports only.
    """
    digest = hashlib.sha256()
    files = sorted(
        [
            *PACKAGE.rglob("*.py"),
            *PACKAGE.rglob("*.j2"),
            *PACKAGE.rglob("*.css"),
            *(Path(notebooks).glob("*.ipynb") if notebooks else []),
        ]
    )
    for path in files:
        digest.update(
            path.name.encode()
            if path.suffix == ".ipynb"
            else path.relative_to(PACKAGE.parent).as_posix().encode()
        )
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _key(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return json.loads(frame.to_json(orient="records", double_precision=12))


def make_snapshot(result: YearResult, paths: Paths) -> Snapshot:
    """Every year with data, scored (this one is ``result``), every year's notes and the
    unit changes."""
    from scoring.errors import ScoringError
    from scoring.pipeline import year_result, years_with_data
    from scoring.snapshot import Snapshot, read_notes

    results: dict[int, YearResult | None] = {result.year: result}
    for year in years_with_data(paths.data):
        if year != result.year:
            try:
                results[year] = year_result(str(paths.data), year)
            except ScoringError:
                results[year] = None
    from scoring.lineage import load_changes

    notes = {year: read_notes(paths.data, year) for year in results}
    changes = load_changes(paths.data)
    return Snapshot(str(paths.data.resolve()), result.year, results, notes, changes)


def write_snapshot(snap: Snapshot, paths: Paths) -> Path:
    """The snapshot's file, named by its content (a warm kernel loads it once)."""
    import pickle

    from scoring.io import write_bytes

    data = pickle.dumps(snap, protocol=pickle.HIGHEST_PROTOCOL)
    folder = (paths.build / "cache" / "snapshots").resolve()
    path = folder / f"{paths.year}-{hashlib.sha256(data).hexdigest()[:20]}.pickle"
    write_bytes(path, data)
    old = sorted(folder.glob(f"{paths.year}-*.pickle"), key=lambda p: p.stat().st_mtime_ns)
    for stale in old[:-3]:
        if stale != path:
            stale.unlink(missing_ok=True)
    return path


class _Digests:
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


def task_key(static: str, reads: dict[str, str], digests: _Digests) -> str:
    """The key a task's outputs have when its notebook reads what it read last time and
    that data is as in this build; "" (never recorded) when unknown.
    """
    from scoring.render.driver import reads_key

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
    digests = _Digests(snap)
    environment = os.environ.get("SOURCE_DATE_EPOCH", "")

    def task(name: str, notebook: str, params: dict[str, object], title: str) -> Task:
        source = notebook_path(paths, notebook)
        static = _key(code, source.read_bytes(), params, title, environment)
        reads = state.get(name, {}).get("reads", {})
        key = task_key(static, reads, digests) if isinstance(reads, dict) else ""
        return _task(paths, name, source, params, title, key, static, snapshot_file)

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
    key: str,
    static: str,
    snapshot_file: Path,
) -> Task:
    from scoring.render.driver import Task

    out = paths.year_reports if name == "ranking" else paths.year_reports / "units"
    return Task(
        name=name,
        notebook=str(notebook),
        parameters={**params, "year": paths.year, "data_dir": str(paths.data.resolve())},
        executed=str(paths.year_build / "notebooks" / f"{name}.ipynb"),
        html=str(out / f"{name}.html"),
        pdf=str(out / f"{name}.pdf"),
        title=title,
        key=key,
        static=static,
        snapshot=str(snapshot_file),
    )


def write_ranking_xlsx(
    result: YearResult,
    paths: Paths,
    scores: pd.DataFrame,
    details: pd.DataFrame,
    lang: str = "vi",
) -> None:
    import pandas as pd
    from openpyxl import Workbook

    from scoring import i18n
    from scoring.criteria import LEVELS
    from scoring.pipeline import build_date
    from scoring.render import workbook
    from scoring.report import LEVEL_TITLES

    _ = i18n.translator(lang)
    wb = Workbook()
    wb.remove(wb.active)
    for level in LEVELS:
        rows = scores[scores["level"] == level].sort_values(["rank", "name"], na_position="last")
        if rows.empty:
            continue
        groups = [g.code for g in result.inputs.criteria.for_level(level).groups]
        headers = [
            _("Hạng"),
            _("Mã đơn vị"),
            _("Đơn vị"),
            *[_("Nhóm %(code)s") % {"code": g} for g in groups],
            _("Tổng điểm"),
            _("Điểm tối đa"),
            _("Tỷ lệ (%)"),
            _("Xếp loại"),
            _("Đã thẩm định"),
            _("Điểm tự đánh giá"),
        ]
        data = [
            [
                None if pd.isna(r["rank"]) else int(r["rank"]),
                r["unit_id"],
                r["name"],
                *[float(r[g]) for g in groups],
                float(r["total"]),
                float(r["max"]),
                float(r["percent"]),
                _(r["band"]) if r["status"] == "submitted" else _("Chưa nộp phiếu"),
                _("Có") if r["verified"] else _("Không"),
                None if pd.isna(r["self_total"]) else float(r["self_total"]),
            ]
            for _row, r in rows.iterrows()
        ]
        ws = wb.create_sheet(_(LEVEL_TITLES[level])[:31])
        workbook.add_table(
            ws, headers, data, [0, None, None, *[2] * len(groups), 2, 2, 2, None, None, 2]
        )
    names = dict(zip(scores["unit_id"], scores["name"], strict=True))
    crit = details[details["is_criterion"]]
    ws = wb.create_sheet(_("Điểm từng tiêu chí"))
    headers = [
        _("Mã đơn vị"),
        _("Đơn vị"),
        _("Mã tiêu chí"),
        _("Tiêu chí"),
        _("Điểm đạt"),
        _("Điểm tối đa"),
        _("Áp dụng"),
        _("Điểm tự đánh giá"),
        _("Điểm thẩm định"),
    ]
    data = [
        [
            r["unit_id"],
            names[r["unit_id"]],
            r["code"],
            r["name"],
            float(r["points"]),
            float(r["max"]),
            _("Có") if r["applicable"] else _("Không"),
            float(r["self_points"]),
            None if pd.isna(r["verified_points"]) else float(r["verified_points"]),
        ]
        for _row, r in crit.iterrows()
    ]
    workbook.add_table(ws, headers, data, [None, None, None, None, 2, 2, None, 2, 2])
    workbook.save(wb, paths.year_reports / "ranking.xlsx", build_date(result))


def remove_leftovers(paths: Paths) -> None:
    """Delete the temporary files of writes cut short by a killed build (see scoring.io)."""
    from scoring.io import remove_temp_files

    remove_temp_files(paths.reports, recursive=False)  # index.html
    for folder in (paths.year_reports, paths.year_build, paths.build / "cache"):
        remove_temp_files(folder)


class _Clock:
    """Seconds per phase of a build, printed when SCORING_TIMINGS is set (``make bench``)."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.phases: list[tuple[str, float]] = []

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases.append((name, now - self.last))
        self.last = now

    def report(self, outcomes: list[Outcome]) -> None:
        if not os.environ.get("SCORING_TIMINGS"):
            return
        fmt = ", ".join(f"{name} {seconds:.2f}" for name, seconds in self.phases)
        print(f"Thời gian (s): {fmt}", file=sys.stderr)
        for outcome in sorted(outcomes, key=lambda o: (o.name != "ranking", -o.seconds))[:3]:
            steps = ", ".join(f"{name} {seconds:.2f}" for name, seconds in outcome.steps)
            print(
                f"  tác vụ {outcome.name}: {outcome.seconds:.2f} ({steps}), "
                f"{outcome.peak_rss_mb:.0f} MB, nhân {outcome.kernel_peak_mb:.0f} MB",
                file=sys.stderr,
            )


class _Background:
    """``func(*args)`` in a thread; ``join()`` waits for it and raises what it raised."""

    def __init__(self, func: Callable[..., object], *args: object) -> None:
        self.error: BaseException | None = None

        def run() -> None:
            try:
                func(*args)
            except BaseException as exc:  # noqa: BLE001 - raised again in join()
                self.error = exc

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def join(self) -> None:
        self.thread.join()
        if self.error is not None:
            raise self.error


def _warm_server(
    paths: Paths, jobs: int
) -> Callable[[list[Task], Callable[[Outcome], None]], list[Outcome]] | None:
    """A sender of tasks to this build folder's warm server (``scoring.render.server``),
    started if need be, when SCORING_WARM_MINUTES asks for one; else None.
    """
    try:
        minutes = float(os.environ.get("SCORING_WARM_MINUTES", "0") or 0)
    except ValueError:
        minutes = 0
    if minutes <= 0:
        return None
    from scoring.render import server

    conn = server.connect_or_start(paths.build, code_digest(), jobs, minutes)
    if conn is None:
        return None
    return lambda tasks, on_done: server.run_remote(conn, tasks, on_done)


def _fingerprint(paths: Paths, lang: str) -> str:
    """What a build's outputs depend on, cheaply: code, options, input files' stamps."""
    parts = [
        code_digest(paths.notebooks),
        lang,
        str(paths.data.resolve()),
        str(paths.reports.resolve()),
        str(paths.year),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        inputs_stamp(paths.data, paths.year),
        inputs_stamp(paths.data, paths.year - 1),  # the reports compare with it
        years_stamp(paths.data),  # every year (load_totals) and the notes
    ]
    return _key(*parts)


def _index_stamp(reports: Path) -> list[list[object]]:
    """What the index shows: the years with a scores.csv, and when each was written."""
    found = []
    for folder in sorted(Path(reports).glob("*/scores.csv")):
        found.append([folder.parent.name, folder.stat().st_mtime_ns])
    return found


def _nothing_to_do(paths: Paths, fingerprint: str, lang: str) -> bool:
    """True, after printing what the last build printed, when it left nothing to do."""
    try:
        done = json.loads((paths.year_build / "done.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(done, dict) or done.get("fingerprint") != fingerprint:
        return False
    if done.get("index") != _index_stamp(paths.reports):
        return False
    outputs = [paths.reports / str(name) for name in done.get("outputs", [])]
    if not outputs or not all(path.is_file() for path in outputs):
        return False
    for line in done.get("warnings", []):
        print(line, file=sys.stderr)
    from scoring.i18n import translator

    line = translator(lang)(
        "Năm %(year)s: không có gì thay đổi từ lần lập trước (dữ liệu, mã nguồn, báo cáo); "
        "giữ nguyên %(n)s báo cáo."
    )
    print(line % {"year": paths.year, "n": done.get("reports", 0)}, file=sys.stderr)
    return True


def _record_done(paths: Paths, fingerprint: str, tasks: list[Task], warnings: list[str]) -> None:
    from scoring.io import write_text

    names = ["index.html", *[f"{paths.year}/{n}" for n in _YEAR_FILES]]
    for task in tasks:
        for path in (task.html, task.pdf):
            names.append(Path(path).relative_to(paths.reports).as_posix())
    done = {
        "fingerprint": fingerprint,
        "index": _index_stamp(paths.reports),
        "reports": len(tasks),
        "warnings": warnings,
        "outputs": names,
    }
    write_text(paths.year_build / "done.json", json.dumps(done, ensure_ascii=False, indent=1))


_YEAR_FILES = ("scores.csv", "criteria_scores.csv", "ranking.xlsx")


def build(
    data: Path,
    year: int,
    reports: Path,
    build_dir: Path,
    jobs: int | None = None,
    scheduler: str | None = None,
    lang: str = "vi",
    notebooks: Path | None = None,
) -> int:
    """The whole cycle for one year; returns the exit status for ``make reports``.

    ``notebooks``: a folder with an analyst's own ``unit_report.ipynb`` and
    ``ranking.ipynb`` (default: the project's ``notebooks/``).
    """
    clock = _Clock()
    began_ns = time.time_ns()
    # The data folder resolved: the snapshot's paths are read in kernels whose working
    # folder is notebooks/.
    paths = Paths(
        Path(data).resolve(),
        Path(reports),
        Path(build_dir),
        year,
        Path(notebooks).resolve() if notebooks else NOTEBOOKS,
    )
    fingerprint = _fingerprint(paths, lang)
    if _nothing_to_do(paths, fingerprint, lang):
        return 0
    clock.lap("kiểm tra thay đổi")
    from scoring.pipeline import assess, build_date, write_scores
    from scoring.render import index
    from scoring.render.driver import Workers, load_state, run_tasks
    from scoring.snapshot import activated

    # Scored years are shared with the notebooks' kernels through a cache keyed by code.
    cache = (paths.build / "cache" / code_digest()[:16]).resolve()
    os.environ["SCORING_CACHE"] = str(cache)
    jobs = jobs or os.cpu_count() or 1
    local = not (scheduler if scheduler is not None else os.environ.get("DASK_SCHEDULER"))
    # Warm workers kept from the last build (SCORING_WARM_MINUTES), or local workers
    # started now, so that their kernels warm up while this process scores the year.
    remote = _warm_server(paths, jobs) if local else None
    workers = Workers(jobs, paths.year_build / "kernels.log") if local and not remote else None
    (paths.year_build / "done.json").unlink(missing_ok=True)
    try:
        result = assess(str(paths.data), year)  # raises InvalidSubmissions before any write
        warnings = result.inputs.collection.warnings
        console.print_problems(warnings, lang)  # type: ignore[arg-type]
        remove_leftovers(paths)
        snap = make_snapshot(result, paths)
        snapshot_file = write_snapshot(snap, paths)
        clock.lap("đọc và chấm điểm")
        state = paths.year_build / "state.json"
        with activated(snap):  # keys are computed on the data the kernels are handed
            scores, details = write_scores(result, paths.year_reports)
            tasks = make_tasks(result, paths, snap, snapshot_file, load_state(state), lang)
            xlsx_key = _key(
                code_digest(), _records(scores), _records(details), lang, build_date(result)
            )
        clock.lap("khóa báo cáo")
        # ranking.xlsx shows what the ranking report's tables show: written when that
        # changed, here while the workers render (this process only waits meanwhile).
        writer = None
        if _xlsx_stale(paths, xlsx_key):
            writer = _Background(_write_xlsx, result, paths, scores, details, lang, xlsx_key)
        outcomes, skipped = run_tasks(tasks, state, jobs, scheduler, workers, remote)
        clock.lap("lập báo cáo")
        if writer is not None:
            writer.join()
        clock.lap("ranking.xlsx")
    finally:
        if workers is not None:
            workers.close()
    if any(o.name == "ranking" and o.ok for o in outcomes):
        _prune_figures(cache, began_ns)
    index.write_index(paths.reports, lang, data=paths.data)
    clock.lap("mục lục")
    shown = [p.format() for p in warnings] + console.output_warnings(outcomes, lang)
    status = console.build_summary(result, outcomes, skipped, lang)
    for line in console.output_warnings(outcomes, lang):
        print(line, file=sys.stderr)
    # A form saved while this build ran is read by the next one: it must not stop early.
    if status == 0 and _fingerprint(paths, lang) == fingerprint:
        _record_done(paths, fingerprint, tasks, shown)
    clock.report(outcomes)
    return status


def _prune_figures(cache: Path, since_ns: int) -> None:
    """Delete the ranking's cached figures (``scoring.charts``) that the ranking just
    built neither drew nor read: they show a state of the year that is gone.
    """
    margin = 2_000_000_000  # file times come from a coarser clock than time.time_ns()
    for path in (cache / "figures").glob("*.png"):
        if path.stat().st_mtime_ns < since_ns - margin:
            path.unlink(missing_ok=True)


def _xlsx_stale(paths: Paths, ranking_key: str) -> bool:
    """Whether ranking.xlsx may not show what the ranking shows now.

    Its key is recorded beside the state only once the file is written, so a build
    killed in between writes it again (unchanged bytes are not rewritten).
    """
    xlsx = paths.year_reports / "ranking.xlsx"
    key_file = paths.year_build / "ranking.xlsx.key"
    try:
        return not xlsx.exists() or key_file.read_text(encoding="utf-8") != ranking_key
    except OSError:
        return True


def _write_xlsx(
    result: YearResult,
    paths: Paths,
    scores: pd.DataFrame,
    details: pd.DataFrame,
    lang: str,
    ranking_key: str,
) -> None:
    from scoring.io import write_text

    write_ranking_xlsx(result, paths, scores, details, lang)
    write_text(paths.year_build / "ranking.xlsx.key", ranking_key)
