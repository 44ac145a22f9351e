"""``python -m scoring``: the commands the Makefile calls.

Exit status: 0 success, 1 when the inputs have problems (each printed on one line:
file, sheet, cell, code, what was found and what was expected), 2 on a usage error.
Errors an analyst can act on are printed without a traceback. Messages are Vietnamese;
``validate --lang en`` prints its problems and summary in English.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from scoring.errors import ScoringError
from scoring.lang import DEFAULT_LANG, LANGUAGES, Lang


def print_problems(problems: Sequence[object], lang: Lang = DEFAULT_LANG) -> None:
    for problem in problems:
        print(problem.format(lang), file=sys.stderr)  # type: ignore[attr-defined]


def _summary_line(collection: object, lang: Lang = DEFAULT_LANG) -> str:
    """The counts of the year's forms, after the problem lines."""
    s = collection.summary()  # type: ignore[attr-defined]
    if lang == "en":
        return (
            f"Year {s['year']}: expected {s['expected']}, received {s['received']}, "
            f"not received {s['missing']}, verified {s['verified']}, "
            f"units with errors {s['with_errors']} ({s['errors']} errors), "
            f"warnings {s['warnings']}."
        )
    return (
        f"Năm {s['year']}: phải nộp {s['expected']}, đã nộp {s['received']}, "
        f"chưa nộp {s['missing']}, đã thẩm định {s['verified']}, "
        f"có lỗi {s['with_errors']} đơn vị ({s['errors']} lỗi), "
        f"có cảnh báo {s['warnings']}."
    )


def _closing_line(errors: int, lang: Lang) -> str:
    """What the analyst must do next: fix ``errors`` errors, or nothing."""
    if lang == "en":
        if errors:
            return f"{errors} error(s) in the forms must be fixed before scoring."
        return "Every form received is valid."
    if errors:
        return f"Có {errors} lỗi cần sửa trong phiếu trước khi chấm điểm."
    return "Mọi phiếu đã nộp đều hợp lệ."


def cmd_forms(args: argparse.Namespace) -> int:
    from scoring.criteria import load_year
    from scoring.forms import write_form
    from scoring.units import load_units, units_in_year

    criteria = load_year(args.data, args.year)
    out = Path(args.out) if args.out else Path(args.data) / str(args.year) / "forms"
    units = units_in_year(load_units(Path(args.data) / "units.csv"), args.year)
    for unit in units:
        write_form(out / f"{unit.id}.xlsx", criteria.for_level(unit.level), unit, args.year)
    print(f"Đã tạo {len(units)} phiếu khảo sát năm {args.year} trong {out}", file=sys.stderr)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from scoring.pipeline import load

    collection = load(args.data, args.year).collection
    print_problems([*collection.errors, *collection.warnings], args.lang)
    print(_summary_line(collection, args.lang), file=sys.stderr)
    print(_closing_line(len(collection.errors), args.lang), file=sys.stderr)
    return 1 if collection.errors else 0


def cmd_score(args: argparse.Namespace) -> int:
    from scoring.pipeline import assess, write_scores

    result = assess(str(args.data), args.year)
    folder = Path(args.reports) / str(args.year)
    write_scores(result, folder)
    print(f"Đã ghi {folder / 'scores.csv'} ({len(result.official)} đơn vị)", file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from scoring.render.build import build

    return build(
        Path(args.data),
        args.year,
        Path(args.reports),
        Path(args.build),
        jobs=args.jobs,
        scheduler=args.scheduler,
        lang=args.lang,
        notebooks=args.notebooks,
    )


def cmd_index(args: argparse.Namespace) -> int:
    from scoring.render.index import write_index

    write_index(Path(args.reports), args.lang)
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    from scoring.sample import write_sample

    written = write_sample(Path(args.data), args.year)
    print(f"Đã tạo {written} phiếu mẫu năm {args.year}", file=sys.stderr)
    return 0


def cmd_years(args: argparse.Namespace) -> int:
    from scoring.criteria import years_available

    data = Path(args.data)
    print(" ".join(str(y) for y in years_available(data) if (data / str(y)).is_dir()))
    return 0


def _lang_option(command: argparse.ArgumentParser, help_text: str) -> None:
    command.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANG, help=help_text)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="python -m scoring", description="Chấm điểm, xếp hạng chính quyền điện tử"
    )
    sub = top.add_subparsers(dest="command", required=True)

    def command(name: str, func, help_text: str, year: bool = True) -> argparse.ArgumentParser:  # noqa: ANN001
        p = sub.add_parser(name, help=help_text)
        if year:
            p.add_argument("--year", type=int, required=True)
        p.add_argument("--data", type=Path, default=Path("data"))
        p.set_defaults(func=func)
        return p

    forms = command("forms", cmd_forms, "tạo phiếu khảo sát trống cho mọi đơn vị của năm")
    forms.add_argument("--out", type=Path, default=None)
    validate = command("validate", cmd_validate, "kiểm tra mọi phiếu đã nộp của năm")
    _lang_option(validate, "ngôn ngữ thông báo (vi, en)")
    score = command("score", cmd_score, "chấm điểm, ghi scores.csv")
    score.add_argument("--reports", type=Path, default=Path("reports"))
    build = command("build", cmd_build, "kiểm tra, chấm điểm, lập mọi báo cáo của năm")
    build.add_argument("--reports", type=Path, default=Path("reports"))
    build.add_argument("--build", type=Path, default=Path("build"))
    build.add_argument("--jobs", type=int, default=None)
    build.add_argument("--scheduler", default=None, help="địa chỉ Dask scheduler (tùy chọn)")
    build.add_argument(
        "--notebooks",
        type=Path,
        default=None,
        help="thư mục chứa unit_report.ipynb và ranking.ipynb (mặc định: notebooks/)",
    )
    _lang_option(build, "ngôn ngữ báo cáo và thông báo (vi, en)")
    index = command("index", cmd_index, "lập lại reports/index.html", year=False)
    index.add_argument("--reports", type=Path, default=Path("reports"))
    _lang_option(index, "ngôn ngữ trang mục lục (vi, en)")
    command("sample", cmd_sample, "tạo bộ phiếu mẫu (tất định) của năm")
    command("years", cmd_years, "liệt kê các năm có dữ liệu", year=False)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "jobs", None) is None and os.environ.get("JOBS", "").isdigit():
        args.jobs = int(os.environ["JOBS"])
    try:
        return int(args.func(args))
    except ScoringError as exc:
        problems = getattr(exc, "problems", None)  # pipeline.InvalidSubmissions
        if problems is not None:
            print_problems(problems, getattr(args, "lang", DEFAULT_LANG))
            return 1
        print(f"Lỗi: {exc}" if "\n" not in str(exc) else str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        return 130
