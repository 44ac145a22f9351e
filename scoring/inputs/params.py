"""Checking a notebook's parameters on entry, whoever passes them: papermill by hand
(``-p unit_id 06808``) passes the number 6808, so an id is matched by its digits, and an
unknown unit or year gets a message listing what exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from scoring.inputs.criteria import years_available
from scoring.text.errors import ScoringError
from scoring.text.i18n import N_

UNITS_FILE = "units.csv"


def data_dir(value: str | Path) -> Path:
    """The data folder: ``value``, or for a relative ``.../data`` without ``units.csv``
    from here, the nearest ``data`` folder with one from the working folder upwards (the
    default ``../data`` of a notebook run from the project root)."""
    given = Path(value)
    if (given / UNITS_FILE).is_file():
        return given
    if not given.is_absolute() and given.name == "data":
        here = Path.cwd()
        for folder in (here, *here.parents):
            if (folder / "data" / UNITS_FILE).is_file():
                return folder / "data"
    what = N_(
        "Không tìm thấy thư mục dữ liệu '%(value)s' (cần có tệp %(file)s), "
        "tính từ thư mục đang chạy %(cwd)s"
    )
    raise ScoringError(what, value=value, file=UNITS_FILE, cwd=Path.cwd())


def year(data: Path, value: object) -> int:
    """``value`` as a year that has a criteria set under ``data``."""
    known = years_available(data) if (data / "criteria").is_dir() else []
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number is not None and number in known:
        return number
    if not known:
        what = N_("Năm '%(value)s' không có dữ liệu trong %(data)s; không có năm nào có dữ liệu")
        raise ScoringError(what, value=value, data=data)
    what = N_("Năm '%(value)s' không có dữ liệu trong %(data)s; các năm có dữ liệu: %(years)s")
    raise ScoringError(what, value=value, data=data, years=", ".join(map(str, known)))


def unit_id(
    value: object, known: Iterable[str], year: int, hint: str = "", missing: bool = False
) -> str:
    """``value`` as one of the ``known`` unit ids of ``year`` (ints matched by their digits):
    units with scores, or (``missing``) without a form; ``hint`` ends the error."""
    ids = sorted(known)
    text = str(value).strip()
    if text in ids:
        return text
    if text.isdigit():
        same = [uid for uid in ids if uid.isdigit() and int(uid) == int(text)]
        if len(same) == 1:
            return same[0]
    listed = ", ".join(ids[:40]) + (" ..." if len(ids) > 40 else "")
    if missing:
        text = N_(
            "Đơn vị '%(value)s' không thuộc các đơn vị chưa nộp phiếu năm %(year)s; "
            "các mã đơn vị chưa nộp phiếu: %(listed)s%(hint)s"
        )
    else:
        text = N_(
            "Đơn vị '%(value)s' không thuộc các đơn vị có điểm năm %(year)s; "
            "các mã đơn vị có điểm: %(listed)s%(hint)s"
        )
    hint = ". " + hint if hint else ""
    raise ScoringError(text, value=value, year=year, listed=listed or "—", hint=hint)
