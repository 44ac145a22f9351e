"""Incremental state: everything a build remembers between runs, in one module.

(Over 400 lines on purpose: issue 16 asks for one owner of every cache, key and record.)

A build does only what changed. What it remembers for that, and where:

- input stamps (``inputs_stamp``, ``years_stamp``: names, sizes and times of the input
  files) and the code digest (``code_digest``): cheap, so a build with nothing to do
  stops before importing pandas;
- the year cache (``BUILD/cache/<code>/``): each scored year pickled under its inputs'
  stamp, and the year's last load, whose forms are re-read one by one when only a few
  changed (``assess_cached``);
- the snapshots handed to the report kernels (``BUILD/cache/snapshots/``, by content);
- the figure cache (``BUILD/cache/<code>/figures/``, ``remembered_figure``);
- the build's records (``BUILD/<year>/``): ``done.json`` (the last complete build),
  ``state.json`` (each report's key and what its notebook read), ``ranking.xlsx.key``;
- the warm server's identity (``server_identity``).

Every file here is written by ``scoring.io.write_bytes`` (a temporary file renamed over
the target), so a build killed at any moment leaves no half file and only temporary files
of one name pattern, which the next build deletes (``remove_leftovers``). Imports stay
light (standard library): the no-op build runs this module before anything heavy.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scoring.io import remove_temp_files, write_bytes, write_text

if TYPE_CHECKING:
    from scoring.pipeline import YearInputs, YearResult
    from scoring.snapshot import Snapshot
    from scoring.submissions import Problem

PACKAGE = Path(__file__).resolve().parent
NOTEBOOKS = PACKAGE.parent / "notebooks"  # the project's report notebooks


# --- Stamps and keys ------------------------------------------------------------------


def input_files(data_dir: Path, year: int) -> list[Path]:
    """The unit list, the year's criteria files, its returned forms and verifications."""
    data_dir = Path(data_dir)
    return [
        data_dir / "units.csv",
        *sorted((data_dir / "criteria" / str(year)).glob("*")),
        *sorted((data_dir / str(year) / "submissions").glob("*")),
        *sorted((data_dir / str(year) / "verification").glob("*")),
    ]


def _stamp_file(digest: Any, path: Path) -> None:
    if path.is_file():
        st = path.stat()
        digest.update(f"{path.name}|{st.st_size}|{st.st_mtime_ns}".encode())


def inputs_stamp(data_dir: Path, year: int) -> str:
    """A fingerprint of the year's input files: their names, sizes and modification times."""
    data_dir = Path(data_dir)
    digest = hashlib.sha256(str(data_dir.resolve()).encode())
    for path in input_files(data_dir, year):
        _stamp_file(digest, path)
    return digest.hexdigest()[:20]


def years_stamp(data_dir: Path) -> str:
    """A fingerprint of every year's inputs, the analysts' notes (``<year>/notes``) and
    the unit changes: the reports of one year may show the others (``scoring.load_totals``,
    a merged unit's predecessors), the notes and the changes.
    """
    data_dir = Path(data_dir)
    digest = hashlib.sha256()
    _stamp_file(digest, data_dir / "unit_changes.csv")  # mergers, splits
    years = sorted(p.name for p in (data_dir / "criteria").glob("*") if p.name.isdigit())
    for year in years:
        digest.update(f"{year}:{inputs_stamp(data_dir, int(year))}".encode())
        for path in sorted((data_dir / year / "notes").glob("*")):
            _stamp_file(digest, path)
    return digest.hexdigest()[:20]


def code_digest(notebooks: Path | None = NOTEBOOKS) -> str:
    """A hash of the package code, templates and (unless told) notebooks: a change
    rebuilds reports. Each report's key takes the code without notebooks and its own
    notebook, so editing one notebook rebuilds its reports only.
    """
    digest = hashlib.sha256()
    files = sorted(
        [
            *PACKAGE.rglob("*.py"),
            *PACKAGE.rglob("*.j2"),
            *PACKAGE.rglob("*.css"),
            *PACKAGE.rglob("*.typ"),
            *(Path(notebooks).glob("*.ipynb") if notebooks else []),
        ]
    )
    for path in files:
        digest.update(
            path.name.encode()
            if path.suffix == ".ipynb"
            else path.relative_to(PACKAGE.parent).as_posix().encode()
        )
        digest.update(path.read_bytes())
    return digest.hexdigest()


def key(*parts: object) -> str:
    """A key of plain parts (JSON; other objects by ``str``)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def reads_key(static: str, reads: dict[str, str]) -> str:
    """The key of a report whose notebook read ``reads`` (read -> digest of the data)."""
    text = json.dumps([static, sorted(reads.items())], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def cache_folder(build: Path, code: str | None = None) -> Path:
    """The build's cache for this code version (scored years, figures)."""
    return (Path(build) / "cache" / (code or code_digest())[:16]).resolve()


def server_identity(code: str, jobs: int) -> str:
    """What a warm server's workers depend on: code, interpreter, installed libraries,
    environment (the kernels keep the one they started with), worker count."""
    digest = hashlib.sha256(f"{code}|{sys.executable}|{jobs}".encode())
    digest.update(_installed().encode())
    for name in sorted(os.environ):
        if name not in _VOLATILE and not name.startswith("SCORING_WARM"):
            digest.update(f"{name}={os.environ[name]}\0".encode())
    return digest.hexdigest()[:16]


def _installed() -> str:
    """The distributions installed where this interpreter imports from (a ``.dist-info``
    folder's name carries the version): a server started before ``make`` upgraded a
    library would otherwise go on rendering with the old one."""
    names: list[str] = []
    for entry in sys.path:
        if entry.endswith("-packages") and os.path.isdir(entry):
            names += sorted(n for n in os.listdir(entry) if n.endswith(".dist-info"))
    return "\n".join(names)


# Environment variables that differ between two shells (or make levels) of the same user
# without changing a report.
_VOLATILE = {
    *("_", "OLDPWD", "PWD", "SHLVL", "COLUMNS", "LINES", "TERM"),
    *("MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKE_TERMOUT", "MAKE_TERMERR"),
}


# --- The build's records: done.json, state.json, ranking.xlsx.key ----------------------


class Records:
    """What the last builds of one year recorded in ``BUILD/<year>/``."""

    def __init__(self, year_build: Path) -> None:
        self.folder = Path(year_build)
        self.done_file = self.folder / "done.json"
        self.state_file = self.folder / "state.json"

    def done(self) -> dict[str, Any] | None:
        """The last complete build's record (fingerprint, outputs, warnings), if any."""
        try:
            done = json.loads(self.done_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return done if isinstance(done, dict) else None

    def forget_done(self) -> None:
        """Called before any output is touched: a killed build is never complete."""
        self.done_file.unlink(missing_ok=True)

    def record_done(self, done: dict[str, object]) -> None:
        write_text(self.done_file, json.dumps(done, ensure_ascii=False, indent=1))

    def key_matches(self, name: str, output: Path, expected: str) -> bool:
        """Whether ``output`` exists and was written under ``expected`` (``<name>.key``,
        recorded once the output is written, so a build killed in between writes it again).
        """
        try:
            recorded = (self.folder / f"{name}.key").read_text(encoding="utf-8")
        except OSError:
            return False
        return Path(output).exists() and recorded == expected

    def record_key(self, name: str, value: str) -> None:
        write_text(self.folder / f"{name}.key", value)


def load_state(path: Path) -> dict[str, dict[str, Any]]:
    """``state.json``: report name -> {"key": its outputs' key, "reads": what its notebook
    read}."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    state = {}
    for name, entry in data.items():
        if isinstance(entry, str):  # a build before reads were recorded
            entry = {"key": entry, "reads": {}}
        if isinstance(entry, dict) and isinstance(entry.get("reads", {}), dict):
            state[str(name)] = {"key": str(entry.get("key")), "reads": entry.get("reads", {})}
    return state


def save_state(path: Path, state: dict[str, dict[str, Any]]) -> None:
    write_text(path, json.dumps(dict(sorted(state.items())), indent=1, ensure_ascii=False) + "\n")


def index_stamp(reports: Path) -> list[list[object]]:
    """What the index shows: the years with a scores.csv, and when each was written."""
    return [
        [folder.parent.name, folder.stat().st_mtime_ns]
        for folder in sorted(Path(reports).glob("*/scores.csv"))
    ]


def remove_leftovers(reports: Path, year: int, build: Path) -> None:
    """Delete the temporary files of writes cut short by a killed build: outputs, records
    and every cache (all written through ``scoring.io``, one name pattern)."""
    remove_temp_files(reports, recursive=False)  # index.html
    for folder in (Path(reports) / str(year), Path(build) / str(year), Path(build) / "cache"):
        remove_temp_files(folder)


# --- Snapshots -------------------------------------------------------------------------


def write_snapshot(snap: Snapshot, build: Path) -> Path:
    """The snapshot's file, named by its content (a warm kernel loads it once); the three
    newest of the year are kept."""
    data = pickle.dumps(snap, protocol=pickle.HIGHEST_PROTOCOL)
    folder = (Path(build) / "cache" / "snapshots").resolve()
    path = folder / f"{snap.year}-{hashlib.sha256(data).hexdigest()[:20]}.pickle"
    write_bytes(path, data)
    _prune(folder, f"{snap.year}-*.pickle", keep=3, spare=path)
    return path


def _prune(folder: Path, pattern: str, keep: int, spare: Path | None = None) -> None:
    """Delete all but the ``keep`` newest cache files matching ``pattern``."""
    files = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in files[keep:]:
        if old != spare:
            old.unlink(missing_ok=True)


# --- The figure cache ------------------------------------------------------------------


def remembered_figure(folder: str, kind: str, draw: Callable[..., bytes], *args: object) -> bytes:
    """``draw(*args)``, kept in ``folder``/figures under a hash of its arguments ("" for
    no cache). A figure read from the cache is touched, so the build can drop the figures
    no longer used (``prune_figures``). A cache that cannot be written (a Dask worker on
    another machine) is simply not used.
    """
    if not folder:
        return draw(*args)
    name = hashlib.sha256(json.dumps([kind, *args], ensure_ascii=False).encode()).hexdigest()
    path = Path(folder) / "figures" / f"{name[:32]}.png"
    try:
        png = path.read_bytes()
        os.utime(path)
        return png
    except OSError:
        pass
    png = draw(*args)
    try:
        write_bytes(path, png)
    except OSError:
        pass
    return png


def prune_figures(cache: Path, since_ns: int) -> None:
    """Delete the cached figures that the ranking just built neither drew nor read: they
    show a state of the year that is gone."""
    margin = 2_000_000_000  # file times come from a coarser clock than time.time_ns()
    for path in (Path(cache) / "figures").glob("*.png"):
        if path.stat().st_mtime_ns < since_ns - margin:
            path.unlink(missing_ok=True)


# --- The year cache --------------------------------------------------------------------


@functools.lru_cache(maxsize=4)  # a year and the one before
def _cached(data_dir: str, year: int, cache_dir: str, stamp: str) -> YearResult:
    from scoring.pipeline import score

    cache = Path(cache_dir) / f"{year}-{stamp}.pickle"
    if cache.exists():
        with open(cache, "rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own build folder
    result = score(load_reusing(Path(data_dir), year, Path(cache_dir)))
    # Kept under the stamp taken before reading only when no file changed meanwhile: a
    # form saved while it was read, then put back with its old time, must be read again.
    if inputs_stamp(Path(data_dir), year) == stamp:
        write_bytes(cache, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        _prune(Path(cache_dir), f"{year}-*.pickle", keep=3)
    return result


def assess_cached(data_dir: str | Path, year: int, cache_dir: Path) -> YearResult:
    """``pipeline.assess`` through the build's cache ``cache_dir``: a year whose input
    files are unchanged is unpickled, and one where a few forms changed reads only those.
    Raises what ``pipeline.score`` raises (InvalidSubmissions)."""
    return _cached(str(data_dir), int(year), str(cache_dir), inputs_stamp(Path(data_dir), year))


# A year's forms are re-read one by one, splicing the new readings into the last
# collection, when at most this share of them changed (else all are read again).
MAX_REREAD_SHARE = 0.25


def load_reusing(data_dir: Path, year: int, cache_dir: Path) -> YearInputs:
    """``pipeline.load``, reading again only the forms whose size or time changed.

    Reading a form (openpyxl, every check) takes about 35 ms, so a province of 300 units
    took 10 s to load after a one-figure correction. The last load of the year is kept in
    ``cache_dir`` with each file's size and modification time; when the unit list, the
    criteria and the folder's file names are unchanged and only a few forms changed,
    those forms are read again and their submissions and problems replace the old ones
    in place (same order as a full read). Anything else reads every form.
    """
    from scoring.pipeline import load_forms, with_verifications

    data_dir = Path(data_dir)
    folder = data_dir / str(year) / "submissions"
    where = hashlib.sha256(f"{data_dir}|{data_dir.resolve()}".encode()).hexdigest()[:16]
    manifest = Path(cache_dir) / f"inputs-{year}-{where}.pickle"
    fixed_files = [data_dir / "units.csv", *sorted((data_dir / "criteria" / str(year)).glob("*"))]
    fixed = _stats(fixed_files)
    files = _stats(sorted(folder.iterdir())) if folder.is_dir() else {}
    inputs = None
    try:
        with open(manifest, "rb") as fh:
            last = pickle.load(fh)  # noqa: S301 - our own build folder
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
        last = None
    if last is not None and last["fixed"] == fixed and last["files"].keys() == files.keys():
        changed = sorted(name for name, stat in files.items() if last["files"][name] != stat)
        if len(changed) <= MAX_REREAD_SHARE * len(files):
            inputs = _reread(last["inputs"], folder, changed)
    if inputs is None:
        inputs = load_forms(data_dir, year)
    # A file whose size or time changed while the forms were read may have been read in
    # either state: it gets no stat, so the next load reads it again whatever its time.
    after = _stats(sorted(folder.iterdir())) if folder.is_dir() else {}
    files = {name: stat if after.get(name) == stat else (-1, -1) for name, stat in files.items()}
    if _stats(fixed_files) != fixed:
        fixed = {}  # never equal to a real reading: all is read again next time
    kept = {"fixed": fixed, "files": files, "inputs": inputs}
    write_bytes(manifest, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
    return with_verifications(inputs)


def _stats(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """Name -> (size, modification time) of each file; taken before the files are read,
    so a file changed while being read is read again next time.
    """
    stats = {}
    for path in paths:
        if path.is_file():
            st = path.stat()
            stats[path.name] = (st.st_size, st.st_mtime_ns)
    return stats


def _reread(last: YearInputs, folder: Path, changed: list[str]) -> YearInputs | None:
    """``last`` with the ``changed`` forms read again, or None when a full read is needed:
    a changed file that is not a unit's only, valid form (a new error, a file claiming
    another unit, a duplicate), or problems not in the order this splice assumes.
    """
    from scoring.pipeline import YearInputs
    from scoring.submissions import Collection, read_submission, stem_unit_id

    old = last.collection
    if not changed:
        return last
    forms = [
        p
        for p in sorted(folder.iterdir())
        if p.is_file() and p.suffix.lower() == ".xlsx" and not p.name.startswith(("~$", "."))
    ]
    order = {str(p): n for n, p in enumerate(forms)}
    not_sent = {str(folder / f"{uid}.xlsx") for uid in old.missing}
    if not_sent & order.keys():
        return None

    # A full read lists the problems of other files, then each form's in file order,
    # then the units that sent nothing.
    def place(problem: Problem) -> tuple[int, int]:
        if problem.file in not_sent:
            return (2, 0)
        return (1, order[problem.file]) if problem.file in order else (0, 0)

    if sorted(old.problems, key=place) != old.problems:
        return None
    submissions = dict(old.submissions)
    fresh: dict[str, list[Problem]] = {}
    for name in changed:
        path = folder / name
        uid = stem_unit_id(path)
        before = old.submissions.get(uid)
        if str(path) not in order or before is None or before.path != path:
            return None
        if old.files.get(uid) != [path]:
            return None
        submission, problems = read_submission(path, last.criteria, last.units_by_id, last.year)
        if submission is None or submission.unit_id != uid:
            return None
        if any(p.file != str(path) for p in problems):
            return None
        submissions[uid] = submission
        fresh[str(path)] = problems
    kept = [p for p in old.problems if p.file not in fresh]
    problems = sorted(kept + [p for ps in fresh.values() for p in ps], key=place)
    collection = Collection(
        year=old.year,
        submissions=submissions,
        problems=problems,
        expected=list(old.expected),
        files={uid: list(paths) for uid, paths in old.files.items()},
    )
    return YearInputs(last.data_dir, last.year, last.criteria, last.units, collection)
