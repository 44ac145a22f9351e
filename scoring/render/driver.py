"""The render driver: which reports to run, on which executor, and what they recorded.

A task (one unit's report, or the ranking; ``scoring.render.runner``) is skipped when its
key matches the key recorded for its outputs by the last successful build, so a second
build with nothing changed rewrites no file. The key is made of the code, the notebook,
its parameters and what the notebook read through the data API in its last run, each
read with a digest of the data it was handed (``scoring.snapshot``): the build recomputes
those digests on its own snapshot, so a report is rebuilt exactly when data it read
changed. A failing notebook fails only its own task; the build goes on and reports every
failure at the end.

The executor is chosen once (``executor``): the warm server of the build folder (by
default at a terminal; ``SCORING_WARM_MINUTES``, ``scoring.render.server``), a local
process pool (its workers started before the tasks are known, so their kernels warm up
while the build scores the year) or a Dask cluster (``--scheduler`` /
``DASK_SCHEDULER``). Outputs are the same bytes on each: every task is the same
``runner.run_task``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Protocol

from scoring.render.runner import (
    TASKS_PER_WORKER,
    Outcome,
    Task,
    outcome_key,
    ready,
    run_task,
    start_worker,
)
from scoring.state import load_state, save_state

__all__ = ["Outcome", "Task", "executor", "load_state", "run_task", "run_tasks", "split_stale"]

OnDone = Callable[[Outcome], None]


class Executor(Protocol):
    # Minutes its workers stay ready after the build (a warm server), else 0.
    kept_minutes: float

    def run(self, tasks: list[Task], on_done: OnDone) -> list[Outcome]: ...

    def close(self) -> None: ...


class Workers:
    """Local workers, started before their tasks are known.

    Spawning a worker and starting its kernel takes seconds; ``Workers(jobs, log)``
    starts them at once, so they warm up while the build reads and scores the year.
    """

    def __init__(self, jobs: int, log_path: Path) -> None:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        self.jobs = max(1, jobs)
        self.log_path = Path(log_path)
        self.pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=get_context("spawn"),
            initializer=start_worker,
            initargs=(str(log_path),),
        )
        for _ in range(self.jobs):  # a spawning pool starts a process per waiting task
            self.pool.submit(ready)

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


class LocalPool:
    """``jobs`` local workers, in batches of TASKS_PER_WORKER tasks per worker.

    Each batch gets a fresh pool, which bounds a worker's memory. (The pool's own
    ``max_tasks_per_child`` can hang on Python 3.11, so we do not use it.) The first
    batch runs on workers started when this executor was made (``early``).
    """

    kept_minutes = 0.0

    def __init__(self, jobs: int, log_path: Path, early: bool = True) -> None:
        self.jobs = max(1, jobs)
        self.log_path = Path(log_path)
        self.workers = Workers(self.jobs, self.log_path) if early else None

    def run(self, tasks: list[Task], on_done: OnDone) -> list[Outcome]:
        outcomes: list[Outcome] = []
        if not tasks:
            return outcomes
        first = self.workers.take() if self.workers is not None else None
        count = self.jobs if first is not None else max(1, min(self.jobs, len(tasks)))
        batch = count * TASKS_PER_WORKER
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        for start in range(0, len(tasks), batch):
            pool = first or ProcessPoolExecutor(
                max_workers=count,
                mp_context=get_context("spawn"),
                initializer=start_worker,
                initargs=(str(self.log_path),),
            )
            first = None
            try:
                futures = [pool.submit(run_task, t) for t in tasks[start : start + batch]]
                for future in as_completed(futures):
                    outcomes.append(future.result())
                    on_done(outcomes[-1])
            finally:
                # Workers stop their kernels and exit while the build goes on (the
                # interpreter waits for them at exit); a new batch gets new workers.
                pool.shutdown(wait=False, cancel_futures=True)
        return outcomes

    def close(self) -> None:
        if self.workers is not None:
            self.workers.close()


class WarmServer:
    """The build folder's warm server, kept ``minutes`` after this build; the tasks it
    did not return run on a local pool."""

    def __init__(self, conn: Any, jobs: int, log_path: Path, minutes: float) -> None:
        self.conn, self.jobs, self.log_path = conn, jobs, log_path
        self.kept_minutes = minutes

    def run(self, tasks: list[Task], on_done: OnDone) -> list[Outcome]:
        from scoring.render import server

        outcomes = server.run_remote(self.conn, tasks, on_done, self.kept_minutes)
        done = {o.name for o in outcomes}
        left = [t for t in tasks if t.name not in done]
        return outcomes + LocalPool(self.jobs, self.log_path, early=bool(left)).run(left, on_done)

    def close(self) -> None:
        pass


class Dask:
    """A Dask cluster: one task per report, each worker with its warm kernel."""

    kept_minutes = 0.0

    def __init__(self, address: str) -> None:
        self.address = address

    def run(self, tasks: list[Task], on_done: OnDone) -> list[Outcome]:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed

        outcomes: list[Outcome] = []
        if not tasks:
            return outcomes
        with Client(self.address) as client:
            for future in dask_completed(client.map(run_task, tasks, pure=False)):
                outcomes.append(future.result())
                on_done(outcomes[-1])
        return outcomes

    def close(self) -> None:
        pass


def executor(
    jobs: int | None,
    log_path: Path,
    scheduler: str | None = None,
    warm: Callable[[int], Any] | None = None,
    early: bool = True,
    minutes: float = 0.0,
) -> Executor:
    """The one place that chooses where reports run: Dask when ``scheduler`` (else
    ``DASK_SCHEDULER``) names a cluster; else the warm server ``warm(jobs)`` connects to,
    when ``minutes`` > 0 and it gives a connection (the server then waits ``minutes`` for
    the next build); else a local pool whose workers start now (``early``).
    """
    jobs = jobs or os.cpu_count() or 1
    address = scheduler if scheduler is not None else os.environ.get("DASK_SCHEDULER")
    if address:
        return Dask(address)
    conn = warm(jobs) if warm is not None and minutes > 0 else None
    if conn is not None:
        return WarmServer(conn, jobs, log_path, minutes)
    return LocalPool(jobs, log_path, early)


def _progress(total: int, lang: str = "vi") -> OnDone:
    from tqdm import tqdm

    from scoring import i18n

    _ = i18n.translator(lang)
    bar = tqdm(
        total=total,
        unit=_("báo cáo"),
        desc=_("Lập báo cáo"),
        file=sys.stderr,
        disable=total == 0,
        dynamic_ncols=True,
    )
    failed = _("  Lỗi %(name)s: %(error)s")

    def step(outcome: Outcome) -> None:
        bar.update(1)
        if not outcome.ok:
            line = failed % {"name": outcome.name, "error": outcome.error.splitlines()[0]}
            bar.write(line, file=sys.stderr)  # with the bar (tqdm writes to stdout by default)
        if bar.n == bar.total:
            bar.close()

    return step


def run_tasks(
    tasks: Iterable[Task],
    state_file: Path,
    jobs: int | None = None,
    scheduler: str | None = None,
    on: Executor | None = None,
    lang: str = "vi",
) -> tuple[list[Outcome], list[Task]]:
    """Run the tasks whose outputs are stale, in the given order (longest first is best),
    on ``on`` (default: ``executor(jobs, ..., scheduler)``); return (outcomes, skipped).
    The progress bar speaks ``lang``.
    """
    state = load_state(state_file)
    todo, skipped = split_stale(tasks, state)
    progress = _progress(len(todo), lang)
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

    own = on is None
    chosen = on or executor(jobs, Path(state_file).parent / "kernels.log", scheduler, early=False)
    try:
        outcomes = chosen.run(todo, step)
    finally:
        if own:
            chosen.close()
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
