"""Errors an analyst can read: each names the file and what was expected."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.i18n import Phrase


class ScoringError(Exception):
    """Base of every error the tool reports to its user without a traceback.

    ``message`` is a Vietnamese msgid of the catalogue (``scoring.i18n``), with
    ``%(name)s`` fields filled from ``params`` when the error is shown in a language:
    ``ScoringError(N_("không đọc được %(path)s"), path=p)``. ``en`` is the former way of
    giving the English text beside a finished Vietnamese one; it is still accepted from
    callers not yet moved to the catalogue.
    """

    def __init__(self, message: str = "", *, en: str | None = None, **params: object) -> None:
        self.msgid = message
        self.params = params
        self.en = en
        super().__init__(self.text("vi"))

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled (a worker process, the cache) with its msgid and fields, so that it can
        # still be shown in any language where it is unpickled.
        return (_restore, (type(self), self.args, self.__dict__))

    def as_phrase(self) -> Phrase:
        """The error as a part of a longer message (every problem of a year's files)."""
        from scoring.i18n import Phrase

        return Phrase(self.msgid, tuple(self.params.items()))

    def shown_in(self, lang: str) -> ScoringError:
        """The error whose ``str()`` is in ``lang``, for callers that print it as is."""
        self.args = (self.text(lang),)
        return self

    def text(self, lang: str = "vi") -> str:
        if lang == "en" and self.en:
            return self.en
        from scoring import i18n

        if self.en is not None or (not self.params and "%(" not in self.msgid):
            # A finished sentence (old style): translated only when the catalogue has it.
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
