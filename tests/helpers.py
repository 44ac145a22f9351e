"""What several test files run: ``python -m scoring`` as the Makefile calls it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def scoring(
    *args: str, env: dict[str, str] | None = None, timeout: int = 900
) -> subprocess.CompletedProcess[str]:
    """``python -m scoring <args>`` from the project folder, its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def build(
    data: Path, folder: Path, *extra: str, year: int = 2018, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``make reports`` for ``year`` into ``folder``/reports and ``folder``/build."""
    return scoring(
        "build",
        "--year",
        str(year),
        "--data",
        str(data),
        "--reports",
        str(folder / "reports"),
        "--build",
        str(folder / "build"),
        *extra,
        env=env,
    )
