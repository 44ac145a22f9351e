"""What reading a year's forms gives: each accepted form's answers, and the year's problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from scoring.inputs.submissions.problems import Problem
from scoring.model.rules import Value


@dataclass(frozen=True)
class Submission:
    """The checked answers of one unit's returned form."""

    def __repr__(self) -> str:  # a form holds self-assessed values only
        return f"Submission({self.unit_id}, {self.path.name}, {len(self.values)} values)"

    unit_id: str
    path: Path
    sha256: str
    values: dict[str, Value]  # self-assessed: all a returned form can ever hold
    evidence: dict[str, str]
    notes: dict[str, str]
    cells: dict[str, str]  # input code -> address of its "Giá trị" cell
    modified: datetime | None = None  # the workbook's own "modified" property


@dataclass
class Collection:
    """Every returned form of one year, with every problem found in them."""

    year: int
    submissions: dict[str, Submission]
    problems: list[Problem]
    expected: list[str]  # ids of the units valid in the year
    files: dict[str, list[Path]] = field(default_factory=dict)  # unit id -> its files
    # unit id -> the office's verification (scoring.inputs.verification.Verification), attached
    # after the forms are read: a unit's own file is never a source of verified figures.
    verifications: dict[str, Any] = field(default_factory=dict)
    # unit id -> the values read correctly from its form with errors: kept apart, never
    # scored, so that validate's suspicious-change check shows every problem in one round.
    unaccepted: dict[str, Submission] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (
            f"Collection(year={self.year}, forms={len(self.submissions)}, "
            f"expected={len(self.expected)}, problems={len(self.problems)})"
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def missing(self) -> list[str]:
        """Expected units that sent no file at all."""
        return [uid for uid in self.expected if uid not in self.files]

    def summary(self) -> dict[str, Any]:
        """Counts and unit lists for a report's "forms received" table."""
        missing = set(self.missing)
        troubled = {p.unit_id for p in self.problems if p.unit_id and p.unit_id not in missing}
        lists = {
            "expected": list(self.expected),
            "received": sorted(self.files),
            "accepted": sorted(self.submissions),
            "missing": sorted(missing),
            "verified": sorted(u for u in self.verifications if u in self.submissions),
            "with_problems": sorted(troubled),
            "with_errors": sorted({p.unit_id for p in self.errors if p.unit_id} - missing),
        }
        result: dict[str, Any] = {"year": self.year}
        result |= {name: len(units) for name, units in lists.items()}
        result |= {f"{name}_units": units for name, units in lists.items()}
        result |= {"errors": len(self.errors), "warnings": len(self.warnings)}
        return result
