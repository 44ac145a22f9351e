"""``validate``'s look at the year before: suspicious changes, renamed criteria, and a
warning when that year cannot be read.

A unit can claim anything; last year's claim is the cheapest check of this year's.
``validate`` warns (never refuses: real change happens) when a count or an amount moved
more than threefold, a share by more than 50 points, or a yes/no answer turned to "Có"
with no evidence cited, naming this year's cell and both years' values for the verifier."""

from __future__ import annotations

from collections.abc import Mapping

from scoring.analysis.compare import mapping_problems
from scoring.inputs.forms import SHEET_INPUTS
from scoring.inputs.layout import DataLayout
from scoring.inputs.submissions import Collection, Problem, Submission, file_problem
from scoring.inputs.year import load
from scoring.model.criteria import CriteriaYear
from scoring.model.result import YearInputs
from scoring.model.rules import Value, as_number
from scoring.model.values import render_value
from scoring.text.errors import ScoringError
from scoring.text.i18n import N_, Phrase, phrase

FOLD = 3.0  # "moved more than threefold"
SHARE_POINTS = 50.0  # "a share jumped by more than 50 points"


def _why(kind: str, before: Value, now: Value, evidence: str) -> Phrase | None:
    """The reason a change is suspicious, or None."""
    if kind == "yes_no":
        if before is False and now is True and not evidence:
            return phrase(N_("chuyển từ 'Không' sang 'Có' nhưng không ghi minh chứng"))
        return None
    old, new = as_number(before), as_number(now)
    if old is None or new is None:
        return None
    if kind == "share":
        if abs(new - old) > SHARE_POINTS:
            what = N_("tỷ lệ thay đổi hơn %(limit)s điểm phần trăm")
            return phrase(what, limit=f"{SHARE_POINTS:g}")
        return None
    if kind in ("count", "amount") and old > 0 and new > 0:
        if new > FOLD * old or new < old / FOLD:
            return phrase(N_("thay đổi hơn %(limit)s lần"), limit=f"{FOLD:g}")
    return None


def _unit_changes(
    now: Submission, before: Submission, kinds: Mapping[str, str], year: int
) -> list[Problem]:
    problems = []
    for code, value in now.values.items():
        kind = kinds.get(code)
        if kind is None or code not in before.values:
            continue
        why = _why(kind, before.values[code], value, now.evidence.get(code, ""))
        if why is None:
            continue
        problems.append(
            Problem(
                file=str(now.path),
                sheet=SHEET_INPUTS,  # the cell is on the form's inputs sheet
                cell=now.cells.get(code),
                code=code,
                severity="warning",
                unit_id=now.unit_id,
                kind="value.suspicious_change",
                found=render_value(before.values[code]),
                expected=render_value(value),
                params=(("previous_year", year - 1), ("year", year), ("why", why)),
            )
        )
    return problems


def suspicious_changes(
    now: Collection, before: Collection, criteria: CriteriaYear, previous: CriteriaYear
) -> list[Problem]:
    """Warnings for every input whose value moved suspiciously since the previous year.

    Only inputs with the same code and kind in both years' criteria are compared. A form
    with errors is compared on its correctly read values (``Collection.unaccepted``), so
    its warnings come in the same round as its errors.
    """
    kinds = {
        code: inp.kind
        for cset in criteria.levels.values()
        for code, inp in cset.inputs.items()
        if any(
            code in p.inputs and p.inputs[code].kind == inp.kind for p in previous.levels.values()
        )
    }
    problems: list[Problem] = []
    for uid, sub in sorted({**now.unaccepted, **now.submissions}.items()):
        old = before.submissions.get(uid) or before.unaccepted.get(uid)
        if old is not None:
            problems += _unit_changes(sub, old, kinds, now.year)
    return problems


def compare_with_previous(inputs: YearInputs) -> list[Problem]:
    """``validate``'s look at the previous year: suspicious changes since the units' last
    forms, ``mapping.csv``'s codes, and a warning when that year cannot be read."""
    year = inputs.year - 1
    folder = DataLayout(inputs.data_dir)
    if year not in folder.years():
        return []
    where = folder.submissions(year)
    try:
        before = load(inputs.data_dir, year)
    except ScoringError as exc:
        found = exc.as_phrase()
        return [
            file_problem(where, "previous.unreadable", severity="warning", year=year, found=found)
        ]
    problems = []
    if errors := before.collection.errors:
        kind, first = "previous.has_errors", errors[0]
        problems.append(
            file_problem(where, kind, severity="warning", year=year, found=len(errors), first=first)
        )
    problems += suspicious_changes(
        inputs.collection, before.collection, inputs.criteria, before.criteria
    )
    problems += mapping_problems(inputs.data_dir, inputs.year, inputs.criteria, before.criteria)
    return problems
