"""What one corrected figure cannot go below: the kernel a build starts, and the reports on it.

A build keeps no process once it ends (issue 28), so a correction starts its kernels
again. This runs the build's own task runner (``scoring.build.runner``) alone in one quiet
process, on the snapshot of a finished build (``make reports`` first): a kernel started and
warmed as a build's worker does it, then the corrected unit's report, a peer's report and
the ranking, each executed, exported to HTML and printed to PDF as in a build. It prints
the seconds of each step; their sum is a floor, since a real build also scores the year and
computes its keys meanwhile, on the same cores (``docs/performance.md``).

    .venv/bin/python -m dev.floor [--build build] [--year 2018] [--units 06811 06820]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from scoring.build import runner

ROOT = Path(__file__).resolve().parents[1]


def _task(name: str, notebook: str, params: dict[str, object], out: Path, snap: str) -> runner.Task:
    stem = out / "notebooks" / name
    return runner.Task(
        name=name,
        notebook=str(ROOT / "notebooks" / notebook),
        parameters={**params, "snapshot": snap},
        executed=f"{stem}.ipynb",
        html=str(out / f"{name}.html"),
        pdf=str(out / f"{name}.pdf"),
        title=name,
        key="",
        snapshot=snap,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--year", type=int, default=2018)
    parser.add_argument("--units", nargs="+", default=["06811", "06820"])
    args = parser.parse_args()
    snaps = sorted((args.build / "cache" / "snapshots").glob(f"{args.year}-*.pickle"))
    if not snaps:
        raise SystemExit(f"no snapshot of {args.year} in {args.build}: run make reports first")
    snap = str(max(snaps, key=lambda p: p.stat().st_mtime))
    base = {"year": args.year, "data_dir": str(ROOT / "data"), "lang": "vi"}
    with tempfile.TemporaryDirectory(prefix="scoring-floor-") as folder:
        out = Path(folder) / str(args.year)
        began = time.perf_counter()
        runner._kernel().start(str(ROOT / "notebooks"), runner.WARM_UP)
        print(f"kernel started and warmed: {time.perf_counter() - began:.2f} s")
        tasks = [
            _task(u, "unit_report.ipynb", {**base, "unit_id": u}, out, snap) for u in args.units
        ]
        tasks.append(_task("ranking", "ranking.ipynb", base, out, snap))
        total = time.perf_counter() - began
        for task in tasks:
            outcome = runner.run_task(task)
            if not outcome.ok:
                raise SystemExit(f"{task.name}: {outcome.error}")
            steps = ", ".join(f"{s} {t:.2f}" for s, t in outcome.steps if s != "start")
            print(f"{task.name}: {outcome.seconds:.2f} s ({steps})")
            total += outcome.seconds
            if task is tasks[0]:
                print(f"  kernel and the corrected unit's report: {total:.2f} s")
        print(f"all on one kernel: {total:.2f} s")
        runner._kernel().close()


if __name__ == "__main__":
    main()
