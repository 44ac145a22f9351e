"""Turning what people really type into a form cell into a checked value.

Units fill the forms by hand, in Excel or LibreOffice, in Vietnamese: decimal commas,
thousands dots, "85%", "Có"/"co"/"x", text pasted from Word with non-breaking spaces,
numbers stored as text. All of that is accepted; the rest is refused saying what was found
(quoted as typed) and what was expected, in Vietnamese or English (whose examples keep
the Vietnamese separators: they say what to type in the form). Pure (no openpyxl): the
reader passes the raw cell value and whether the cell had a percent number format.

Number text rules (for the analysts; see also the form's instructions):

* A comma is the decimal separator ("43,72"), a dot groups thousands ("1.234.567",
  "1.234,5"), as in Vietnamese. When both appear, the last one is the decimal separator,
  so the English "1,234.5" is also read as 1234,5. Spaces may group thousands too
  ("1 234").
* A single comma is always decimal: "1,234" is 1,234 (so it is refused for a count).
* A single dot followed by exactly three digits ("1.234") is a thousands separator for
  counts and amounts (1234, the Vietnamese reading the form asks for), but a decimal
  point for shares and points, which are small numbers ("43.72", "12.500" → 12,5).
  Any other single dot ("0.5", "12.5", "0.123") is a decimal point.
* A trailing "%" is allowed for shares only. A share cell that Excel stores as a fraction
  with a percent format (0,85 shown as 85%) is read as 85.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, time

from scoring.model.rules import NA, Value
from scoring.text import numfmt
from scoring.text.i18n import N_, Phrase, phrase, render

NA_TEXT = "Không áp dụng"
YES_TEXT = "Có"
NO_TEXT = "Không"

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
_NA_WORDS = {"khong ap dung", "kad", "k.a.d", "n/a", "na", "n.a", "not applicable"}
_YES_WORDS = {"co", "c", "x", "yes", "y", "true", "1", "✓", "✔"}
_NO_WORDS = {"khong", "ko", "k", "no", "n", "false", "0", "chua", "chua co"}
_NUMBER = re.compile(r"^[+-]?[\d.,]*\d[\d.,]*$")
_GROUPED = {".": re.compile(r"^\d{1,3}(\.\d{3})+$"), ",": re.compile(r"^\d{1,3}(,\d{3})+$")}
_SPACE_GROUPED = re.compile(r"^[+-]?\d{1,3}( \d{3})+([.,]\d+)?%?$")

EXAMPLES = {
    "count": N_("một số nguyên không âm (ví dụ 12 hoặc 1.234)"),
    "share": N_("một tỷ lệ phần trăm từ 0 đến 100 (ví dụ 85 hoặc 43,72%)"),
    "amount": N_("một số không âm (ví dụ 12 hoặc 43,72)"),
    "points": N_("một số điểm"),
    "yes_no": N_("'Có' hoặc 'Không'"),
}
"""What a cell of each kind holds (msgids: ``scoring.text.i18n`` gives them in English)."""


VALUE_KINDS: dict[str, str] = {
    **{f"value.not_{kind}": N_("có %(found)s, cần %(expected)s") for kind in EXAMPLES},
    **{
        kind: N_("có %(found)s (%(why)s), cần %(expected)s")
        for kind in (
            "value.not_finite value.percent_not_share value.negative value.comma_thousands "
            "value.not_whole value.share_above_100 value.above_maximum"
        ).split()
    },
    "value.na_not_allowed": N_(
        "có '%(found)s' nhưng tiêu chí này không được chọn '%(found)s'; cần %(expected)s"
    ),
}
"""The sentence of each kind of refused cell value: found, (why,) expected."""


class ValueProblem(ValueError):
    """A cell value that cannot be used: a ``kind`` ("value.negative"), what was
    ``found`` and what was ``expected`` (phrases rendered in the reader's language)."""

    def __init__(
        self, kind: str, found: Phrase, expected: Phrase, why: Phrase | None = None
    ) -> None:
        self.kind, self.found, self.expected, self.why = kind, found, expected, why
        super().__init__(self.text("vi"))

    def text(self, lang: str = "vi") -> str:
        params = {"found": self.found, "expected": self.expected, "why": self.why or ""}
        return render(VALUE_KINDS[self.kind], lang, params)


def normalize_text(text: str) -> str:
    """NFC, every kind of space made one plain space, trimmed: how text is compared."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Lower case without diacritics ("Không" → "khong"), for tolerant word matching."""
    decomposed = unicodedata.normalize("NFD", normalize_text(text).casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d")


def format_number_vi(number: float) -> str:
    """A number the Vietnamese way in a message: "1.234,5", up to 6 decimals, no zeros."""
    return numfmt.number(number, 6, trim=True)


def _describe(raw: object) -> Phrase:
    """How a found value is named in a message: text quoted as typed, numbers written out."""
    if isinstance(raw, bool):
        return phrase(N_("giá trị logic %(word)s"), word="TRUE" if raw else "FALSE")
    if isinstance(raw, int | float):
        if not _finite(raw):
            return phrase(N_("số %(digits)s"), digits=quote(str(raw)))
        return phrase("%(n)s", n=float(raw))
    if isinstance(raw, datetime | date):
        return phrase(N_("ngày tháng %(date)s"), date=f"{raw:%d/%m/%Y}")
    if isinstance(raw, time):
        return phrase(N_("giờ %(time)s"), time=f"{raw:%H:%M}")
    return phrase("%(text)s", text=quote(str(raw)))


QUOTE_LIMIT = 80


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` as a message quotes it: normalised, in quotes, cut to ``limit`` characters
    ("…" after a cut), control characters escaped: a 100 000-character cell must not
    become a 100 000-character message, nor a typed newline a forged line."""
    text = escape_controls(normalize_text(text))
    if len(text) > limit:
        return f"'{text[:limit]}…'"
    return f"'{text}'"


def escape_controls(text: str) -> str:
    """Control characters written as escapes ("\\n", "\\x0b"): one problem, one line.
    (The test of the whole text first: a build may print thousands of problem lines.)"""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def _finite(number: int | float) -> bool:
    """Whether ``number`` is a float that is not inf or nan (a 400-digit int is not)."""
    try:
        return math.isfinite(float(number))
    except OverflowError:
        return False


def _expected(kind: str, allow_na: bool, maximum: float | None) -> Phrase:
    """What the cell should hold, with an example of how to type it in the form."""
    if kind == "points" and maximum is not None:
        what = phrase(N_("một số điểm từ 0 đến %(max)s (ví dụ 2 hoặc 2,5)"), max=float(maximum))
    elif kind == "points":
        what = phrase(N_("một số điểm từ 0 (ví dụ 2 hoặc 2,5)"))
    else:
        what = phrase(EXAMPLES[kind])
    if allow_na:
        return phrase(N_("%(what)s hoặc '%(na)s'"), what=what, na=NA_TEXT)
    return what


def _problem(
    raw: object,
    kind: str,
    allow_na: bool,
    maximum: float | None,
    why: tuple[str, Phrase] | None = None,
) -> ValueProblem:
    """The refusal of ``raw``: what was found, why it is wrong if not obvious, what to type.
    ``why`` is (problem kind, reason); without it the kind is "value.not_<input kind>"."""
    problem_kind, reason = why if why else (f"value.not_{kind}", None)
    return ValueProblem(problem_kind, _describe(raw), _expected(kind, allow_na, maximum), reason)


def parse_number_text(text: str, kind: str) -> tuple[float, bool] | None:
    """The number written in ``text`` and whether it ended with "%"; None if not a number.

    See the module docstring for the separator rules; ``kind`` only decides how a lone
    "1.234" is read.
    """
    text = normalize_text(text).replace("\u2212", "-")
    if _SPACE_GROUPED.match(text):
        text = text.replace(" ", "")
    percent = text.endswith("%")
    if percent:
        text = text[:-1].rstrip()
    if not _NUMBER.match(text):
        return None
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("+-")
    digits = _plain_digits(body, kind)
    if digits is None:
        return None
    return sign * float(digits), percent


def _plain_digits(body: str, kind: str) -> str | None:
    """``body`` rewritten with no grouping and a "." decimal point, or None if malformed."""
    if "." in body and "," in body:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        group = "." if decimal == "," else ","
        whole, _, frac = body.rpartition(decimal)
        if not _GROUPED[group].match(whole) or not frac.isdigit():
            return None
        return f"{whole.replace(group, '')}.{frac}"
    separator = "," if "," in body else "."
    if body.count(separator) > 1:
        return body.replace(separator, "") if _GROUPED[separator].match(body) else None
    if separator not in body:
        return body
    whole, frac = body.split(separator)
    if not frac.isdigit() or not (whole.isdigit() or whole == ""):
        return None
    lone_thousands = (
        separator == "."
        and kind in ("count", "amount")
        and len(frac) == 3
        and 1 <= len(whole) <= 3
        and not whole.startswith("0")
    )
    return whole + frac if lone_thousands else f"{whole or '0'}.{frac}"


def parse_value(
    raw: object,
    kind: str,
    *,
    allow_na: bool,
    maximum: float | None,
    is_percent_format: bool = False,
) -> Value | None:
    """The checked value of one cell, None when empty; raise ValueProblem when unusable.

    ``kind`` is an input kind (count, share, yes_no, amount, points); ``maximum`` bounds
    points; ``allow_na`` lets "Không áp dụng" through as NA.
    """
    if raw is None or (isinstance(raw, str) and normalize_text(raw) == ""):
        return None
    if isinstance(raw, str) and fold(raw).rstrip(".") in _NA_WORDS:
        if allow_na:
            return NA
        raise ValueProblem(
            "value.na_not_allowed", phrase("%(t)s", t=NA_TEXT), _expected(kind, False, maximum)
        )
    if kind == "yes_no":
        return _parse_yes_no(raw, allow_na)
    fail = functools.partial(_problem, raw, kind, allow_na, maximum)
    number = _to_number(raw, kind, is_percent_format, fail)
    if number < 0:
        raise fail(("value.negative", phrase(N_("số âm"))))
    if kind == "count" and abs(number - round(number)) > 1e-9:
        if isinstance(raw, str) and re.search(r"\d,\d{3}$", normalize_text(raw)):
            reason = N_("dấu phẩy là dấu thập phân; số hàng nghìn viết 1.234")
            raise fail(("value.comma_thousands", phrase(reason)))
        raise fail(("value.not_whole", phrase(N_("số lượng phải là số nguyên"))))
    if kind == "share" and number > 100:
        raise fail(("value.share_above_100", phrase(N_("tỷ lệ lớn hơn 100%"))))
    if kind == "points" and maximum is not None and number > maximum + 1e-9:
        why = phrase(N_("vượt điểm tối đa %(max)s"), max=float(maximum))
        raise fail(("value.above_maximum", why))
    return float(round(number)) if kind == "count" else number


def _parse_yes_no(raw: object, allow_na: bool) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        word = fold(raw).rstrip(".")
        if word in _YES_WORDS:
            return True
        if word in _NO_WORDS:
            return False
    raise _problem(raw, "yes_no", allow_na, None)


Refuse = Callable[..., ValueProblem]


def _to_number(raw: object, kind: str, is_percent_format: bool, fail: Refuse) -> float:
    """The number in a cell, typed as text or stored as a number."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise fail()
    parsed = parse_number_text(raw, kind) if isinstance(raw, str) else (raw, False)
    if parsed is None:
        raise fail()
    number, percent = parsed
    if not _finite(number):
        raise fail(("value.not_finite", phrase(N_("không phải một số hữu hạn"))))
    if percent and kind != "share":
        raise fail(("value.percent_not_share", phrase(N_("dấu % chỉ dùng cho tỷ lệ"))))
    number = float(number)
    if not is_percent_format or isinstance(raw, str):
        return number
    if kind == "share":
        return round(number * 100, 9)
    # 0,5 shown as "50 %": which one the unit meant is a guess
    reason = phrase(
        N_("ô định dạng phần trăm, Excel hiển thị %(shown)s %%; chỉ tỷ lệ dùng định dạng %%"),
        shown=render_value(round(number * 100, 9)),
    )
    raise fail(("value.percent_not_share", reason))


def render_value(value: Value | None) -> str:
    """How a parsed value is written back in Vietnamese: "43,72", "Có", "Không áp dụng"."""
    if value is None:
        return ""
    if value is NA:
        return NA_TEXT
    if isinstance(value, bool):
        return YES_TEXT if value else NO_TEXT
    assert isinstance(value, float | int)
    return format_number_vi(float(value))
