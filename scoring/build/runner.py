"""One report in one worker: execute the notebook, export it to HTML, print the PDF.

papermill executes it on a warm kernel (one per worker, reused from report to report),
nbconvert exports it and Typst typesets its outputs, all in the worker: no new Python process
per step or unit. The driver (``scoring.build.driver``) decides which tasks run, and where."""

from __future__ import annotations

import datetime as dt
import functools
import os
import resource
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scoring.build.state import NOTEBOOKS
from scoring.io import write_text


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
    key: str  # the outputs' key if the notebook reads what it read last time
    static: str = ""  # what the key is made of besides the reads (code, notebook, parameters)
    snapshot: str = ""  # the scored snapshot the kernel renders from (scoring.inputs.snapshot)
    date: str = ""  # the reports' date (ISO), the PDF's creation date


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    seconds: float
    peak_rss_mb: float
    error: str = ""
    # seconds per step: "start" (of a kernel), "execute", "html", "pdf"
    steps: tuple[tuple[str, float], ...] = ()
    kernel_peak_mb: float = 0.0  # the worker's kernel, a process of its own
    reads: tuple[str, ...] = ()  # what the notebook read (``snapshot.Read`` names)
    warnings: tuple[str, ...] = ()  # outputs the report could not show
    # When the task failed because its kernel died: the log its traceback went to.
    kernel_log: str = ""


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


def _kernel_manager() -> type:
    """A kernel manager on IPC sockets: over TCP, two workers' kernels started at once can
    pick the same free port and one dies ("Address already in use"). On Linux they are
    abstract sockets ("@..."): no file left by a kill, and no 107-byte path limit (a deep
    TMPDIR kept kernels from starting). The private folder keeps the connection files."""
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
            name = uuid.uuid4().hex
            connection = os.path.join(folder, f"kernel-{name}.json")
            linux = sys.platform.startswith("linux")
            sockets = f"@scoring-kernel-{name}" if linux else os.path.join(folder, "kernel")
            super().__init__(transport="ipc", ip=sockets, connection_file=connection, **kwargs)
            self.handed_out: list[object] = []

        def client(self, **kwargs: Any) -> Any:
            """A client, remembered: nbclient leaves open the clients of a kernel it did not
            start, each then copied every later output (a worker grew 10-30 MB a report)."""
            kc = super().client(**kwargs)
            self.handed_out.append(kc)
            return kc

        def release_clients(self) -> None:
            while self.handed_out:
                self.handed_out.pop().stop_channels()  # type: ignore[attr-defined]

    return IPCKernelManager


# A kernel grows a little with every report (caches that outlive a notebook); replacing
# it after this many bounds its memory, and a new one (2-3 s) is seldom needed. The worker
# process itself lives as long as the build.
KERNEL_REPORTS = 100

# No input history: IPython's is one SQLite file for every kernel of the user, and under
# load its saving thread printed "database is locked" into a report's first cell. No output
# cache (``Out``, ``_1``...): it would hold every report's results, and emptying it costs
# a full garbage collection (see RESET_CELL).
KERNEL_ARGUMENTS = ("--HistoryManager.enabled=False", "--InteractiveShell.cache_size=0")


class _WarmKernel:
    """One kernel per worker, reused from notebook to notebook: starting one and importing
    pandas, matplotlib and this package costs about as much as a report. Each notebook
    starts with an emptied namespace (``RESET_CELL``) so no variable leaks between units;
    the kernel is replaced after ``KERNEL_REPORTS`` notebooks or a failure. A local worker
    starts its kernel as soon as it is spawned (``start_worker``), while the build scores."""

    def __init__(self) -> None:
        self.manager_class = _kernel_manager()
        self.km: object | None = None
        self.runs = 0
        self.unreported = 0.0  # seconds spent starting, not yet in an Outcome
        self.log = ""  # where its stderr goes, its traceback if it dies ("" on Dask)

    def start(
        self, cwd: str, warm_up: str = "", meanwhile: Callable[[], None] | None = None
    ) -> None:
        """Start a kernel, send it ``warm_up``, do ``meanwhile`` here as it runs, then wait."""
        from jupyter_core.utils import run_sync

        began = time.perf_counter()
        self.close()
        km = self.manager_class(kernel_name="python3")
        run_sync(km.start_kernel)(cwd=cwd, extra_arguments=list(KERNEL_ARGUMENTS))
        self.km, self.runs = km, 0
        client = km.client() if warm_up else None
        try:
            if client is not None:
                client.start_channels()  # requests wait in the socket until the kernel is up
                sent = client.execute(warm_up, silent=True, store_history=False)
            if meanwhile is not None:
                meanwhile()
            if client is not None:
                self._wait_reply(client, sent)
        except Exception:  # noqa: BLE001 - a kernel that cannot warm up is replaced
            self.close()
        finally:
            km.release_clients()
        self.unreported += time.perf_counter() - began

    def _wait_reply(self, client: Any, sent: str) -> None:
        """Wait for the reply to ``sent``, checking every second that the kernel lives: one
        that died at start (see kernels.log) fails the task at once, not after minutes."""
        from queue import Empty

        from jupyter_core.utils import run_sync

        deadline = time.monotonic() + 120
        while True:
            try:
                reply = run_sync(client.get_shell_msg)(timeout=1.0)
            except Empty:
                if time.monotonic() > deadline or self.died():
                    raise RuntimeError("kernel did not start") from None
                continue
            if reply["parent_header"].get("msg_id") == sent:
                return

    def died(self) -> bool:
        """Whether the kernel was started and is no longer running."""
        from jupyter_core.utils import run_sync

        try:
            return self.km is not None and not run_sync(self.km.is_alive)()  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - a kernel that cannot even be asked is gone
            return True

    def get(self, cwd: str) -> object:
        if self.km is None or self.runs >= KERNEL_REPORTS:
            self.start(cwd)
        self.runs += 1
        return self.km

    def close(self) -> None:
        from jupyter_core.utils import run_sync

        km, self.km = self.km, None
        if km is None:
            return
        km.release_clients()  # type: ignore[attr-defined]
        if getattr(km, "has_kernel", False):
            try:
                run_sync(km.shutdown_kernel)(now=True)  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - a dead kernel needs no shutdown
                pass


# What ``%reset -f`` does, without the magic's closing ``gc.collect()``: a full collection
# of the kernel's heap (pandas, matplotlib) cost 0,1-0,2 s a report; garbage is collected
# as usual instead.
RESET_CELL = "get_ipython().reset(new_session=False)  # scoring: fresh namespace"
# What every report does first; a new kernel does it while the worker waits for work.
WARM_UP = "import matplotlib.pyplot, scoring.views.report.base; scoring.views.report.base.warm_up()"


@functools.cache  # the worker's one kernel
def _kernel() -> _WarmKernel:
    import atexit

    kernel = _WarmKernel()
    atexit.register(kernel.close)
    return kernel


# What the notebook read of the snapshot, reported back to the build (which keys on it).
LAST_CELL = (
    "from IPython.display import display as _scoring_display\n"
    "_scoring_display({%r: __import__('scoring.inputs.snapshot')"
    ".inputs.snapshot.take_reads(%r)}, raw=True)"
)


def _prepared(task: Task) -> object:
    """The notebook with the driver's first and last cells, each cell of the analyst's
    numbered (for warnings). The first one runs it on a reused kernel as JupyterLab would:
    an empty namespace, the notebook's folder as working folder, figures inline."""
    import nbformat

    from scoring.inputs.snapshot import READS_MIME

    nb = nbformat.read(task.notebook, as_version=4)
    for number, cell in enumerate(nb.cells, start=1):
        cell.metadata["scoring"] = {"cell": number}
    folder = str(Path(task.notebook).parent)
    chdir = f"__import__('os').chdir({folder!r})"
    inline = 'get_ipython().run_line_magic("matplotlib", "inline")'
    first = nbformat.v4.new_code_cell(
        "\n".join([RESET_CELL, chdir, inline]), metadata={"tags": ["scoring-reset"]}
    )
    first.id = "scoring-reset"
    last = nbformat.v4.new_code_cell(
        LAST_CELL % (READS_MIME, task.snapshot), metadata={"tags": ["scoring-reads"]}
    )
    last.id = "scoring-reads"
    nb.cells = [first, *nb.cells, last]
    return nb


def _take_reads(nb: Any) -> list[str]:
    """Remove the driver's last cell and return the reads it reported."""
    from scoring.inputs.snapshot import READS_MIME

    last = nb.cells.pop()
    for output in last.get("outputs", []):
        data = output.get("data", {})
        if READS_MIME in data:
            return [str(name) for name in data[READS_MIME]]
    return []


# The data API's entry points: called without ``snapshot=``, they read the data folder.
API_CALLS = {"load_totals", "load_scores", "assess", "build"}


def unsnapshotted(nb: Any) -> list[tuple[int, str]]:
    """(cell number, function) of each call of the data API without ``snapshot=`` in the
    analyst's code cells (``X.build`` only for a report class)."""
    import ast

    found = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "scoring" not in cell.metadata:
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics: not the API
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            on = ast.unparse(func.value) if isinstance(func, ast.Attribute) else "Report"
            report = on.endswith("Report")
            given = any(k.arg == "snapshot" for k in node.keywords)
            if name in API_CALLS and (name != "build" or report) and not given:
                found.append((int(cell.metadata["scoring"]["cell"]), name))
    return found


def _folder_reads(nb: Any, task: Task, lang: str) -> tuple[list[str], list[str]]:
    """The reads and warnings of the data API's calls that read the data folder itself."""
    from scoring.inputs.snapshot import Read, ReadKind
    from scoring.text.i18n import translator

    calls = unsnapshotted(nb)
    if not calls:
        return [], []
    _ = translator(lang)
    line = _(
        "%(notebook)s, ô số %(cell)s: %(call)s() không có snapshot=snapshot, đọc thẳng thư "
        "mục dữ liệu; báo cáo sẽ được lập lại ở mọi lần lập"
    )
    name = Path(task.notebook).name
    warnings = [line % {"notebook": name, "cell": cell, "call": call} for cell, call in calls]
    return [Read(ReadKind.FOLDER, int(str(task.parameters["year"]))).name()], warnings


def run_task(task: Task) -> Outcome:
    """Execute, export and print one report; never raises (errors come back as text)."""
    import nbformat
    import papermill

    from scoring.views.html import notebook_to_html, presentable
    from scoring.views.typeset import document
    from scoring.views.typeset.notebook import notebook_body

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
        lang = str(task.parameters.get("lang", "vi"))
        folder_reads, warnings = _folder_reads(nb, task, lang)
        reads += folder_reads
        write_text(Path(task.executed), nbformat.writes(nb))
        steps.append(("execute", time.perf_counter() - mark))
        mark = time.perf_counter()
        name = Path(task.notebook).name
        clean, shown = presentable(nb, name, lang)
        warnings += shown
        write_text(Path(task.html), notebook_to_html(clean, task.title, lang))
        steps.append(("html", time.perf_counter() - mark))
        mark = time.perf_counter()
        body = notebook_body(clean)
        warnings += document.lost_warnings(body, name, lang)
        date = dt.date.fromisoformat(task.date) if task.date else dt.date.today()
        images = Path(task.executed).parent.parent / "images"  # BUILD/<year>/images
        document.write_pdf(body, task.title, Path(task.pdf), date, lang, images)
        steps.append(("pdf", time.perf_counter() - mark))
    except Exception as exc:  # noqa: BLE001 - reported per task, the build goes on
        log = kernel.log if kernel.died() else ""
        kernel.close()  # a failed notebook may have left the kernel in any state
        cell = getattr(exc, "exec_count", None)
        ename = getattr(exc, "ename", type(exc).__name__)
        evalue = getattr(exc, "evalue", str(exc))
        detail = f"{ename}: {evalue}{f' (ô lệnh số {cell})' if cell else ''}".strip()
        if not hasattr(exc, "ename"):
            detail += "\n" + "".join(traceback.format_exception_only(exc)).strip()
        seconds, peak = time.perf_counter() - start, _peak_rss_mb()
        return Outcome(task.name, False, seconds, peak, detail, kernel_log=log)
    started, kernel.unreported = kernel.unreported, 0.0
    seconds, peak, timed = time.perf_counter() - start, _peak_rss_mb(), (("start", started), *steps)
    return Outcome(
        task.name, True, seconds, peak, "", timed, kernel_mb, tuple(reads), tuple(warnings)
    )


def start_worker(log_path: str) -> None:
    """A new local worker: start a kernel warming up, and meanwhile import the rendering
    stack here (about 1 s each, in two processes at once). The worker's (and its kernels')
    stderr goes to ``log_path``: kernels log notices there, the analyst sees the progress
    bar and the errors, which come back as Outcome (with this log when a kernel died)."""
    began = time.perf_counter()
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 2)
    os.close(fd)

    def imports() -> None:
        import papermill  # noqa: F401

        import scoring.views.html  # noqa: F401
        from scoring.views.typeset import document

        document.warm_up()

    kernel = _kernel()
    kernel.log = log_path
    try:
        kernel.start(str(NOTEBOOKS), WARM_UP, meanwhile=imports)
    except Exception:  # noqa: BLE001 - the first task starts one again and reports why
        kernel.close()
    kernel.unreported = time.perf_counter() - began


def ready() -> int:
    """A trivial task: a spawning pool starts a process per waiting task."""
    return os.getpid()
