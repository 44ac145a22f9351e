"""What the commands print on the console (stderr; stdout stays free for data), apart from
``scoring.cli`` and ``scoring.build.run`` so that both print through it."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scoring.model.criteria import LEVEL_NAMES_VI
from scoring.text import i18n, numfmt
from scoring.text.lang import DEFAULT_LANG, Lang

if TYPE_CHECKING:
    from scoring.build.driver import Outcome, Task
    from scoring.model.result import YearResult


def shown_path(path: str | Path) -> str:
    """A path as the analyst typed it: relative to the working folder when inside it (a
    build resolves the data folder, validate does not: the same file read two ways)."""
    return _relative(str(path), os.getcwd())


@functools.lru_cache(maxsize=4096)  # a form's file is named by each of its problems
def _relative(path: str, cwd: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path(cwd).resolve()).as_posix()
    except (ValueError, OSError):
        return path


def problem_line(problem: object, lang: Lang = DEFAULT_LANG) -> str:
    """A problem's line, its file shown as ``shown_path`` shows it."""
    return _shown(problem).format(lang)  # type: ignore[attr-defined]


def _shown(problem: Any) -> Any:
    """``problem`` with its file, and that of a problem quoted in its sentence (the
    previous year's first error), as ``shown_path`` shows them."""
    changes: dict[str, object] = {}
    file = getattr(problem, "file", None)
    if file and Path(file).is_absolute():
        changes["file"] = shown_path(file)
    params = getattr(problem, "params", ())
    quoted = tuple((k, _shown(v) if _is_problem(v) else v) for k, v in params)
    if quoted != params:
        changes["params"] = quoted
    return dataclasses.replace(problem, **changes) if changes else problem


def _is_problem(value: object) -> bool:
    return dataclasses.is_dataclass(value) and hasattr(value, "file") and hasattr(value, "params")


def print_problems(problems: Sequence[object], lang: Lang = DEFAULT_LANG) -> None:
    """One line per problem, except the units that sent no form: one line for all of them,
    so that they do not bury the real problems."""
    silent = [p for p in problems if getattr(p, "kind", "") == "folder.not_sent"]
    if len(silent) == 1:
        silent = []  # a single one keeps its line, with the unit's name
    hushed = {id(p) for p in silent}  # not ``in silent``: an equality test per pair
    lines = [problem_line(p, lang) for p in problems if id(p) not in hushed]
    if lines:  # one write: a province's thousands of warnings, each printed, took seconds
        sys.stderr.write("\n".join(lines) + "\n")
    if silent:
        _ = i18n.translator(lang)
        ids = ", ".join(str(p.unit_id) for p in silent)  # type: ignore[attr-defined]
        line = _("Cảnh báo: %(n)s đơn vị chưa nộp phiếu: %(ids)s")
        print(line % {"n": len(silent), "ids": ids}, file=sys.stderr)


def export_problems(problems: Sequence[object], fmt: str) -> None:
    """The problems as rows on stdout (``validate --format csv|json``): kind, severity,
    file, sheet, cell, code, unit id, found, expected and the message in each language."""
    import csv
    import json

    rows = [p.as_dict() for p in problems]  # type: ignore[attr-defined]
    if fmt == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1, default=str)
        print()
        return
    from scoring.inputs.submissions.problems import EXPORT_COLUMNS

    writer = csv.DictWriter(sys.stdout, fieldnames=list(EXPORT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def forms_summary(collection: object, lang: Lang = DEFAULT_LANG) -> str:
    """The counts of the year's forms, after the problem lines."""
    counts = collection.summary()  # type: ignore[attr-defined]
    return i18n.render_plural(
        "Năm %(year)s: phải nộp %(expected)s, đã nộp %(received)s, chưa nộp %(missing)s, "
        "đã thẩm định %(verified)s, có lỗi %(with_errors)s đơn vị (%(errors)s lỗi), "
        "có cảnh báo %(warnings)s.",
        counts["errors"],
        lang,
        counts,
    )


def closing_line(errors: int, lang: Lang) -> str:
    """What the analyst must do next: fix ``errors`` errors, or nothing."""
    if errors:
        return i18n.render_plural(
            "Có %(n)s lỗi cần sửa trong phiếu trước khi chấm điểm.", errors, lang, {"n": errors}
        )
    return i18n.gettext(i18n.N_("Mọi phiếu đã nộp đều hợp lệ."), lang)


def output_warnings(outcomes: list[Outcome], lang: str) -> list[str]:
    """One line per output a notebook showed and its reports could not (each notebook
    cell once, with how many reports it concerns)."""
    counts = Counter(line for outcome in outcomes for line in outcome.warnings)
    return [
        i18n.render_plural("Cảnh báo: %(what)s (%(n)s báo cáo).", n, lang, {"what": line, "n": n})
        for line, n in sorted(counts.items())
    ]


def build_summary(
    result: YearResult, outcomes: list[Outcome], skipped: list[Task], lang: str = "vi"
) -> int:
    _ = i18n.translator(lang)
    failed = [o for o in outcomes if not o.ok]
    built = len(outcomes) - len(failed)
    peak = max((o.peak_rss_mb for o in outcomes), default=0.0)
    kernel = max((o.kernel_peak_mb for o in outcomes), default=0.0)
    figures = {
        "year": result.year,
        "built": built,
        "skipped": len(skipped),
        "failed": len(failed),
        "secs": numfmt.number(sum(o.seconds for o in outcomes), 1, lang=lang),
        "peak": numfmt.number(peak, 0, lang=lang),
        "kernel": numfmt.number(kernel, 0, lang=lang),
    }
    summary = i18n.render_plural(
        "Năm %(year)s: lập %(built)s báo cáo, giữ nguyên %(skipped)s báo cáo không đổi, "
        "lỗi %(failed)s. Tổng thời gian các tác vụ %(secs)s giây; bộ nhớ đỉnh mỗi tiến "
        "trình %(peak)s MB (nhân Jupyter của nó %(kernel)s MB).",
        built,
        lang,
        figures,
    )
    print(summary, file=sys.stderr)
    levels = {u.id: _(LEVEL_NAMES_VI[u.level]) for u in result.inputs.units}
    for outcome in failed:
        line = _("  Lỗi báo cáo %(name)s (%(level)s): %(error)s")
        name = outcome.name
        shown = {"name": name, "level": levels.get(name, ""), "error": outcome.error}
        print(line % shown, file=sys.stderr)
        if outcome.kernel_log:
            hint = _("    Nhân Jupyter của báo cáo đã dừng; lỗi của nó ghi trong %(log)s")
            print(hint % {"log": outcome.kernel_log}, file=sys.stderr)
    return 1 if failed else 0


def reports_are_in(reports: Path, year: int, lang: str) -> str:
    """A build's last line: where its reports are, as a path the analyst can open."""
    folder = Path(reports)
    with contextlib.suppress(ValueError):
        folder = folder.resolve().relative_to(Path.cwd().resolve())
    _ = i18n.translator(lang)
    line = _("Báo cáo năm %(year)s ở %(folder)s; mở %(index)s để xem mọi báo cáo.")
    shown = {"folder": shown_path(folder / str(year)), "index": shown_path(folder / "index.html")}
    return line % {"year": year, **shown}
