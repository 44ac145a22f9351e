"""Seconds per phase of a build, kept out of its flow and printed only when the build's
configuration asks (``SCORING_TIMINGS=1``; ``make bench`` reads them)."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.build.runner import Outcome


class Phases:
    """``with phases(N_("name")):`` around each step; ``report`` prints them all, in the
    build's language."""

    def __init__(self, lang: str = "vi", shown: bool = False) -> None:
        self.seconds: list[tuple[str, float]] = []
        self.lang = lang
        self.shown = shown

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.seconds.append((name, time.perf_counter() - began))

    def report(self, outcomes: list[Outcome]) -> None:
        """The phases, then the three longest tasks step by step (the ranking first)."""
        if not self.shown:
            return
        from scoring.text.i18n import translator

        _ = translator(self.lang)
        fmt = ", ".join(f"{_(name)} {seconds:.2f}" for name, seconds in self.seconds)
        print(_("Thời gian (s): %(phases)s") % {"phases": fmt}, file=sys.stderr)
        line = _("  tác vụ %(name)s: %(seconds)s (%(steps)s), %(peak)s MB, nhân %(kernel)s MB")
        for outcome in sorted(outcomes, key=lambda o: (o.name != "ranking", -o.seconds))[:3]:
            steps = ", ".join(f"{name} {seconds:.2f}" for name, seconds in outcome.steps)
            figures = {
                "name": outcome.name,
                "seconds": f"{outcome.seconds:.2f}",
                "steps": steps,
                "peak": f"{outcome.peak_rss_mb:.0f}",
                "kernel": f"{outcome.kernel_peak_mb:.0f}",
            }
            print(line % figures, file=sys.stderr)
