"""``validate``'s look at the year before: suspicious changes, renamed criteria, and a
warning when that year cannot be read."""

from __future__ import annotations

from scoring.analysis.changes import suspicious_changes
from scoring.analysis.compare import mapping_problems
from scoring.inputs.layout import DataLayout
from scoring.inputs.submissions import Problem, file_problem
from scoring.inputs.year import load
from scoring.model.result import YearInputs
from scoring.text.errors import ScoringError


def compare_with_previous(inputs: YearInputs) -> list[Problem]:
    """``validate``'s look at the previous year: suspicious changes since the units' last
    forms (``scoring.analysis.changes``), and a warning when that year cannot be read."""
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
    if before.collection.errors:
        errors = before.collection.errors
        problems.append(
            file_problem(
                where,
                "previous.has_errors",
                severity="warning",
                year=year,
                found=len(errors),
                first=errors[0],
            )
        )
    problems += suspicious_changes(
        inputs.collection, before.collection, inputs.criteria, before.criteria
    )
    problems += mapping_problems(inputs.data_dir, inputs.year, inputs.criteria, before.criteria)
    return problems
