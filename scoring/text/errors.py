"""Errors an analyst can read: each names the file and what was expected."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.text.i18n import Phrase


class ScoringError(Exception):
    """Base of every error the tool reports to its user without a traceback.

    ``message`` is a Vietnamese msgid of the catalogue (``scoring.text.i18n``), with
    ``%(name)s`` fields filled from ``params`` when the error is shown in a language:
    ``ScoringError(N_("không đọc được %(path)s"), path=p)``.
    """

    def __init__(self, message: str = "", **params: object) -> None:
        self.msgid = message
        self.params = params
        super().__init__(self.text("vi"))

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled (a worker process, the cache) with its msgid and fields, so that it can
        # still be shown in any language where it is unpickled.
        return (_restore, (type(self), self.args, self.__dict__))

    def as_phrase(self) -> Phrase:
        """The error as a part of a longer message (every problem of a year's files)."""
        from scoring.text.i18n import Phrase

        return Phrase(self.msgid, tuple(self.params.items()))

    def shown_in(self, lang: str) -> ScoringError:
        """The error whose ``str()`` is in ``lang``, for callers that print it as is."""
        self.args = (self.text(lang),)
        return self

    def text(self, lang: str = "vi") -> str:
        from scoring.text import i18n

        if not self.params and "%(" not in self.msgid:
            # A sentence without fields: often a library's own text passed on as is.
            return i18n.translate_data(self.msgid, lang)
        return i18n.render(self.msgid, lang, self.params)


def _restore(
    cls: type[ScoringError], args: tuple[object, ...], state: dict[str, object]
) -> ScoringError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class CriteriaError(ScoringError):
    """A criteria file is missing, malformed or inconsistent."""


class UnitsError(ScoringError):
    """The unit list is missing or malformed."""


class SubmissionError(ScoringError):
    """A returned form cannot be used (raised only where a list of problems is not possible)."""
