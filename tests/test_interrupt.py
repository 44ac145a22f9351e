"""Builds killed with SIGKILL at any moment: every report is its old or its new complete
version, nothing else is written, no process survives, and rerunning finishes the job.

On the small kit (the city, a department, two communes; helpers.KIT): its session build
copied (the previous version), a clean build of changed inputs into another folder (the
new version), then builds of the changed inputs over the previous version killed early,
midway and at the end. After each kill every file under REPORTS is byte-identical to its
previous or its new version, the executed notebooks under BUILD are complete, the inputs
are unchanged and no build process or Jupyter kernel is left. Then a small correction is
killed after its report was rewritten, and withdrawn: the rerun must rebuild that report
although its inputs are back to what the state file recorded, and give the new version
byte for byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest
from helpers import KIT, small_data, unverify

from dev.sample.fill import fill_form

ROOT = Path(__file__).resolve().parents[1]
YEAR = "2018"
pytestmark = pytest.mark.e2e

# Temporary files (scoring.io.atomic_path's are ".<name>.<8 random characters>.tmp").
TEMP = re.compile(r"\..*\.tmp")
MARK = "SCORING_INTERRUPT_TEST"  # set in every process of our builds, kernels included

# The best commune falls behind and a department climbs: ranks, gaps and peers' means
# move, so every unit report but the city's, and the ranking, change.
CHANGE = {
    "06808": {"A1.1.a": 0, "B2.1.a": 0, "B1.3.a": 0, "C1.a": 0},
    "196-NV": {"A1.1.a": 22, "B2.1.a": 30, "B1.2.a": 29},  # every figure full
}
# After CHANGE, a correction that changes the department's report and the ranking.
SMALL = ("196-NV", {"C1.a": 1})


@dataclass
class Sandbox:
    root: Path
    marker: str

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            MARK: self.marker,
            "TMPDIR": str(self.root / "tmp"),
            "JUPYTER_RUNTIME_DIR": str(self.root / "runtime"),
            "PYTHONPATH": str(ROOT),
        }

    def form(self, unit_id: str) -> Path:
        return self.data / YEAR / "submissions" / f"{unit_id}.xlsx"

    def start(self, folder: Path) -> subprocess.Popen[bytes]:
        """The build as ``make reports`` runs it, in its own session (process group)."""
        log = open(self.root / "build.log", "ab")  # noqa: SIM115 - closed by the caller
        command = [sys.executable, "-m", "scoring", "build", "--year", YEAR]
        command += ["--data", str(self.data), "--reports", str(folder / "reports")]
        command += ["--build", str(folder / "build"), "--jobs", "2"]
        proc = subprocess.Popen(
            command,
            cwd=self.root / "cwd",
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        return proc

    def ours(self) -> list[psutil.Process]:
        """Every live process of our builds, found by the marker in its environment
        (Jupyter kernels start their own session, so the process group misses them)."""
        found = []
        for proc in psutil.process_iter():
            with contextlib.suppress(psutil.Error):
                if proc.environ().get(MARK) == self.marker:
                    found.append(proc)
        return found

    def kill_everything(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.returncode is None:  # not reaped yet, so its group's id is still ours
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for _ in range(20):
            left = self.ours()
            if not left:
                return
            for p in left:
                with contextlib.suppress(psutil.Error):
                    p.kill()
            psutil.wait_procs(left, timeout=5)
        raise AssertionError(f"processes survive the kill: {self.ours()}")

    def run(self, folder: Path, until: Callable[[], bool] | None = None) -> bool:
        """Build into ``folder``; with ``until``, SIGKILL everything as soon as it is true.

        Returns whether the build was killed before it finished by itself. Checks that
        the inputs are unchanged and that no process of the build is left.
        """
        inputs = inputs_digest(self.data)
        began = time.monotonic()
        proc = self.start(folder)
        killed = False
        try:
            deadline = time.monotonic() + 600  # a safety net against a hung build only
            while proc.poll() is None:
                assert time.monotonic() < deadline, "the build hangs"
                if until is not None and until():
                    killed = proc.poll() is None
                    break
                time.sleep(0.01)
            if not killed:
                assert proc.wait() == 0, self.log()
                # a finished build leaves nothing running: its kernels shut down with it
                _, alive = psutil.wait_procs(self.ours(), timeout=15)
                assert alive == [], f"left running after the build: {alive}"
        finally:
            self.kill_everything(proc)
        assert self.ours() == []
        assert inputs_digest(self.data) == inputs, "a build changed an input file"
        print(f"build into {folder.name}: {time.monotonic() - began:.1f} s, killed: {killed}")
        return killed

    def log(self) -> str:
        return (self.root / "build.log").read_text(encoding="utf-8", errors="replace")[-3000:]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """What tells a rewritten file: a new inode and modification time."""
    out = {}
    for p in folder.rglob("*"):
        with contextlib.suppress(OSError):
            if p.is_file() and not TEMP.fullmatch(p.name):
                st = p.stat()
                out[p.relative_to(folder).as_posix()] = (st.st_ino, st.st_mtime_ns)
    return out


def inputs_digest(data: Path) -> str:
    digest = hashlib.sha256()
    for p in sorted(data.rglob("*")):
        digest.update(p.relative_to(data).as_posix().encode())
        if p.is_file():
            digest.update(str(p.stat().st_mtime_ns).encode())
            digest.update(p.read_bytes())
    return digest.hexdigest()


def check_complete(
    folder: Path, old: dict[str, bytes], new: dict[str, bytes]
) -> tuple[int, int, list[str]]:
    """Every file under REPORTS is its old or its new complete version; every executed
    notebook is complete. Returns (files already new, files still old, temporary files).
    """
    now = snapshot(folder / "reports")
    temps = sorted(name for name in now if TEMP.fullmatch(Path(name).name))
    assert set(old) - set(now) == set(), "a report disappeared"
    updated = pending = 0
    for name, data in now.items():
        if name in temps:
            continue
        assert name in old or name in new, f"unexpected file {name}"
        assert data in (old.get(name), new.get(name)), f"{name} is partial or foreign"
        updated += data == new.get(name) != old.get(name)
        pending += data == old.get(name) != new.get(name)
    index = now["index.html"].decode("utf-8")
    assert ".tmp" not in index
    json.loads((folder / "build" / YEAR / "state.json").read_text(encoding="utf-8"))
    for nb in (folder / "build" / YEAR / "notebooks").glob("*"):
        if TEMP.fullmatch(nb.name):
            temps.append(nb.name)
            continue
        executed = json.loads(nb.read_text(encoding="utf-8"))
        assert executed["metadata"]["papermill"]["end_time"], f"{nb.name} is half-executed"
    return updated, pending, temps


def test_killed_builds_leave_complete_reports_and_a_rerun_finishes(kit_build, tmp_path):
    box = Sandbox(tmp_path, uuid.uuid4().hex)
    for sub in ("tmp", "runtime", "cwd"):
        (tmp_path / sub).mkdir()
    unverify(small_data(tmp_path), *CHANGE)  # the kit's data, as kit_build was built from;
    # the forms corrected below lose their verification (it would be an error)
    work, reference = tmp_path / "work", tmp_path / "reference"
    shared = stamps(kit_build)

    # The previous version: the session's complete build of the kit.
    for part in ("reports", "build"):
        shutil.copytree(kit_build / part, work / part, symlinks=True)
    old = snapshot(work / "reports")

    # The new version: the changed inputs built cleanly into another folder.
    for uid, values in CHANGE.items():
        fill_form(box.form(uid), box.form(uid), values)
    assert box.run(reference) is False
    new = snapshot(reference / "reports")
    changing = sorted(n for n in new if new[n] != old.get(n))
    unit_files = [n for n in changing if n.startswith(f"{YEAR}/units/")]
    assert sorted(unit_files) == sorted(
        # every report: the city's too, since 06808 is no longer among the verified units
        # whose differences the robustness analysis draws on
        f"{YEAR}/units/{uid}.{ext}"
        for uid in KIT
        for ext in ("html", "pdf")
    )

    reports, units = work / "reports", work / "reports" / YEAR / "units"
    state = work / "build" / YEAR / "state.json"
    done_state = (reference / "build" / YEAR / "state.json").read_bytes()

    def anything_written(start: dict[str, tuple[int, int]]) -> Callable[[], bool]:
        return lambda: (
            stamps(reports) != start or any(TEMP.fullmatch(p.name) for p in reports.rglob(".*"))
        )

    def rewritten(start: dict[str, tuple[int, int]], count: int) -> Callable[[], bool]:
        return lambda: sum(s != start.get(n) for n, s in stamps(units).items()) >= count

    def every_report_recorded() -> bool:
        with contextlib.suppress(OSError):
            return state.read_bytes() == done_state
        return False

    # Kill at the first write, when half the reports still to do are rewritten, and when
    # the state records every report; after each kill check every file.
    moments = {}
    for moment in ("early", "mid", "end"):
        still_old = [n for n in unit_files if (reports / n).read_bytes() == old[n]]
        until = {
            "early": anything_written(stamps(reports)),
            "mid": rewritten(stamps(units), max(2, len(still_old) // 2)),
            "end": every_report_recorded,
        }[moment]
        killed = box.run(work, until)
        updated, pending, temps = check_complete(work, old, new)
        moments[moment] = (killed, updated, pending, len(temps))
        if moment == "mid":  # the kill must fall in the middle, or this proves nothing
            assert killed and updated > 0 and pending > 0, moments
    print("kills (killed, files new, files old, temporary files):", moments)

    # A correction killed after its report was rewritten, then withdrawn: the inputs are
    # again those the state file had recorded for that report, yet it must be rebuilt.
    uid, values = SMALL
    kept = box.form(uid).read_bytes()
    fill_form(box.form(uid), box.form(uid), values)
    report = units / f"{uid}.html"
    was_report = report.stat().st_ino, report.stat().st_mtime_ns
    assert box.run(work, lambda: stamps(units).get(f"{uid}.html") != was_report)
    assert report.read_bytes() != new[f"{YEAR}/units/{uid}.html"]
    box.form(uid).write_bytes(kept)

    # Rerunning finishes the job (the end kill's and the withdrawn correction's): the new
    # version, byte for byte, and no temporary file.
    assert box.run(work) is False
    assert snapshot(work / "reports") == new
    leftovers = [p for p in work.rglob("*") if TEMP.fullmatch(p.name)]
    assert leftovers == []
    for nb in (work / "build" / YEAR / "notebooks").glob("*.ipynb"):
        assert json.loads(nb.read_text(encoding="utf-8"))["metadata"]["papermill"]["end_time"]

    # Nothing written outside REPORTS and BUILD (each run checked the inputs): the working
    # folder and Jupyter's runtime folder are empty; in TMPDIR, killed workers leave only
    # their private kernel folder (its sockets and connection file).
    assert list((tmp_path / "cwd").iterdir()) == []
    assert list((tmp_path / "runtime").iterdir()) == []
    strays = [p.name for p in (tmp_path / "tmp").iterdir()]
    assert [name for name in strays if not name.startswith("scoring-kernels-")] == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["build.log", "cwd", "data", "reference", "runtime", "tmp", "work"]
    )
    assert box.ours() == []
    assert stamps(kit_build) == shared  # the shared build was only read
