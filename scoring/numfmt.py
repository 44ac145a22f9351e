"""Numbers and dates as a Vietnamese reader expects them: "1.234,5", "150,77/170", dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt
import math


def number(value: float | None, decimals: int = 2, *, trim: bool = False) -> str:
    """Decimal comma, thousands dot; ``trim`` drops trailing zeros ("20" not "20,00")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if round(value, decimals) == 0:
        text = text.lstrip("-")
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def points(value: float | None) -> str:
    """Points always with two decimals, as the province publishes them ("43,72")."""
    return number(value, 2)


def maximum(value: float) -> str:
    """Maxima are round numbers: "170", "12,5"."""
    return number(value, 2, trim=True)


def score(value: float, max_value: float) -> str:
    return f"{points(value)}/{maximum(max_value)}"


def percent(value: float | None, decimals: int = 1) -> str:
    return "–" if value is None else f"{number(value, decimals)}%"


def signed(value: float | None, decimals: int = 2) -> str:
    if value is None:
        return "–"
    text = number(value, decimals)
    return text if text.startswith("-") or text.strip("0,") == "" else f"+{text}"


def date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")
