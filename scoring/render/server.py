"""Warm workers kept between builds, for an analyst correcting forms one after another.

Run at a terminal, ``make reports`` by default leaves a small server in the background
after the build (``SCORING_WARM_MINUTES``, default ``DEFAULT_MINUTES``; 0 for none): it
holds the local workers, each with its kernel started and the package imported, and
renders the next build's reports at once instead of starting new workers (about 7
CPU-seconds on a 2-core machine, more than the reports a one-figure correction
rebuilds). It stops after that many minutes without a build, when a build with another
code version or environment starts one of its own, or on ``stop_servers`` (``make
stop-workers``).

Why by default, and why only at a terminal: an analyst checks forms and types verified
figures one unit after another, rebuilding after each, and waits for every build;
holding about 0,7 GB for some minutes after a build costs that analyst nothing they would
notice. A build whose messages go to a file or a pipe is a script's (CI, a scheduled
job, a check in a throw-away root): it must leave no process behind (one would keep
files open, e.g. in a chroot's ``/dev``, and stop it from being unmounted), so it keeps
none unless SCORING_WARM_MINUTES asks.

One server per build folder, code version, installed libraries and environment (its log in
``BUILD/workers/<identity>/``), listening on a Unix socket in a folder of the temporary
directory that only its user can open. It serves one build at a time; a build that
cannot reach it renders with its own workers, as without it. Outputs are the same bytes
either way: each task is the same ``driver.run_task``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from multiprocessing.connection import Connection
from pathlib import Path

from scoring.render.driver import Workers
from scoring.render.runner import TASKS_PER_WORKER, Outcome, Task, run_task
from scoring.state import server_identity

# Minutes a server waits for the next build when SCORING_WARM_MINUTES is not set and the
# build runs at a terminal.
DEFAULT_MINUTES = 10.0


def warm_minutes(at_terminal: bool | None = None) -> float:
    """SCORING_WARM_MINUTES as a number of minutes, at most a day (0: no server); unset or
    unreadable, ``DEFAULT_MINUTES`` when the build's messages go to a terminal (by default
    this process's stderr), else 0.
    """
    try:
        minutes = float(os.environ.get("SCORING_WARM_MINUTES", "").strip())
    except ValueError:
        minutes = float("nan")
    if not minutes >= 0:  # unset, unreadable, negative or NaN: the default
        terminal = _at_terminal() if at_terminal is None else at_terminal
        return DEFAULT_MINUTES if terminal else 0.0
    return min(minutes, 24 * 60.0)


def _at_terminal() -> bool:
    """Whether the build's messages go to a terminal (a person waits for them)."""
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


def socket_path(folder: Path) -> Path | None:
    """Where the server of ``folder`` listens: a short path (Unix sockets allow about 100
    characters) in a folder of the temporary directory that only this user can open, named
    for the folder's full path, however the caller spelled it (``make`` passes ``build``).
    """
    import tempfile

    private = Path(tempfile.gettempdir()) / f"scoring-{os.getuid()}"
    private.mkdir(mode=0o700, exist_ok=True)
    st = private.lstat()
    if st.st_uid != os.getuid() or st.st_mode & 0o077 or not private.is_dir():
        return None  # someone else's folder: no server
    named = hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:20]
    path = private / f"{named}.sock"
    return path if len(str(path)) < 100 else None


def _server_folders(build: Path) -> list[Path]:
    """The folder of each server this build folder has had (``BUILD/workers/<identity>``)."""
    return sorted((Path(build) / "workers").glob("*"))


def sockets(build: Path) -> list[Path]:
    """The sockets of the servers of this build folder that are listening (or left)."""
    found = (socket_path(f) for f in _server_folders(build))
    return [p for p in found if p is not None and p.exists()]


def _connect(folder: Path, timeout: float = 2.0) -> Connection | None:
    path = socket_path(folder)
    if path is None or not path.exists():
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(str(path))
    except OSError:
        sock.close()
        return None
    sock.settimeout(None)
    return Connection(sock.detach())


def stop_servers(build: Path, keep: str = "") -> int:
    """Ask every server of this build folder but ``keep`` to stop; return how many were
    asked."""
    asked = 0
    for folder in _server_folders(build):
        if folder.name == keep:
            continue
        conn = _connect(folder, timeout=0.5)
        if conn is not None:
            with contextlib.suppress(OSError, EOFError), conn:
                conn.send(("stop",))
                asked += 1
    return asked


def connect_or_start(build: Path, code: str, jobs: int, minutes: float) -> Connection | None:
    """A connection to this build folder's server for this code, started if need be;
    None when none can be had (the build then starts its own workers).
    """
    import fcntl

    name = server_identity(code, jobs)
    folder = Path(build).resolve() / "workers" / name
    path = socket_path(folder)
    if path is None:
        return None
    conn = _connect(folder)
    if conn is not None:
        return conn
    stop_servers(build, keep=name)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build starts the server, the other waits
        conn = _connect(folder)
        if conn is not None:
            return conn
        path.unlink(missing_ok=True)  # left by a server that was killed
        with open(folder / "server.log", "ab") as log:
            process = subprocess.Popen(  # noqa: S603 - this interpreter, this package
                [
                    sys.executable,
                    "-m",
                    "scoring.render.server",
                    str(folder),
                    str(jobs),
                    str(minutes),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,  # not stopped by a Ctrl-C meant for the build
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and process.poll() is None:
            conn = _connect(folder)
            if conn is not None:
                return conn
            time.sleep(0.02)
    return None


def run_remote(
    conn: Connection, tasks: list[Task], on_done: Callable[[Outcome], None], minutes: float
) -> list[Outcome]:
    """Send the tasks to the server, which then waits ``minutes`` for the next build (this
    build's setting, whatever the build that started it asked); return the outcomes it
    sent back (all of them, or those it sent before it went away: the caller renders the
    others itself).
    """
    outcomes: list[Outcome] = []
    with contextlib.suppress(OSError, EOFError), conn:
        conn.send(("run", tasks, minutes))
        while len(outcomes) < len(tasks):
            message = conn.recv()
            if message[0] != "outcome":
                break
            outcomes.append(message[1])
            on_done(outcomes[-1])
    return outcomes


# A worker or kernel whose peak memory passed this many MB is replaced once the build is
# served. Kept warm from build to build, the worker that prints a 300-unit ranking grew
# from 221 to 270 MB in four corrections (a fresh one peaks at about 200 MB); the bound
# asked of a worker is 300 MB.
RECYCLE_MB = 250.0


def outgrown(outcome: Outcome) -> bool:
    """Whether the worker (or its kernel) that ran ``outcome`` should be replaced."""
    return max(outcome.peak_rss_mb, outcome.kernel_peak_mb) > RECYCLE_MB


class _Server:
    def __init__(self, folder: Path, jobs: int, minutes: float) -> None:
        self.folder = folder
        self.jobs = jobs
        self.idle = max(1.0, minutes * 60)
        self.log = folder / "kernels.log"
        self.workers = Workers(jobs, self.log)  # warm from now on
        self.pool: ProcessPoolExecutor | None = self.workers.take()
        self.used = 0  # tasks run on self.pool

    def _fresh_pool(self) -> ProcessPoolExecutor:
        """The current pool, replaced once its workers have run their share of tasks
        (a worker grows with every report; see ``driver.TASKS_PER_WORKER``).
        """
        if self.pool is None or self.used >= self.jobs * TASKS_PER_WORKER:
            if self.pool is not None:
                self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = Workers(self.jobs, self.log).take()
            self.used = 0
        assert self.pool is not None
        return self.pool

    def run(self, conn: Connection, tasks: list[Task]) -> None:
        pending = list(tasks)
        while pending:
            pool = self._fresh_pool()
            room = self.jobs * TASKS_PER_WORKER - self.used
            batch, pending = pending[:room], pending[room:]
            self.used += len(batch)
            futures: list[Future[Outcome]] = [pool.submit(run_task, t) for t in batch]
            try:
                for future in as_completed(futures):
                    outcome = future.result()
                    conn.send(("outcome", outcome))
                    if outgrown(outcome):
                        self.used = self.jobs * TASKS_PER_WORKER  # replaced after the build
            except (OSError, EOFError):  # the build went away: finish nothing more
                for future in futures:
                    future.cancel()
                return
        if self.used >= self.jobs * TASKS_PER_WORKER:
            self._fresh_pool()  # warm up the next workers now, not in the next build

    def serve(self) -> None:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        path = socket_path(self.folder)
        if path is None:
            return
        listener.bind(str(path))
        listener.listen(4)
        try:
            while True:
                listener.settimeout(self.idle)
                try:
                    sock, _ = listener.accept()
                except TimeoutError:
                    return
                sock.settimeout(None)
                with Connection(sock.detach()) as conn:
                    try:
                        message = conn.recv()
                    except (OSError, EOFError):
                        continue
                    if message[0] == "stop":
                        return
                    if message[0] == "run":
                        self.idle = max(1.0, float(message[2]) * 60)
                        self.run(conn, message[1])
        finally:
            listener.close()
            path.unlink(missing_ok=True)
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)


def main(argv: list[str]) -> None:
    folder, jobs, minutes = Path(argv[0]), int(argv[1]), float(argv[2])
    _Server(folder, jobs, minutes).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
