"""What several test files run: ``python -m scoring`` as the Makefile calls it."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANALYST_DATA = ROOT / "data"


def sample_copy() -> Path:
    """The sample as committed (``git archive HEAD:data``), extracted once per tree into /tmp.

    Tests read this copy, never the analyst's ``data/``: a year the analyst adds (issue 30:
    2021 made ``make test`` fail on the expected years and the trends' title) stays out of
    it until committed. Without git (a tarball), the sample years of ``data/`` are copied."""
    import tempfile

    git = ["git", "-C", str(ROOT)]
    tree = subprocess.run([*git, "rev-parse", "HEAD:data"], capture_output=True, text=True)
    name = tree.stdout.strip() if tree.returncode == 0 else "worktree"
    target = Path(tempfile.gettempdir()) / f"scoring-sample-{name}"
    if target.is_dir():
        return target
    partial = Path(tempfile.mkdtemp(prefix="scoring-sample-", dir=target.parent))
    if tree.returncode == 0:
        archive = subprocess.run([*git, "archive", "HEAD:data"], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(partial)], input=archive.stdout, check=True)
    else:
        extra = [p.name for p in ANALYST_DATA.iterdir() if p.name.isdigit() and p.name > "2020"]
        shutil.copytree(
            ANALYST_DATA, partial, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*extra)
        )
    partial.chmod(0o755)
    try:
        partial.rename(target)  # atomic: parallel workers each extract, the first one wins
    except OSError:
        shutil.rmtree(partial)
    return target


DATA = sample_copy()
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
    """``make reports`` for ``year`` into ``folder``/reports and ``folder``/build.

    One render worker unless ``extra`` asks for more (``--jobs``, ``--scheduler``): under
    ``make test`` the test files already run on every core (pytest-xdist), so a second
    worker only adds a worker and a kernel to start (about 5 CPU-seconds a build)."""
    if not {"--jobs", "--scheduler"} & set(extra):
        extra = ("--jobs", "1", *extra)
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


# The small kit: the city, a department and two communes (each level, verified and
# self-assessed reports, peers), 2017 and 2018. A cold build of it takes about a fifth of
# the whole sample's; tests that must build themselves use it (or a part of it).
KIT = ("196", "196-NV", "06808", "06826")


def small_data(
    root: Path, keep: tuple[str, ...] = KIT, years: tuple[str, ...] = ("2017", "2018")
) -> Path:
    """``root``/data: a copy of the sample cut to the units ``keep`` and the ``years``
    (their forms, verifications and criteria), with units.csv and unit_changes.csv cut to
    match (a change is kept when all its units are)."""
    import csv

    data = root / "data"
    others = [p.name for p in DATA.iterdir() if p.name.isdigit() and p.name not in years]
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns(*others, "unit_changes.csv"))
    for form in data.glob("[0-9]*/*/*.xlsx"):
        if form.stem not in keep:
            form.unlink()
    lines = (DATA / "units.csv").read_text(encoding="utf-8").splitlines()
    kept = [lines[0], *(line for line in lines[1:] if line.split(",")[0] in keep)]
    (data / "units.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    with open(DATA / "unit_changes.csv", encoding="utf-8", newline="") as fh:
        changes = [r for r in csv.DictReader(fh) if r["from"] in keep and r["to"] in keep]
    if changes:
        with open(data / "unit_changes.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(changes[0]))
            writer.writeheader()
            writer.writerows(changes)
    return data


def unit_ids(data: Path, year: int = 2018) -> list[str]:
    """The units of ``data`` valid in ``year``, read from its units.csv (as the build
    reads it: one report each)."""
    from scoring.inputs.units import load_units

    return [u.id for u in load_units(data / "units.csv") if u.valid_in(year)]


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file under ``folder`` (relative name) with what tells it was rewritten: its
    inode and modification time (every output is written to a temp file and renamed)."""
    out = {}
    for p in folder.rglob("*"):
        if p.is_file():
            st = p.stat()
            out[p.relative_to(folder).as_posix()] = (st.st_ino, st.st_mtime_ns)
    return out


def rewritten(before: dict[str, tuple[int, int]], folder: Path) -> set[str]:
    """The files under ``folder`` written since ``before`` was taken (new or replaced)."""
    return {name for name, stamp in stamps(folder).items() if before.get(name) != stamp}


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative name, with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


_WATCHED: list[tuple[Path, list[Path]]] = []
_HOOKED: list[object] = []


def _audit(event: str, args: tuple) -> None:
    if _WATCHED and event == "open" and isinstance(args[0], str | Path):
        path = Path(args[0])
        for folder, found in _WATCHED:
            if path.parent == folder:
                found.append(path)


@contextlib.contextmanager
def files_opened(folder: Path) -> Iterator[list[Path]]:
    """The files of ``folder`` this process opens inside the block, in order (Python's
    audit hook on ``open``, so it sees what a function really reads, however it is
    written; one hook for the whole session, as hooks cannot be removed)."""
    if _audit not in _HOOKED:
        sys.addaudithook(_audit)
        _HOOKED.append(_audit)
    found: list[Path] = []
    entry = (Path(folder), found)
    _WATCHED.append(entry)
    try:
        yield found
    finally:
        _WATCHED.remove(entry)


def unverify(data: Path, *uids: str, year: int = 2018) -> None:
    """Remove the verification files of ``uids``: a form corrected after its verification
    makes that file an error until it is made again (issue 29), and the tests that
    correct forms check rebuilding, not verification."""
    for uid in uids:
        (data / str(year) / "verification" / f"{uid}.xlsx").unlink(missing_ok=True)


class Unreadable:
    """Stands for a report's scored year or source once its view is taken: a helper that
    reads them shows what its report's digest does not hold."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> object:
        raise AssertionError(f"a helper read {self._name}.{attr}, outside the report's view")


def from_view_alone(report):  # noqa: ANN001, ANN201 - a report (scoring.views.report)
    """``report`` with its view taken and its scored year and source then out of reach."""
    assert report._view is not None
    report._result, report._source = Unreadable("_result"), Unreadable("_source")
    return report


def plain(shown: object) -> object:
    """A helper's output, comparable: fragments as text, charts as bytes, frames and data
    as their repr (two NaN are never equal)."""
    if isinstance(shown, list):
        return [plain(item) for item in shown]
    if hasattr(shown, "to_dict"):
        return repr(shown.to_dict())
    if isinstance(shown, dict | type(None)):
        return repr(shown)
    return bytes(shown) if isinstance(shown, bytes) else str(shown)
