"""The render driver: which reports to run, on which executor, and what they recorded.

A task (a unit's report, or the ranking; ``scoring.build.runner``) is skipped when its key
matches the one the last successful build recorded for its outputs, so a build with nothing
changed rewrites no file. A failing notebook fails only its own task; all are reported at
the end. The executor is a local process pool (workers started before the tasks are known,
so their kernels warm up while the build scores the year) or a Dask cluster's
(``--scheduler`` / ``DASK_SCHEDULER``): the same bytes either way (the same ``run_task``).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from scoring.build.runner import Outcome, Task, ready, run_task, start_worker
from scoring.build.state import load_state, save_state

__all__ = ["Outcome", "Task", "executor", "run_task", "run_tasks", "split_stale"]

OnDone = Callable[[Outcome], None]


@contextlib.contextmanager
def executor(jobs: int, log_path: Path, scheduler: str = "") -> Iterator[Executor]:
    """Where reports run: the Dask cluster at ``scheduler``, else ``jobs`` local workers,
    started now (each spawns, starts its kernel and imports the rendering stack at once).
    No worker outlives the block."""
    if scheduler:
        from dask.distributed import Client

        with Client(scheduler) as client:
            yield client.get_executor(pure=False)
        return
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    pool = ProcessPoolExecutor(
        max_workers=max(1, jobs),
        mp_context=get_context("spawn"),
        initializer=start_worker,
        initargs=(str(log_path),),
    )
    for _ in range(max(1, jobs)):  # a spawning pool starts a process per waiting task
        pool.submit(ready)
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _progress(total: int, lang: str = "vi") -> OnDone:
    from tqdm import tqdm

    from scoring.text import i18n

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
    pool: Executor,
    key_of: Callable[[Task, Outcome], str],
    lang: str = "vi",
) -> tuple[list[Outcome], list[Task]]:
    """Run the tasks whose outputs are stale on ``pool``, in the given order (longest
    first is best); return (outcomes, skipped). ``key_of`` gives a finished task's key,
    from what its notebook read. The progress bar speaks ``lang``.
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
    outcomes: list[Outcome] = []
    futures = [pool.submit(run_task, task) for task in todo]
    for future in as_completed(futures):
        outcome = future.result()
        if outcome.ok:
            task = by_name[outcome.name]
            state[outcome.name] = {"key": key_of(task, outcome), "reads": list(outcome.reads)}
            save_state(state_file, state)
        outcomes.append(outcome)
        progress(outcome)
    return sorted(outcomes, key=lambda o: o.name), skipped


def split_stale(
    tasks: Iterable[Task], state: dict[str, dict[str, Any]]
) -> tuple[list[Task], list[Task]]:
    """(tasks to run, tasks whose outputs match their key in ``state`` and exist)."""
    todo: list[Task] = []
    skipped: list[Task] = []
    for task in tasks:
        fresh = (
            bool(task.key)
            and state.get(task.name, {}).get("key") == task.key
            and Path(task.html).exists()
            and Path(task.pdf).exists()
        )
        (skipped if fresh else todo).append(task)
    return todo, skipped
