"""The garbage collector in a build's long-lived processes (render workers, report kernels).

A render worker or a report kernel imports a large stack once (pandas, matplotlib,
Typst, nbconvert, the scored snapshot: about 170 000 objects in a kernel) and then
renders report after report. CPython's collector scans every tracked object at each full
collection: in a worker that was 0,2-0,4 s of each unit's 2 s of PDF, and in a kernel the
first cell's ``%reset -f`` (two full collections) took 0,3 s. What is alive once the stack
is imported lives on, so it is frozen out of the collector's reach (``gc.freeze``).
Measured on the sample (26 reports, 2 workers): task time 98-103 s -> 86-91 s, peak
memory unchanged. Raising the collection thresholds as well saved no more time and cost
30-55 MB per worker, so they stay at Python's defaults. Nothing here changes what a
report shows.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect, then freeze what survives.

    Called once a process holds what it keeps: by a worker after its imports, by a kernel
    at the end of its warm-up (``scoring.report.base.warm_up``), and in every report's
    first cell once the build's snapshot is in place (the collection then scans only what
    the previous report left, since the rest is frozen)."""
    gc.collect()
    gc.freeze()


def thaw() -> None:
    """Let the collector reach frozen objects again (a snapshot is being replaced)."""
    gc.unfreeze()
