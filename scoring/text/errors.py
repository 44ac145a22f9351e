"""Errors an analyst can read: each names the file and what was expected."""

from __future__ import annotations

from scoring.text.i18n import ScoringError

__all__ = ["CriteriaError", "ScoringError", "SubmissionError", "UnitsError"]


class CriteriaError(ScoringError):
    """A criteria file is missing, malformed or inconsistent."""


class UnitsError(ScoringError):
    """The unit list is missing or malformed."""


class SubmissionError(ScoringError):
    """A returned form cannot be used (raised only where a list of problems is not possible)."""
