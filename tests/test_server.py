"""Warm workers kept between builds (SCORING_WARM_MINUTES) give the same reports."""

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from helpers import ROOT, files, rewritten, small_data, stamps
from openpyxl import load_workbook

from scoring.pipeline import load
from scoring.render.server import sockets, stop_servers

pytestmark = pytest.mark.e2e

# A commune and its peer (whose report shows the commune's figures): two unit reports
# and the ranking.
KEEP = ("06808", "06826")
DATE = {"SOURCE_DATE_EPOCH": "1546300800"}  # saving a form would change the date
WARM = {"SCORING_WARM_MINUTES": "3", **DATE}


def build(data: Path, folder: Path, env: dict[str, str]) -> tuple[int, str, set[str]]:
    """``make reports`` into ``folder``; returns its exit status, its error output and the
    command lines of every process it started (its descendants, watched while it runs)."""
    command = [sys.executable, "-m", "scoring", "build", "--year", "2018", "--data", str(data)]
    command += ["--reports", str(folder / "reports"), "--build", str(folder / "build")]
    log = folder.parent / f"{folder.name}.log"
    seen: set[str] = set()
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [*command, "--jobs", "2"], cwd=ROOT, stdout=out, stderr=out, env={**os.environ, **env}
        )
        parent = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                for child in parent.children(recursive=True):
                    seen.add(" ".join(child.cmdline()))
            except psutil.Error:
                pass
            time.sleep(0.05)
    return proc.returncode, log.read_text(encoding="utf-8"), seen


def kernels(commands: set[str]) -> list[str]:
    return [c for c in commands if "ipykernel" in c]


def test_warm_workers_rebuild_a_correction_like_a_cold_build(tmp_path):
    data = small_data(tmp_path, keep=KEEP, years=("2018",))
    warm = tmp_path / "warm"
    try:
        status, log, _ = build(data, warm, WARM)
        assert status == 0, log[-3000:]
        assert sockets(warm / "build")
        submission = load(data, 2018).collection.submissions["06808"]
        code, address = next(
            (c, a) for c, a in submission.cells.items() if isinstance(submission.values[c], float)
        )
        wb = load_workbook(submission.path)
        wb["Phiếu khảo sát"][address] = submission.values[code] + 1  # a corrected figure
        wb.save(submission.path)
        before = stamps(warm / "reports")
        status, log, started = build(data, warm, WARM)
        assert status == 0, log[-3000:]
        assert {"2018/units/06808.html", "2018/units/06808.pdf"} <= rewritten(
            before, warm / "reports"
        )
        assert kernels(started) == [], started  # rendered by the warm workers: none started
    finally:
        stop_servers(warm / "build")
    cold = tmp_path / "cold"
    status, log, started = build(data, cold, DATE)
    assert status == 0, log[-3000:]
    assert kernels(started)  # a build without warm workers starts its own (the control)
    assert files(warm / "reports") == files(cold / "reports")
    deadline = time.monotonic() + 60
    while sockets(warm / "build") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not sockets(warm / "build"), "the server did not stop"
