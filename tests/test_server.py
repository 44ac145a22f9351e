"""Warm workers kept between builds (by default; SCORING_WARM_MINUTES) give the same
reports, and stop when asked."""

import os
import pty
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import BinaryIO

import psutil
import pytest
from helpers import ROOT, files, rewritten, small_data, stamps, unverify
from openpyxl import load_workbook

from scoring.pipeline import load
from scoring.render import server
from scoring.render.server import connect_or_start, run_remote, sockets, stop_servers

pytestmark = pytest.mark.e2e

# A commune and its peer (whose report shows the commune's figures): two unit reports
# and the ranking.
KEEP = ("06808", "06826")
DATE = {"SOURCE_DATE_EPOCH": "1546300800"}  # saving a form would change the date
# The default, which the suite turns off (conftest.py): SCORING_WARM_MINUTES not set.
DEFAULT = {**DATE, "SCORING_WARM_MINUTES": None}


def build(
    data: Path, folder: Path, env: dict[str, str | None], terminal: bool = False
) -> tuple[int, str, set[str]]:
    """``make reports`` into ``folder`` with ``env``'s changes to the environment (None:
    unset), its messages written to a terminal (a pseudo-terminal, as when an analyst
    types the command) or to a file; returns its exit status, its messages and the
    command lines of every process it started (its descendants, watched while it runs)."""
    command = [sys.executable, "-m", "scoring", "build", "--year", "2018", "--data", str(data)]
    command += ["--reports", str(folder / "reports"), "--build", str(folder / "build")]
    log = folder.parent / f"{folder.name}.log"
    seen: set[str] = set()
    changed = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    with open(log, "wb") as out:
        ours, theirs = pty.openpty() if terminal else (-1, -1)
        proc = subprocess.Popen(
            [*command, "--jobs", "2"],
            cwd=ROOT,
            stdout=theirs if terminal else out,
            stderr=theirs if terminal else out,
            env=changed,
        )
        copier = None
        if terminal:
            os.close(theirs)
            copier = threading.Thread(target=_copy, args=(ours, out), daemon=True)
            copier.start()
        parent = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                for child in parent.children(recursive=True):
                    seen.add(" ".join(child.cmdline()))
            except psutil.Error:
                pass
            time.sleep(0.05)
        if copier is not None:
            copier.join(timeout=10)
    return proc.returncode, log.read_text(encoding="utf-8", errors="replace"), seen


def _copy(terminal: int, out: BinaryIO) -> None:
    """What the build writes to the terminal, into ``out``, until the build closes it."""
    try:
        while chunk := os.read(terminal, 65536):
            out.write(chunk)
    except OSError:  # EIO: every writer closed the terminal
        pass
    finally:
        os.close(terminal)


def kernels(commands: set[str]) -> list[str]:
    return [c for c in commands if "ipykernel" in c]


def test_by_default_warm_workers_rebuild_a_correction_like_a_cold_build(tmp_path):
    data = small_data(tmp_path, keep=KEEP, years=("2018",))
    unverify(data, *KEEP)  # the forms corrected below
    warm = tmp_path / "warm"
    try:
        status, log, _ = build(data, warm, DEFAULT, terminal=True)
        assert status == 0, log[-3000:]
        assert sockets(warm / "build")
        assert "make stop-workers" in log  # the analyst is told they wait, and how to stop
        submission = load(data, 2018).collection.submissions["06808"]
        code, address = next(
            (c, a) for c, a in submission.cells.items() if isinstance(submission.values[c], float)
        )
        wb = load_workbook(submission.path)
        wb["Phiếu khảo sát"][address] = submission.values[code] + 1  # a corrected figure
        wb.save(submission.path)
        before = stamps(warm / "reports")
        status, log, started = build(data, warm, DEFAULT, terminal=True)
        assert status == 0, log[-3000:]
        assert {"2018/units/06808.html", "2018/units/06808.pdf"} <= rewritten(
            before, warm / "reports"
        )
        assert kernels(started) == [], started  # rendered by the warm workers: none started
        stop = subprocess.run(  # as `make stop-workers` runs it: BUILD relative to the cwd
            [sys.executable, "-m", "scoring", "stop-workers", "--build", "build"],
            cwd=warm,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert stop.returncode == 0, stop.stderr
        deadline = time.monotonic() + 60
        while sockets(warm / "build") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not sockets(warm / "build"), "stop-workers did not stop the server"
    finally:
        stop_servers(warm / "build")
    # The control: the same default, messages to a file (a script's build): it starts
    # its own workers and leaves none.
    cold = tmp_path / "cold"
    status, log, started = build(data, cold, DEFAULT)
    assert status == 0, log[-3000:]
    assert kernels(started)
    assert not sockets(cold / "build")
    assert "make stop-workers" not in log
    assert files(warm / "reports") == files(cold / "reports")


def servers_of(build_dir: Path) -> list[psutil.Process]:
    """The server processes of ``build_dir`` (``python -m scoring.render.server FOLDER``)."""
    found = []
    for proc in psutil.process_iter():
        try:
            command = proc.cmdline()
        except psutil.Error:
            continue
        if "scoring.render.server" in command and any(str(build_dir) in a for a in command):
            found.append(proc)
    return found


def test_the_server_stops_after_the_minutes_the_last_build_asked(tmp_path):
    """A server waits as long as the last build that used it asked (SCORING_WARM_MINUTES
    at that build), then stops with its workers: it is what releases the memory."""
    build_dir = tmp_path / "build"
    conn = connect_or_start(build_dir, "code", 1, minutes=60)
    try:
        assert conn is not None and sockets(build_dir)
        [server] = servers_of(build_dir)
        family = [server, *server.children(recursive=True)]
        run_remote(conn, [], lambda _outcome: None, minutes=0.02)  # a build asking ~1 s
        gone, alive = psutil.wait_procs(family, timeout=60)
        assert not alive, [p.cmdline() for p in alive]
        assert not sockets(build_dir)
    finally:
        stop_servers(build_dir)


@pytest.mark.parametrize(
    ("setting", "terminal", "minutes"),
    [
        (None, True, server.DEFAULT_MINUTES),  # an analyst at a terminal
        (None, False, 0.0),  # a script's build leaves nothing behind
        ("0", True, 0.0),
        ("2.5", False, 2.5),  # asked for, even by a script
        ("ten", True, server.DEFAULT_MINUTES),  # unreadable: the default
        ("ten", False, 0.0),
        ("-3", True, server.DEFAULT_MINUTES),
        ("nan", False, 0.0),
        ("1e9", False, 24 * 60.0),  # at most a day
    ],
)
def test_warm_minutes_follow_the_setting_and_where_messages_go(
    monkeypatch, setting, terminal, minutes
):
    if setting is None:
        monkeypatch.delenv("SCORING_WARM_MINUTES", raising=False)
    else:
        monkeypatch.setenv("SCORING_WARM_MINUTES", setting)
    assert server.warm_minutes(at_terminal=terminal) == minutes


def test_a_worker_that_grew_past_the_bound_is_replaced():
    """Warm workers live from build to build: one whose memory (or its kernel's) passed
    RECYCLE_MB is replaced once the build is served, so no worker nears 300 MB."""
    from scoring.render.runner import Outcome

    fresh = Outcome("X00001", True, 2.0, peak_rss_mb=200.0, kernel_peak_mb=207.0)
    assert not server.outgrown(fresh)
    assert server.outgrown(Outcome("ranking", True, 13.0, peak_rss_mb=270.0))
    assert server.outgrown(Outcome("X00002", True, 2.0, peak_rss_mb=150.0, kernel_peak_mb=260.0))
