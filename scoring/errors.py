"""Errors an analyst can read: each names the file and what was expected."""


class ScoringError(Exception):
    """Base of every error the tool reports to its user without a traceback.

    The message is Vietnamese; ``en``, when given, is the same in English (``--lang en``).
    """

    def __init__(self, message: str = "", *, en: str | None = None) -> None:
        super().__init__(message)
        self.en = en

    def text(self, lang: str = "vi") -> str:
        return self.en if lang == "en" and self.en else str(self)


class CriteriaError(ScoringError):
    """A criteria file is missing, malformed or inconsistent."""


class UnitsError(ScoringError):
    """The unit list is missing or malformed."""


class SubmissionError(ScoringError):
    """A returned form cannot be used (raised only where a list of problems is not possible)."""
