"""``make bench``: the render driver against the plain tool chain, on a synthetic province.

Builds a synthetic data folder of N commune-level units (the project's form writer and
the sample's seeded filler), then measures side by side:

(a) the plain chain, one process per step and per unit, in sequence: papermill CLI,
    ``jupyter nbconvert --to html`` CLI, WeasyPrint CLI (on ``--plain`` units, default 3,
    reported per unit; WeasyPrint is no dependency of the project any more: the chain is
    measured where it is installed, ``pip install weasyprint``, and skipped elsewhere);
(b) ``make reports`` from cold (this package's driver, JOBS workers);
(c) a second run with nothing changed (three runs);
(d) runs after one figure of one form was corrected (``--repeat``, median and range):
    each build starts its own workers (a base commit that could keep workers between
    builds is run with SCORING_WARM_MINUTES=0, its default for a script's build);
(e) the scoring step alone on 10 000 synthetic units;
(f) ``validate`` on 2 000 normal forms, and (g) on one form of 500 000 styled empty rows
    (about 10 MB, 93–99 MB unpacked): seconds and peak memory of the process
    (``--validate-only`` runs these two alone);
(h) the robustness analysis of one level: 1 000 runs of 300 units, one core;
(i) the PDF step alone, in this process, from the cold build's executed notebooks: CPU
    seconds to typeset a unit report and the ranking (median of five, after a first one).

It prints seconds per unit, the ratio a/b, the peak memory per worker and its kernel, and
where the time of a build goes (SCORING_TIMINGS). Run it with ``--units 60`` and
``--units 300`` to see how cost grows.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dev.sample import _as_typed, natural_values
from dev.sample.fill import fill_form
from scoring.inputs.criteria import load_year
from scoring.inputs.forms import write_form
from scoring.inputs.units import Unit
from scoring.model.criteria import CriteriaSet
from scoring.model.scores import score_peers

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2018


def make_province(data: Path, count: int) -> list[Unit]:
    """A data folder with ``count`` communes, each with a filled form."""
    shutil.copytree(ROOT / "data" / "criteria" / str(YEAR), data / "criteria" / str(YEAR))
    units = [Unit(f"X{i:05d}", f"Xã Thử Nghiệm {i}", "commune", 2011, None) for i in range(count)]
    lines = ["id,name,level,valid_from,valid_to"]
    lines += [f"{u.id},{u.name},{u.level},{u.valid_from}," for u in units]
    (data / "units.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    cset = load_year(data, YEAR).for_level("commune")
    for i, unit in enumerate(units):
        write_unit_form(data, cset, unit, unit_values(cset, unit, i))
    return units


def unit_values(cset: CriteriaSet, unit: Unit, index: int) -> dict[str, float | bool]:
    """The seeded answers of the ``index``-th synthetic unit."""
    return natural_values(cset, unit, 0.45 + 0.5 * ((index * 37) % 100) / 100, unit.id)


def write_unit_form(
    data: Path, cset: CriteriaSet, unit: Unit, values: dict[str, float | bool]
) -> None:
    subs = data / str(YEAR) / "submissions"
    subs.mkdir(parents=True, exist_ok=True)
    blank = subs.parent / f"{unit.id}.blank.xlsx"
    write_form(blank, cset, unit, YEAR)
    typed = {c: _as_typed(cset.inputs[c], v) for c, v in values.items()}
    fill_form(blank, subs / f"{unit.id}.xlsx", typed)
    blank.unlink()


def corrected(cset: CriteriaSet, values: dict[str, float | bool]) -> dict[str, float | bool]:
    """An analyst's typical correction: one ratio's numerator lowered by one."""
    fixed = dict(values)
    for node in cset.criteria():
        numerator = getattr(node.rule, "numerator", None)
        if numerator and float(fixed.get(numerator, 0)) >= 1:
            fixed[numerator] = float(fixed[numerator]) - 1
            return fixed
    return fixed


def timed(args: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - start


def plain_chain(data: Path, out: Path, units: list[Unit]) -> float:
    """One process per step and per unit, in sequence; returns seconds per unit (0 when
    WeasyPrint is not installed)."""
    bin_dir = Path(sys.executable).parent
    if not units or not (bin_dir / "weasyprint").is_file():
        return 0.0
    out.mkdir(parents=True, exist_ok=True)
    total = 0.0
    for unit in units:
        executed = out / f"{unit.id}.ipynb"
        total += timed(
            [
                str(bin_dir / "papermill"),
                str(ROOT / "notebooks/unit_report.ipynb"),
                str(executed),
                "-p",
                "unit_id",
                unit.id,
                "-p",
                "year",
                str(YEAR),
                "-p",
                "data_dir",
                str(data),
                "--cwd",
                str(ROOT / "notebooks"),
            ]
        )
        total += timed(
            [
                str(bin_dir / "jupyter"),
                "nbconvert",
                "--to",
                "html",
                "--no-input",
                str(executed),
                "--output-dir",
                str(out),
            ]
        )
        total += timed(
            [str(bin_dir / "weasyprint"), str(out / f"{unit.id}.html"), str(out / f"{unit.id}.pdf")]
        )
    return total / len(units)


def build(
    data: Path, reports: Path, build_dir: Path, jobs: int, code: Path = ROOT, **env: str
) -> tuple[float, str, list[str]]:
    """One ``make reports`` with the package in ``code`` (this one, or the base commit's
    worktree): (seconds, its summary line, its timing lines)."""
    start = time.perf_counter()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "scoring",
            "build",
            "--year",
            str(YEAR),
            "--data",
            str(data),
            "--reports",
            str(reports),
            "--build",
            str(build_dir),
            "--jobs",
            str(jobs),
        ],
        capture_output=True,
        text=True,
        cwd=code,
        env={
            **os.environ,
            "SCORING_TIMINGS": "1",
            "SCORING_WARM_MINUTES": "0",  # a base commit that had warm workers: none kept
            "PYTHONPATH": str(code),
            **env,
        },
    )
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(run.stderr[-2000:])
    lines = run.stderr.splitlines()
    summary = [line for line in lines if line.startswith(f"Năm {YEAR}:")]
    timings = [line for line in lines if line.startswith(("Thời gian", "  tác vụ"))]
    return seconds, summary[-1] if summary else "", timings


def corrections(
    data: Path, reports: Path, build_dir: Path, jobs: int, unit: Unit, times: int, **env: str
) -> list[tuple[float, str, list[str]]]:
    """``times`` builds, each after one figure of ``unit``'s form was corrected (or the
    correction undone), as an analyst going through the returned forms.
    """
    return [
        runs[0]
        for runs in side_by_side(data, {"": (reports, build_dir, ROOT)}, jobs, unit, times, **env)
    ]


Builds = dict[str, tuple[Path, Path, Path]]  # name -> (reports, build folder, code)


def side_by_side(
    data: Path, builds: Builds, jobs: int, unit: Unit, times: int, **env: str
) -> list[list[tuple[float, str, list[str]]]]:
    """``corrections`` for each code version in ``builds``, one after the other after
    each correction (both see the same data, under the same load)."""
    cset = load_year(data, YEAR).for_level("commune")
    original = unit_values(cset, unit, int(unit.id[1:]))
    runs = []
    for n in range(times):
        values = corrected(cset, original) if n % 2 == 0 else original
        write_unit_form(data, cset, unit, values)
        runs.append([build(data, r, b, jobs, code, **env) for r, b, code in builds.values()])
    return runs


def _spread(values: list[float]) -> str:
    ordered = sorted(values)
    return f"{ordered[len(ordered) // 2]:.1f} s (từ {ordered[0]:.1f} đến {ordered[-1]:.1f})"


def synthetic_peers(cset: CriteriaSet, count: int) -> dict[str, dict[str, float | bool]]:
    """``count`` communes' values, drawn from 100 distinct natural-looking forms."""
    template = [
        natural_values(cset, Unit(f"T{i}", "t", "commune", 2011, None), 0.3 + i / 150, f"t{i}")
        for i in range(100)
    ]
    return {f"U{i}": template[i % 100] for i in range(count)}


def scoring_only(count: int) -> float:
    cset = load_year(ROOT / "data", YEAR).for_level("commune")
    peers = synthetic_peers(cset, count)
    start = time.perf_counter()
    scores = score_peers(cset, peers)
    from scoring.model.ranking import rank_map

    rank_map({u: s.total for u, s in scores.items()})
    return time.perf_counter() - start


def validate_costs(root: Path, count: int) -> None:
    """(f) and (g): the time and peak memory of ``validate`` on hostile and large inputs."""
    from dev.synthetic import copies_of_form, measure_validate, styled_rows_form

    many = root / "validate-many"
    units = make_province(many, 1)
    ids = [f"X{i:05d}" for i in range(count)]
    lines = ["id,name,level,valid_from,valid_to"]
    lines += [f"{uid},Xã Thử Nghiệm {i},commune,2011," for i, uid in enumerate(ids)]
    (many / "units.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    subs = many / str(YEAR) / "submissions"
    copies_of_form(subs / f"{units[0].id}.xlsx", subs, units[0].id, ids[1:])
    seconds, peak, status, err = measure_validate(many, YEAR)
    summary = [line for line in err.splitlines() if line.startswith(f"Năm {YEAR}:")]
    print(f"(f) validate, {count} phiếu bình thường: {seconds:.1f} s, bộ nhớ tối đa {peak:.0f} MB")
    print(f"    {summary[-1] if summary else err[-500:]} (mã thoát {status})")
    styled = root / "validate-styled"
    make_province(styled, 1)
    form = styled / str(YEAR) / "submissions" / f"{units[0].id}.xlsx"
    styled_rows_form(form, form.with_suffix(".tmp"), rows=500_000)
    form.with_suffix(".tmp").replace(form)
    size = form.stat().st_size / 1e6
    seconds, peak, status, err = measure_validate(styled, YEAR)
    verdict = "đạt" if seconds <= 5 and peak <= 300 else "KHÔNG đạt"
    print(
        f"(g) validate, phiếu {size:.1f} MB có 500.000 dòng định dạng trống: {seconds:.1f} s, "
        f"bộ nhớ tối đa {peak:.0f} MB (mục tiêu ≤ 5 s, ≤ 300 MB: {verdict}; mã thoát {status})"
    )


def robustness_only(count: int) -> float:
    """The Monte Carlo analysis of one level of ``count`` units, 1 000 runs, one core."""
    from scoring.model.criteria import Robustness
    from scoring.model.robustness import analyse

    criteria = load_year(ROOT / "data", YEAR)
    scores = score_peers(
        criteria.for_level("commune"), synthetic_peers(criteria.for_level("commune"), count)
    )
    verified = {f"U{i}" for i in range(0, count, 5)}
    start = time.perf_counter()
    analyse(
        scores,
        verified,
        [-1.2, -1.5, -2.8, 0.4],
        criteria.bands,
        Robustness(),
        "percent",
        (YEAR, "commune"),
    )
    return time.perf_counter() - start


def pdf_seconds(build_dir: Path, names: list[str]) -> float:
    """CPU seconds to typeset a report's PDF from its executed notebook, the mean over
    ``names``, each compiled once in this process after a warm-up on another document
    (Typst memoises: compiling the same document again would cost next to nothing)."""
    import datetime as dt

    import nbformat

    from scoring.views.typeset import document
    from scoring.views.typeset.notebook import printed_body

    document.warm_up()
    times = []
    for name in names:
        path = build_dir / str(YEAR) / "notebooks" / f"{name}.ipynb"
        nb = nbformat.read(path, as_version=4)
        start = time.process_time()
        body = printed_body(nb)
        document.compile_pdf(document.source(body.typst, name), body.images, dt.date(YEAR, 9, 18))
        times.append(time.process_time() - start)
    return sum(times) / len(times)


def _ranking_seconds(timings: list[str]) -> float:
    """The ranking task's seconds in a build's timing lines (0 when it was not built)."""
    for line in timings:
        if line.startswith("  tác vụ ranking:"):
            return float(line.split(":")[1].split("(")[0])
    return 0.0


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def compare(args: argparse.Namespace, root: Path, data: Path, units: list[Unit]) -> None:
    """(b), (c) and (d) for the base commit and this code, side by side in one run
    (same data, same load; the machine's load moves both), with the ratios this/base."""
    base = root / "base-code"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(base), args.base],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    builds: Builds = {
        "base": (root / "base-reports", root / "base-build", base),
        "this": (root / "reports", root / "build", ROOT),
    }
    try:
        _compare(args, data, units, builds)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)


def _compare(args: argparse.Namespace, data: Path, units: list[Unit], builds: Builds) -> None:
    def show(what: str, found: dict[str, float], unit: str = "s") -> None:
        ratio = found["this"] / found["base"] if found["base"] else float("nan")
        print(
            f"{what}: base {found['base']:.2f} {unit}, this {found['this']:.2f} {unit}, "
            f"this/base {ratio:.2f}",
            flush=True,
        )

    per_unit = {}
    for name, (reports, build_dir, code) in builds.items():
        seconds, summary, timings = build(data, reports, build_dir, args.jobs, code)
        per_unit[name] = seconds / (args.units + 1)
        print(f"    {name}: {summary}\n" + "\n".join(f"    {t}" for t in timings), flush=True)
    show("(b) cold, per unit", per_unit)
    if args.plain_seconds:
        for name, seconds in per_unit.items():
            print(
                f"    {name}: plain chain / cold build per unit {args.plain_seconds / seconds:.1f}×"
            )
    this_build = builds["this"][1]
    first = [u.id for u in units[:5]]
    print(
        f"(i) this: a unit report's PDF {pdf_seconds(this_build, first):.3f} s CPU, "
        f"the {args.units}-unit ranking's {pdf_seconds(this_build, ['ranking']):.3f} s CPU",
        flush=True,
    )
    noop = {
        name: min(build(data, r, b, args.jobs, code)[0] for _ in range(3))
        for name, (r, b, code) in builds.items()
    }
    show("(c) nothing changed", noop)
    label = "(d) one corrected figure"
    runs = side_by_side(data, builds, args.jobs, units[0], args.repeat)
    for n, name in enumerate(builds):
        print(f"    {name}: {runs[-1][n][1]}\n" + "\n".join(f"    {t}" for t in runs[-1][n][2]))
    show(label, {name: _median([r[n][0] for r in runs]) for n, name in enumerate(builds)})
    ranking = {
        name: _median([_ranking_seconds(r[n][2]) for r in runs]) for n, name in enumerate(builds)
    }
    show(f"{label}, the ranking task", ranking)


def _builds(
    args: argparse.Namespace,
    data: Path,
    units: list[Unit],
    reports: Path,
    build_dir: Path,
    plain: float,
) -> None:
    """(b), (c) and (d) on one build folder."""
    cold, memory, timings = build(data, reports, build_dir, args.jobs)
    per_unit = cold / (args.units + 1)
    print(f"(b) make reports lần đầu: {cold:.1f} s, {per_unit:.2f} s/đơn vị; {memory}")
    print("\n".join(timings[:1]))
    if plain:
        print(f"    tỉ lệ a/b: {plain / per_unit:.1f}×")
    print(
        f"(i) PDF một báo cáo đơn vị: {pdf_seconds(build_dir, [u.id for u in units[:5]]):.3f} s "
        f"CPU; bảng xếp hạng {args.units} đơn vị: {pdf_seconds(build_dir, ['ranking']):.3f} s CPU"
    )
    noops = [build(data, reports, build_dir, args.jobs)[0] for _ in range(3)]
    print(f"(c) chạy lại khi không có gì đổi: {min(noops):.2f}–{max(noops):.2f} s")
    runs = corrections(data, reports, build_dir, args.jobs, units[0], args.repeat)
    print(f"(d) sau khi sửa một số liệu trong một phiếu: {_spread([r[0] for r in runs])}")
    print(runs[-1][1])
    print("\n".join(runs[-1][2]))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m dev.bench")
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--plain", type=int, default=3, help="units for the plain chain")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3, help="corrections measured in (d)")
    parser.add_argument("--validate-forms", type=int, default=2000, help="forms in (f)")
    parser.add_argument("--validate-only", action="store_true", help="only (f) and (g)")
    parser.add_argument(
        "--base",
        help="a commit to measure side by side with this code: (b), (c), (d) only",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.base:
            data = root / "data"
            units = make_province(data, args.units)
            print(f"Tỉnh thử nghiệm: {args.units} đơn vị, {args.jobs} tiến trình", flush=True)
            args.plain_seconds = plain_chain(data, root / "plain", units[: args.plain])
            print(f"(a) plain chain: {args.plain_seconds:.2f} s/unit", flush=True)
            compare(args, root, data, units)
            return
        validate_costs(root, args.validate_forms)
        if args.validate_only:
            return
        data = root / "data"
        units = make_province(data, args.units)
        print(f"Tỉnh thử nghiệm: {args.units} đơn vị, {args.jobs} tiến trình", flush=True)
        plain = plain_chain(data, root / "plain", units[: args.plain])
        if plain:
            print(f"(a) chuỗi công cụ thông thường: {plain:.2f} s/đơn vị", flush=True)
        else:
            print("(a) bỏ qua: chưa cài WeasyPrint (pip install weasyprint)", flush=True)
        _builds(args, data, units, root / "reports", root / "build", plain)
        print(f"(e) chỉ chấm điểm 10.000 đơn vị: {scoring_only(10_000):.2f} s")
        print(f"(h) độ vững thứ hạng, 1.000 lần chạy × 300 đơn vị: {robustness_only(300):.2f} s")


if __name__ == "__main__":
    main()
