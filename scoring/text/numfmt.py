"""Numbers and dates as a Vietnamese reader expects them ("1.234,5", "150,77/170",
dd/mm/yyyy), or with a decimal point for ``lang="en"``."""

from __future__ import annotations

import datetime as dt
import math


def number(value: float | None, decimals: int = 2, *, trim: bool = False, lang: str = "vi") -> str:
    """Decimal comma, thousands dot; ``trim`` drops trailing zeros ("20" not "20,00")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if round(value, decimals) == 0:
        text = text.lstrip("-")
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def points(value: float | None, lang: str = "vi") -> str:
    """Points always with two decimals, as the province publishes them ("43,72")."""
    return number(value, 2, lang=lang)


def maximum(value: float, lang: str = "vi") -> str:
    """Maxima are round numbers: "170", "12,5"."""
    return number(value, 2, trim=True, lang=lang)


def score(value: float, max_value: float, lang: str = "vi") -> str:
    return f"{points(value, lang)}/{maximum(max_value, lang)}"


def percent(value: float | None, decimals: int = 1, lang: str = "vi") -> str:
    return "–" if value is None else f"{number(value, decimals, lang=lang)}%"


def signed(value: float | None, decimals: int = 2, lang: str = "vi") -> str:
    if value is None:
        return "–"
    text = number(value, decimals, lang=lang)
    return text if text.startswith("-") or text.strip("0,.") == "" else f"+{text}"


def date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")
