"""The render driver: run every report notebook and turn it into HTML and PDF.

Each task (one unit's report, or the ranking) runs in a worker of a process pool:
papermill executes the notebook through its Python API, nbconvert exports it and
WeasyPrint prints it, all in that worker, so no new Python process is started per step
or per unit. With ``DASK_SCHEDULER`` set, the same tasks go to a Dask cluster instead.

A task is skipped when its key matches the key recorded for its outputs by the last
successful build, so a second build with nothing changed rewrites no file. The key is
made of the code, the notebook, its parameters and what the notebook read through the
data API in its last run, each read with a digest of the data it was handed
(``scoring.snapshot``): the build recomputes those digests on its own snapshot, so a
report is rebuilt exactly when data it read changed. Kernels render from the snapshot
file the task names, handed to them in the notebook's first cell. A failing notebook
fails only its own task; the build goes on and reports every failure at the end.
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
from typing import Any

from scoring.io import write_text

# jsonschema, which nbformat imports, imports the optional rfc3987_syntax when it is
# installed (JupyterLab's dependencies bring it), and that compiles a grammar at import:
# about 1 s in every worker, for IRI format checks that notebook validation never makes.
# Made unimportable here, jsonschema simply goes without them.
if "rfc3987_syntax" not in sys.modules:
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]

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
    key: str  # what the outputs' key is when the notebook reads what it read last time
    # What the key is made of besides the reads (code, notebook, parameters); "" when
    # ``key`` is complete by itself (a notebook whose inputs the caller knows).
    static: str = ""
    snapshot: str = ""  # the scored snapshot the kernel renders from (scoring.snapshot)


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    seconds: float
    peak_rss_mb: float
    error: str = ""
    # seconds per step: "kernel" (starting one, when this task had to), "execute"
    # (papermill), "html" (nbconvert and the page), "pdf" (WeasyPrint)
    steps: tuple[tuple[str, float], ...] = ()
    kernel_peak_mb: float = 0.0  # the worker's kernel, a process of its own
    reads: tuple[tuple[str, str], ...] = ()  # what the notebook read: (read, digest)
    warnings: tuple[str, ...] = ()  # outputs the report could not show


def reads_key(static: str, reads: dict[str, str]) -> str:
    """The key of a report whose notebook read ``reads`` (read -> digest of the data)."""
    import hashlib

    text = json.dumps([static, sorted(reads.items())], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def outcome_key(task: Task, outcome: Outcome) -> str:
    """The key to record for a task's outputs once written."""
    return reads_key(task.static, dict(outcome.reads)) if task.static else task.key


def _kernel_peak_mb(km: object) -> float:
    """The peak resident memory of the kernel process (Linux; 0 where unknown)."""
    pid = getattr(getattr(km, "provisioner", None), "pid", None)
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


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
            self.handed_out: list[object] = []

        def client(self, **kwargs: Any) -> Any:
            """A client, remembered: nbclient leaves open the clients of a kernel it
            did not start, and each one's socket then gets a copy of every later
            notebook's outputs (a worker grew by 10 to 30 MB more with every report).
            """
            kc = super().client(**kwargs)
            self.handed_out.append(kc)
            return kc

        def release_clients(self) -> None:
            while self.handed_out:
                self.handed_out.pop().stop_channels()  # type: ignore[attr-defined]

    return IPCKernelManager


# A worker grows by about 0,6 MB per report and its kernel by about 0,4 MB (caches that
# outlive a task; it was 9 MB and more while nbclient's kernel clients stayed open, see
# ``release_clients``). Replacing both after this many reports bounds them (about 190
# and 160 MB) while a new worker and kernel, 2-3 s of start-up, are seldom needed.
TASKS_PER_WORKER = 100


class _WarmKernel:
    """One kernel per worker, reused from notebook to notebook.

    Starting a kernel and importing pandas, matplotlib and this package costs about as
    much as the report itself; a warm kernel pays it once per worker. Each notebook
    starts with ``%reset -f`` so no variable leaks from one unit to the next, and the
    kernel is replaced after ``RECYCLE_AFTER`` notebooks (on Dask, where workers live on)
    or after a failure. A local worker starts its kernel, and imports the package in
    it, as soon as it is spawned (``_start_worker``), while the build is still scoring.
    """

    RECYCLE_AFTER = TASKS_PER_WORKER

    def __init__(self) -> None:
        self.manager_class = _kernel_manager()
        self.km: object | None = None
        self.runs = 0
        self.unreported = 0.0  # seconds spent starting, not yet in an Outcome

    def start(
        self, cwd: str, warm_up: str = "", meanwhile: Callable[[], None] | None = None
    ) -> None:
        """Start a kernel; send it ``warm_up`` to run, do ``meanwhile`` here while it
        starts and runs it (two processes at work), then wait until it has finished.
        """
        from jupyter_core.utils import run_sync

        began = time.perf_counter()
        self.close()
        km = self.manager_class(kernel_name="python3")
        run_sync(km.start_kernel)(cwd=cwd)
        self.km, self.runs = km, 0
        client = km.client() if warm_up else None
        try:
            if client is not None:
                client.start_channels()  # requests wait in the socket until the kernel is up
                sent = client.execute(warm_up, silent=True, store_history=False)
            if meanwhile is not None:
                meanwhile()
            if client is not None:
                deadline = time.monotonic() + 120
                while True:
                    reply = run_sync(client.get_shell_msg)(timeout=deadline - time.monotonic())
                    if reply["parent_header"].get("msg_id") == sent:
                        break
        except Exception:  # noqa: BLE001 - a kernel that cannot warm up is replaced
            self.close()
        finally:
            km.release_clients()
        self.unreported += time.perf_counter() - began

    def get(self, cwd: str) -> object:
        if self.km is None or self.runs >= self.RECYCLE_AFTER:
            self.start(cwd)
        self.runs += 1
        return self.km

    def close(self) -> None:
        from jupyter_core.utils import run_sync

        km, self.km = self.km, None
        if km is not None:
            km.release_clients()  # type: ignore[attr-defined]
        if km is not None and getattr(km, "has_kernel", False):
            try:
                run_sync(km.shutdown_kernel)(now=True)  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - a dead kernel needs no shutdown
                pass


_KERNEL: _WarmKernel | None = None
RESET_CELL = 'get_ipython().run_line_magic("reset", "-f")  # scoring: fresh namespace'
# What every report imports first; a new kernel imports it while the worker waits for work.
WARM_UP = "import scoring.report, scoring.charts, matplotlib.pyplot"


def _kernel() -> _WarmKernel:
    import atexit

    global _KERNEL
    if _KERNEL is None:
        _KERNEL = _WarmKernel()
        atexit.register(_KERNEL.close)
    return _KERNEL


def first_cell(snapshot: str) -> str:
    """The code the driver runs before a notebook: an empty namespace, figures shown the
    way JupyterLab shows them, and the build's scored snapshot handed to the data API.
    """
    return "\n".join(
        [
            RESET_CELL,
            'get_ipython().run_line_magic("matplotlib", "inline")',
            f"__import__('scoring.snapshot').snapshot.use({snapshot!r})",
        ]
    )


LAST_CELL = (
    "from IPython.display import display as _scoring_display\n"
    "_scoring_display({%r: __import__('scoring.snapshot').snapshot.reads_for_key()}, raw=True)"
)


def _prepared(task: Task) -> object:
    """The notebook with the driver's first and last cells, each cell of the analyst's
    numbered (for warnings), the first emptying the (reused) kernel's namespace.
    """
    import nbformat

    from scoring.snapshot import READS_MIME

    nb = nbformat.read(task.notebook, as_version=4)
    for number, cell in enumerate(nb.cells, start=1):
        cell.metadata["scoring"] = {"cell": number}
    first = nbformat.v4.new_code_cell(
        first_cell(task.snapshot), metadata={"tags": ["scoring-reset"]}
    )
    first.id = "scoring-reset"
    last = nbformat.v4.new_code_cell(LAST_CELL % READS_MIME, metadata={"tags": ["scoring-reads"]})
    last.id = "scoring-reads"
    nb.cells = [first, *nb.cells, last]
    return nb


def _take_reads(nb: Any) -> dict[str, str]:
    """Remove the driver's last cell and return the reads it reported."""
    from scoring.snapshot import READS_MIME

    last = nb.cells.pop()
    for output in last.get("outputs", []):
        data = output.get("data", {})
        if READS_MIME in data:
            return {str(k): str(v) for k, v in dict(data[READS_MIME]).items()}
    return {}


def run_task(task: Task) -> Outcome:
    """Execute, export and print one report; never raises (errors come back as text)."""
    import nbformat
    import papermill

    from scoring.render.html import notebook_to_html
    from scoring.render.pdf import write_pdf

    kernel = _kernel()
    start = time.perf_counter()
    steps: list[tuple[str, float]] = []
    try:
        Path(task.executed).parent.mkdir(parents=True, exist_ok=True)
        cwd = str(Path(task.notebook).parent)
        km = kernel.get(cwd)
        mark = time.perf_counter()
        # papermill rewrites its output file in place: a kill would leave a half-executed
        # notebook. It writes none here; the complete one is written below, atomically.
        nb = papermill.execute_notebook(
            _prepared(task),
            None,
            parameters=task.parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            cwd=cwd,
            km=km,
            request_save_on_cell_execute=False,  # saved once, at the end
        )
        km.release_clients()  # type: ignore[attr-defined]
        kernel_mb = _kernel_peak_mb(km)
        reads = _take_reads(nb)
        write_text(Path(task.executed), nbformat.writes(nb))
        steps.append(("execute", time.perf_counter() - mark))
        mark = time.perf_counter()
        lang = str(task.parameters.get("lang", "vi"))
        page, warnings = notebook_to_html(nb, task.title, lang, Path(task.notebook).name)
        write_text(Path(task.html), page)
        steps.append(("html", time.perf_counter() - mark))
        mark = time.perf_counter()
        write_pdf(page, Path(task.pdf))
        steps.append(("pdf", time.perf_counter() - mark))
    except Exception as exc:  # noqa: BLE001 - reported per task, the build goes on
        kernel.close()  # a failed notebook may have left the kernel in any state
        detail = _error_text(exc)
        if not hasattr(exc, "ename"):
            detail += "\n" + "".join(traceback.format_exception_only(exc)).strip()
        return Outcome(task.name, False, time.perf_counter() - start, _peak_rss_mb(), detail)
    started, kernel.unreported = kernel.unreported, 0.0
    return Outcome(
        task.name,
        True,
        time.perf_counter() - start,
        _peak_rss_mb(),
        steps=(("start", started), *steps),
        kernel_peak_mb=kernel_mb,
        reads=tuple(sorted(reads.items())),
        warnings=tuple(warnings),
    )


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


def _start_worker(log_path: str) -> None:
    """A new local worker: quiet stderr, start a kernel warming up, and meanwhile import
    the rendering stack here (about 1 s each, in two processes at once).
    """
    import atexit

    began = time.perf_counter()
    _quiet_worker(log_path)
    # Run last at exit, after the kernel is stopped: skip tearing down the interpreter
    # (a few tenths of a second the build would wait for; outputs are written by then).
    atexit.register(os._exit, 0)

    def imports() -> None:
        import papermill  # noqa: F401

        import scoring.render.html
        import scoring.render.pdf  # noqa: F401

    kernel = _kernel()
    try:
        kernel.start(str(NOTEBOOKS), WARM_UP, meanwhile=imports)
    except Exception:  # noqa: BLE001 - the first task starts one again and reports why
        kernel.close()
    kernel.unreported = time.perf_counter() - began


def _ready() -> int:
    return os.getpid()


class Workers:
    """Local workers, started before their tasks are known.

    Spawning a worker and starting its kernel takes seconds; ``Workers(jobs, log)``
    starts them at once, so they warm up while the build reads and scores the year,
    and ``run_tasks(..., workers=...)`` uses them for the first batch. Close it (or use
    it as a context manager) when done.
    """

    def __init__(self, jobs: int, log_path: Path) -> None:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        self.jobs = max(1, jobs)
        self.log_path = Path(log_path)
        self.pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=get_context("spawn"),
            initializer=_start_worker,
            initargs=(str(log_path),),
        )
        for _ in range(self.jobs):  # a spawning pool starts a process per waiting task
            self.pool.submit(_ready)

    def take(self) -> ProcessPoolExecutor | None:
        pool, self.pool = self.pool, None
        return pool

    def close(self) -> None:
        """Stop workers left unused; they exit once started (the interpreter waits)."""
        pool = self.take()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _run_local(
    tasks: list[Task],
    jobs: int,
    on_done: Callable[[Outcome], None],
    log_path: Path,
    workers: Workers | None = None,
) -> list[Outcome]:
    """Run the tasks on ``jobs`` workers, in batches of TASKS_PER_WORKER tasks per worker.

    Each batch gets a fresh pool, which bounds a worker's memory. (The pool's own
    ``max_tasks_per_child`` can hang on Python 3.11, so we do not use it.) The first
    batch runs on ``workers`` when given (already started, kernels warm).
    """
    count = max(1, min(jobs, len(tasks)))
    log_path.parent.mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    first_pool = workers.take() if workers is not None else None
    if first_pool is not None:
        count = workers.jobs  # type: ignore[union-attr]
    batch = count * TASKS_PER_WORKER
    for first in range(0, len(tasks), batch):
        pool = first_pool or ProcessPoolExecutor(
            max_workers=count,
            mp_context=get_context("spawn"),
            initializer=_start_worker,
            initargs=(str(log_path),),
        )
        first_pool = None
        try:
            futures = [pool.submit(run_task, t) for t in tasks[first : first + batch]]
            for future in as_completed(futures):
                outcomes.append(future.result())
                on_done(outcomes[-1])
        finally:
            # Workers stop their kernels and exit while the build goes on (the interpreter
            # waits for them at exit); a new batch gets new workers meanwhile.
            pool.shutdown(wait=False, cancel_futures=True)
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
    tasks: Iterable[Task],
    state_file: Path,
    jobs: int | None = None,
    scheduler: str | None = None,
    workers: Workers | None = None,
    remote: Callable[[list[Task], Callable[[Outcome], None]], list[Outcome]] | None = None,
) -> tuple[list[Outcome], list[Task]]:
    """Run the tasks whose outputs are stale, in the given order (longest first is best);
    return (outcomes, skipped tasks). ``workers``: local workers already started;
    ``remote``: sends tasks to warm workers (``server.run_remote``) and returns the
    outcomes it got; tasks it did not return run here.
    """
    state = load_state(state_file)
    todo, skipped = split_stale(tasks, state)
    jobs = jobs or os.cpu_count() or 1
    progress = _progress(len(todo))
    # The state records only outputs that are on disk: a task's entry goes before any of
    # its files can be rewritten, and comes back, with the new key, once all are written.
    # A build killed at any moment thus leaves no entry that would skip a stale report.
    by_name = {t.name: t for t in todo}
    dropped = [state.pop(name) for name in by_name if name in state]
    if dropped:
        save_state(state_file, state)

    def step(outcome: Outcome) -> None:
        if outcome.ok:
            task = by_name[outcome.name]
            state[outcome.name] = {
                "key": outcome_key(task, outcome),
                "reads": dict(outcome.reads),
            }
            save_state(state_file, state)
        progress(outcome)

    address = scheduler if scheduler is not None else os.environ.get("DASK_SCHEDULER")
    if address:
        outcomes = _run_dask(todo, address, step)
    else:
        outcomes = remote(todo, step) if remote is not None else []
        done = {o.name for o in outcomes}
        left = [t for t in todo if t.name not in done]
        log = Path(state_file).parent / "kernels.log"
        outcomes += _run_local(left, jobs, step, log, workers if left else None)
    return sorted(outcomes, key=lambda o: o.name), skipped


def split_stale(
    tasks: Iterable[Task], state: dict[str, dict[str, Any]]
) -> tuple[list[Task], list[Task]]:
    """(tasks to run, tasks whose outputs match their key in ``state`` and exist)."""
    todo: list[Task] = []
    skipped: list[Task] = []
    for task in tasks:
        fresh = (
            state.get(task.name, {}).get("key") == task.key
            and Path(task.html).exists()
            and Path(task.pdf).exists()
        )
        (skipped if fresh else todo).append(task)
    return todo, skipped


def load_state(path: Path) -> dict[str, dict[str, Any]]:
    """Report name -> {"key": its outputs' key, "reads": what its notebook read}."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    state = {}
    for name, entry in data.items():
        if isinstance(entry, str):  # a build before reads were recorded
            entry = {"key": entry, "reads": {}}
        if isinstance(entry, dict) and isinstance(entry.get("reads", {}), dict):
            state[str(name)] = {"key": str(entry.get("key")), "reads": entry.get("reads", {})}
    return state


def save_state(path: Path, state: dict[str, dict[str, Any]]) -> None:
    write_text(path, json.dumps(dict(sorted(state.items())), indent=1, ensure_ascii=False) + "\n")
