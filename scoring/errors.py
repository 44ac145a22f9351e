"""Errors an analyst can read: each names the file and what was expected."""


class ScoringError(Exception):
    """Base of every error the tool reports to its user without a traceback."""


class CriteriaError(ScoringError):
    """A criteria file is missing, malformed or inconsistent."""


class UnitsError(ScoringError):
    """The unit list is missing or malformed."""


class SubmissionError(ScoringError):
    """A returned form cannot be used (raised only where a list of problems is not possible)."""
