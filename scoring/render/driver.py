"""The render driver: run every report notebook and turn it into HTML and PDF.

Each task (one unit's report, or the ranking) runs in a worker of a process pool:
papermill executes the notebook through its Python API, nbconvert exports it and
WeasyPrint prints it, all in that worker, so no new Python process is started per step
or per unit. With ``DASK_SCHEDULER`` set, the same tasks go to a Dask cluster instead.

A task is skipped when its key (a hash of everything its report shows) matches the key
recorded for its outputs by the last successful build, so a second build with nothing
changed rewrites no file. A failing notebook fails only its own task; the build goes on
and reports every failure at the end.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from scoring.io import write_text

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


@dataclass(frozen=True)
class Task:
    """One notebook run: its parameters and where its outputs go."""

    name: str  # unit id, or "ranking"
    notebook: str
    parameters: dict[str, object]
    executed: str  # the executed notebook, kept for audit
    html: str
    pdf: str
    title: str
    key: str


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    seconds: float
    peak_rss_mb: float
    error: str = ""


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _error_text(exc: BaseException) -> str:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    cell = getattr(exc, "exec_count", None)
    where = f" (ô lệnh số {cell})" if cell else ""
    return f"{ename}: {evalue}{where}".strip()


def _kernel_manager() -> type:
    """A kernel manager on IPC sockets in a private folder of this worker process.

    With the default TCP transport, kernels started at the same moment by two workers can
    pick the same free port and one dies ("Address already in use"); IPC sockets under a
    per-process folder cannot collide, and need no network at all.
    """
    import atexit
    import shutil
    import tempfile
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    folder = tempfile.mkdtemp(prefix="scoring-kernels-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: object) -> None:
            # The connection file too (else a temporary file in TMPDIR, left by a kill).
            connection = os.path.join(folder, f"kernel-{uuid.uuid4().hex}.json")
            super().__init__(
                transport="ipc",
                ip=os.path.join(folder, "kernel"),
                connection_file=connection,
                **kwargs,
            )

    return IPCKernelManager


# A worker grows by about 9 MB per report (kernel clients, PDF and notebook caches that
# outlive a task); replacing it, and its kernel, after this many reports keeps a worker
# under 400 MB while the warm start still pays for itself.
TASKS_PER_WORKER = 20


class _WarmKernel:
    """One kernel per worker, reused from notebook to notebook.

    Starting a kernel and importing pandas, matplotlib and this package costs about as
    much as the report itself; a warm kernel pays it once per worker. Each notebook
    starts with ``%reset -f`` so no variable leaks from one unit to the next, and the
    kernel is replaced after ``RECYCLE_AFTER`` notebooks (on Dask, where workers live on)
    or after a failure.
    """

    RECYCLE_AFTER = TASKS_PER_WORKER

    def __init__(self) -> None:
        self.manager_class = _kernel_manager()
        self.km: object | None = None
        self.runs = 0

    def get(self) -> object:
        if self.km is None or self.runs >= self.RECYCLE_AFTER:
            self.close()
            self.km = self.manager_class(kernel_name="python3")
            self.runs = 0
        self.runs += 1
        return self.km

    def close(self) -> None:
        from jupyter_core.utils import run_sync

        km, self.km = self.km, None
        if km is not None and getattr(km, "has_kernel", False):
            try:
                run_sync(km.shutdown_kernel)(now=True)  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - a dead kernel needs no shutdown
                pass


_KERNEL: _WarmKernel | None = None
RESET_CELL = 'get_ipython().run_line_magic("reset", "-f")  # scoring: fresh namespace'


def _with_reset(notebook: str) -> object:
    """The notebook with a first cell that empties the (reused) kernel's namespace."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    cell = nbformat.v4.new_code_cell(RESET_CELL, metadata={"tags": ["scoring-reset"]})
    cell.id = "scoring-reset"
    nb.cells.insert(0, cell)
    return nb


def run_task(task: Task) -> Outcome:
    """Execute, export and print one report; never raises (errors come back as text)."""
    import atexit

    import nbformat
    import papermill

    from scoring.render.html import notebook_to_html
    from scoring.render.pdf import write_pdf

    global _KERNEL
    if _KERNEL is None:
        _KERNEL = _WarmKernel()
        atexit.register(_KERNEL.close)
    start = time.perf_counter()
    try:
        # papermill rewrites its output file in place cell after cell: a kill would leave a
        # half-executed notebook. It writes none here; the complete one is written below.
        nb = papermill.execute_notebook(
            _with_reset(task.notebook),
            None,
            parameters=task.parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            cwd=str(Path(task.notebook).parent),
            km=_KERNEL.get(),
        )
        write_text(Path(task.executed), nbformat.writes(nb))
        page = notebook_to_html(nb, task.title, str(task.parameters.get("lang", "vi")))
        write_text(Path(task.html), page)
        write_pdf(page, Path(task.pdf))
    except Exception as exc:  # noqa: BLE001 - reported per task, the build goes on
        _KERNEL.close()  # a failed notebook may have left the kernel in any state
        detail = _error_text(exc)
        if not hasattr(exc, "ename"):
            detail += "\n" + "".join(traceback.format_exception_only(exc)).strip()
        return Outcome(task.name, False, time.perf_counter() - start, _peak_rss_mb(), detail)
    return Outcome(task.name, True, time.perf_counter() - start, _peak_rss_mb())


def _progress(total: int) -> Callable[[Outcome], None]:
    from tqdm import tqdm

    bar = tqdm(
        total=total,
        unit="báo cáo",
        desc="Lập báo cáo",
        file=sys.stderr,
        disable=total == 0,
        dynamic_ncols=True,
    )

    def step(outcome: Outcome) -> None:
        bar.update(1)
        if not outcome.ok:
            bar.write(f"  Lỗi {outcome.name}: {outcome.error.splitlines()[0]}")
        if bar.n == bar.total:
            bar.close()

    return step


def _quiet_worker(log_path: str) -> None:
    """Send the worker's (and its kernels') stderr to a log file, away from the terminal.

    Jupyter kernels log start-up notices and shutdown messages on stderr; the analyst
    should see the progress bar and the errors that matter, which come back as Outcome.
    """
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 2)
    os.close(fd)


def _run_local(
    tasks: list[Task], jobs: int, on_done: Callable[[Outcome], None], log_path: Path
) -> list[Outcome]:
    """Run the tasks on ``jobs`` workers, in batches of TASKS_PER_WORKER tasks per worker.

    Each batch gets a fresh pool, which bounds a worker's memory. (The pool's own
    ``max_tasks_per_child`` can hang on Python 3.11, so we do not use it.)
    """
    workers = max(1, min(jobs, len(tasks)))
    log_path.parent.mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    batch = workers * TASKS_PER_WORKER
    for first in range(0, len(tasks), batch):
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=get_context("spawn"),
            initializer=_quiet_worker,
            initargs=(str(log_path),),
        ) as pool:
            futures = [pool.submit(run_task, t) for t in tasks[first : first + batch]]
            for future in as_completed(futures):
                outcomes.append(future.result())
                on_done(outcomes[-1])
    return outcomes


def _run_dask(tasks: list[Task], address: str, on_done: Callable[[Outcome], None]) -> list[Outcome]:
    from dask.distributed import Client
    from dask.distributed import as_completed as dask_completed

    with Client(address) as client:
        futures = client.map(run_task, tasks, pure=False)
        outcomes = []
        for future in dask_completed(futures):
            outcomes.append(future.result())
            on_done(outcomes[-1])
    return outcomes


def run_tasks(
    tasks: Iterable[Task], state_file: Path, jobs: int | None = None, scheduler: str | None = None
) -> tuple[list[Outcome], list[Task]]:
    """Run the tasks whose outputs are stale; return (outcomes, skipped tasks)."""
    state = load_state(state_file)
    todo: list[Task] = []
    skipped: list[Task] = []
    for task in tasks:
        fresh = (
            state.get(task.name) == task.key
            and Path(task.html).exists()
            and Path(task.pdf).exists()
        )
        (skipped if fresh else todo).append(task)
    jobs = jobs or os.cpu_count() or 1
    progress = _progress(len(todo))
    # The state records only outputs that are on disk: a task's entry goes before any of
    # its files can be rewritten, and comes back, with the new key, once all are written.
    # A build killed at any moment thus leaves no entry that would skip a stale report.
    keys = {t.name: t.key for t in todo}
    dropped = [state.pop(name) for name in keys if name in state]
    if dropped:
        save_state(state_file, state)

    def step(outcome: Outcome) -> None:
        if outcome.ok:
            state[outcome.name] = keys[outcome.name]
            save_state(state_file, state)
        progress(outcome)

    address = scheduler if scheduler is not None else os.environ.get("DASK_SCHEDULER")
    if address:
        outcomes = _run_dask(todo, address, step)
    else:
        outcomes = _run_local(todo, jobs, step, Path(state_file).parent / "kernels.log")
    return sorted(outcomes, key=lambda o: o.name), skipped


def load_state(path: Path) -> dict[str, str]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_state(path: Path, state: dict[str, str]) -> None:
    write_text(path, json.dumps(dict(sorted(state.items())), indent=1) + "\n")
