"""What a build remembers between runs, in one module.

- the code digest (``code_digest``) and the keys made from it;
- the build's records (``BUILD/<year>/``): ``done.json`` (the last complete build),
  ``state.json`` (each report's key and what its notebook read), ``ranking.xlsx.key``;
- the build's cache for this code (``BUILD/cache/<code>/``): each form as read
  (``FormCache``), and the ranking's figures (``views.charts.remembered_figure``).

Every file is written through ``scoring.io`` (a temporary file renamed over the target):
a killed build leaves no half file, only temporary files of one name pattern, which the
next build deletes (``remove_leftovers``). Imports stay light: the no-op build runs this.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scoring.io import remove_temp_files, write_bytes, write_text

if TYPE_CHECKING:
    from scoring.inputs.submissions import Collection, FileReader
    from scoring.inputs.units import Unit
    from scoring.inputs.verification import VerificationReader
    from scoring.model.criteria import CriteriaYear

PACKAGE = Path(__file__).resolve().parents[1]  # scoring/
NOTEBOOKS = PACKAGE.parent / "notebooks"  # the project's report notebooks


# --- Keys ------------------------------------------------------------------------------


def code_digest(notebooks: Path | None = NOTEBOOKS) -> str:
    """A hash of the package code, templates and (unless told) notebooks. Each report's key
    takes the code without notebooks and its own notebook: editing one rebuilds its reports."""
    digest = hashlib.sha256()
    # .yaml: the problem sentences (inputs/submissions/kinds.yaml)
    code = [
        p for suffix in ("py", "j2", "css", "typ", "yaml") for p in PACKAGE.rglob(f"*.{suffix}")
    ]
    files = sorted([*code, *(Path(notebooks).glob("*.ipynb") if notebooks else [])])
    for path in files:
        name = path.name if path.suffix == ".ipynb" else path.relative_to(PACKAGE.parent).as_posix()
        digest.update(name.encode())
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


# --- The build's records: done.json, state.json, ranking.xlsx.key ----------------------


def read_dict(path: Path) -> dict[str, Any] | None:
    """A JSON file's object; None when the file is missing, unreadable or no object."""
    try:
        found = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


class Records:
    """What the last builds of one year recorded in ``BUILD/<year>/``."""

    def __init__(self, year_build: Path) -> None:
        self.folder = Path(year_build)
        self.done_file = self.folder / "done.json"
        self.state_file = self.folder / "state.json"

    def done(self) -> dict[str, Any] | None:
        """The last complete build's record (fingerprint, outputs, warnings), if any."""
        return read_dict(self.done_file)

    def forget_done(self) -> None:
        """Called before any output is touched: a killed build is never complete."""
        self.done_file.unlink(missing_ok=True)

    def record_done(self, done: dict[str, object]) -> None:
        write_text(self.done_file, json.dumps(done, ensure_ascii=False, indent=1))

    def content_date(self, content: str, fixed: dt.date | None = None) -> dt.date:
        """The reports' date for inputs whose content digest is ``content``: ``fixed``
        (SOURCE_DATE_EPOCH's) when given, else the day this content was first built here
        (today for new content). A form only touched keeps its reports' date, and a fresh
        clone's file times say nothing."""
        if fixed is not None:
            return fixed
        path = self.folder / "dates.json"
        dates = read_dict(path) or {}
        try:
            return dt.date.fromisoformat(str(dates[content]))
        except (KeyError, ValueError):
            today = dt.datetime.now(dt.UTC).date()
            kept = dict(list(dates.items())[-9:]) | {content: today.isoformat()}
            write_text(path, json.dumps(kept, indent=1))
            return today

    def key_matches(self, name: str, output: Path, expected: str) -> bool:
        """Whether ``output`` exists and was written under ``expected`` (``<name>.key``,
        recorded once the output is written, so a build killed in between writes it again)."""
        try:
            recorded = (self.folder / f"{name}.key").read_text(encoding="utf-8")
        except OSError:
            return False
        return Path(output).exists() and recorded == expected

    def record_key(self, name: str, value: str) -> None:
        write_text(self.folder / f"{name}.key", value)


def load_state(path: Path) -> dict[str, dict[str, Any]]:
    """``state.json``: report name -> {"key": its outputs' key, "reads": the names of
    what its notebook read (``snapshot.Read``)}; anything else in it is ignored."""
    state = {}
    for name, entry in (read_dict(path) or {}).items():
        if isinstance(entry, dict) and isinstance(entry.get("reads"), list):
            reads = [str(r) for r in entry["reads"]]
            state[str(name)] = {"key": str(entry.get("key")), "reads": reads}
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


# --- The figure cache (``views.charts.remembered_figure``) ---------------------------


def prune_figures(cache: Path, since_ns: int) -> None:
    """Delete the cached figures that the ranking just built neither drew nor read: they
    show a state of the year that is gone."""
    margin = 2_000_000_000  # file times come from a coarser clock than time.time_ns()
    for path in (Path(cache) / "figures").glob("*.png"):
        if path.stat().st_mtime_ns < since_ns - margin:
            path.unlink(missing_ok=True)


# --- The form cache --------------------------------------------------------------------


class FormCache:
    """Each form and verification file as read and checked, under its content's SHA-256,
    path and what it was checked against (criteria, unit list, a verification's form): a
    correction in one form of 300 reads that form again. Handed to ``inputs.year.load``."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder) / "forms"

    def forms(self, read: FileReader) -> FileReader:
        def cached(path: Path, criteria: CriteriaYear, units: dict[str, Unit], year: int) -> Any:
            against = (year, _criteria(criteria), _units(units))
            return self._kept(path, against, lambda: read(path, criteria, units, year))

        return cached

    def verifications(self, read: VerificationReader) -> VerificationReader:
        def cached(
            path: Path, criteria: CriteriaYear, units: dict[str, Unit], found: Collection
        ) -> Any:
            form = found.submissions.get(path.stem)
            sha = form.sha256 if form is not None else None
            present = (path.stem in found.files, path.stem in found.expected)
            against = (found.year, _criteria(criteria), _units(units), sha, *present)
            return self._kept(path, against, lambda: read(path, criteria, units, found))

        return cached

    def _kept(self, path: Path, against: tuple[object, ...], read: Callable[[], Any]) -> Any:
        """What ``read()`` gives for ``path``'s content, from the cache when it is there."""
        before = _content(path)
        kept = self.folder / f"{key(str(path), before, *against)[:32]}.pickle"
        try:
            return pickle.loads(kept.read_bytes())  # noqa: S301 - our own build folder
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
            pass
        result = read()
        if before and _content(path) == before:  # not saved again while it was read
            write_bytes(kept, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        return result


def _content(path: Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def _criteria(criteria: CriteriaYear) -> list[tuple[str, str]]:
    return sorted((level, c.fingerprint) for level, c in criteria.levels.items())


def _units(units: dict[str, Unit]) -> list[object]:
    return [(u.id, u.name, u.level, u.valid_from, u.valid_to) for u in units.values()]
