"""Where a report's figures come from. ``source_notice``: what a reader must know wherever
the year's criteria or band thresholds are not all official (reconstructed groups, inferred
thresholds). ``provenance``: a unit report's files with their SHA-256, version and date."""

from __future__ import annotations

from collections.abc import Iterable

from scoring import __version__
from scoring.inputs.year import build_date
from scoring.io import sha256_file
from scoring.model.criteria import CriteriaSet, CriteriaYear
from scoring.model.result import YearResult
from scoring.text import i18n, numfmt
from scoring.views.report.base import LEVEL_TITLES, Fragment, _relative, render


def _parts(criteria: CriteriaYear, levels: Iterable[str], lang: str) -> dict[str, list]:
    """The year's reconstructed parts at ``levels`` and its inferred band thresholds."""
    _ = i18n.translator(lang)
    sets = []
    for level in levels:
        cset = criteria.levels.get(level)
        groups = cset.reconstructed_groups() if cset is not None else []
        if cset is None or not groups:
            continue
        count, total = cset.reconstructed_count()
        sets.append(
            {"level": _(LEVEL_TITLES[level]), "groups": groups, "count": count, "total": total}
        )
    return {"sets": sets, "bands": [_(b) for b in criteria.inferred_bands()]}


def source_notice(
    criteria: CriteriaYear, levels: Iterable[str], lang: str = "vi", marked: bool = False
) -> Fragment:
    """The notice of the reconstructed parts at ``levels`` and the inferred thresholds
    (``marked``: the criteria table marks the nodes); empty when all is official."""
    parts = _parts(criteria, levels, lang)
    if not parts["sets"] and not parts["bands"]:
        return Fragment("")
    marked = marked and bool(parts["sets"])
    return render("source_notice.html.j2", lang, year=criteria.year, marked=marked, **parts)


def years_notice(
    years: Iterable[CriteriaYear], levels: Iterable[str], lang: str = "vi"
) -> tuple[Fragment, dict[int, dict[str, list[object]]]]:
    """One notice for several years (the index): a row per run of years with the same parts
    ("2019–2020"), newest first; and each year's parts, for its marker."""
    parts = {c.year: p for c in years if any((p := _parts(c, levels, lang)).values())}
    same: dict[str, list[int]] = {}
    for year in sorted(parts):
        same.setdefault(repr(parts[year]), []).append(year)
    newest = sorted(same.values(), key=lambda g: -g[-1])
    rows = [{**parts[group[0]], "label": _spans(group)} for group in newest]
    notice = render("source_notice.html.j2", lang, rows=rows) if rows else ""
    return Fragment(notice), parts


def _spans(years: list[int]) -> str:
    """Sorted years as runs: [2017, 2019, 2020] -> "2017, 2019–2020"."""
    runs: list[list[int]] = []
    for year in years:
        if runs and runs[-1][1] == year - 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def provenance(result: YearResult, unit_id: str, lang: str = "vi") -> Fragment:
    """The section "Cách lập báo cáo": the unit's form and verification file, ``sources``."""
    submission = result.inputs.collection.submissions[unit_id]
    check = result.inputs.collection.verifications.get(unit_id)
    data_dir = result.inputs.data_dir
    return render(
        "provenance.html.j2",
        lang,
        form_file=_relative(submission.path, data_dir),
        form_sha=submission.sha256,
        check_file=_relative(check.path, data_dir) if check else None,
        check_sha=check.sha256 if check else None,
        **sources(result, result.official[unit_id].criteria),
    )


def sources(result: YearResult, cset: CriteriaSet) -> dict[str, object]:
    """Criteria file and units list with their SHA-256, the version, the build date."""
    data_dir = result.inputs.data_dir
    units_file = data_dir / "units.csv"
    return {
        "criteria_file": _relative(cset.path, data_dir),
        "criteria_sha": cset.fingerprint,
        "units_file": _relative(units_file, data_dir),
        "units_sha": sha256_file(units_file),
        "version": __version__,
        "date": numfmt.date(build_date(result)),
    }
