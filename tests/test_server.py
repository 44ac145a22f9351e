"""Warm workers kept between builds (SCORING_WARM_MINUTES) give the same reports."""

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from helpers import build as build_into
from openpyxl import load_workbook

from scoring.pipeline import load
from scoring.render.server import sockets, stop_servers

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
pytestmark = pytest.mark.e2e


def build(data: Path, folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return build_into(data, folder, "--jobs", "2", env=env)


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_warm_workers_rebuild_a_correction_like_a_cold_build(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(
        DATA, data, ignore=shutil.ignore_patterns("2017", "2019", "2020", "unit_changes.csv")
    )
    warm = tmp_path / "warm"
    date = {"SOURCE_DATE_EPOCH": "1546300800"}  # saving a form would change the date
    env = {"SCORING_WARM_MINUTES": "3", "SCORING_TIMINGS": "1", **date}
    try:
        first = build(data, warm, **env)
        assert first.returncode == 0, first.stderr[-3000:]
        assert sockets(warm / "build")
        submission = load(data, 2018).collection.submissions["06808"]
        code, address = next(
            (c, a) for c, a in submission.cells.items() if isinstance(submission.values[c], float)
        )
        wb = load_workbook(submission.path)
        wb["Phiếu khảo sát"][address] = submission.values[code] + 1  # a corrected figure
        wb.save(submission.path)
        second = build(data, warm, **env)
        assert second.returncode == 0, second.stderr[-3000:]
        assert "lập 0 báo cáo" not in second.stderr
        tasks = [line for line in second.stderr.splitlines() if line.startswith("  tác vụ")]
        assert tasks and all("start 0.00" in line for line in tasks)  # no worker started
    finally:
        stop_servers(warm / "build")
    cold = build(data, tmp_path / "cold", **date)
    assert cold.returncode == 0, cold.stderr[-3000:]
    assert files(warm / "reports") == files(tmp_path / "cold" / "reports")
    deadline = time.monotonic() + 60
    while sockets(warm / "build") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not sockets(warm / "build"), "the server did not stop"
