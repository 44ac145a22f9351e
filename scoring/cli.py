"""``python -m scoring``: the commands the Makefile calls.

Exit status: 0 success, 1 when the forms have problems (one line each: file, sheet, cell,
code, what was found and what was expected), 2 on a usage error, unreadable criteria or
unit list, or a file that cannot be written or read: one clear line, never a traceback.
Messages are Vietnamese, or English with ``--lang en``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from scoring.text import console
from scoring.text.errors import CriteriaError, ScoringError, UnitsError
from scoring.text.i18n import located, render, translator
from scoring.text.lang import DEFAULT_LANG, LANGUAGES


def cmd_forms(args: argparse.Namespace) -> int:
    from scoring.inputs.criteria import load_year
    from scoring.inputs.forms import write_form
    from scoring.inputs.lineage import load_changes
    from scoring.inputs.newyear import check_ready
    from scoring.inputs.units import load_units, units_in_year

    criteria = load_year(args.data, args.year)
    check_ready(criteria)  # a set made by make new-year still cites no decision
    load_changes(args.data)  # a wrong unit_changes.csv is named before any form is made
    out = Path(args.out) if args.out else Path(args.data) / str(args.year) / "forms"
    units = units_in_year(load_units(Path(args.data) / "units.csv"), args.year)
    previous = _previous_figures(args.data, args.year, args.lang)
    for unit in units:
        cset = criteria.for_level(unit.level)
        shown = previous(unit.id, list(cset.inputs)) if previous else None
        write_form(out / f"{unit.id}.xlsx", cset, unit, args.year, shown)
    _ = translator(args.lang)
    line = _("Đã tạo %(n)s phiếu khảo sát năm %(year)s trong %(folder)s")
    shown = {"n": len(units), "year": args.year, "folder": console.shown_path(out)}
    print(line % shown, file=sys.stderr)
    return 0


def _previous_figures(data: Path, year: int, lang: str):  # noqa: ANN202
    """Each unit's figures of the year before, for its blank form; None (with a line
    saying why) when that year has no data or cannot be scored."""
    from scoring.analysis.compare import load_mapping, previous_inputs
    from scoring.inputs.layout import DataLayout
    from scoring.inputs.lineage import load_changes
    from scoring.inputs.source import Source

    if year - 1 not in DataLayout(Path(data)).years():
        return None
    try:
        before = Source(Path(data)).result(year - 1)
    except ScoringError as exc:
        _ = translator(lang)
        line = _("Cảnh báo: phiếu không ghi số liệu năm %(year)s (chưa chấm được năm đó: %(why)s)")
        why = exc.text(lang).splitlines()[0]
        print(line % {"year": year - 1, "why": why}, file=sys.stderr)
        return None
    lineage, mapping = load_changes(data), load_mapping(data, year)
    return lambda uid, codes: previous_inputs(before, uid, codes, lineage, mapping)


def cmd_new_year(args: argparse.Namespace) -> int:
    from scoring.inputs.newyear import PLACEHOLDER_MARK, create

    folder, old, review = create(args.data, args.year)
    _ = translator(args.lang)
    steps = _(
        'Đã tạo %(folder)s từ bộ tiêu chí năm %(old)s (year: %(year)s, version: "%(year)s.1"). '
        "Việc tiếp theo:\n"
        "  1. Thay dòng '%(mark)s' ở legal_basis của mọi tệp bằng quyết định ban hành bộ tiêu "
        "chí năm %(year)s (make forms từ chối cho đến khi sửa).\n"
        "  2. Sửa title, provenance và các tiêu chí theo quyết định mới; tiêu chí đổi mã thì "
        "ghi %(folder)s/mapping.csv (old_code,new_code).\n"
        "  3. Cập nhật data/units.csv và data/unit_changes.csv nếu đơn vị sáp nhập, chia "
        "tách, đổi tên.\n"
        "  4. make forms YEAR=%(year)s: gửi các phiếu trống trong data/%(year)s/forms/ cho "
        "các đơn vị.\n"
        "  5. Đặt các phiếu nhận lại vào data/%(year)s/submissions/; rồi make validate "
        "YEAR=%(year)s và make reports YEAR=%(year)s."
    )  # in working order: validate checks returned forms, so it comes after them
    shown = {"folder": console.shown_path(folder), "old": old, "year": args.year}
    print(steps % {**shown, "mark": PLACEHOLDER_MARK}, file=sys.stderr)
    if review:
        print(_("Các dòng còn ghi năm %(old)s, cần xem lại:") % {"old": old}, file=sys.stderr)
        for path, number, text in review:
            where = {"where": located(path, number), "text": text}
            print("  " + render("%(where)s: %(text)s", args.lang, where), file=sys.stderr)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from scoring.analysis.validation import compare_with_previous
    from scoring.inputs.contacts import load_emails
    from scoring.inputs.lineage import load_changes
    from scoring.inputs.year import load

    inputs = load(args.data, args.year)
    load_changes(args.data)  # unit_changes.csv against units.csv: exit 2 like units.csv
    collection = inputs.collection
    collection.problems.extend(compare_with_previous(inputs))
    console.print_problems([*collection.errors, *collection.warnings], args.lang)
    if args.format != "text":  # the problems as data on stdout, the lines stay on stderr
        console.export_problems([*collection.errors, *collection.warnings], args.format)
    errors = len(collection.errors)
    try:  # the addresses only matter to make share, but are checked with everything else
        load_emails(Path(args.data) / "units.csv", args.lang)
    except UnitsError as exc:
        print(exc, file=sys.stderr)
        errors += 1
    print(console.forms_summary(collection, args.lang), file=sys.stderr)
    submissions = Path(args.data) / str(args.year) / "submissions"
    if not (submissions.is_dir() and any(submissions.glob("*.xlsx"))):
        # A year nobody has answered yet is no error "in the forms": say what comes first.
        _ = translator(args.lang)
        line = _(
            "Năm %(year)s chưa có phiếu nào trong %(folder)s: chạy make forms YEAR=%(year)s, gửi "
            "phiếu cho các đơn vị, đặt phiếu nhận lại vào thư mục đó rồi kiểm tra lại."
        )
        shown = {"year": args.year, "folder": console.shown_path(submissions)}
        print(line % shown, file=sys.stderr)
        return 1
    print(console.closing_line(errors, args.lang), file=sys.stderr)
    return 1 if errors else 0


def cmd_verification_forms(args: argparse.Namespace) -> int:
    """A verification form per accepted unit form; existing ones are the office's work."""
    from scoring.inputs.verification import folder, write_verification_forms
    from scoring.inputs.year import load

    inputs = load(args.data, args.year)
    console.print_problems(inputs.collection.errors, args.lang)
    written, kept = write_verification_forms(
        args.data, args.year, inputs.collection, inputs.criteria, inputs.units
    )
    where = folder(args.data, args.year)
    _ = translator(args.lang)
    line = _(
        "Đã tạo %(written)s phiếu thẩm định trong %(where)s; giữ nguyên %(kept)s "
        "phiếu đã có (xóa phiếu nếu cần lập lại)."
    )
    shown = {"written": len(written), "where": console.shown_path(where), "kept": len(kept)}
    print(line % shown, file=sys.stderr)
    return 1 if inputs.collection.errors else 0


def cmd_score(args: argparse.Namespace) -> int:
    from scoring.analysis.tables import write_scores
    from scoring.inputs.source import assess

    result = assess(args.data, args.year)
    folder = Path(args.reports) / str(args.year)
    write_scores(result, folder)
    _ = translator(args.lang)
    line = _("Đã ghi %(path)s (%(n)s đơn vị)")
    shown = {"path": console.shown_path(folder / "scores.csv"), "n": len(result.official)}
    print(line % shown, file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from scoring.build.run import build
    from scoring.config import BuildConfig

    config = BuildConfig.read(jobs=args.jobs, lang=args.lang, scheduler=args.scheduler)
    return build(
        Path(args.data), args.year, Path(args.reports), Path(args.build), config, args.notebooks
    )


def cmd_share(args: argparse.Namespace) -> int:
    from scoring.config import BuildConfig
    from scoring.share.publish import share

    epoch = BuildConfig.read(lang=args.lang).source_date_epoch
    return share(Path(args.data), args.year, Path(args.reports), Path(args.build), args.lang, epoch)


def cmd_index(args: argparse.Namespace) -> int:
    from scoring.views.index import write_index

    write_index(Path(args.reports), args.lang, data=Path(args.data))
    return 0


def cmd_trends(args: argparse.Namespace) -> int:
    from scoring.config import BuildConfig
    from scoring.views.index import write_index
    from scoring.views.trends import write_trends

    day = BuildConfig.read(lang=args.lang).fixed_date()
    write_trends(Path(args.data), Path(args.reports), args.lang, day)
    write_index(Path(args.reports), args.lang, data=Path(args.data))
    _ = translator(args.lang)
    line = _("Đã lập %(path)s và trends.pdf")
    print(line % {"path": console.shown_path(Path(args.reports) / "trends.html")}, file=sys.stderr)
    if args.failed:  # make reports-all: the years whose build failed, after the trends
        line = _(
            "Chưa lập được báo cáo năm %(years)s (xem lỗi ở trên); xu hướng gồm các năm còn lại."
        )
        print(line % {"years": ", ".join(args.failed.split())}, file=sys.stderr)
        return 1
    return 0


def cmd_years(args: argparse.Namespace) -> int:
    from scoring.inputs.criteria import years_available

    data = Path(args.data)
    print(" ".join(str(y) for y in years_available(data) if (data / str(y)).is_dir()))
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m scoring", description="Chấm điểm, xếp hạng chính quyền điện tử"
    )
    sub = top.add_subparsers(dest="command", required=True)

    def command(  # noqa: ANN202
        name: str,
        func,  # noqa: ANN001
        help_text: str,
        year: bool = True,
        lang: str = "ngôn ngữ thông báo (vi, en)",
        folders: tuple[str, ...] = (),
    ):
        p = sub.add_parser(name, help=help_text)
        if year:
            p.add_argument("--year", type=int, required=True)
        p.add_argument("--data", type=Path, default=Path("data"))
        if lang:
            p.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANG, help=lang)
        for folder in folders:  # after --lang, as --help has always listed them
            p.add_argument(f"--{folder}", type=Path, default=Path(folder))
        p.set_defaults(func=func)
        return p

    forms = command("forms", cmd_forms, "tạo phiếu khảo sát trống cho mọi đơn vị của năm")
    forms.add_argument("--out", type=Path, default=None)
    command("new-year", cmd_new_year, "tạo bộ tiêu chí năm mới từ bộ gần nhất")
    validate = command("validate", cmd_validate, "kiểm tra mọi phiếu đã nộp của năm")
    validate.add_argument(
        "--format",
        choices=("text", "csv", "json"),
        default="text",
        help="csv, json: ghi thêm các vấn đề ra stdout (kind, file, sheet, cell, code...)",
    )
    command("score", cmd_score, "chấm điểm, ghi scores.csv", folders=("reports",))
    build = command(
        "build",
        cmd_build,
        "kiểm tra, chấm điểm, lập mọi báo cáo của năm",
        lang="ngôn ngữ báo cáo và thông báo (vi, en)",
        folders=("reports", "build"),
    )
    build.add_argument("--jobs", type=int, default=None)
    build.add_argument("--scheduler", default=None, help="địa chỉ Dask scheduler (tùy chọn)")
    build.add_argument(
        "--notebooks",
        type=Path,
        default=None,
        help="thư mục chứa unit_report.ipynb và ranking.ipynb (mặc định: notebooks/)",
    )
    command(
        "share",
        cmd_share,
        "chuẩn bị trang web, thư nháp, bản gửi tỉnh, tập in",
        lang="ngôn ngữ của các tệp và thông báo (vi, en)",
        folders=("reports", "build"),
    )
    command(
        "index",
        cmd_index,
        "lập lại reports/index.html",
        year=False,
        lang="ngôn ngữ trang mục lục (vi, en)",
        folders=("reports",),
    )
    trends = command(
        "trends",
        cmd_trends,
        "lập reports/trends.html, trends.pdf",
        year=False,
        lang="ngôn ngữ trang xu hướng (vi, en)",
        folders=("reports",),
    )
    trends.add_argument(
        "--failed", default="", help="các năm lập báo cáo bị lỗi (make reports-all)"
    )
    command(
        "verification-forms",
        cmd_verification_forms,
        "tạo phiếu thẩm định (điền sẵn số liệu của đơn vị) cho mọi phiếu hợp lệ",
    )
    command("years", cmd_years, "liệt kê các năm có dữ liệu", year=False, lang="")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    return run(parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """``args.func(args)`` with the exit statuses and one-line errors of the module
    docstring; public so that a development tool's command (``python -m dev.sample``)
    reports its errors as these commands do."""
    lang = getattr(args, "lang", DEFAULT_LANG)
    _ = translator(lang)
    try:
        return int(args.func(args))
    except ScoringError as exc:
        problems = getattr(exc, "problems", None)  # model.result.InvalidSubmissions
        if problems is not None:
            collection = getattr(exc, "collection", None)
            console.print_problems([*problems, *(collection.warnings if collection else [])], lang)
            if collection is not None:  # as validate ends: the counts, then the next step
                print(console.forms_summary(collection, lang), file=sys.stderr)
                print(console.closing_line(len(problems), lang), file=sys.stderr)
            return 1
        text = exc.text(lang)
        print(_("Lỗi: %(text)s") % {"text": text} if "\n" not in text else text, file=sys.stderr)
        # The criteria or the unit list unreadable: nothing of the year could be checked.
        return 2 if isinstance(exc, CriteriaError | UnitsError) else 1
    except KeyboardInterrupt:
        print(_("Đã dừng theo yêu cầu."), file=sys.stderr)
        return 130
    except OSError as exc:  # disk full, a read-only folder: one line, no traceback
        from scoring.model.values import escape_controls

        where = f" {escape_controls(console.shown_path(exc.filename))}" if exc.filename else ""
        line = _("Lỗi: không ghi hoặc đọc được%(where)s: %(reason)s")
        print(line % {"where": where, "reason": exc.strerror or exc}, file=sys.stderr)
        return 2
