"""One message catalogue per language: Vietnamese text in, the analyst's language out.

The Vietnamese sentence in the code is the msgid; the English texts are in
``scoring/text/locale/en/LC_MESSAGES/scoring.po`` (``make messages``, docs/messages.md),
read as is at run time so no compiled .mo file can fall behind it. A text the catalogue
lacks is shown in Vietnamese with a ``MissingMessage`` warning, where the analyst sees it
(the console, a notebook's stderr; the tests make it an error, see pyproject). Data from
the inputs is shown as given (``translate_data``)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from scoring.text import numfmt
from scoring.text.lang import LANGUAGES

if TYPE_CHECKING:
    import jinja2

LOCALE = Path(__file__).resolve().parent / "locale"
DOMAIN = "scoring"
_FIELDS = re.compile(r"%\(\w+\)s")
_WORDS = re.compile(r"[^\W\d_]")


class MissingMessage(UserWarning):
    """A text shown to the user has no translation in the reader's language: a warning, not
    a hidden record, so it is seen where it happens; the standard warning filters decide
    whether it is shown once, always, or raised (the tests raise it)."""


class Phrase(NamedTuple):
    """A part of a sentence kept as its msgid and fields, rendered with the sentence in the
    reader's language: "(không ghi)" in "phiên bản %(found)s" is "(none given)" in English."""

    msgid: str
    params: tuple[tuple[str, object], ...] = ()


def phrase(msgid: str, **params: object) -> Phrase:
    return Phrase(msgid, tuple(params.items()))


class Lines(tuple[Phrase, ...]):
    """Phrases shown one per line (every problem of a criteria file at once)."""

    __slots__ = ()


def N_(text: str) -> str:
    """Mark ``text`` for extraction where it is defined; it is translated where shown."""
    return text


# Texts the catalogue must hold that no marker at their site gives to the extraction:
# the band names of data/criteria/<year>/bands.yaml (data, translated when known).
DATA_AND_PENDING = (N_("Tốt"), N_("Khá"), N_("Trung bình"), N_("Yếu"))


class ScoringError(Exception):
    """Base of every error the tool reports to its user without a traceback: a msgid whose
    fields are filled in the language it is shown in (``ScoringError(N_("... %(path)s"),
    path=p)``)."""

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
        return Phrase(self.msgid, tuple(self.params.items()))

    def shown_in(self, lang: str) -> ScoringError:
        """The error whose ``str()`` is in ``lang``, for callers that print it as is."""
        self.args = (self.text(lang),)
        return self

    def text(self, lang: str = "vi") -> str:
        if not self.params and "%(" not in self.msgid:
            # A sentence without fields: often a library's own text passed on as is.
            return translate_data(self.msgid, lang)
        return render(self.msgid, lang, self.params)


def _restore(
    cls: type[ScoringError], args: tuple[object, ...], state: dict[str, object]
) -> ScoringError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


class _Catalogue(NamedTuple):
    texts: dict[str, str]  # msgid -> translation
    forms: dict[str, tuple[str, ...]]  # singular msgid -> the plural entry's forms
    plural: Callable[[int], int]  # count -> index of its form (the .po's Plural-Forms)


def catalogue(lang: str) -> Mapping[str, str]:
    """msgid -> translation of the non-fuzzy, translated entries of ``lang``'s .po file."""
    return _read(lang).texts


@cache
def _read(lang: str) -> _Catalogue:
    import gettext as stdlib_gettext

    from babel.messages.pofile import read_po

    with open(po_path(lang), "rb") as fh:
        entries = read_po(fh, locale=lang, domain=DOMAIN)
    texts: dict[str, str] = {}
    forms: dict[str, tuple[str, ...]] = {}
    for message in entries:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, str) and isinstance(message.string, str) and message.string:
            texts[message.id] = message.string
        elif isinstance(message.id, tuple) and isinstance(message.string, tuple | list):
            if all(message.string):
                forms[message.id[0]] = tuple(message.string)
    return _Catalogue(texts, forms, stdlib_gettext.c2py(entries.plural_expr))


def located(path: object, line: int | None = None, column: str | None = None) -> Phrase:
    """Where in an input file: "data/units.csv, dòng 3, cột id" ("..., line 3, column id")."""
    if line is None:
        return phrase("%(path)s", path=str(path))
    if column is None:
        return phrase(N_("%(path)s, dòng %(line)s"), path=str(path), line=line)
    return phrase(
        N_("%(path)s, dòng %(line)s, cột %(column)s"), path=str(path), line=line, column=column
    )


def check(lang: str) -> str:
    """``lang`` itself when it is a language the tool speaks."""
    if lang not in LANGUAGES:
        raise ScoringError(
            N_("Ngôn ngữ '%(lang)s' không hỗ trợ; chọn một trong: %(choices)s"),
            lang=lang,
            choices=", ".join(LANGUAGES),
        )
    return lang


def gettext(text: str, lang: str = "vi") -> str:
    """``text`` (a Vietnamese msgid) in ``lang``; a missing entry is recorded (or raises).
    A text of fields and punctuation only ("%(where)s: %(what)s") is the same everywhere."""
    if lang == "vi" or not _WORDS.search(_FIELDS.sub("", text)):
        return text
    found = catalogue(check(lang)).get(text)
    return found if found is not None else _missing(text, text, lang)


def _missing(msgid: str, shown: str, lang: str) -> str:
    """``shown`` for a ``msgid`` the catalogue of ``lang`` lacks, with a warning."""
    text = f"Danh mục ngôn ngữ '{lang}' thiếu câu {msgid!r}: câu này hiện bằng tiếng Việt"
    warnings.warn(text, MissingMessage, stacklevel=3)
    return shown


def ngettext(one: str, many: str, n: int, lang: str = "vi") -> str:
    """The form of ``one`` (Vietnamese has one form: ``many``) that ``lang`` writes for ``n``,
    by its .po file's ``Plural-Forms``; a missing entry as in ``gettext``."""
    if lang == "vi":
        return one if n == 1 else many
    found = _read(check(lang))
    if one in found.forms:
        forms = found.forms[one]
        return forms[min(found.plural(n), len(forms) - 1)]
    return _missing(one, one if n == 1 else many, lang)


def render_plural(
    msgid: str, n: int, lang: str = "vi", params: Mapping[str, object] | None = None
) -> str:
    """``render`` for a sentence whose words depend on the count ``n``: a plural entry of
    the catalogue (extracted with msgid_plural = msgid, Vietnamese having one form)."""
    return _fill(ngettext(msgid, msgid, n, lang), lang, params)


def translate_data(text: str, lang: str = "vi") -> str:
    """A text from the inputs (a band or level name): translated when the catalogue knows
    it, shown as written otherwise (bands.yaml may name bands of its own)."""
    if lang == "vi":
        return text
    return catalogue(check(lang)).get(text, text)


def render(msgid: str, lang: str = "vi", params: Mapping[str, object] | None = None) -> str:
    """The sentence ``msgid`` in ``lang`` with its ``%(name)s`` fields filled: a ``Phrase``
    field is rendered in ``lang`` too, a float is written as that language writes numbers
    ("43,72" / "43.72"); anything else is shown as given."""
    return _fill(gettext(msgid, lang), lang, params)


def _fill(template: str, lang: str, params: Mapping[str, object] | None) -> str:
    if not params:
        return template
    return template % {name: _field(value, lang) for name, value in params.items()}


def _field(value: object, lang: str) -> object:
    if isinstance(value, Phrase):
        return render(value.msgid, lang, dict(value.params))
    if isinstance(value, Lines):
        return "\n".join(str(_field(line, lang)) for line in value)
    localized = getattr(value, "localized", None)  # a Problem quoted in another one
    if callable(localized):
        return localized(lang)
    if isinstance(value, float):
        return numfmt.number(value, 6, trim=True, lang="en" if lang == "en" else "vi")
    return value


def translator(lang: str) -> Callable[[str], str]:
    """The function that puts a Vietnamese text into ``lang``: ``_ = translator(lang)``."""
    return partial(gettext, lang=check(lang))


def install(env: jinja2.Environment, lang: str) -> jinja2.Environment:
    """Give a Jinja environment (with the i18n extension) ``_()`` for ``lang``: newstyle, so
    ``_("Hạng %(rank)s", rank=r)`` formats and escapes its arguments."""
    translate = translator(lang)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=translate, ngettext=lambda one, many, n: ngettext(one, many, n, lang), newstyle=True
    )
    return env
