"""``make reports`` in one process, as a handful of named steps (like papermill's
``execute_notebook``): ``_changed``, ``_assess``, ``_plan``, ``_render``, ``_finish``;
docs/build-flow.md walks through them."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from scoring.build.plan import Paths
from scoring.build.state import (
    NOTEBOOKS,
    Records,
    cache_folder,
    code_digest,
    index_stamp,
    key,
    remove_leftovers,
)
from scoring.build.timings import Phases
from scoring.config import BuildConfig
from scoring.inputs.layout import DataLayout
from scoring.text import console
from scoring.text.i18n import N_, translator

if TYPE_CHECKING:  # imported where used, so that a build with nothing to do stays light
    from concurrent.futures import Executor

    import pandas as pd

    from scoring.build.plan import Digests
    from scoring.build.runner import Outcome, Task
    from scoring.inputs.snapshot import Snapshot
    from scoring.model.result import YearResult
    from scoring.text.lang import Lang

__all__ = ["NOTEBOOKS", "Paths", "build", "code_digest"]

_YEAR_FILES = ("scores.csv", "criteria_scores.csv", "ranking.xlsx")


def build(
    data: Path,
    year: int,
    reports: Path,
    build_dir: Path,
    config: BuildConfig | None = None,
    notebooks: Path | None = None,
) -> int:
    """The whole cycle for one year; returns the exit status for ``make reports``.
    ``notebooks``: an analyst's own report notebooks (default: the project's ``notebooks/``)."""
    config = config or BuildConfig.read()
    lang = config.lang
    own = Path(notebooks).resolve() if notebooks else NOTEBOOKS
    # The data folder resolved: kernels read the snapshot's paths from notebooks/.
    paths = Paths(Path(data).resolve(), Path(reports), Path(build_dir), year, own)
    phases, records = Phases(lang, config.timings), Records(paths.year_build)
    with phases(N_("kiểm tra thay đổi")):
        fingerprint = _changed(paths, records, config)
    if fingerprint is None:
        return 0
    began_ns = time.time_ns()
    cache = cache_folder(paths.build)
    from scoring.build.driver import executor

    # Local workers start now, so that their kernels warm up while this process scores.
    with executor(config.jobs, paths.year_build / "kernels.log", config.scheduler) as pool:
        records.forget_done()
        with phases(N_("đọc và chấm điểm")):
            result, snap, snapshot_file = _assess(paths, cache, config)
        with phases(N_("khóa báo cáo")):
            tables, tasks, digests = _plan(result, paths, records, snap, snapshot_file, lang)
        outcomes, skipped = _render(
            phases, pool, records, result, paths, tables, tasks, digests, lang
        )
    with phases(N_("mục lục")):
        status = _finish(paths, records, fingerprint, result, tasks, outcomes, skipped, config)
        if any(o.name == "ranking" and o.ok for o in outcomes):
            from scoring.build.state import prune_figures

            prune_figures(cache, began_ns)
    phases.report(outcomes)
    if status == 0:
        print(console.reports_are_in(paths.reports, paths.year, lang), file=sys.stderr)
    return status


def _fingerprint(paths: Paths, config: BuildConfig) -> str:
    """What a build's outputs depend on, cheaply: code, options, input files' stamps."""
    folder = DataLayout(paths.data)
    return key(
        code_digest(paths.notebooks),
        config.lang,
        str(paths.data.resolve()),
        str(paths.reports.resolve()),
        str(paths.year),
        config.source_date_epoch,
        folder.inputs_stamp(paths.year),
        folder.inputs_stamp(paths.year - 1),  # the reports compare with it
        folder.years_stamp(),  # every year (load_totals) and the notes
    )


def _changed(paths: Paths, records: Records, config: BuildConfig) -> str | None:
    """The build's fingerprint, or None, after printing what the last build printed,
    when the last complete build had this fingerprint and its outputs are all there.
    Temporary files a killed build left are deleted either way."""
    remove_leftovers(paths.reports, paths.year, paths.build)
    fingerprint = _fingerprint(paths, config)
    done = records.done() or {}
    if done.get("fingerprint") != fingerprint or done.get("index") != index_stamp(paths.reports):
        return fingerprint
    outputs = [paths.reports / str(name) for name in done.get("outputs", [])]
    if not outputs or not all(path.is_file() for path in outputs):
        return fingerprint
    for line in done.get("warnings", []):
        print(line, file=sys.stderr)
    _ = translator(config.lang)
    line = _(
        "Năm %(year)s: không có gì thay đổi từ lần lập trước (dữ liệu, mã nguồn, báo cáo); "
        "giữ nguyên %(n)s báo cáo."
    )
    print(line % {"year": paths.year, "n": done.get("reports", 0)}, file=sys.stderr)
    print(console.reports_are_in(paths.reports, paths.year, config.lang), file=sys.stderr)
    return None


def scored_year(data: Path, year: int, build_dir: Path, fixed: dt.date | None) -> YearResult:
    """The year read through the build folder's form cache, scored and dated as its
    reports are (``Records.content_date``): the build and ``make share`` both take it from
    here, so the share's date is the reports'. Raises InvalidSubmissions."""
    from scoring.build.state import FormCache
    from scoring.inputs.snapshot import inputs_digest
    from scoring.inputs.year import dated, load
    from scoring.model.result import score

    scored = score(load(data, year, FormCache(cache_folder(build_dir))))
    records = Records(Path(build_dir) / str(year))
    return dated(scored, records.content_date(inputs_digest(scored), fixed))


def _assess(paths: Paths, cache: Path, config: BuildConfig) -> tuple[YearResult, Snapshot, Path]:
    """The scored year (raises InvalidSubmissions before any write), its warnings
    printed, and the snapshot of every year the reports render from, written."""
    from scoring.build.plan import make_snapshot
    from scoring.inputs import snapshot

    result = scored_year(paths.data, paths.year, paths.build, config.fixed_date()).precompute()
    console.print_problems(result.inputs.collection.warnings, config.lang)  # type: ignore[arg-type]
    snap = make_snapshot(result, paths, cache, result.date)
    return result, snap, snapshot.write(snap, paths.build / "cache" / "snapshots")


def _plan(
    result: YearResult, paths: Paths, records: Records, snap: Snapshot, path: Path, lang: str
) -> tuple[tuple[Any, Any, str], list[Task], Digests]:
    """``scores.csv``, ``criteria_scores.csv``, their tables and ranking.xlsx's key, and
    every report's task; keys are computed on the data the kernels are handed."""
    from scoring.analysis.tables import write_scores
    from scoring.build.plan import Digests, make_tasks
    from scoring.build.state import load_state

    scores, details = write_scores(result, paths.year_reports)
    digests = Digests(snap)
    tasks = make_tasks(result, paths, digests, path, load_state(records.state_file), lang)
    xlsx_key = _ranking_key(scores, details, lang, result)
    return (scores, details, xlsx_key), tasks, digests


def _render(
    phases: Phases,
    pool: Executor,
    records: Records,
    result: YearResult,
    paths: Paths,
    tables: tuple[Any, Any, str],
    tasks: list[Task],
    digests: Digests,
    lang: str,
) -> tuple[list[Outcome], list[Task]]:
    """The stale reports on ``pool``; ranking.xlsx meanwhile, in a thread (it shows
    what the ranking's tables show, and this process only waits for the workers)."""
    from scoring.build.driver import run_tasks

    with ThreadPoolExecutor(max_workers=1) as side:
        args = (result, paths.year_reports, records, tables, lang)
        written = side.submit(_write_xlsx_if_stale, *args)
        with phases(N_("lập báo cáo")):
            outcomes, skipped = run_tasks(
                tasks, records.state_file, pool, digests.outcome_key, lang=lang
            )
        with phases(N_("ranking.xlsx")):
            written.result()
    return outcomes, skipped


def _finish(
    paths: Paths,
    records: Records,
    fingerprint: str,
    result: YearResult,
    tasks: list[Task],
    outcomes: list[Outcome],
    skipped: list[Task],
    config: BuildConfig,
) -> int:
    """The index, the summary and the exit status; the build recorded as complete when
    it is, and when no input changed while it ran (the next build must read it)."""
    from scoring.views import index

    lang = config.lang
    _remove_stale_units(paths, tasks, lang)
    index.write_index(paths.reports, lang, data=paths.data)
    problems = result.inputs.collection.warnings
    said = cast("Lang", lang)
    warned = console.output_warnings(outcomes, lang)
    shown = [console.problem_line(p, said) for p in problems] + warned
    status = console.build_summary(result, outcomes, skipped, lang)
    for line in warned:
        print(line, file=sys.stderr)
    if status == 0 and _fingerprint(paths, config) == fingerprint:
        names = ["index.html", *[f"{paths.year}/{n}" for n in _YEAR_FILES]]
        for task in tasks:
            for path in (task.html, task.pdf):
                names.append(Path(path).relative_to(paths.reports).as_posix())
        done = {"fingerprint": fingerprint, "index": index_stamp(paths.reports)}
        records.record_done(done | {"reports": len(tasks), "warnings": shown, "outputs": names})
    return status


def _remove_stale_units(paths: Paths, tasks: list[Task], lang: str) -> None:
    """Delete the HTML and PDF of units no longer in the year (removed from units.csv):
    left behind, they would keep showing old scores beside the new ranking."""
    folder = paths.year_reports / "units"
    if not folder.is_dir():
        return
    wanted = {Path(p).name for t in tasks for p in (t.html, t.pdf)}
    pages = sorted(p for p in folder.iterdir() if p.suffix in (".html", ".pdf") and p.is_file())
    stale = [p for p in pages if p.name not in wanted]
    for path in stale:
        path.unlink()
    if stale:
        _ = translator(lang)
        line = _("Đã xóa báo cáo cũ của đơn vị không còn trong năm %(year)s: %(ids)s")
        ids = ", ".join(sorted({p.stem for p in stale}))
        print(line % {"year": paths.year, "ids": ids}, file=sys.stderr)


# --- ranking.xlsx, written meanwhile when what it shows changed -------------------------


def _ranking_key(scores: pd.DataFrame, details: pd.DataFrame, lang: str, result: YearResult) -> str:
    """What ranking.xlsx shows: the code, both tables, the language and the build date."""
    from scoring.inputs.year import build_date

    tables = [
        json.loads(t.to_json(orient="records", double_precision=12)) for t in (scores, details)
    ]
    return key(code_digest(), *tables, lang, build_date(result))


def _write_xlsx_if_stale(
    result: YearResult, folder: Path, records: Records, tables: tuple[Any, Any, str], lang: str
) -> None:
    """Write ``folder``/ranking.xlsx unless it was written under ``expected``; its key is
    recorded only once it is written, so a build killed in between writes it again
    (unchanged bytes are not rewritten)."""
    scores, details, expected = tables
    if records.key_matches("ranking.xlsx", folder / "ranking.xlsx", expected):
        return
    from scoring.views.xlsx import write_ranking_xlsx

    write_ranking_xlsx(result, folder, scores, details, lang)
    records.record_key("ranking.xlsx", expected)
