"""Seconds per phase of a build, kept out of its flow and printed only when
``SCORING_TIMINGS`` is set (``make bench`` reads them)."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.render.runner import Outcome


class Phases:
    """``with phases("name"):`` around each step; ``report`` prints them all."""

    def __init__(self) -> None:
        self.seconds: list[tuple[str, float]] = []

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.seconds.append((name, time.perf_counter() - began))

    def report(self, outcomes: list[Outcome]) -> None:
        """The phases, then the three longest tasks step by step (the ranking first)."""
        if not os.environ.get("SCORING_TIMINGS"):
            return
        fmt = ", ".join(f"{name} {seconds:.2f}" for name, seconds in self.seconds)
        print(f"Thời gian (s): {fmt}", file=sys.stderr)
        for outcome in sorted(outcomes, key=lambda o: (o.name != "ranking", -o.seconds))[:3]:
            steps = ", ".join(f"{name} {seconds:.2f}" for name, seconds in outcome.steps)
            print(
                f"  tác vụ {outcome.name}: {outcome.seconds:.2f} ({steps}), "
                f"{outcome.peak_rss_mb:.0f} MB, nhân {outcome.kernel_peak_mb:.0f} MB",
                file=sys.stderr,
            )
