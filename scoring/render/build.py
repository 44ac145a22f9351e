"""``make reports`` in one process: check, score, render what changed, assemble.

1. Load and check every input of the year; on any error print the list and stop before
   anything under REPORTS is written.
2. Write ``scores.csv`` and ``criteria_scores.csv``.
3. Render every unit report and the ranking (driver: pool or Dask), each only when what
   it shows changed.
4. Write ``ranking.xlsx`` and ``index.html``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from scoring import i18n, numfmt
from scoring.criteria import LEVEL_NAMES_VI
from scoring.io import remove_temp_files
from scoring.pipeline import YearResult, assess, build_date, previous, write_scores
from scoring.render import index, workbook
from scoring.render.driver import NOTEBOOKS, Outcome, Task, load_state, run_tasks
from scoring.report import LEVEL_TITLES, UnitReport

PACKAGE = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Paths:
    data: Path
    reports: Path
    build: Path
    year: int

    @property
    def year_reports(self) -> Path:
        return self.reports / str(self.year)

    @property
    def year_build(self) -> Path:
        return self.build / str(self.year)


def code_digest() -> str:
    """A hash of the package code, templates and notebooks: a change rebuilds reports."""
    digest = hashlib.sha256()
    files = sorted(
        [
            *PACKAGE.rglob("*.py"),
            *PACKAGE.rglob("*.j2"),
            *PACKAGE.rglob("*.css"),
            *NOTEBOOKS.glob("*.ipynb"),
        ]
    )
    for path in files:
        digest.update(path.relative_to(PACKAGE.parent).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _key(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return json.loads(frame.to_json(orient="records", double_precision=12))


def make_tasks(
    result: YearResult,
    paths: Paths,
    scores: pd.DataFrame,
    details: pd.DataFrame,
    lang: str = "vi",
) -> list[Task]:
    _ = i18n.translator(lang)
    code = code_digest()
    prev = previous(result)
    prev_scores = _records(prev.table()) if prev is not None else []
    date = build_date(result).isoformat()
    tasks = []
    for unit in result.scored_units():
        shown = UnitReport(result, unit.id, lang).shown()
        tasks.append(
            _task(
                paths,
                unit.id,
                "unit_report.ipynb",
                {"unit_id": unit.id, "lang": lang},
                _("%(name)s – Chính quyền điện tử năm %(year)s")
                % {"name": unit.name, "year": paths.year},
                _key(code, shown),
            )
        )
    summary = result.inputs.collection.summary()
    shown_all = [_records(scores), _records(details), summary, prev_scores, date, lang]
    tasks.append(
        _task(
            paths,
            "ranking",
            "ranking.ipynb",
            {"lang": lang},
            _("Xếp hạng chính quyền điện tử năm %(year)s") % {"year": paths.year},
            _key(code, shown_all),
        )
    )
    return tasks


def _task(
    paths: Paths, name: str, notebook: str, params: dict[str, object], title: str, key: str
) -> Task:
    out = paths.year_reports if name == "ranking" else paths.year_reports / "units"
    return Task(
        name=name,
        notebook=str(NOTEBOOKS / notebook),
        parameters={**params, "year": paths.year, "data_dir": str(paths.data.resolve())},
        executed=str(paths.year_build / "notebooks" / f"{name}.ipynb"),
        html=str(out / f"{name}.html"),
        pdf=str(out / f"{name}.pdf"),
        title=title,
        key=key,
    )


def write_ranking_xlsx(
    result: YearResult,
    paths: Paths,
    scores: pd.DataFrame,
    details: pd.DataFrame,
    lang: str = "vi",
) -> None:
    _ = i18n.translator(lang)
    wb = Workbook()
    wb.remove(wb.active)
    for level in ["district", "department", "commune"]:
        rows = scores[scores["level"] == level].sort_values(["rank", "name"])
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
                int(r["rank"]),
                r["unit_id"],
                r["name"],
                *[float(r[g]) for g in groups],
                float(r["total"]),
                float(r["max"]),
                float(r["percent"]),
                _(r["band"]),
                _("Có") if r["verified"] else _("Không"),
                float(r["self_total"]),
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
    remove_temp_files(paths.reports, recursive=False)  # index.html
    for folder in (paths.year_reports, paths.year_build, paths.build / "cache"):
        remove_temp_files(folder)


def build(
    data: Path,
    year: int,
    reports: Path,
    build_dir: Path,
    jobs: int | None = None,
    scheduler: str | None = None,
    lang: str = "vi",
) -> int:
    """The whole cycle for one year; returns the exit status for ``make reports``."""
    from scoring.cli import print_problems

    paths = Paths(Path(data), Path(reports), Path(build_dir), year)
    # Scored years are shared with the notebooks' kernels through a cache keyed by code.
    os.environ["SCORING_CACHE"] = str((paths.build / "cache" / code_digest()[:16]).resolve())
    result = assess(str(paths.data), year)  # raises InvalidSubmissions before any write
    print_problems(result.inputs.collection.warnings, lang)  # type: ignore[arg-type]
    remove_leftovers(paths)
    scores, details = write_scores(result, paths.year_reports)
    tasks = make_tasks(result, paths, scores, details, lang)
    state_file = paths.year_build / "state.json"
    # ranking.xlsx shows what the ranking report shows: rewrite it when that is rebuilt,
    # before the run records the ranking as built (a build killed in between redoes both).
    ranking_key = next(t.key for t in tasks if t.name == "ranking")
    if (
        load_state(state_file).get("ranking") != ranking_key
        or not (paths.year_reports / "ranking.xlsx").exists()
    ):
        write_ranking_xlsx(result, paths, scores, details, lang)
    outcomes, skipped = run_tasks(tasks, state_file, jobs, scheduler)
    index.write_index(paths.reports, lang)
    return _summary(result, outcomes, skipped, lang)


def _summary(
    result: YearResult, outcomes: list[Outcome], skipped: list[Task], lang: str = "vi"
) -> int:
    _ = i18n.translator(lang)
    failed = [o for o in outcomes if not o.ok]
    built = len(outcomes) - len(failed)
    secs = sum(o.seconds for o in outcomes)
    peak = max((o.peak_rss_mb for o in outcomes), default=0.0)
    summary = _(
        "Năm %(year)s: lập %(built)s báo cáo, giữ nguyên %(skipped)s báo cáo không đổi, "
        "lỗi %(failed)s. Tổng thời gian các tác vụ %(secs)s giây; bộ nhớ đỉnh mỗi tiến "
        "trình %(peak)s MB."
    )
    figures = {
        "year": result.year,
        "built": built,
        "skipped": len(skipped),
        "failed": len(failed),
        "secs": numfmt.number(secs, 1, lang=lang),
        "peak": numfmt.number(peak, 0, lang=lang),
    }
    print(summary % figures, file=sys.stderr)
    levels = {u.id: _(LEVEL_NAMES_VI[u.level]) for u in result.inputs.units}
    for outcome in failed:
        line = _("  Lỗi báo cáo %(name)s (%(level)s): %(error)s")
        where = {
            "name": outcome.name,
            "level": levels.get(outcome.name, ""),
            "error": outcome.error,
        }
        print(line % where, file=sys.stderr)
    return 1 if failed else 0
