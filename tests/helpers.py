"""What several test files run: ``python -m scoring`` as the Makefile calls it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


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


def chrome(profile: Path, *flags: str):  # noqa: ANN201 - a selenium Chrome WebDriver
    """Debian's headless Chromium driven by Selenium through Debian's ChromeDriver (no
    download), with the network and console logs recorded ("goog:loggingPrefs").

    ChromeDriver is reached at 127.0.0.1 rather than "localhost", which a minimal root
    without /etc/hosts (the fresh Debian 12 check) does not resolve, and Chromium talks to
    ChromeDriver through a pipe (``--remote-debugging-pipe``) rather than a TCP port.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common import utils

    class LoopbackService(Service):
        @property
        def service_url(self) -> str:
            return f"http://127.0.0.1:{self.port}"

        def is_connectable(self) -> bool:
            return utils.is_url_connectable(self.port, host="127.0.0.1")

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1000,1400",
        "--remote-debugging-pipe",
        f"--user-data-dir={profile}",
        *flags,
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    return webdriver.Chrome(
        service=LoopbackService(executable_path=str(CHROMEDRIVER)), options=options
    )
