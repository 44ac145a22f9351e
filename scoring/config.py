"""The build's configuration: the command's options and the environment, read once.

Everything a build depends on besides its inputs is here, so that no module deep inside
reads an environment variable of its own: ``cli`` makes one ``BuildConfig`` and hands it
down.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class BuildConfig:
    """How a build runs: workers, language, cluster, the reports' date, phase times."""

    jobs: int = 1
    lang: str = "vi"
    scheduler: str = ""  # a Dask scheduler's address ("" for local workers)
    source_date_epoch: str = ""  # SOURCE_DATE_EPOCH: the reports' date, for reproducible builds
    timings: bool = False  # print each phase's time (SCORING_TIMINGS=1; ``make bench``)

    @classmethod
    def read(
        cls,
        environ: Mapping[str, str] | None = None,
        jobs: int | None = None,
        lang: str = "vi",
        scheduler: str | None = None,
    ) -> BuildConfig:
        """The configuration from the options given and the environment (``os.environ``
        unless ``environ``): ``JOBS``, ``DASK_SCHEDULER``, ``SOURCE_DATE_EPOCH``,
        ``SCORING_TIMINGS``."""
        env = os.environ if environ is None else environ
        count = env.get("JOBS", "")
        if jobs is None and count.isascii() and count.isdigit() and int(count) > 0:
            jobs = int(count)
        return cls(
            jobs=jobs or os.cpu_count() or 1,
            lang=lang,
            scheduler=scheduler if scheduler is not None else env.get("DASK_SCHEDULER", ""),
            source_date_epoch=env.get("SOURCE_DATE_EPOCH", "").strip(),
            timings=bool(env.get("SCORING_TIMINGS")),
        )

    def fixed_date(self) -> dt.date | None:
        """The date SOURCE_DATE_EPOCH sets (never in the future), or None."""
        epoch = self.source_date_epoch
        if not (epoch.isascii() and epoch.isdigit()):
            return None
        today = dt.datetime.now(dt.UTC).date()
        return min(dt.datetime.fromtimestamp(int(epoch), dt.UTC).date(), today)
