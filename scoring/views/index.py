"""reports/index.html: every year's reports, with a filter; relative links, works offline."""

from __future__ import annotations

import csv
from pathlib import Path

from scoring.analysis.tables import FORMULA_START
from scoring.io import write_text
from scoring.model.criteria import LEVEL_NAMES_VI, LEVELS, CriteriaYear
from scoring.text import i18n
from scoring.views.assets import css, template


def _link(folder: Path, name: str) -> str | None:
    """The relative link to a report, or None when it is not there (its notebook failed)."""
    return f"{folder.name}/{name}" if (folder / name).is_file() else None


def _as_written(text: str) -> str:
    """A name as in units.csv, without the "'" scores.csv puts before a formula's start."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def _criteria(data: Path, year: int) -> CriteriaYear | None:
    """The year's criteria for the source notice; None when they cannot be read."""
    from scoring.inputs.criteria import load_year
    from scoring.text.errors import ScoringError

    try:
        return load_year(data, year)
    except (ScoringError, OSError):
        return None


def _year_entry(folder: Path, lang: str) -> dict[str, object]:
    with open(folder / "scores.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    _ = i18n.translator(lang)
    units = []
    order = {level: n for n, level in enumerate(LEVELS)}  # the city first, then its bodies
    for row in sorted(rows, key=lambda r: (order.get(r["level"], 9), _rank_key(r), r["name"])):
        uid = row["unit_id"]
        missing = row.get("status") == "missing"
        units.append(
            {
                "id": uid,
                "name": _as_written(row["name"]),
                "level": _(LEVEL_NAMES_VI.get(row["level"], "")),
                # A unit without a form is listed last with no rank that reads as a standing
                # (scores.csv keeps the rank the rules give it).
                "rank": "–" if missing else row["rank"],
                "band": _("Chưa nộp phiếu") if missing else _(row["band"]),
                "html": _link(folder, f"units/{uid}.html"),
                "pdf": _link(folder, f"units/{uid}.pdf"),
            }
        )
    files = {ext: _link(folder, f"ranking.{ext}") for ext in ("html", "pdf", "xlsx")}
    return {"year": folder.name, "units": units, "ranking": files}


def _rank_key(row: dict[str, str]) -> int:
    """Ranked units first, by rank; units without a form (ranked last or left out) after."""
    unranked = row.get("status") == "missing" or not row["rank"]
    return 10**9 if unranked else int(row["rank"])


def write_index(reports: Path, lang: str = "vi", data: Path | None = None) -> bool:
    """Write (or leave unchanged) the index of every year under ``reports`` (and, given
    ``data``, of each year with data not built yet)."""
    built = {
        int(p.name): p
        for p in Path(reports).iterdir()
        if p.is_dir() and p.name.isascii() and p.name.isdigit() and (p / "scores.csv").exists()
    }
    pending: set[int] = set()
    # one source notice for every year, and each year's parts for its marker
    notice: str = ""
    parts: dict[int, dict[str, list[object]]] = {}
    if data is not None:
        from scoring.inputs.layout import DataLayout
        from scoring.views.report.notice import years_notice

        pending = set(DataLayout(data).years()) - set(built)
        criteria = (_criteria(data, y) for y in built.keys() | pending)
        notice, parts = years_notice(filter(None, criteria), LEVELS, lang)
    years = sorted(set(built) | pending, reverse=True)
    entries = [
        {
            **(_year_entry(built[y], lang) if y in built else {"year": str(y), "pending": True}),
            "marker": parts.get(y),
        }
        for y in years
    ]
    trends = "trends.html" if (Path(reports) / "trends.html").is_file() else None
    trends_pdf = "trends.pdf" if (Path(reports) / "trends.pdf").is_file() else None
    page = template("index.html.j2", lang).render(
        years=entries, notice=notice, css=css(), lang=lang, trends=trends, trends_pdf=trends_pdf
    )
    return write_text(Path(reports) / "index.html", page)
